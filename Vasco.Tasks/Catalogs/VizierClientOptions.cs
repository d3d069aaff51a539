using Vasco.Net;

namespace Vasco.Catalogs;

/// <summary>
/// How <see cref="VizierClient"/> talks to VizieR: <see cref="ArchiveClientOptions.MaxRetries"/> counts the retries on one
/// mirror, before the query moves to the next; CacheDir (data/cache/vizier/) holds the raw asu-tsv answers.
/// </summary>
public sealed record VizierClientOptions() : ArchiveClientOptions(maxRetries: 3, backoffBase: 2, maxDelay: TimeSpan.FromSeconds(120),
    attemptTimeout: TimeSpan.FromSeconds(180), maxConcurrency: 2)
{
    /// <summary>CDS in Strasbourg, then its mirror at the CfA.</summary>
    public static readonly IReadOnlyList<Uri> DefaultMirrors = [new("https://vizier.cds.unistra.fr/"), new("https://vizier.cfa.harvard.edu/")];

    /// <summary>Base URIs tried in order; a mirror that fails every retry hands the query to the next.</summary>
    public IReadOnlyList<Uri> Mirrors { get; init; } = DefaultMirrors;

    /// <summary>Requests to one mirror start at least this far apart: VizieR is shared, and rate-limits the impatient.</summary>
    public TimeSpan MinInterval { get; init; } = TimeSpan.FromSeconds(1);

    /// <summary>-out.max: an answer with this many rows is taken as cut off by the limit.</summary>
    public int RowLimit { get; init; } = 50_000;

    /// <summary>
    /// How many times a cone cut off by <see cref="RowLimit"/> may be split into four smaller ones (3: up to 64 cones);
    /// 0 makes a cut-off cone a failure at once.
    /// </summary>
    public int MaxSplitDepth { get; init; } = 3;
}
