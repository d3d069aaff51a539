namespace Vasco.Download;

/// <summary>How <see cref="DssClient"/> talks to the STScI DSS cutout service.</summary>
public sealed record DssClientOptions
{
    public static readonly Uri DefaultEndpoint = new("https://archive.stsci.edu/cgi-bin/dss_search");

    public Uri Endpoint { get; init; } = DefaultEndpoint;

    /// <summary>The dss_search survey name (the v= parameter); poss1_red is the DSS1 scan of the POSS-I E plates.</summary>
    public string Survey { get; init; } = "poss1_red";

    /// <summary>Retries after the first attempt.</summary>
    public int MaxRetries { get; init; } = 5;

    /// <summary>Retry n waits about BackoffBase^n times <see cref="BackoffUnit"/>, with jitter.</summary>
    public double BackoffBase { get; init; } = 1.5;

    public TimeSpan BackoffUnit { get; init; } = TimeSpan.FromSeconds(1);

    /// <summary>No wait between attempts is longer, whatever a Retry-After header asks.</summary>
    public TimeSpan MaxDelay { get; init; } = TimeSpan.FromSeconds(300);

    /// <summary>One attempt (connect, answer, whole body) gives up after this long and counts as a failed attempt.</summary>
    public TimeSpan AttemptTimeout { get; init; } = TimeSpan.FromSeconds(120);

    /// <summary>Requests in flight at once across the whole client: the archive is shared by everyone.</summary>
    public int MaxConcurrency { get; init; } = 4;

    /// <summary>A larger answer is refused: no single cutout comes near it.</summary>
    public long MaxBodyBytes { get; init; } = 512L * 1024 * 1024;

    /// <summary>Validated cutouts, named from a hash of the request.</summary>
    public required string CacheDir { get; init; }

    /// <summary>Answers that were not usable plates, kept for inspection; by default CacheDir/rejected.</summary>
    public string? RejectedDir { get; init; }
}
