using System.Globalization;
using System.Security.Cryptography;
using System.Text;
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
public sealed record SkybotResult(bool Ok, IReadOnlyList<SkybotObject> Objects, string Url, bool CacheHit, int Attempts, int Retries, string? FailureReason, IReadOnlyList<string> Log)
{
    /// <summary>Not Ok because SkyBoT refused the request for good, not because it was unreachable.</summary>
    public bool Refused { get; init; }
}

/// <summary>
/// IMCCE's SkyBoT cone search (-mime=text, -output=all) at an epoch and for an observer, with -filter=0 so that no object
/// is dropped for a large position error (the stage weighs that error itself). Answers are cached under a hash of the
/// whole query (epoch, cone, observer), so a changed query never reuses an old answer; the requests go through
/// <see cref="ArchiveCaller"/> (retries with backoff, a time limit per attempt, spacing). Failures are returned, not thrown.
/// </summary>
public sealed class SkybotClient : IDisposable
{
    readonly SkybotClientOptions _options;
    readonly ArchiveCaller _caller;

    public SkybotClient(SkybotClientOptions options, HttpMessageHandler? handler = null, TimeProvider? timeProvider = null)
    {
        _options = options;
        _caller = new ArchiveCaller(options, options.MinInterval, handler, timeProvider);
    }

    /// <summary>The request of <paramref name="query"/>.</summary>
    public Uri Url(SkybotQuery query) => QueryUrl(_options.Endpoint, _options.Observer, query);

    /// <summary>
    /// SkyBoT's cone search of <paramref name="query"/> as seen from <paramref name="observer"/>: the stage's request (text), or
    /// the same question for a person's browser (<paramref name="mime"/> html).
    /// </summary>
    public static Uri QueryUrl(Uri endpoint, string observer, SkybotQuery query, string mime = "text")
    {
        static string F(double v, string format) => (v + 0.0).ToString(format, CultureInfo.InvariantCulture);
        return new Uri(endpoint + "?" + string.Join('&',
            "-ep=" + F(query.JulianDate, "0.000000"),
            "-ra=" + F(query.RaDeg, "0.000000"),
            "-dec=" + F(query.DecDeg, "0.000000"),
            "-rd=" + F(query.RadiusDeg, "0.000000"),
            "-loc=" + Uri.EscapeDataString(observer),
            "-mime=" + mime, "-output=all", "-filter=0", "-objFilter=111", "-refsys=EQJ2000", "-from=Vasco"));
    }

    /// <summary>The cache file of a query: a hash of its whole request.</summary>
    public string CachePath(SkybotQuery query) =>
        Path.Combine(_options.CacheDir, "skybot_" + Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(Url(query).Query))).ToLowerInvariant()[..16] + ".txt");

    public async Task<SkybotResult> ConeSearchAsync(SkybotQuery query, CancellationToken cancellationToken = default)
    {
        var url = Url(query).AbsoluteUri;
        var call = await _caller.CallAsync(CachePath(query), () => new HttpRequestMessage(HttpMethod.Get, url), Read, cancellationToken: cancellationToken)
            .ConfigureAwait(false);
        return new SkybotResult(call.Ok, call.Value?.Objects ?? [], url, call.CacheHit, call.Attempts, call.Retries, call.FailureReason, call.Log) { Refused = call.Refused };
    }

    static ReadAnswer<SkybotAnswer> Read(ArchiveReply reply)
    {
        if (reply.Status is < 200 or >= 300) return ReadAnswer<SkybotAnswer>.Final(reply.Said);
        var parsed = SkybotAnswer.Parse(reply.Body);
        // Flag -1 is SkyBoT's own trouble (its database, an ephemeris run): worth another attempt, as a damaged answer is.
        return parsed.Kind is SkybotAnswerKind.Objects or SkybotAnswerKind.None
            ? ReadAnswer<SkybotAnswer>.Usable(parsed, parsed.Message)
            : ReadAnswer<SkybotAnswer>.Transient(parsed.Message);
    }

    public void Dispose() => _caller.Dispose();
}
