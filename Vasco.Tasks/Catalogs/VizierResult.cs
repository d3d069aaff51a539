namespace Vasco.Catalogs;

/// <summary>The outcome of one cone search (possibly split into smaller cones), for the step's manifest.</summary>
/// <param name="Ok">True when <paramref name="Stars"/> holds every source of the cone.</param>
/// <param name="Stars">The sources, de-duplicated by id; empty when not Ok.</param>
/// <param name="Url">The request for the whole cone, on the mirror that answered it (the first mirror when it was split or cached).</param>
/// <param name="Queries">Cones asked for: 1, plus 4 per split.</param>
/// <param name="RowsFetched">Rows in the answers (or cached answers), before de-duplication and dropping rows without a position.</param>
/// <param name="RowsWithoutPosition">Rows dropped for an empty position.</param>
/// <param name="CacheHit">Every answer came from the cache: no request was made.</param>
/// <param name="Attempts">HTTP requests made, over every mirror.</param>
/// <param name="Retries">Attempts after the first of each query on each mirror.</param>
/// <param name="RetryWait">Time spent in backoff between attempts.</param>
/// <param name="Mirrors">The mirrors that answered, in order of first use.</param>
/// <param name="TruncatedAnswers">Answers cut off by the row limit (each was split, or the search failed).</param>
/// <param name="Truncated">The search failed because a cone was still cut off at the deepest split.</param>
/// <param name="RateLimitWaits">Requests that waited for their turn at a mirror.</param>
/// <param name="RateLimitWait">Total time those requests waited.</param>
/// <param name="FailureCode">The VASCO#### code of the failure.</param>
/// <param name="FailureReason">Why there are no sources, in words an astronomer can act on.</param>
/// <param name="Log">One line per attempt or cache read: what came back.</param>
public sealed record VizierResult(
    bool Ok,
    string Catalog,
    IReadOnlyList<ReferenceStar> Stars,
    string Url,
    int Queries,
    int RowsFetched,
    int RowsWithoutPosition,
    bool CacheHit,
    int Attempts,
    int Retries,
    TimeSpan RetryWait,
    IReadOnlyList<string> Mirrors,
    int TruncatedAnswers,
    bool Truncated,
    int RateLimitWaits,
    TimeSpan RateLimitWait,
    string? FailureCode,
    string? FailureReason,
    IReadOnlyList<string> Log);
