namespace Vasco.Catalogs;

/// <summary>How <see cref="VizierClient"/> talks to VizieR.</summary>
public sealed record VizierClientOptions
{
    /// <summary>CDS in Strasbourg, then its mirror at the CfA.</summary>
    public static readonly IReadOnlyList<Uri> DefaultMirrors = [new("https://vizier.cds.unistra.fr/"), new("https://vizier.cfa.harvard.edu/")];

    /// <summary>Base URIs tried in order; a mirror that fails every retry hands the query to the next.</summary>
    public IReadOnlyList<Uri> Mirrors { get; init; } = DefaultMirrors;

    /// <summary>Retries on one mirror after its first attempt, before moving to the next mirror.</summary>
    public int MaxRetries { get; init; } = 3;

    /// <summary>Retry n waits about BackoffBase^n times <see cref="BackoffUnit"/>, with jitter.</summary>
    public double BackoffBase { get; init; } = 2;

    public TimeSpan BackoffUnit { get; init; } = TimeSpan.FromSeconds(1);

    /// <summary>No wait between attempts is longer, whatever a Retry-After header asks.</summary>
    public TimeSpan MaxDelay { get; init; } = TimeSpan.FromSeconds(120);

    /// <summary>One attempt (connect, answer, whole body) gives up after this long and counts as a failed attempt.</summary>
    public TimeSpan AttemptTimeout { get; init; } = TimeSpan.FromSeconds(180);

    /// <summary>Requests in flight at once across the whole client.</summary>
    public int MaxConcurrency { get; init; } = 2;

    /// <summary>Requests to one mirror start at least this far apart: VizieR is shared, and rate-limits the impatient.</summary>
    public TimeSpan MinInterval { get; init; } = TimeSpan.FromSeconds(1);

    /// <summary>-out.max: an answer with this many rows is taken as cut off by the limit.</summary>
    public int RowLimit { get; init; } = 50_000;

    /// <summary>
    /// How many times a cone cut off by <see cref="RowLimit"/> may be split into four smaller ones (3: up to 64 cones);
    /// 0 makes a cut-off cone a failure at once.
    /// </summary>
    public int MaxSplitDepth { get; init; } = 3;

    /// <summary>Raw asu-tsv answers, named from a hash of the query (data/cache/vizier/).</summary>
    public required string CacheDir { get; init; }
}
