using Vasco.Net;

namespace Vasco.Download;

/// <summary>How <see cref="DssClient"/> talks to the STScI DSS cutout service; its CacheDir holds the validated cutouts.</summary>
public sealed record DssClientOptions() : ArchiveClientOptions(maxRetries: 5, backoffBase: 1.5, maxDelay: TimeSpan.FromSeconds(300),
    attemptTimeout: TimeSpan.FromSeconds(120), maxConcurrency: 4)
{
    public static readonly Uri DefaultEndpoint = new("https://archive.stsci.edu/cgi-bin/dss_search");

    public Uri Endpoint { get; init; } = DefaultEndpoint;

    /// <summary>The dss_search survey name (the v= parameter); poss1_red is the DSS1 scan of the POSS-I E plates.</summary>
    public string Survey { get; init; } = "poss1_red";

    /// <summary>The plates <see cref="Survey"/> serves when they are not POSS-I red (a second look's other plates): what the cutouts are checked against.</summary>
    public PlateSurvey? Plates { get; init; }

    /// <summary>A larger answer is refused: no single cutout comes near it.</summary>
    public long MaxBodyBytes { get; init; } = 512L * 1024 * 1024;

    /// <summary>Answers that were not usable plates, kept for inspection; by default CacheDir/rejected.</summary>
    public string? RejectedDir { get; init; }
}
