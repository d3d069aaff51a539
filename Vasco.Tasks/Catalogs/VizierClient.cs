using System.Collections.Concurrent;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using Polly;
using Vasco.IO;
using Vasco.Net;
using Vasco.Sky;

namespace Vasco.Catalogs;

/// <summary>
/// Cone searches in VizieR tables through the ASU interface (asu-tsv). VizieR is shared, rate-limited and sometimes
/// overloaded, so requests to one mirror are spaced by MinInterval, at most MaxConcurrency are in flight, every
/// attempt has a time limit, failed attempts are retried with exponential backoff (and as long as a Retry-After asks),
/// and a mirror that fails every retry hands the query to the next. A cone whose answer fills the row limit is split
/// into four smaller cones, again and again up to MaxSplitDepth, rather than accepted incomplete: a missing row would
/// turn a star into a "vanished" candidate. Failures are returned, not thrown (only cancellation throws).
/// </summary>
public sealed class VizierClient : IDisposable
{
    static readonly ResiliencePropertyKey<Session> SessionKey = new("Vasco.VizierSession");
    static readonly ResiliencePropertyKey<Uri> MirrorKey = new("Vasco.VizierMirror");

    readonly VizierClientOptions _options;
    readonly HttpClient _http;
    readonly SemaphoreSlim _inFlight;
    readonly ConcurrentDictionary<string, SemaphoreSlim> _keyLocks = new();
    readonly Dictionary<Uri, RequestSpacing> _spacing;
    readonly ResiliencePipeline<Answer> _retry;
    readonly ResiliencePipeline _attemptTimeout;
    readonly TimeProvider _time;
    // Queries start at the mirror that answered last, so a dead first mirror costs its retries once, not per query.
    int _preferredMirror;

    /// <param name="handler">The HTTP handler; by default one that accepts gzip and deflate transfer encodings.</param>
    /// <param name="timeProvider">The clock of time limits, retry waits and request spacing: the system's, or a test's fake one.</param>
    public VizierClient(VizierClientOptions options, HttpMessageHandler? handler = null, TimeProvider? timeProvider = null)
    {
        ArgumentOutOfRangeException.ThrowIfZero(options.Mirrors.Count);
        options.CheckRetries();
        ArgumentOutOfRangeException.ThrowIfLessThan(options.RowLimit, 1);
        ArgumentOutOfRangeException.ThrowIfNegative(options.MaxSplitDepth);
        ArgumentException.ThrowIfNullOrWhiteSpace(options.CacheDir);
        _options = options;
        _time = timeProvider ?? TimeProvider.System;
        _http = HttpRetry.CreateClient(handler);
        _inFlight = new SemaphoreSlim(options.MaxConcurrency, options.MaxConcurrency);
        _spacing = options.Mirrors.Distinct().ToDictionary(m => m, _ => new RequestSpacing(options.MinInterval, _time));

        _retry = HttpRetry.RetryPipeline<Answer>(options,
            answer => answer.Kind == AnswerKind.Transient, answer => answer.RetryAfter, args =>
            {
                var session = args.Context.Properties.GetValue(SessionKey, null!);
                session.Retries++;
                session.RetryWait += args.RetryDelay;
                session.Log.Add($"{args.Context.Properties.GetValue(MirrorKey, null!).Host}: {Describe(args.Outcome)}; retrying in {args.RetryDelay.TotalSeconds:0.###} s");
            }, _time);
        // Separate from the retries so that waiting for a slot or a turn does not eat into an attempt's time.
        _attemptTimeout = HttpRetry.AttemptTimeout(options, _time);
    }

    /// <summary>
    /// Names a query in the cache: a hash of the table, the cone rounded as the request sends it, the columns and the
    /// row limit, so the same query always maps to the same file and a different one never does.
    /// </summary>
    public string CacheKey(CatalogSource source, Cone cone)
    {
        var digest = SHA256.HashData(Encoding.UTF8.GetBytes(string.Join('|', source.VizierTable, QueryText(source, cone))));
        return $"{source.VizierTable.Replace('/', '_')}_{Convert.ToHexString(digest).ToLowerInvariant()[..16]}";
    }

    /// <summary>Removes the cached answer of a cone (one not split), so that the next search asks VizieR again.</summary>
    public void Forget(CatalogSource source, Cone cone)
    {
        var cachePath = Path.Combine(_options.CacheDir, CacheKey(source, cone) + ".tsv");
        if (File.Exists(cachePath)) File.Delete(cachePath);
    }

    /// <summary>The asu-tsv request for <paramref name="cone"/> on <paramref name="mirror"/>.</summary>
    public Uri ConeUrl(Uri mirror, CatalogSource source, Cone cone) =>
        new(WithSlash(mirror), "viz-bin/asu-tsv?" + QueryText(source, cone));

    string QueryText(CatalogSource source, Cone cone)
    {
        // Adding 0.0 turns a rounded -0 into +0 so that it prints as "0".
        static string Format(double value, int decimals) => (Math.Round(value, decimals) + 0.0).ToString("0.######", CultureInfo.InvariantCulture);
        var dec = Format(cone.Dec, 6);
        var centre = $"{Format(Angles.WrapRa(Math.Round(cone.Ra, 6)), 6)} {(dec.StartsWith('-') ? dec : "+" + dec)}";
        return string.Join('&',
            "-source=" + Uri.EscapeDataString(source.VizierTable),
            "-c=" + Uri.EscapeDataString(centre),
            "-c.eq=J2000",
            "-c.rm=" + Format(cone.RadiusArcmin, 4),
            "-out=" + Uri.EscapeDataString(string.Join(',', source.Columns.Names)),
            "-out.max=" + _options.RowLimit.ToString(CultureInfo.InvariantCulture),
            "-oc.form=dec");
    }

    static Uri WithSlash(Uri mirror) => mirror.AbsoluteUri.EndsWith('/') ? mirror : new Uri(mirror.AbsoluteUri + "/");

    /// <summary>Every source of <paramref name="source"/> in the cone, from the cache where possible.</summary>
    public async Task<VizierResult> ConeSearchAsync(CatalogSource source, Cone cone, CancellationToken cancellationToken = default)
    {
        if (!double.IsFinite(cone.Ra) || !(cone.Dec >= -90 && cone.Dec <= 90) || !(cone.RadiusArcmin > 0))
            throw new ArgumentOutOfRangeException(nameof(cone), $"{cone} is not a cone on the sky");
        var session = new Session();
        var stars = new List<ReferenceStar>();
        var failure = await SearchAsync(source, cone, 0, session, stars, cancellationToken).ConfigureAwait(false);

        var url = ConeUrl(session.TopMirror ?? _options.Mirrors[0], source, cone).AbsoluteUri;
        IReadOnlyList<ReferenceStar> kept = [];
        if (failure == null)
        {
            // Sub-cones overlap and reach beyond the cone: keep each source once, and only inside the cone asked for.
            var seen = new HashSet<string>(StringComparer.Ordinal);
            kept = stars.Where(s => session.Queries == 1 || cone.Contains(s.Ra, s.Dec))
                .Where(s => seen.Add(s.Id.Length > 0 ? s.Id : FormattableString.Invariant($"{s.Ra:R}|{s.Dec:R}")))
                .ToList();
        }
        return new VizierResult(failure == null, source.Name, kept, url, session.Queries, session.RowsFetched, session.RowsWithoutPosition,
            session.Attempts == 0 && failure == null, session.Attempts, session.Retries, session.RetryWait, session.Mirrors,
            session.TruncatedAnswers, failure?.Code == ErrorCodes.CatalogTruncated, session.RateLimitWaits, session.RateLimitWait,
            failure?.Code, failure?.Reason, session.Log);
    }

    async Task<Failure?> SearchAsync(CatalogSource source, Cone cone, int depth, Session session, List<ReferenceStar> stars, CancellationToken cancellationToken)
    {
        session.Queries++;
        var answer = await QueryAsync(source, cone, session, depth == 0, cancellationToken).ConfigureAwait(false);
        if (answer.Kind != AnswerKind.Table)
            return new Failure(answer.Code ?? ErrorCodes.CatalogFetchFailed, answer.Summary);
        session.RowsFetched += answer.RowCount;
        if (answer.RowCount >= _options.RowLimit)
        {
            session.TruncatedAnswers++;
            if (depth >= _options.MaxSplitDepth)
                return new Failure(ErrorCodes.CatalogTruncated,
                    $"{source.VizierTable} has {_options.RowLimit} rows or more within {cone.RadiusArcmin:0.###}' of ({cone.Ra:0.######}, {cone.Dec:+0.######;-0.######}) " +
                    $"even after splitting the cone {depth} time(s): raise the row limit or the split depth, or use smaller tiles");
            session.Log.Add($"{answer.RowCount} rows fill the row limit: splitting the cone of {cone.RadiusArcmin:0.###}' into four");
            foreach (var part in cone.Split())
                if (await SearchAsync(source, part, depth + 1, session, stars, cancellationToken).ConfigureAwait(false) is { } failed)
                    return failed;
            return null;
        }
        session.RowsWithoutPosition += answer.Rows!.RowsWithoutPosition;
        stars.AddRange(answer.Rows.Stars);
        return null;
    }

    /// <summary>One cone: the cached answer, or the first usable answer of the mirrors in turn.</summary>
    async Task<Answer> QueryAsync(CatalogSource source, Cone cone, Session session, bool top, CancellationToken cancellationToken)
    {
        var key = CacheKey(source, cone);
        var cachePath = Path.Combine(_options.CacheDir, key + ".tsv");
        // One fetch per query: a second search for the same cone waits, then finds it in the cache.
        var keyLock = _keyLocks.GetOrAdd(key, _ => new SemaphoreSlim(1, 1));
        await keyLock.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            if (File.Exists(cachePath))
            {
                var cached = Classify(source, await File.ReadAllTextAsync(cachePath, cancellationToken).ConfigureAwait(false), null);
                if (cached.Kind == AnswerKind.Table)
                {
                    session.Log.Add($"cache {Path.GetFileName(cachePath)}: {cached.Summary}");
                    return cached;
                }
                // A damaged cache file is fetched again rather than trusted.
                File.Delete(cachePath);
            }

            var problems = new List<string>();
            var first = Volatile.Read(ref _preferredMirror);
            for (var i = 0; i < _options.Mirrors.Count; i++)
            {
                var index = (first + i) % _options.Mirrors.Count;
                var mirror = _options.Mirrors[index];
                var answer = await AskMirrorAsync(mirror, ConeUrl(mirror, source, cone).AbsoluteUri, source, session, cancellationToken).ConfigureAwait(false);
                session.Log.Add($"{mirror.Host}: {answer.Summary}");
                if (answer.Kind == AnswerKind.Table)
                {
                    AtomicFile.WriteAllText(cachePath, answer.Body!);
                    Volatile.Write(ref _preferredMirror, index);
                    if (!session.Mirrors.Contains(mirror.AbsoluteUri))
                        session.Mirrors.Add(mirror.AbsoluteUri);
                    if (top)
                        session.TopMirror = mirror;
                    return answer;
                }
                if (answer.Kind == AnswerKind.Rejected)
                    return answer;
                problems.Add($"{mirror.Host}: {answer.Summary}");
            }
            return new Answer(AnswerKind.Transient, null, $"no usable answer from any VizieR mirror for {source.VizierTable} " +
                $"within {cone.RadiusArcmin:0.###}' of ({cone.Ra:0.######}, {cone.Dec:+0.######;-0.######}): {string.Join("; ", problems)}",
                null, null, ErrorCodes.CatalogFetchFailed, null, 0);
        }
        finally
        {
            keyLock.Release();
        }
    }

    /// <summary>One mirror, with its retries; a transient problem that outlasts them comes back as the answer.</summary>
    async Task<Answer> AskMirrorAsync(Uri mirror, string url, CatalogSource source, Session session, CancellationToken cancellationToken)
    {
        var context = ResilienceContextPool.Shared.Get(cancellationToken);
        context.Properties.Set(SessionKey, session);
        context.Properties.Set(MirrorKey, mirror);
        var startAttempts = session.Attempts;
        try
        {
            var answer = await _retry.ExecuteAsync(
                static (ctx, state) => state.Client.AttemptAsync(state.Mirror, state.Url, state.Source, state.Session, ctx.CancellationToken),
                context, (Client: this, Mirror: mirror, Url: url, Source: source, Session: session)).ConfigureAwait(false);
            return answer.Kind == AnswerKind.Transient
                ? answer with { Summary = $"{answer.Summary} (gave up after {session.Attempts - startAttempts} attempts)" }
                : answer;
        }
        catch (Exception e) when (HttpRetry.IsTransient(e))
        {
            return new Answer(AnswerKind.Transient, null, $"{HttpRetry.Describe(e)} (gave up after {session.Attempts - startAttempts} attempts)",
                null, null, null, null, 0);
        }
        finally
        {
            ResilienceContextPool.Shared.Return(context);
        }
    }

    async ValueTask<Answer> AttemptAsync(Uri mirror, string url, CatalogSource source, Session session, CancellationToken cancellationToken)
    {
        await _inFlight.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            var waited = await _spacing[mirror].WaitTurnAsync(cancellationToken).ConfigureAwait(false);
            if (waited > TimeSpan.Zero)
            {
                session.RateLimitWaits++;
                session.RateLimitWait += waited;
            }
            session.Attempts++;
            return await _attemptTimeout.ExecuteAsync(
                static (state, ct) => state.Client.RequestAsync(state.Url, state.Source, ct), (Client: this, Url: url, Source: source), cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            _inFlight.Release();
        }
    }

    async ValueTask<Answer> RequestAsync(string url, CatalogSource source, CancellationToken cancellationToken)
    {
        using var response = await _http.GetAsync(url, HttpCompletionOption.ResponseHeadersRead, cancellationToken).ConfigureAwait(false);
        var status = (int)response.StatusCode;
        var said = $"HTTP {status} {response.ReasonPhrase}".TrimEnd();
        if (HttpRetry.IsTransientStatus(status))
            return new Answer(AnswerKind.Transient, status, said, null, HttpRetry.RetryAfter(response, _time), null, null, 0);
        var body = await response.Content.ReadAsStringAsync(cancellationToken).ConfigureAwait(false);
        if (!response.IsSuccessStatusCode)
            // Another mirror may serve the path this one does not.
            return new Answer(AnswerKind.WrongHere, status, $"{said}: \"{HttpRetry.Excerpt(body)}\"", null, null, null, null, 0);
        return Classify(source, body, status);
    }

    Answer Classify(CatalogSource source, string body, int? status)
    {
        var tsv = VizierTsv.Parse(body);
        switch (tsv.Kind)
        {
            case VizierTsvKind.Overloaded or VizierTsvKind.Damaged:
                return new Answer(AnswerKind.Transient, status, tsv.Message, null, null, null, null, 0);
            case VizierTsvKind.Error:
                return new Answer(AnswerKind.Rejected, status, tsv.Message, null, null, ErrorCodes.CatalogQueryRejected, null, 0);
        }
        var index = tsv.Header.Select((name, i) => (name, i)).GroupBy(c => c.name, StringComparer.OrdinalIgnoreCase)
            .ToDictionary(g => g.Key, g => g.First().i, StringComparer.OrdinalIgnoreCase);
        var missing = source.Columns.Names.Where(c => !index.ContainsKey(c)).ToList();
        // No header at all is VizieR's way of saying no source: nothing to check.
        if (tsv.Header.Count > 0 && missing.Count > 0)
            return new Answer(AnswerKind.Rejected, status,
                $"the answer for {source.VizierTable} lacks the column(s) {string.Join(", ", missing)} (it has: {string.Join(", ", tsv.Header)})",
                null, null, ErrorCodes.CatalogColumns, null, 0);
        var stars = new List<ReferenceStar>(tsv.Rows.Count);
        var withoutPosition = 0;
        for (var r = 0; r < tsv.Rows.Count; r++)
        {
            var cells = tsv.Rows[r];
            try
            {
                if (source.Columns.ToStar(column => cells[index[column]], r + 1) is { } star)
                    stars.Add(star);
                else
                    withoutPosition++;
            }
            catch (FormatException e)
            {
                return new Answer(AnswerKind.Rejected, status, $"{source.VizierTable} row {r + 1}: {e.Message}", null, null, ErrorCodes.CatalogValue, null, 0);
            }
        }
        return new Answer(AnswerKind.Table, status, tsv.Message, body, null, null, new CatalogRows(stars, withoutPosition), tsv.Rows.Count);
    }


    static string Describe(Outcome<Answer> outcome) => outcome.Exception is { } e ? HttpRetry.Describe(e) : outcome.Result!.Summary;

    public void Dispose()
    {
        _http.Dispose();
        _inFlight.Dispose();
        foreach (var keyLock in _keyLocks.Values)
            keyLock.Dispose();
    }

    enum AnswerKind
    {
        /// <summary>A table (possibly empty), worth caching.</summary>
        Table,
        /// <summary>Worth another attempt on this mirror (and then the next).</summary>
        Transient,
        /// <summary>Final on this mirror, but another may serve it.</summary>
        WrongHere,
        /// <summary>Final everywhere: VizieR says the query is wrong, or its data do not fit the column mapping.</summary>
        Rejected,
    }

    /// <summary>One attempt's (or cache file's) answer: Body is what to cache, Rows the sources read from it.</summary>
    sealed record Answer(AnswerKind Kind, int? Status, string Summary, string? Body, TimeSpan? RetryAfter, string? Code, CatalogRows? Rows, int RowCount);

    sealed record Failure(string Code, string Reason);

    /// <summary>What one cone search has done so far, over its sub-cones, mirrors and attempts.</summary>
    sealed class Session
    {
        public int Queries, Attempts, Retries, RowsFetched, RowsWithoutPosition, TruncatedAnswers, RateLimitWaits;
        public TimeSpan RetryWait, RateLimitWait;
        public Uri? TopMirror;
        public List<string> Mirrors { get; } = [];
        public List<string> Log { get; } = [];
    }
}
