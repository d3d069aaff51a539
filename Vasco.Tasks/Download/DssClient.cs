using System.Collections.Concurrent;
using System.Globalization;
using System.IO.Compression;
using System.Net;
using System.Net.Http.Headers;
using System.Security.Cryptography;
using System.Text;
using System.Text.RegularExpressions;
using Polly;
using Vasco.Fits;
using Vasco.IO;
using Vasco.Net;
using Vasco.Sky;

namespace Vasco.Download;

/// <summary>
/// Fetches DSS1-red (POSS-I E plate) cutouts from the STScI dss_search service. The archive is shared and
/// sometimes slow or overloaded, so every attempt has a time limit, failed attempts are retried with
/// exponential backoff (and as long as a Retry-After asks), and at most MaxConcurrency requests are in
/// flight. Every answer is checked to be a POSS-I red plate with a WCS before it enters the cache; answers
/// that are not are saved aside with the reason.
/// </summary>
public sealed partial class DssClient : IDisposable
{
    static readonly ResiliencePropertyKey<Session> SessionKey = new("Vasco.DssSession");

    readonly DssClientOptions _options;
    readonly HttpClient _http;
    readonly SemaphoreSlim _inFlight;
    readonly ConcurrentDictionary<string, SemaphoreSlim> _keyLocks = new();
    readonly ResiliencePipeline<Answer> _retry;
    readonly ResiliencePipeline _attemptTimeout;
    readonly TimeProvider _time;
    // Set when a request got no HTTP answer at all in any attempt (no network, no such host, connection refused):
    // later requests of this client (one build) are not made, so an offline build fails in one request's retries,
    // not in every tile's. A tile refused so is a failed download like any other: the next build asks again.
    volatile string? _unreachable;

    /// <param name="handler">The HTTP handler; by default one that accepts gzip and deflate transfer encodings.</param>
    /// <param name="timeProvider">The clock of time limits and retry waits: the system's, or a test's fake one.</param>
    public DssClient(DssClientOptions options, HttpMessageHandler? handler = null, TimeProvider? timeProvider = null)
    {
        options.CheckRetries();
        ArgumentOutOfRangeException.ThrowIfLessThan(options.MaxBodyBytes, FitsHeader.BlockSize);
        ArgumentException.ThrowIfNullOrWhiteSpace(options.CacheDir);
        _options = options;
        _time = timeProvider ?? TimeProvider.System;
        _http = HttpRetry.CreateClient(handler);
        _inFlight = new SemaphoreSlim(options.MaxConcurrency, options.MaxConcurrency);

        _retry = HttpRetry.RetryPipeline<Answer>(options,
            answer => answer.Kind == AnswerKind.Transient, answer => answer.RetryAfter, args =>
            {
                var session = args.Context.Properties.GetValue(SessionKey, null!);
                session.Waited += args.RetryDelay;
                session.Log.Add($"attempt {args.AttemptNumber + 1}: {Describe(args.Outcome)}; retrying in {args.RetryDelay.TotalSeconds:0.###} s");
            }, _time);
        // Separate from the retries so that waiting for a free slot (MaxConcurrency) does not eat into an attempt's time.
        _attemptTimeout = HttpRetry.AttemptTimeout(options, _time);
    }

    string RejectedDir => _options.RejectedDir ?? Path.Combine(_options.CacheDir, "rejected");

    /// <summary>
    /// Names a cutout in the cache: a hash of the survey and the request rounded to what the archive can tell
    /// apart (1e-6 deg in position, 0.001' in size), so the same tile always maps to the same file.
    /// </summary>
    public string CacheKey(double raDeg, double decDeg, double sizeArcmin)
    {
        var (ra, dec, size) = Normalise(raDeg, decDeg, sizeArcmin);
        var digest = SHA256.HashData(Encoding.UTF8.GetBytes($"{_options.Survey.ToLowerInvariant()}|{ra}|{dec}|{size}"));
        return $"{_options.Survey.ToLowerInvariant()}_{Convert.ToHexString(digest).ToLowerInvariant()[..16]}";
    }

    /// <summary>The dss_search request for a square cutout of side <paramref name="sizeArcmin"/> centred on (ra, dec), J2000.</summary>
    public Uri CutoutUrl(double raDeg, double decDeg, double sizeArcmin)
    {
        var (ra, dec, size) = Normalise(raDeg, decDeg, sizeArcmin);
        var query = $"v={Uri.EscapeDataString(_options.Survey)}&r={ra}&d={dec}&e=J2000&h={size}&w={size}&f=fits&c=none&fov=NONE&v3=";
        return new UriBuilder(_options.Endpoint) { Query = query }.Uri;
    }

    /// <summary>
    /// The validated cutout, from the cache when it is there, else from the archive. Failures are returned, not
    /// thrown (only cancellation throws), so one bad tile does not stop the others.
    /// </summary>
    public async Task<DssDownload> DownloadAsync(double raDeg, double decDeg, double sizeArcmin, CancellationToken cancellationToken = default)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(sizeArcmin);
        if (!double.IsFinite(raDeg) || !(decDeg >= -90 && decDeg <= 90))
            throw new ArgumentOutOfRangeException(nameof(decDeg), $"RA {raDeg}, Dec {decDeg} is not a sky position");
        var key = CacheKey(raDeg, decDeg, sizeArcmin);
        var url = CutoutUrl(raDeg, decDeg, sizeArcmin).AbsoluteUri;
        var cachePath = Path.Combine(_options.CacheDir, key + ".fits");

        // One fetch per cutout: a second request for the same key waits, then finds it in the cache.
        var keyLock = _keyLocks.GetOrAdd(key, _ => new SemaphoreSlim(1, 1));
        await keyLock.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            if (File.Exists(cachePath))
            {
                var cached = PlateValidator.CheckFile(cachePath, _options.Plates);
                if (cached.IsPlate)
                {
                    var bytes = await File.ReadAllBytesAsync(cachePath, cancellationToken).ConfigureAwait(false);
                    return new DssDownload(true, cachePath, url, 0, 0, TimeSpan.Zero, true, Convert.ToHexString(SHA256.HashData(bytes)).ToLowerInvariant(),
                        bytes.Length, null, null, cached.Plate, null, ["served from the cache"]);
                }
                // A damaged cache file is fetched again rather than trusted.
                File.Delete(cachePath);
            }
            return await FetchAsync(key, url, cachePath, cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            keyLock.Release();
        }
    }

    async Task<DssDownload> FetchAsync(string key, string url, string cachePath, CancellationToken cancellationToken)
    {
        var session = new Session();
        if (_unreachable is { } earlier)
            return Failure(url, session, $"not asked: STScI could not be reached for an earlier tile of this build ({earlier})", null, null) with { GaveUp = true };
        var context = ResilienceContextPool.Shared.Get(cancellationToken);
        context.Properties.Set(SessionKey, session);
        Answer answer;
        try
        {
            answer = await _retry.ExecuteAsync(
                static (ctx, state) => state.Client.AttemptAsync(state.Url, state.Session, ctx.CancellationToken),
                context, (Client: this, Url: url, Session: session)).ConfigureAwait(false);
        }
        catch (Exception e) when (HttpRetry.IsTransient(e))
        {
            var reason = $"no answer from STScI after {session.Attempts} attempt(s): {HttpRetry.Describe(e)}";
            session.Log.Add($"attempt {session.Attempts}: {HttpRetry.Describe(e)}");
            if (e is HttpRequestException && !session.Answered) _unreachable ??= reason;
            return Failure(url, session, reason, null, null) with { GaveUp = true };
        }
        finally
        {
            ResilienceContextPool.Shared.Return(context);
        }

        session.Log.Add($"attempt {session.Attempts}: {answer.Summary}");
        if (answer.Kind == AnswerKind.Plate)
        {
            AtomicFile.WriteAllBytes(cachePath, answer.Body!);
            return new DssDownload(true, cachePath, url, session.Attempts, session.Attempts - 1, session.Waited, false,
                Convert.ToHexString(SHA256.HashData(answer.Body!)).ToLowerInvariant(), answer.Body!.Length, null, null, answer.Plate, answer.Status, session.Log);
        }

        string? rejectedPath = null;
        if (answer.Body is { Length: > 0 })
        {
            rejectedPath = Path.Combine(RejectedDir, key + answer.Extension);
            AtomicFile.WriteAllBytes(rejectedPath, answer.Body);
        }
        var why = answer.Kind == AnswerKind.Transient ? $"{answer.Summary} (gave up after {session.Attempts} attempts)" : answer.Summary;
        return Failure(url, session, why, rejectedPath, answer.Status) with { GaveUp = answer.Kind == AnswerKind.Transient };
    }

    static DssDownload Failure(string url, Session session, string reason, string? rejectedPath, int? status) =>
        new(false, null, url, session.Attempts, Math.Max(session.Attempts - 1, 0), session.Waited, false, null, 0, reason, rejectedPath, null, status, session.Log);

    async ValueTask<Answer> AttemptAsync(string url, Session session, CancellationToken cancellationToken)
    {
        await _inFlight.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            Interlocked.Increment(ref session.Attempts);
            return await _attemptTimeout.ExecuteAsync(
                static (state, ct) => state.Client.RequestAsync(state.Url, state.Session, ct), (Client: this, Url: url, Session: session), cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            _inFlight.Release();
        }
    }

    async ValueTask<Answer> RequestAsync(string url, Session session, CancellationToken cancellationToken)
    {
        using var response = await _http.GetAsync(url, HttpCompletionOption.ResponseHeadersRead, cancellationToken).ConfigureAwait(false);
        session.Answered = true;
        var status = (int)response.StatusCode;
        var said = $"STScI answered HTTP {status} {response.ReasonPhrase}".TrimEnd();
        if (HttpRetry.IsTransientStatus(status))
            return new Answer(AnswerKind.Transient, status, said, null, null, null, HttpRetry.RetryAfter(response, _time));
        if (response.Content.Headers.ContentLength > _options.MaxBodyBytes)
            return new Answer(AnswerKind.Final, status, $"{said} with {response.Content.Headers.ContentLength} bytes, more than any cutout (MaxBodyBytes {_options.MaxBodyBytes})", null, null, null, null);
        var body = await ReadBodyAsync(response.Content, cancellationToken).ConfigureAwait(false);
        if (body == null)
            return new Answer(AnswerKind.Final, status, $"{said} with more than {_options.MaxBodyBytes} bytes, more than any cutout", null, null, null, null);
        if (!response.IsSuccessStatusCode)
            return new Answer(AnswerKind.Final, status, said, body, LooksLikeHtml(body, response.Content.Headers.ContentType) ? ".html" : ".bin", null, null);
        return Classify(body, response.Content.Headers.ContentType, status);
    }

    Answer Classify(byte[] body, MediaTypeHeaderValue? contentType, int status)
    {
        if (body.Length >= 2 && body[0] == 0x1F && body[1] == 0x8B)
        {
            // Some servers gzip the file itself rather than the transfer.
            var inflated = Gunzip(body);
            if (inflated == null)
                return new Answer(AnswerKind.Transient, status, $"the gzip-compressed cutout could not be decompressed (corrupt, cut short, or more than {_options.MaxBodyBytes} bytes)", body, ".gz", null, null);
            body = inflated;
        }
        if (!body.AsSpan().StartsWith("SIMPLE  ="u8))
        {
            if (LooksLikeHtml(body, contentType))
                return new Answer(AnswerKind.Final, status, $"STScI answered an HTML page instead of FITS: {PageText(body)}", body, ".html", null, null);
            return new Answer(AnswerKind.Final, status,
                $"STScI answered {body.Length} bytes of {contentType?.MediaType ?? "unlabelled data"} that are not FITS: \"{Printable(body, 120)}\"", body, ".bin", null, null);
        }
        var check = PlateValidator.Check(body, "the cutout", _options.Plates);
        return check.Problem switch
        {
            PlateProblem.None => new Answer(AnswerKind.Plate, status, $"{body.Length} bytes, a {_options.Plates?.Label ?? "POSS-I red"} plate ({string.Join(", ", check.Plate!.Evidence)})", body, ".fits", check.Plate, null),
            PlateProblem.Truncated => new Answer(AnswerKind.Transient, status, check.Reason!, body, ".fits", null, null),
            _ => new Answer(AnswerKind.Final, status, check.Reason!, body, ".fits", null, null),
        };
    }

    async Task<byte[]?> ReadBodyAsync(HttpContent content, CancellationToken cancellationToken)
    {
        await using var stream = await content.ReadAsStreamAsync(cancellationToken).ConfigureAwait(false);
        return await ReadLimitedAsync(stream, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>The whole stream, or null when it is longer than MaxBodyBytes.</summary>
    async Task<byte[]?> ReadLimitedAsync(Stream stream, CancellationToken cancellationToken)
    {
        using var buffer = new MemoryStream();
        var chunk = new byte[81920];
        int read;
        while ((read = await stream.ReadAsync(chunk, cancellationToken).ConfigureAwait(false)) > 0)
        {
            if (buffer.Length + read > _options.MaxBodyBytes)
                return null;
            buffer.Write(chunk, 0, read);
        }
        return buffer.ToArray();
    }

    byte[]? Gunzip(byte[] body)
    {
        try
        {
            using var gzip = new GZipStream(new MemoryStream(body), CompressionMode.Decompress);
            return ReadLimitedAsync(gzip, CancellationToken.None).GetAwaiter().GetResult();
        }
        catch (InvalidDataException)
        {
            return null;
        }
    }

    static bool LooksLikeHtml(byte[] body, MediaTypeHeaderValue? contentType)
    {
        if (contentType?.MediaType is "text/html" or "application/xhtml+xml")
            return true;
        var start = Encoding.ASCII.GetString(body, 0, Math.Min(body.Length, 512)).TrimStart().ToLowerInvariant();
        return start.StartsWith("<!doctype html", StringComparison.Ordinal) || start.StartsWith("<html", StringComparison.Ordinal);
    }

    /// <summary>The page's title, or the start of its text when it has none: what the archive tried to say.</summary>
    static string PageText(byte[] body)
    {
        var html = Encoding.UTF8.GetString(body);
        var title = HtmlTitle().Match(html);
        var text = title.Success && title.Groups[1].Value.Trim().Length > 0 ? title.Groups[1].Value : HtmlTag().Replace(html, " ");
        text = Whitespace().Replace(WebUtility.HtmlDecode(text), " ").Trim();
        return text.Length == 0 ? "(an empty page)" : text.Length > 200 ? text[..200] + "..." : text;
    }

    static string Printable(byte[] body, int max)
    {
        var text = new string(body.Take(max).Select(b => b is >= 0x20 and < 0x7F ? (char)b : '.').ToArray());
        return body.Length > max ? text + "..." : text;
    }

    static string Describe(Outcome<Answer> outcome) => outcome.Exception is { } e ? HttpRetry.Describe(e) : outcome.Result!.Summary;

    static (string Ra, string Dec, string Size) Normalise(double raDeg, double decDeg, double sizeArcmin)
    {
        // Adding 0.0 turns a rounded -0 into +0 so that it prints as "0".
        static string Format(double value, int decimals) => (Math.Round(value, decimals) + 0.0).ToString("0.######", CultureInfo.InvariantCulture);
        return (Format(Angles.WrapRa(Math.Round(raDeg, 6)), 6), Format(decDeg, 6), Format(sizeArcmin, 3));
    }

    public void Dispose()
    {
        _http.Dispose();
        _inFlight.Dispose();
        foreach (var keyLock in _keyLocks.Values)
            keyLock.Dispose();
    }

    enum AnswerKind { Plate, Transient, Final }

    /// <summary>One attempt's answer; Body and Extension say what to cache or save aside.</summary>
    sealed record Answer(AnswerKind Kind, int? Status, string Summary, byte[]? Body, string? Extension, PlateInfo? Plate, TimeSpan? RetryAfter);

    /// <summary>What one download has done so far, shared between its attempts.</summary>
    sealed class Session
    {
        public int Attempts;
        public TimeSpan Waited;
        /// <summary>Some attempt got an HTTP answer (the archive is there, whatever it said).</summary>
        public volatile bool Answered;
        public List<string> Log { get; } = [];
    }

    [GeneratedRegex(@"<title[^>]*>(.*?)</title>", RegexOptions.IgnoreCase | RegexOptions.Singleline | RegexOptions.CultureInvariant)]
    private static partial Regex HtmlTitle();

    [GeneratedRegex(@"<[^>]*>", RegexOptions.Singleline | RegexOptions.CultureInvariant)]
    private static partial Regex HtmlTag();

    [GeneratedRegex(@"\s+", RegexOptions.CultureInvariant)]
    private static partial Regex Whitespace();
}
