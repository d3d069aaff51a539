using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using Vasco.Net;

namespace Vasco.Archives;

/// <summary>How <see cref="TapClient"/> talks to TAP services: the row limit asked for, how far an overflowing upload may be split, and the archive clients' settings.</summary>
public sealed record TapClientOptions() : ArchiveClientOptions(maxRetries: 3, backoffBase: 2, maxDelay: TimeSpan.FromSeconds(120),
    attemptTimeout: TimeSpan.FromSeconds(300), maxConcurrency: 2)
{
    /// <summary>Least time between two requests: the services are shared.</summary>
    public TimeSpan MinInterval { get; init; } = TimeSpan.FromSeconds(1);

    /// <summary>MAXREC sent with each query; null sends none, and the service's default limit applies.</summary>
    public int? MaxRec { get; init; }

    /// <summary>How many times an upload whose answer overflows may be halved (12: down to 1/4096 of it) before the query fails.</summary>
    public int MaxSplitDepth { get; init; } = 12;
}

/// <summary>An ADQL query on a TAP service (its base URL, e.g. https://dc.g-vo.org/tap) with the points uploaded as TAP_UPLOAD.vasco.</summary>
public sealed record TapQuery(Uri ServiceUrl, string Adql, IReadOnlyList<SkyPoint> Upload);

/// <summary>
/// A TAP query's result: the columns and rows of the whole answer (Ok), or why there is none. Never a truncated
/// table: an answer that overflowed was asked again in parts, or the query failed.
/// </summary>
public sealed record TapResult(bool Ok, IReadOnlyList<string> Columns, IReadOnlyList<IReadOnlyList<string>> Rows, string Url, bool CacheHit,
    int Attempts, int Retries, string? FailureReason, IReadOnlyList<string> Log)
{
    /// <summary>Not Ok because the service refused the query for good (QUERY_STATUS=ERROR, an unreadable format), not because it was unreachable.</summary>
    public bool Refused { get; init; }

    /// <summary>
    /// The nearest row to each point, for a query whose rows name the point they match (<paramref name="idColumn"/>)
    /// and the archive source's position (<paramref name="raColumn"/>, <paramref name="decColumn"/>, J2000 degrees);
    /// points without a row are absent. Column names are compared without regard to case. Throws
    /// <see cref="FormatException"/> for a row whose id was not among <paramref name="points"/> or whose position is not numbers.
    /// </summary>
    public IReadOnlyDictionary<string, ArchiveMatch> Nearest(string raColumn, string decColumn, IReadOnlyList<SkyPoint> points, string idColumn = "vasco_id")
    {
        int At(string name)
        {
            for (var i = 0; i < Columns.Count; i++)
                if (string.Equals(Columns[i], name, StringComparison.OrdinalIgnoreCase)) return i;
            throw new ArgumentException($"the answer has no column {name} (it has: {string.Join(", ", Columns)})");
        }
        var (idAt, raAt, decAt) = (At(idColumn), At(raColumn), At(decColumn));
        var byId = points.ToDictionary(p => p.Id, StringComparer.Ordinal);
        var matches = Rows.Select(row =>
        {
            if (!byId.TryGetValue(row[idAt], out var point)) throw new FormatException($"a row names the id '{row[idAt]}', which was not uploaded");
            if (!double.TryParse(row[raAt], NumberStyles.Float, CultureInfo.InvariantCulture, out var ra) ||
                !double.TryParse(row[decAt], NumberStyles.Float, CultureInfo.InvariantCulture, out var dec))
                throw new FormatException($"the row of '{point.Id}' has no position: ({row[raAt]}, {row[decAt]})");
            var cells = Columns.Zip(row).GroupBy(c => c.First).ToDictionary(g => g.Key, g => g.First().Second);
            return new ArchiveMatch(point.Id, ArchiveMatch.ArcsecBetween(point.Ra, point.Dec, ra, dec), ra, dec, cells);
        });
        return ArchiveMatch.Nearest(matches);
    }
}

/// <summary>
/// IVOA TAP, synchronous (POST {service}/sync, multipart: REQUEST=doQuery, LANG=ADQL, FORMAT=votable, QUERY,
/// UPLOAD=vasco,param:vasco and the points as a VOTable), the answer read as a VOTable (<see cref="VoTable"/>).
/// Requests go through <see cref="ArchiveCaller"/>. Answers are cached under a SHA-256 of the ADQL, the format, MAXREC
/// and the uploaded VOTable, not of the service's URL: the ADQL names the service's own tables, and a mirror or a
/// moved endpoint then reuses the answers. QUERY_STATUS=ERROR is final (unless under HTTP 5xx, which is retried);
/// QUERY_STATUS=OVERFLOW (the rows stop at the service's limit) sends the query again for each half of the upload,
/// again and again up to MaxSplitDepth, and the halves' rows are joined: right for queries whose every row belongs to
/// one uploaded point (a join on TAP_UPLOAD.vasco, as <see cref="TapQueries"/> writes them), not for a TOP or an
/// aggregate over all points. An overflow that splitting cannot cure fails the query. Failures are returned, not thrown.
/// </summary>
public sealed class TapClient : IDisposable
{
    public const string UploadTable = "vasco";
    const string Format = "votable";

    readonly TapClientOptions _options;
    readonly ArchiveCaller _caller;

    public TapClient(TapClientOptions options, HttpMessageHandler? handler = null, TimeProvider? timeProvider = null)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(options.MaxSplitDepth, "options.MaxSplitDepth");
        if (options.MaxRec is < 1) throw new ArgumentOutOfRangeException("options.MaxRec", "MAXREC must be at least 1");
        _options = options;
        _caller = new ArchiveCaller(options, options.MinInterval, handler, timeProvider);
    }

    /// <summary>Where the synchronous queries of a service go.</summary>
    public static Uri SyncUrl(Uri serviceUrl) => new(serviceUrl.AbsoluteUri.TrimEnd('/') + "/sync");

    /// <summary>The cache file of one request: a hash of the ADQL, the format, MAXREC and the upload, the service's URL aside.</summary>
    public string CachePath(string adql, string uploadVoTable)
    {
        var whole = string.Join('\n', "tap", adql, Format, _options.MaxRec?.ToString(CultureInfo.InvariantCulture) ?? "", uploadVoTable);
        return Path.Combine(_options.CacheDir, $"tap_{Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(whole))).ToLowerInvariant()[..24]}.xml");
    }

    /// <summary>The whole answer to <paramref name="query"/>; an empty upload asks nothing and has no rows.</summary>
    public async Task<TapResult> QueryAsync(TapQuery query, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(query.Adql, nameof(query));
        SkyPoint.Check(query.Upload, nameof(query));
        var url = SyncUrl(query.ServiceUrl).AbsoluteUri;
        if (query.Upload.Count == 0)
            return new TapResult(true, [], [], url, false, 0, 0, null, ["no points: nothing to ask"]);
        var session = new Session();
        var failure = await QueryPartAsync(query, query.Upload, 0, session, cancellationToken).ConfigureAwait(false);
        return failure is null
            ? new TapResult(true, session.Columns ?? [], session.Rows, url, session.CacheHit, session.Attempts, session.Retries, null, session.Log)
            : new TapResult(false, [], [], url, session.CacheHit, session.Attempts, session.Retries, failure, session.Log) { Refused = session.Refused };
    }

    async Task<string?> QueryPartAsync(TapQuery query, IReadOnlyList<SkyPoint> points, int depth, Session session, CancellationToken cancellationToken)
    {
        var upload = VoTable.Upload(points, UploadTable);
        var call = await _caller.CallAsync(CachePath(query.Adql, upload), () => Request(query, upload), Read, VoTable.ErrorMessage, cancellationToken)
            .ConfigureAwait(false);
        var part = depth == 0 ? "" : $"part of {points.Count} point(s): ";
        session.Log.AddRange(call.Log.Select(line => part + line));
        session.Attempts += call.Attempts;
        session.Retries += call.Retries;
        session.CacheHit &= call.CacheHit;
        if (!call.Ok)
        {
            session.Refused = call.Refused;
            return part + call.FailureReason;
        }
        var table = call.Value!;
        if (table.Overflow)
        {
            if (points.Count < 2 || depth >= _options.MaxSplitDepth)
                return part + $"the answer overflows the service's row limit ({table.Rows.Count} rows) " +
                       (points.Count < 2 ? "for a single point" : $"even after halving the upload {depth} time(s)") + ": it would be incomplete";
            session.Log.Add($"{part}{table.Rows.Count} rows and QUERY_STATUS=OVERFLOW: asking again for each half of the {points.Count} points");
            var half = points.Count / 2;
            return await QueryPartAsync(query, points.Take(half).ToList(), depth + 1, session, cancellationToken).ConfigureAwait(false)
                   ?? await QueryPartAsync(query, points.Skip(half).ToList(), depth + 1, session, cancellationToken).ConfigureAwait(false);
        }
        if (session.Columns is null) session.Columns = table.Columns;
        else if (!session.Columns.SequenceEqual(table.Columns))
            return part + $"the parts' answers have different columns ({string.Join(",", session.Columns)} and {string.Join(",", table.Columns)})";
        session.Rows.AddRange(table.Rows);
        return null;
    }

    HttpRequestMessage Request(TapQuery query, string upload)
    {
        List<(string, string)> fields = [("REQUEST", "doQuery"), ("LANG", "ADQL"), ("FORMAT", Format), ("QUERY", query.Adql), ("UPLOAD", $"{UploadTable},param:{UploadTable}")];
        if (_options.MaxRec is { } maxRec) fields.Add(("MAXREC", maxRec.ToString(CultureInfo.InvariantCulture)));
        return new HttpRequestMessage(HttpMethod.Post, SyncUrl(query.ServiceUrl))
        {
            Content = MultipartForm.Of(fields, UploadTable, UploadTable + ".xml", "application/x-votable+xml", upload),
        };
    }

    /// <summary>A reply read: a table (overflowing or not), the service's refusal (final), or damage (worth another attempt).</summary>
    static ReadAnswer<VoTableAnswer> Read(ArchiveReply reply)
    {
        var answer = VoTable.Parse(reply.Body);
        return answer.Kind switch
        {
            VoTableKind.Error => ReadAnswer<VoTableAnswer>.Final($"the TAP service refused the query ({reply.Said}): {answer.Message}"),
            _ when reply.Status is < 200 or >= 300 => ReadAnswer<VoTableAnswer>.Final($"{reply.Said}: \"{HttpRetry.Excerpt(reply.Body)}\""),
            VoTableKind.Table => ReadAnswer<VoTableAnswer>.Usable(answer, answer.Message),
            VoTableKind.Unsupported => ReadAnswer<VoTableAnswer>.Final(answer.Message),
            _ => ReadAnswer<VoTableAnswer>.Transient("damaged answer: " + answer.Message),
        };
    }

    public void Dispose() => _caller.Dispose();

    sealed class Session
    {
        public int Attempts, Retries;
        public bool CacheHit = true, Refused;
        public IReadOnlyList<string>? Columns;
        public List<IReadOnlyList<string>> Rows { get; } = [];
        public List<string> Log { get; } = [];
    }
}

/// <summary>The TAP queries of the vetting chain, each a join of TAP_UPLOAD.vasco on a cone of the radius given.</summary>
public static class TapQueries
{
    /// <summary>GAVO's data centre, which serves the SuperCOSMOS Sky Survey as supercosmos.sources.</summary>
    public static readonly Uri Gavo = new("https://dc.g-vo.org/tap");

    /// <summary>IRSA, which serves the Palomar Transient Factory's objects as ptf_objects.</summary>
    public static readonly Uri Irsa = new("https://irsa.ipac.caltech.edu/TAP");

    /// <summary>
    /// SuperCOSMOS's sources within the radius that have an R1 detection: R1 is SuperCOSMOS's scan of the POSS-I E
    /// plate, the second digitisation of the plate a candidate was found on (north of Dec -17.5; ESO-R further south).
    /// </summary>
    public static string SuperCosmosR1Adql(double radiusArcsec) =>
        "SELECT u.vasco_id, s.raj2000, s.dej2000, s.objidr1 FROM TAP_UPLOAD.vasco AS u JOIN supercosmos.sources AS s " +
        $"ON 1=CONTAINS(POINT('ICRS', s.raj2000, s.dej2000), CIRCLE('ICRS', u.ra, u.dec, {Radius(radiusArcsec)}/3600.0)) WHERE s.objidr1 IS NOT NULL";

    /// <summary>PTF objects within the radius with at least one good (unflagged) epochal detection.</summary>
    public static string PtfAdql(double radiusArcsec) =>
        "SELECT u.vasco_id, p.ra, p.dec, p.oid, p.ngoodobs FROM TAP_UPLOAD.vasco AS u JOIN ptf_objects AS p " +
        $"ON 1=CONTAINS(POINT('ICRS', p.ra, p.dec), CIRCLE('ICRS', u.ra, u.dec, {Radius(radiusArcsec)}/3600.0)) WHERE p.ngoodobs > 0";

    public static TapQuery SuperCosmosR1(IReadOnlyList<SkyPoint> points, double radiusArcsec) => new(Gavo, SuperCosmosR1Adql(radiusArcsec), points);

    public static TapQuery Ptf(IReadOnlyList<SkyPoint> points, double radiusArcsec) => new(Irsa, PtfAdql(radiusArcsec), points);

    static string Radius(double radiusArcsec) => radiusArcsec > 0 && double.IsFinite(radiusArcsec)
        ? SkyPoint.Number(radiusArcsec)
        : throw new ArgumentOutOfRangeException(nameof(radiusArcsec), $"a radius of {radiusArcsec}\" is not a radius");
}
