using System.Collections.Concurrent;
using Polly;
using Vasco.IO;

namespace Vasco.Net;

/// <summary>What a client makes of one answer: a usable answer (kept in the cache), a passing trouble (tried again), or a final refusal.</summary>
public enum AnswerKind
{
    Answer,
    Transient,
    Final,
}

/// <summary>One answer as the client reads it: its kind, what was read from it, and a line for the log.</summary>
public readonly record struct ReadAnswer<T>(AnswerKind Kind, T? Value, string Summary)
{
    public static ReadAnswer<T> Usable(T value, string summary) => new(AnswerKind.Answer, value, summary);
    public static ReadAnswer<T> Transient(string summary) => new(AnswerKind.Transient, default, summary);
    public static ReadAnswer<T> Final(string summary) => new(AnswerKind.Final, default, summary);
}

/// <summary>What came back over HTTP: the status, "HTTP 400 Bad Request" for messages, and the body.</summary>
public sealed record ArchiveReply(int Status, string Said, string Body);

/// <summary>
/// The outcome of one request through <see cref="ArchiveCaller"/>: the value read from the answer (Ok), or why there is
/// none; whether it came from the cache, how many attempts it took, and what happened on the way.
/// </summary>
public sealed record ArchiveCall<T>(bool Ok, T? Value, bool CacheHit, int Attempts, string? FailureReason, IReadOnlyList<string> Log)
{
    /// <summary>The archive refused the request for good (not an outage): asking again unchanged would be refused again.</summary>
    public bool Refused { get; init; }

    public int Retries => Math.Max(0, Attempts - 1);
}

/// <summary>
/// One request to a shared archive, made the way Vasco's archive clients make it: a usable answer is cached under a
/// path the client names (a hash of the whole query), and a cached one is read back instead of asking again; one
/// fetch per cache path at a time; at most MaxConcurrency requests in flight; requests spaced by a least interval;
/// each attempt limited in time; transient failures (408, 429, 5xx, time-outs, broken connections, answers the
/// client calls transient) retried with backoff. Failures are returned, not thrown (only cancellation throws).
/// The client says how to build the request (afresh for each attempt) and how to read an answer.
/// </summary>
public sealed class ArchiveCaller : IDisposable
{
    static readonly ResiliencePropertyKey<List<string>> LogKey = new("Vasco.ArchiveCallLog");

    readonly HttpClient _http;
    readonly SemaphoreSlim _inFlight;
    readonly RequestSpacing _spacing;
    readonly ResiliencePipeline<Attempt> _retry;
    readonly ResiliencePipeline _attemptTimeout;
    readonly ConcurrentDictionary<string, SemaphoreSlim> _keyLocks = new();

    /// <param name="minInterval">Least time between the starts of two requests.</param>
    /// <param name="handler">The HTTP handler; by default one that accepts gzip and deflate.</param>
    /// <param name="timeProvider">The clock of time limits, retry waits and spacing: the system's, or a test's fake one.</param>
    public ArchiveCaller(ArchiveClientOptions options, TimeSpan minInterval, HttpMessageHandler? handler = null, TimeProvider? timeProvider = null)
    {
        options.CheckRetries();
        ArgumentException.ThrowIfNullOrWhiteSpace(options.CacheDir);
        Time = timeProvider ?? TimeProvider.System;
        _http = HttpRetry.CreateClient(handler);
        _inFlight = new SemaphoreSlim(options.MaxConcurrency, options.MaxConcurrency);
        _spacing = new RequestSpacing(minInterval, Time);
        _retry = HttpRetry.RetryPipeline<Attempt>(options, a => a.Kind == AnswerKind.Transient, a => a.RetryAfter, args =>
        {
            var log = args.Context.Properties.GetValue(LogKey, null!);
            log.Add($"{(args.Outcome.Exception is { } e ? HttpRetry.Describe(e) : args.Outcome.Result!.Summary)}; retrying in {args.RetryDelay.TotalSeconds:0.###} s");
        }, Time);
        // Separate from the retries, so that waiting for a slot or a turn does not eat into an attempt's time.
        _attemptTimeout = HttpRetry.AttemptTimeout(options, Time);
    }

    public TimeProvider Time { get; }

    /// <summary>
    /// The answer to a request: from <paramref name="cachePath"/> when it holds one that <paramref name="read"/> finds
    /// usable (read as a status 200 reply), else from the archive. <paramref name="read"/> sees every reply whose status
    /// is not transient; <paramref name="errorText"/>, where given, pulls the archive's own message out of a transient
    /// reply's body for the log.
    /// </summary>
    public async Task<ArchiveCall<T>> CallAsync<T>(string cachePath, Func<HttpRequestMessage> request, Func<ArchiveReply, ReadAnswer<T>> read,
        Func<string, string?>? errorText = null, CancellationToken cancellationToken = default)
    {
        var log = new List<string>();
        var keyLock = _keyLocks.GetOrAdd(cachePath, _ => new SemaphoreSlim(1, 1));
        await keyLock.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            if (File.Exists(cachePath))
            {
                var cached = read(new ArchiveReply(200, "cache", await File.ReadAllTextAsync(cachePath, cancellationToken).ConfigureAwait(false)));
                if (cached.Kind == AnswerKind.Answer)
                {
                    log.Add($"cache {Path.GetFileName(cachePath)}: {cached.Summary}");
                    return new ArchiveCall<T>(true, cached.Value, true, 0, null, log);
                }
                // A damaged cache file is fetched again rather than trusted.
                log.Add($"cache {Path.GetFileName(cachePath)} is not usable ({cached.Summary}): asking again");
                File.Delete(cachePath);
            }

            var attempts = 0;
            var context = ResilienceContextPool.Shared.Get(cancellationToken);
            context.Properties.Set(LogKey, log);
            Attempt answer;
            try
            {
                answer = await _retry.ExecuteAsync(async ctx =>
                {
                    Interlocked.Increment(ref attempts);
                    return await AttemptAsync(request, read, errorText, ctx.CancellationToken).ConfigureAwait(false);
                }, context).ConfigureAwait(false);
            }
            catch (Exception e) when (HttpRetry.IsTransient(e))
            {
                answer = new Attempt(AnswerKind.Transient, default!, HttpRetry.Describe(e), null, null);
            }
            finally
            {
                ResilienceContextPool.Shared.Return(context);
            }
            log.Add(answer.Summary);
            switch (answer.Kind)
            {
                case AnswerKind.Answer:
                    Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(cachePath))!);
                    AtomicFile.WriteAllText(cachePath, answer.Body!);
                    return new ArchiveCall<T>(true, (T?)answer.Value, false, attempts, null, log);
                case AnswerKind.Final:
                    return new ArchiveCall<T>(false, default, false, attempts, answer.Summary, log) { Refused = true };
                default:
                    return new ArchiveCall<T>(false, default, false, attempts, $"{answer.Summary} (gave up after {attempts} attempt(s))", log);
            }
        }
        finally
        {
            keyLock.Release();
        }
    }

    async ValueTask<Attempt> AttemptAsync<T>(Func<HttpRequestMessage> request, Func<ArchiveReply, ReadAnswer<T>> read, Func<string, string?>? errorText,
        CancellationToken cancellationToken)
    {
        await _inFlight.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            await _spacing.WaitTurnAsync(cancellationToken).ConfigureAwait(false);
            return await _attemptTimeout.ExecuteAsync(static async (state, ct) =>
            {
                using var message = state.Request();
                using var response = await state.Caller._http.SendAsync(message, HttpCompletionOption.ResponseHeadersRead, ct).ConfigureAwait(false);
                var status = (int)response.StatusCode;
                var said = $"HTTP {status} {response.ReasonPhrase}".TrimEnd();
                var body = await response.Content.ReadAsStringAsync(ct).ConfigureAwait(false);
                if (HttpRetry.IsTransientStatus(status))
                    return new Attempt(AnswerKind.Transient, default!, state.ErrorText?.Invoke(body) is { Length: > 0 } text ? $"{said}: {text}" : said,
                        null, HttpRetry.RetryAfter(response, state.Caller.Time));
                var answer = state.Read(new ArchiveReply(status, said, body));
                return new Attempt(answer.Kind, answer.Value, answer.Summary, answer.Kind == AnswerKind.Answer ? body : null, null);
            }, (Caller: this, Request: request, Read: read, ErrorText: errorText), cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            _inFlight.Release();
        }
    }

    public void Dispose()
    {
        _http.Dispose();
        _inFlight.Dispose();
        foreach (var keyLock in _keyLocks.Values) keyLock.Dispose();
    }

    /// <summary>One attempt's outcome; Value is the client's reading (typed by the caller), Body what to cache.</summary>
    sealed record Attempt(AnswerKind Kind, object? Value, string Summary, string? Body, TimeSpan? RetryAfter);
}
