using Vasco.Pipeline;

namespace Vasco.Steps;

/// <summary>
/// What a step gets besides its parameters: the run's folders, the other steps' folders, the
/// services' addresses, the run's catalogs and the tools. The same for every step of a build;
/// the MSBuild adapter fills it from properties and items.
/// </summary>
public sealed record StepEnvironment
{
    public required string RunDir { get; init; }
    public required string RunId { get; init; }
    /// <summary>Every step of the run by name (folders, reads), to find what earlier steps wrote.</summary>
    public required IReadOnlyDictionary<string, StepDeclaration> Steps { get; init; }
    /// <summary>The download and VizieR cache, shared by runs.</summary>
    public string CacheDir { get; init; } = "";
    /// <summary>The run's own state folder (obj/vasco/&lt;RunId&gt;/).</summary>
    public string StateDir { get; init; } = "";
    /// <summary>data/ext/: each modern catalog's per-tile CSVs under &lt;catalog&gt;/&lt;RunId&gt;/.</summary>
    public string ExtDir { get; init; } = "";
    /// <summary>The STScI DSS endpoint (empty: STScI's own).</summary>
    public string StsciEndpoint { get; init; } = "";
    /// <summary>VizieR base URLs, tried in order (empty: CDS, then CfA).</summary>
    public IReadOnlyList<string> VizierMirrors { get; init; } = [];
    /// <summary>The run's reference catalogs (VascoCatalog items), in the run file's order.</summary>
    public IReadOnlyList<CatalogItem> Catalogs { get; init; } = [];
    /// <summary>The archives of vetting stage 1 (VascoArchive items; none: the defaults).</summary>
    public IReadOnlyList<CatalogItem> Archives { get; init; } = [];
    /// <summary>Local files standing in for the vetting services (VascoVettingFile items: skybot, vsx, ptf, supercosmos).</summary>
    public IReadOnlyList<CatalogItem> VettingFiles { get; init; } = [];
    /// <summary>The run's bright-star file (VascoBrightStars), or none: Tycho-2 from VizieR.</summary>
    public CatalogItem? BrightStars { get; init; }
    /// <summary>Configuration files by role (SExtractorConfig, Pass1Columns, ...).</summary>
    public IReadOnlyDictionary<string, string> Files { get; init; } = new Dictionary<string, string>();
    /// <summary>The external tools found by the VascoTools target: name to path, and name to version.</summary>
    public IReadOnlyDictionary<string, string> ToolPaths { get; init; } = new Dictionary<string, string>();
    /// <summary>Added to the names of run-level logs (a shard build's own: ".shard-K-of-N").</summary>
    public string LogSuffix { get; init; } = "";

    public string File(string role) => Files.TryGetValue(role, out var path) && path.Length > 0 ? path
        : throw new VascoException(ErrorCodes.Internal, $"No {role} file was given to the step.", "report this with the build log.");

    public string Tool(string name, string step) => ToolPaths.TryGetValue(name, out var path) && path.Length > 0 ? path
        : throw new VascoException(ErrorCodes.ToolMissing, $"Step {step} needs {name}, which the VascoTools target did not provide.",
            $"declare Tools=\"{name}\" on the step's VascoStep item.");

    /// <summary>Relative path of a file in the run folder, as manifests show it.</summary>
    public string Relative(string fullPath) => RunPaths.Relative(RunDir, fullPath);
}

/// <summary>A catalog a run file names (VascoCatalog, VascoBrightStars): its name, its file if local, and its metadata.</summary>
public sealed record CatalogItem(string Name, string FullPath, IReadOnlyDictionary<string, string> Metadata)
{
    /// <summary>A metadata value, or null when absent or empty.</summary>
    public string? Meta(string name) => Metadata.TryGetValue(name, out var v) && v.Length > 0 ? v : null;

    /// <summary>ExpectEmpty="true": the catalog may hold nothing (or little) of a tile's sky.</summary>
    public bool ExpectEmpty => (Meta("ExpectEmpty") ?? "").Trim().ToLowerInvariant() switch
    {
        "" or "false" => false,
        "true" => true,
        var v => throw new VascoException(ErrorCodes.ParameterInvalid, $"VascoCatalog '{Name}' has ExpectEmpty=\"{v}\": it is true or false.",
            "write ExpectEmpty=\"true\" (the catalog may have no source in a tile) or leave it out.")
            { InRunFile = RunFileElement.Item("VascoCatalog", Name) },
    };
}
