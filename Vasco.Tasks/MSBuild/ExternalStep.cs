using System.Globalization;
using Microsoft.Build.Framework;
using Vasco.Catalogs;
using Vasco.Pipeline;
using Vasco.Synthetic;

namespace Vasco.MSBuild;

/// <summary>
/// Step 6: each tile's modern reference catalogs, from VizieR (cone searches through the
/// cache), from local CSV files (VascoCatalog with File=), or from the synthetic sky of
/// ImageSource=synthetic (VascoCatalog "synthetic", the default there), in one schema:
/// data/ext/&lt;catalog&gt;/&lt;RunId&gt;/&lt;tile_id&gt;.csv.
/// </summary>
public sealed class VascoExternal : TileStepTask
{
    /// <summary>VascoCatalog items; none means USNO-B1 from VizieR, the seed's default (the synthetic sky's own catalog for ImageSource=synthetic).</summary>
    public ITaskItem[] Catalogs { get; set; } = [];
    [Required] public string ExtDir { get; set; } = "";
    [Required] public string CacheDir { get; set; } = "";
    /// <summary>';'-separated VizieR base URIs, tried in order; tests point them at loopback servers.</summary>
    public string? Mirrors { get; set; }

    readonly List<(string Name, CatalogSource? Remote, IReadOnlyList<ReferenceStar>? Local)> _catalogs = [];
    VizierClient? _vizier;
    SyntheticOptions? _synthetic;

    /// <summary>The catalog name that means "the synthetic sky's modern catalog".</summary>
    public const string SyntheticCatalog = "synthetic";

    protected override void Prepare(StepDeclaration step)
    {
        var isSynthetic = ParameterValues["ImageSource"] == "synthetic";
        var fallback = isSynthetic ? SyntheticCatalog : "usnob";
        foreach (var item in Catalogs.Length == 0 ? [new Microsoft.Build.Utilities.TaskItem(fallback)] : Catalogs)
        {
            var file = item.GetMetadata("File");
            if (string.IsNullOrEmpty(file) && item.ItemSpec == SyntheticCatalog)
            {
                if (!isSynthetic)
                    throw new VascoException(ErrorCodes.ParameterInvalid, "VascoCatalog 'synthetic' needs ImageSource=synthetic: only a synthetic sky has a synthetic catalog.",
                        "set ImageSource=synthetic, or name a real catalog (usnob, gaia, ps1) or a File.");
                _synthetic = SyntheticOptions.From(ParameterValues);
                _catalogs.Add((SyntheticCatalog, null, null));
            }
            else if (string.IsNullOrEmpty(file))
            {
                var known = CatalogSource.Find(item.ItemSpec) ?? throw new VascoException(ErrorCodes.ParameterInvalid,
                    $"VascoCatalog '{item.ItemSpec}' has no File and is not a catalog Vasco knows on VizieR.",
                    $"use one of {string.Join(", ", CatalogSource.Known.Select(c => c.Name))}, or give File=\"path.csv\" with column metadata.");
                _catalogs.Add((known.Name, known, null));
                _vizier ??= NewVizierClient(ParameterValues, CacheDir, Mirrors);
            }
            else
            {
                var path = Path.GetFullPath(Path.Combine(RunDir, file));
                _catalogs.Add((item.ItemSpec, null, LocalCatalog.Read(path, Columns(item)).Stars));
            }
        }
        StepFields["catalogs"] = _catalogs.Select(c => c.Remote is not null ? $"{c.Name} (VizieR {c.Remote.VizierTable})"
            : c.Local is not null ? $"{c.Name} (local file)" : $"{c.Name} (the synthetic sky's modern catalog, epoch {SyntheticOptions.ModernEpoch})").ToList();
    }

    protected override void Finish() => _vizier?.Dispose();

    internal static VizierClient NewVizierClient(ParameterSet p, string cacheDir, string? mirrors) => new(new VizierClientOptions
    {
        Mirrors = string.IsNullOrWhiteSpace(mirrors) ? VizierClientOptions.DefaultMirrors
            : StepDeclaration.SplitList(mirrors).Select(m => new Uri(m.EndsWith('/') ? m : m + "/")).ToList(),
        MaxRetries = p.Integer("VizierRetries"),
        AttemptTimeout = TimeSpan.FromSeconds(p.Number("VizierTimeoutSeconds")),
        MaxConcurrency = p.Integer("VizierConcurrency"),
        MinInterval = TimeSpan.FromSeconds(p.Number("VizierMinIntervalSeconds")),
        RowLimit = p.Integer("VizierRowLimit"),
        CacheDir = Path.Combine(cacheDir, "vizier"),
    });

    /// <summary>The column mapping of a local catalog: the item's metadata, Gaia archive names by default.</summary>
    static CatalogColumns Columns(ITaskItem item)
    {
        string? M(string name) => item.GetMetadata(name) is { Length: > 0 } v ? v : null;
        if (M("RaColumn") is null) return LocalCatalog.GaiaArchiveColumns;
        return new CatalogColumns(M("IdColumn") is { } id ? [id] : [], M("RaColumn")!, M("DecColumn") ?? "dec",
            M("MagColumn") is { } mag ? [mag] : [], M("PmRaColumn"), M("PmDecColumn"),
            M("Epoch") is { } e ? double.Parse(e, CultureInfo.InvariantCulture) : 2000.0);
    }

    protected override void RunTile(TileContext t)
    {
        var cone = Cone.ForTile(t.Tile, t.Parameters.Number("ExternalMarginArcmin"));
        foreach (var (name, remote, local) in _catalogs)
        {
            IReadOnlyList<ReferenceStar> stars;
            if (remote is null && local is null)
            {
                stars = SyntheticSky.For(t.Tile, _synthetic!).ModernCatalog().Where(s => cone.Contains(s.Ra, s.Dec)).ToList();
            }
            else if (local is not null)
            {
                stars = local.Where(s => cone.Contains(s.Ra, s.Dec)).ToList();
            }
            else
            {
                var result = _vizier!.ConeSearchAsync(remote!, cone, t.Cancellation).GetAwaiter().GetResult();
                t.Retries += result.Retries;
                t.Counts[$"rate_limit_waits_{name}"] = result.RateLimitWaits;
                t.Counts[$"rate_limit_wait_seconds_{name}"] = Math.Round(result.RateLimitWait.TotalSeconds, 3);
                t.Counts[$"cache_hit_{name}"] = result.CacheHit ? 1 : 0;
                t.Fields[$"query_{name}"] = result.Url;
                if (result.TruncatedAnswers > 0) t.Warnings.Add($"{name}: {result.TruncatedAnswers} answer(s) hit the row limit and were split into smaller cones");
                if (!result.Ok)
                    throw new VascoException(result.FailureCode ?? ErrorCodes.CatalogFetchFailed, $"{name} for tile {t.Tile.TileId}: {result.FailureReason}",
                        "check the network and VizieR's status, then build again (answers already fetched are cached).");
                stars = result.Stars;
            }
            var csv = Path.Combine(ExtDir, name, RunId, t.Tile.TileId + ".csv");
            Directory.CreateDirectory(Path.GetDirectoryName(csv)!);
            ReferenceCatalogCsv.Write(csv, stars);
            t.AddOutput(csv);
            t.Counts[$"rows_{name}"] = stars.Count;
        }
        t.Fields["catalog_name"] = _catalogs.Select(c => c.Name).ToList();
        t.Fields["cone_radius_arcmin"] = Math.Round(cone.RadiusArcmin, 4);
    }
}
