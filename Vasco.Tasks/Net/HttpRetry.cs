using System.Net;
using System.Net.Http.Headers;
using Polly;
using Polly.Timeout;
using Polly.Retry;

namespace Vasco.Net;

/// <summary>
/// What the clients of shared archives (STScI, VizieR) agree on: which failures are worth another attempt,
/// how long to wait before it, and how to say what went wrong.
/// </summary>
public static class HttpRetry
{
    /// <summary>An HTTP client for an archive: gzip/deflate accepted, a Vasco User-Agent, no client-wide timeout.</summary>
    public static HttpClient CreateClient(HttpMessageHandler? handler)
    {
        var http = new HttpClient(handler ?? new SocketsHttpHandler { AutomaticDecompression = DecompressionMethods.GZip | DecompressionMethods.Deflate })
        {
            // Each attempt is limited by the caller's resilience pipeline instead.
            Timeout = Timeout.InfiniteTimeSpan,
        };
        http.DefaultRequestHeaders.UserAgent.Add(new ProductInfoHeaderValue("Vasco", typeof(HttpRetry).Assembly.GetName().Version?.ToString(3) ?? "0"));
        return http;
    }

    /// <summary>Statuses that say "not now" rather than "never": timeouts, rate limits, server errors.</summary>
    public static bool IsTransientStatus(int status) => status is 408 or 429 or >= 500;

    /// <summary>Exceptions of one attempt that another attempt may not meet: a timeout, a refused or broken connection.</summary>
    public static bool IsTransient(Exception e) => e is TimeoutRejectedException or HttpRequestException or IOException;

    /// <summary>What a 429 or 503 asks the client to wait, if it says (a date is measured on <paramref name="time"/>'s clock).</summary>
    public static TimeSpan? RetryAfter(HttpResponseMessage response, TimeProvider time) =>
        (int)response.StatusCode is 429 or 503 ? RetryAfter(response.Headers.RetryAfter, time) : null;

    static TimeSpan? RetryAfter(RetryConditionHeaderValue? header, TimeProvider time) => header switch
    {
        { Delta: { } delta } => delta,
        { Date: { } date } => date - time.GetUtcNow() is var wait && wait > TimeSpan.Zero ? wait : TimeSpan.Zero,
        _ => null,
    };

    /// <summary>
    /// Backoff for retry n (0-based): <paramref name="backoffBase"/>^(n+1) units, jittered by +-20% so parallel
    /// requests spread out; at least what Retry-After asks; never more than <paramref name="maxDelay"/>.
    /// </summary>
    public static TimeSpan Delay(int attemptNumber, TimeSpan unit, double backoffBase, TimeSpan maxDelay, TimeSpan? retryAfter)
    {
        var backoff = unit * Math.Pow(backoffBase, attemptNumber + 1) * (0.8 + 0.4 * Random.Shared.NextDouble());
        var delay = retryAfter is { } asked && asked > backoff ? asked : backoff;
        return delay > maxDelay ? maxDelay : delay;
    }

    /// <summary>An answer's text for a message: one line (line ends and tabs as spaces), at most 200 characters.</summary>
    public static string Excerpt(string text)
    {
        var flat = string.Join(' ', text.Split(['\r', '\n', '\t'], StringSplitOptions.RemoveEmptyEntries)).Trim();
        return flat.Length > 200 ? flat[..200] + "..." : flat;
    }

    /// <summary>A failed attempt's exception in words.</summary>
    public static string Describe(Exception e) => e switch
    {
        TimeoutRejectedException t => $"no complete answer within {t.Timeout.TotalSeconds:0.###} s",
        HttpRequestException h => $"connection failed ({h.Message})",
        IOException io => $"the connection broke during the answer ({io.Message})",
        _ => e.Message,
    };

    /// <summary>
    /// The retry pipeline both archive clients use: up to <see cref="ArchiveClientOptions.MaxRetries"/> retries of
    /// transient exceptions and of answers <paramref name="isTransient"/> calls transient,
    /// waiting per <see cref="Delay"/> (Retry-After wins) on <paramref name="timeProvider"/>'s clock; <paramref name="onRetry"/> records each.
    /// </summary>
    public static ResiliencePipeline<TAnswer> RetryPipeline<TAnswer>(ArchiveClientOptions options,
        Func<TAnswer, bool> isTransient, Func<TAnswer, TimeSpan?> retryAfter, Action<OnRetryArguments<TAnswer>> onRetry, TimeProvider timeProvider)
    {
        var retry = new ResiliencePipelineBuilder<TAnswer> { TimeProvider = timeProvider };
        if (options.MaxRetries > 0)
            retry.AddRetry(new RetryStrategyOptions<TAnswer>
            {
                MaxRetryAttempts = options.MaxRetries,
                ShouldHandle = args => ValueTask.FromResult(args.Outcome.Exception is { } e && IsTransient(e)
                                                            || args.Outcome.Result is { } r && isTransient(r)),
                DelayGenerator = args => ValueTask.FromResult<TimeSpan?>(Delay(args.AttemptNumber, options.BackoffUnit, options.BackoffBase, options.MaxDelay,
                    args.Outcome.Result is { } r ? retryAfter(r) : null)),
                OnRetry = args =>
                {
                    onRetry(args);
                    return ValueTask.CompletedTask;
                },
            });
        return retry.Build();
    }

    /// <summary>The time limit of one attempt (<see cref="ArchiveClientOptions.AttemptTimeout"/>), on <paramref name="timeProvider"/>'s clock.</summary>
    public static ResiliencePipeline AttemptTimeout(ArchiveClientOptions options, TimeProvider timeProvider) =>
        new ResiliencePipelineBuilder { TimeProvider = timeProvider }.AddTimeout(options.AttemptTimeout).Build();
}
