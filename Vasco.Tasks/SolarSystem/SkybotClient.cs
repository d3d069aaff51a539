using System.Collections.Concurrent;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using Polly;
using Vasco.IO;
using Vasco.Net;

namespace Vasco.SolarSystem;

/// <summary>What the SkyBoT client is told: its endpoint, the observer, and the archive clients' retry, time and cache settings.</summary>
public sealed record SkybotClientOptions() : ArchiveClientOptions(maxRetries: 3, backoffBase: 2, maxDelay: TimeSpan.FromSeconds(120),
    attemptTimeout: TimeSpan.FromSeconds(120), maxConcurrency: 2)
{
    public static readonly Uri DefaultEndpoint = new("https://ssp.imcce.fr/webservices/skybot/api/conesearch.php");

    public Uri Endpoint { get; init; } = DefaultEndpoint;

    /// <summary>The IAU observatory code: 675 is Palomar, where POSS-I was exposed (500, the geocentre, moves a main-belt asteroid by some 6").</summary>
    public string Observer { get; init; } = "675";

    /// <summary>Least time between two requests: SkyBoT is a shared service.</summary>
    public TimeSpan MinInterval { get; init; } = TimeSpan.FromSeconds(1);
}

/// <summary>A cone at an epoch: where and when to ask SkyBoT which known objects were there.</summary>
public sealed record SkybotQuery(DateTime EpochUtc, double RaDeg, double DecDeg, double RadiusDeg)
{
    /// <summary>The epoch as a Julian date (UTC), as SkyBoT's -ep takes it.</summary>
    public double JulianDate => 2440587.5 + (EpochUtc - DateTime.UnixEpoch).TotalDays;
}

/// <summary>A cone search's result: the objects (Ok), or why there are none to give (not Ok: the stage is then not checked).</summary>
public sealed record SkybotResult(bool Ok, IReadOnlyList<SkybotObject> Objects, string Url, bool CacheHit, int Attempts, int Retries, string? FailureReason, IReadOnlyList<string> Log);

/// <summary>
/// IMCCE's SkyBoT cone search (-mime=text, -output=all) at an epoch and for an observer, with -filter=0 so that no object
/// is dropped for a large position error (the stage weighs that error itself). Answers are cached under a hash of the
/// whole query (epoch, cone, observer), so a changed query never reuses an old answer; failed attempts are retried with
/// backoff, each attempt has a time limit, and requests are spaced. Failures are returned, not thrown.
/// </summary>
public sealed class SkybotClient : IDisposable
{
    readonly SkybotClientOptions _options;
    readonly HttpClient _http;
    readonly SemaphoreSlim _inFlight;
    readonly RequestSpacing _spacing;
    readonly ResiliencePipeline<Answer> _retry;
    readonly ResiliencePipeline _attemptTimeout;
    readonly ConcurrentDictionary<string, SemaphoreSlim> _keyLocks = new();
    readonly TimeProvider _time;

    public SkybotClient(SkybotClientOptions options, HttpMessageHandler? handler = null, TimeProvider? timeProvider = null)
    {
        options.CheckRetries();
        ArgumentException.ThrowIfNullOrWhiteSpace(options.CacheDir);
        _options = options;
        var time = _time = timeProvider ?? TimeProvider.System;
        _http = HttpRetry.CreateClient(handler);
        _inFlight = new SemaphoreSlim(options.MaxConcurrency, options.MaxConcurrency);
        _spacing = new RequestSpacing(options.MinInterval, time);
        _retry = HttpRetry.RetryPipeline<Answer>(options, a => a.Transient, a => a.RetryAfter, args =>
        {
            var log = args.Context.Properties.GetValue(LogKey, null!);
            log.Add($"{(args.Outcome.Exception is { } e ? HttpRetry.Describe(e) : args.Outcome.Result!.Summary)}; retrying in {args.RetryDelay.TotalSeconds:0.###} s");
        }, time);
        _attemptTimeout = HttpRetry.AttemptTimeout(options, time);
    }

    static readonly ResiliencePropertyKey<List<string>> LogKey = new("Vasco.SkybotLog");

    /// <summary>The request of <paramref name="query"/>.</summary>
    public Uri Url(SkybotQuery query)
    {
        static string F(double v, string format) => (v + 0.0).ToString(format, CultureInfo.InvariantCulture);
        return new Uri(_options.Endpoint + "?" + string.Join('&',
            "-ep=" + F(query.JulianDate, "0.000000"),
            "-ra=" + F(query.RaDeg, "0.000000"),
            "-dec=" + F(query.DecDeg, "0.000000"),
            "-rd=" + F(query.RadiusDeg, "0.000000"),
            "-loc=" + Uri.EscapeDataString(_options.Observer),
            "-mime=text", "-output=all", "-filter=0", "-objFilter=111", "-refsys=EQJ2000", "-from=Vasco"));
    }

    /// <summary>The cache file of a query: a hash of its whole request.</summary>
    public string CachePath(SkybotQuery query) =>
        Path.Combine(_options.CacheDir, "skybot_" + Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(Url(query).Query))).ToLowerInvariant()[..16] + ".txt");

    public async Task<SkybotResult> ConeSearchAsync(SkybotQuery query, CancellationToken cancellationToken = default)
    {
        var url = Url(query).AbsoluteUri;
        var log = new List<string>();
        var path = CachePath(query);
        var keyLock = _keyLocks.GetOrAdd(path, _ => new SemaphoreSlim(1, 1));
        await keyLock.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            if (File.Exists(path) && SkybotAnswer.Parse(await File.ReadAllTextAsync(path, cancellationToken).ConfigureAwait(false)) is { Kind: SkybotAnswerKind.Objects or SkybotAnswerKind.None } cached)
            {
                log.Add($"cache {Path.GetFileName(path)}: {cached.Message}");
                return new SkybotResult(true, cached.Objects, url, true, 0, 0, null, log);
            }
            var attempts = 0;
            var context = ResilienceContextPool.Shared.Get(cancellationToken);
            context.Properties.Set(LogKey, log);
            Answer answer;
            try
            {
                answer = await _retry.ExecuteAsync(async ctx =>
                {
                    Interlocked.Increment(ref attempts);
                    return await AttemptAsync(url, ctx.CancellationToken).ConfigureAwait(false);
                }, context).ConfigureAwait(false);
            }
            catch (Exception e) when (HttpRetry.IsTransient(e))
            {
                answer = new Answer(null, true, HttpRetry.Describe(e), null, null);
            }
            finally
            {
                ResilienceContextPool.Shared.Return(context);
            }
            log.Add(answer.Summary);
            if (answer.Parsed is { Kind: SkybotAnswerKind.Objects or SkybotAnswerKind.None } parsed)
            {
                Directory.CreateDirectory(_options.CacheDir);
                AtomicFile.WriteAllText(path, answer.Body!);
                return new SkybotResult(true, parsed.Objects, url, false, attempts, attempts - 1, null, log);
            }
            return new SkybotResult(false, [], url, false, attempts, attempts - 1, $"{answer.Summary} (gave up after {attempts} attempt(s))", log);
        }
        finally
        {
            keyLock.Release();
        }
    }

    async ValueTask<Answer> AttemptAsync(string url, CancellationToken cancellationToken)
    {
        await _inFlight.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            await _spacing.WaitTurnAsync(cancellationToken).ConfigureAwait(false);
            return await _attemptTimeout.ExecuteAsync(static async (state, ct) =>
            {
                using var response = await state.Client._http.GetAsync(state.Url, HttpCompletionOption.ResponseHeadersRead, ct).ConfigureAwait(false);
                var status = (int)response.StatusCode;
                var said = $"HTTP {status} {response.ReasonPhrase}".TrimEnd();
                if (HttpRetry.IsTransientStatus(status)) return new Answer(null, true, said, null, HttpRetry.RetryAfter(response, state.Client._time));
                var body = await response.Content.ReadAsStringAsync(ct).ConfigureAwait(false);
                if (!response.IsSuccessStatusCode) return new Answer(null, false, said, null, null);
                var parsed = SkybotAnswer.Parse(body);
                // Flag -1 is SkyBoT's own trouble (its database, an ephemeris run): worth another attempt, as a damaged answer is.
                return new Answer(parsed, parsed.Kind is SkybotAnswerKind.Error or SkybotAnswerKind.Damaged, parsed.Message, body, null);
            }, (Client: this, Url: url), cancellationToken).ConfigureAwait(false);
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

    sealed record Answer(SkybotAnswer? Parsed, bool Transient, string Summary, string? Body, TimeSpan? RetryAfter);
}
