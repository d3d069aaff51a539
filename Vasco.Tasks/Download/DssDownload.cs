namespace Vasco.Download;

/// <summary>The outcome of one cutout request, for the step's manifest.</summary>
/// <param name="Ok">True when <paramref name="CachePath"/> holds a validated POSS-I red cutout.</param>
/// <param name="CachePath">The cached FITS (plain, never gzip) when Ok.</param>
/// <param name="Url">The request URL (also for a cache hit: what would have been fetched).</param>
/// <param name="Attempts">HTTP requests made; 0 for a cache hit.</param>
/// <param name="Retries">Attempts after the first.</param>
/// <param name="RetryWait">Total time spent waiting between attempts.</param>
/// <param name="CacheHit">Served from the cache without any request.</param>
/// <param name="Sha256">Hex SHA-256 of the cached FITS.</param>
/// <param name="Bytes">Length of the cached FITS.</param>
/// <param name="FailureReason">Why there is no plate, in words an astronomer can act on.</param>
/// <param name="RejectedPath">Where the unusable answer was saved for inspection.</param>
/// <param name="Plate">What the header says about the plate.</param>
/// <param name="HttpStatus">Status of the last answer; null for a cache hit or when no answer came.</param>
/// <param name="AttemptLog">One line per attempt: what came back.</param>
public sealed record DssDownload(
    bool Ok,
    string? CachePath,
    string Url,
    int Attempts,
    int Retries,
    TimeSpan RetryWait,
    bool CacheHit,
    string? Sha256,
    long Bytes,
    string? FailureReason,
    string? RejectedPath,
    PlateInfo? Plate,
    int? HttpStatus,
    IReadOnlyList<string> AttemptLog)
{
    /// <summary>The archive never gave a usable answer (errors, timeouts, broken or cut-short transfers on every attempt):
    /// another try later may succeed, unlike an answer that is not a POSS-I plate.</summary>
    public bool GaveUp { get; init; }
}
