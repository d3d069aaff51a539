using System.Security.Cryptography;
using System.Text;
using Vasco.IO;
using Vasco.Net;
using Vasco.Sky;

namespace Vasco.Archives;

/// <summary>How <see cref="XmatchClient"/> talks to CDS XMatch: its endpoint, the largest upload, and the archive clients' retry, time and cache settings.</summary>
public sealed record XmatchClientOptions() : ArchiveClientOptions(maxRetries: 3, backoffBase: 2, maxDelay: TimeSpan.FromSeconds(120),
    attemptTimeout: TimeSpan.FromSeconds(300), maxConcurrency: 2)
{
    public static readonly Uri DefaultUrl = new("http://cdsxmatch.cds.unistra.fr/xmatch/api/v1/sync");

    public Uri XmatchUrl { get; init; } = DefaultUrl;

    /// <summary>
    /// Points per request: a larger list goes in several. CDS takes uploads up to 100 MB (about 3 million rows) and
    /// answers at most 2 million rows; 100,000 points keep one request well inside both, and one failed request cheap.
    /// </summary>
    public int MaxUploadRows { get; init; } = 100_000;

    /// <summary>Least time between two requests: XMatch is shared, and CDS bans addresses that send too many jobs at once.</summary>
    public TimeSpan MinInterval { get; init; } = TimeSpan.FromSeconds(1);
}

/// <summary>Which points to match against which VizieR table (e.g. "II/246/out", 2MASS), within what radius (at most 180", CDS's limit).</summary>
public sealed record XmatchQuery(string Table, double RadiusArcsec, IReadOnlyList<SkyPoint> Points);

/// <summary>
/// CDS XMatch (the synchronous API): uploads the points as CSV (vasco_id, ra, dec; RA wrapped into [0, 360)) against
/// cat2=vizier:Table, selection=best, RESPONSEFORMAT=csv, and keeps for each point its nearest counterpart within the
/// radius. A list longer than MaxUploadRows goes in several requests. Each request goes through
/// <see cref="ArchiveCaller"/>: answers cached under a SHA-256 of the whole request but its endpoint (table, radius,
/// selection, format and the uploaded text), so a changed radius or point list never reuses an old answer; retries of
/// 5xx, 408, 429, time-outs, resets and damaged answers; CDS's own refusal (HTTP 400 with QUERY_STATUS=ERROR) is final
/// and carries CDS's message. Failures are returned, not thrown.
/// </summary>
public sealed class XmatchClient : IDisposable
{
    /// <summary>The uploaded table's columns, in order: CDS puts them after angDist in its answer.</summary>
    public static readonly IReadOnlyList<string> UploadColumns = ["vasco_id", "ra", "dec"];

    const string Selection = "best";
    const string Format = "csv";

    readonly XmatchClientOptions _options;
    readonly ArchiveCaller _caller;

    public XmatchClient(XmatchClientOptions options, HttpMessageHandler? handler = null, TimeProvider? timeProvider = null)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(options.MaxUploadRows, 1, "options.MaxUploadRows");
        _options = options;
        _caller = new ArchiveCaller(options, options.MinInterval, handler, timeProvider);
    }

    /// <summary>
    /// The CSV uploaded for <paramref name="points"/>. CDS reads a CSV column's type from its values, so ids that read
    /// as numbers may come back rewritten ("007" as 7): such an answer names ids that were not sent and is refused as
    /// damaged rather than matched to the wrong point. Vasco's ids ("tile:number") are text.
    /// </summary>
    public static string UploadCsv(IEnumerable<SkyPoint> points) =>
        CsvText.Table(UploadColumns, points.Select(p => new[] { p.Id, SkyPoint.Number(Angles.WrapRa(p.Ra)), SkyPoint.Number(p.Dec) }));

    /// <summary>The cache file of one request: a hash of everything that decides its answer, the endpoint aside.</summary>
    public string CachePath(string table, double radiusArcsec, string uploadCsv)
    {
        var whole = string.Join('\n', "xmatch", table, SkyPoint.Number(radiusArcsec), Selection, Format, uploadCsv);
        var hash = Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(whole))).ToLowerInvariant();
        return Path.Combine(_options.CacheDir, $"xmatch_{table.Replace('/', '_')}_{hash[..24]}.csv");
    }

    public async Task<ArchiveResult> MatchAsync(XmatchQuery query, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(query.Table, nameof(query));
        if (!(query.RadiusArcsec > 0 && query.RadiusArcsec <= 180))
            throw new ArgumentOutOfRangeException(nameof(query), $"a radius of {query.RadiusArcsec}\" is not in (0, 180], the range CDS XMatch takes");
        SkyPoint.Check(query.Points, nameof(query));
        var url = _options.XmatchUrl.AbsoluteUri;
        if (query.Points.Count == 0)
            return new ArchiveResult(true, new Dictionary<string, ArchiveMatch>(), url, false, 0, 0, null, ["no points: nothing to ask"]);

        var chunks = query.Points.Chunk(_options.MaxUploadRows).ToList();
        var calls = await Task.WhenAll(chunks.Select(chunk => MatchChunkAsync(query, chunk, cancellationToken))).ConfigureAwait(false);

        var log = new List<string>();
        for (var i = 0; i < calls.Length; i++)
            log.AddRange(chunks.Count == 1 ? calls[i].Log : calls[i].Log.Select(line => $"chunk {i + 1} of {chunks.Count} ({chunks[i].Length} points): {line}"));
        var attempts = calls.Sum(c => c.Attempts);
        var retries = calls.Sum(c => c.Retries);
        var cacheHit = calls.All(c => c.CacheHit);
        var failed = calls.Select((c, i) => (Call: c, Index: i)).FirstOrDefault(x => !x.Call.Ok);
        if (failed.Call is { } call)
            return new ArchiveResult(false, new Dictionary<string, ArchiveMatch>(), url, cacheHit, attempts, retries,
                (chunks.Count == 1 ? "" : $"chunk {failed.Index + 1} of {chunks.Count}: ") + call.FailureReason, log) { Refused = call.Refused };
        return new ArchiveResult(true, ArchiveMatch.Nearest(calls.SelectMany(c => c.Value!.Matches)), url, cacheHit, attempts, retries, null, log);
    }

    Task<ArchiveCall<XmatchAnswer>> MatchChunkAsync(XmatchQuery query, SkyPoint[] chunk, CancellationToken cancellationToken)
    {
        var upload = UploadCsv(chunk);
        var ids = chunk.Select(p => p.Id).ToHashSet(StringComparer.Ordinal);
        var radius = SkyPoint.Number(query.RadiusArcsec);
        HttpRequestMessage Request() => new(HttpMethod.Post, _options.XmatchUrl)
        {
            Content = MultipartForm.Of([("REQUEST", "xmatch"), ("distMaxArcsec", radius), ("RESPONSEFORMAT", Format), ("selection", Selection),
                ("cat2", "vizier:" + query.Table), ("colRA1", "ra"), ("colDec1", "dec")], "cat1", "vasco.csv", "text/csv", upload),
        };
        return _caller.CallAsync(CachePath(query.Table, query.RadiusArcsec, upload), Request, reply => Read(reply, ids), VoTable.ErrorMessage, cancellationToken);
    }

    /// <summary>A reply read: the CSV answer, CDS's refusal (final, with its message), or damage (worth another attempt).</summary>
    static ReadAnswer<XmatchAnswer> Read(ArchiveReply reply, IReadOnlySet<string> ids)
    {
        if (reply.Status == 403)
            return ReadAnswer<XmatchAnswer>.Final($"{reply.Said}: CDS XMatch refuses this address (CDS bans addresses that run too many jobs at once)");
        var error = reply.Body.TrimStart().StartsWith('<') ? VoTable.Parse(reply.Body) : null;
        if (error is { Kind: VoTableKind.Error })
            return ReadAnswer<XmatchAnswer>.Final($"CDS XMatch refused the query ({reply.Said}): {error.Message}");
        if (reply.Status is < 200 or >= 300)
            return ReadAnswer<XmatchAnswer>.Final($"{reply.Said}: \"{HttpRetry.Excerpt(reply.Body)}\"");
        var answer = XmatchCsv.Parse(reply.Body, UploadColumns, "vasco_id", ids);
        return answer.Ok ? ReadAnswer<XmatchAnswer>.Usable(answer, answer.Message) : ReadAnswer<XmatchAnswer>.Transient("damaged answer: " + answer.Message);
    }

    public void Dispose() => _caller.Dispose();
}
