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

    readonly List<(string Name, CatalogSource? Remote, IReadOnlyList<ReferenceStar>? Local, string? File, bool ExpectEmpty)> _catalogs = [];
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
                _catalogs.Add((SyntheticCatalog, null, null, null, ExpectEmpty(item)));
            }
            else if (string.IsNullOrEmpty(file))
            {
                var known = CatalogSource.Find(item.ItemSpec) ?? throw new VascoException(ErrorCodes.ParameterInvalid,
                    $"VascoCatalog '{item.ItemSpec}' has no File and is not a catalog Vasco knows on VizieR.",
                    $"use one of {string.Join(", ", CatalogSource.Known.Select(c => c.Name))}, or give File=\"path.csv\" with column metadata.");
                _catalogs.Add((known.Name, known, null, null, ExpectEmpty(item)));
                _vizier ??= NewVizierClient(ParameterValues, CacheDir, Mirrors);
            }
            else
            {
                var path = Path.GetFullPath(Path.Combine(RunDir, file));
                _catalogs.Add((item.ItemSpec, null, LocalCatalog.Read(path, Columns(item, path)).Stars, path, ExpectEmpty(item)));
            }
        }
        foreach (var (name, _, _, _, _) in _catalogs)
            Vasco.IO.AtomicFile.DeleteTempFiles(Path.Combine(ExtDir, name, RunId));
        StepFields["catalogs"] = _catalogs.Select(c => c.Remote is not null ? $"{c.Name} (VizieR {c.Remote.VizierTable})"
            : c.Local is not null ? $"{c.Name} (local file)" : $"{c.Name} (the synthetic sky's modern catalog, epoch {SyntheticOptions.ModernEpoch})").ToList();
    }

    protected override void Finish() => _vizier?.Dispose();

    /// <summary>ExpectEmpty="true" on a VascoCatalog: the catalog may hold nothing (or little) of a tile's sky.</summary>
    internal static bool ExpectEmpty(ITaskItem item) => item.GetMetadata("ExpectEmpty").Trim().ToLowerInvariant() switch
    {
        "" or "false" => false,
        "true" => true,
        var v => throw new VascoException(ErrorCodes.ParameterInvalid, $"VascoCatalog '{item.ItemSpec}' has ExpectEmpty=\"{v}\": it is true or false.",
            "write ExpectEmpty=\"true\" (the catalog may have no source in a tile) or leave it out."),
    };

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
    static CatalogColumns Columns(ITaskItem item, string path)
    {
        string? M(string name) => item.GetMetadata(name) is { Length: > 0 } v ? v : null;
        var mapped = M("RaColumn") is not null;
        var epoch = CatalogEpoch.Read($"VascoCatalog '{item.ItemSpec}'", M("Epoch"), mapped, LocalCatalog.GaiaArchiveColumns.Epoch, path);
        if (!mapped) return LocalCatalog.GaiaArchiveColumns with { Epoch = epoch };
        return new CatalogColumns(M("IdColumn") is { } id ? [id] : [], M("RaColumn")!, M("DecColumn") ?? "dec",
            M("MagColumn") is { } mag ? [mag] : [], M("PmRaColumn"), M("PmDecColumn"), epoch);
    }

    protected override void RunTile(TileContext t)
    {
        var cone = Cone.ForTile(t.Tile, t.Parameters.Number("ExternalMarginArcmin"));
        foreach (var (name, remote, local, file, expectEmpty) in _catalogs)
        {
            IReadOnlyList<ReferenceStar> stars;
            if (remote is null && local is null)
            {
                stars = SyntheticSky.For(t.Tile, _synthetic!).ModernCatalog().Where(s => cone.Contains(s.Ra, s.Dec)).ToList();
                CatalogCoverage.CheckNotEmpty(name, t.Tile.TileId, stars.Count, expectEmpty, "the synthetic sky's modern catalog", cone.RadiusArcmin,
                    "check SyntheticStarDensity and SyntheticLimitMag.", null);
            }
            else if (local is not null)
            {
                stars = local.Where(s => cone.Contains(s.Ra, s.Dec)).ToList();
                CatalogCoverage.CheckNotEmpty(name, t.Tile.TileId, stars.Count, expectEmpty, $"the local file '{RunPaths.Relative(RunDir, file!)}'", cone.RadiusArcmin,
                    "check that the file holds this tile's sky (not only its header line, not another field) and that its column mapping reads positions.", file);
            }
            else
            {
                var result = _vizier!.ConeSearchAsync(remote!, cone, t.Cancellation).GetAwaiter().GetResult();
                t.Retries += result.Retries;
                t.Counts[$"rate_limit_waits_{name}"] = result.RateLimitWaits;
                t.Counts[$"rate_limit_wait_seconds_{name}"] = Math.Round(result.RateLimitWait.TotalSeconds, 3);
                t.Counts[$"cache_hit_{name}"] = result.CacheHit ? 1 : 0;
                t.Fields[$"query_{name}"] = result.Url;
                t.Fields[$"attempts_{name}"] = result.Log;
                if (result.TruncatedAnswers > 0) t.Warnings.Add($"{name}: {result.TruncatedAnswers} answer(s) hit the row limit and were split into smaller cones");
                if (!result.Ok)
                    throw new VascoException(result.FailureCode ?? ErrorCodes.CatalogFetchFailed, $"{name} for tile {t.Tile.TileId}: {result.FailureReason}",
                        "check the network and VizieR's status, then build again (answers already fetched are cached).");
                stars = result.Stars;
                if (stars.Count == 0 && !expectEmpty)
                    // An empty answer may be a glitch of VizieR's: the next build must ask again, not reread it.
                    _vizier.Forget(remote!, cone);
                CatalogCoverage.CheckNotEmpty(name, t.Tile.TileId, stars.Count, expectEmpty, $"VizieR {remote!.VizierTable}", cone.RadiusArcmin,
                    "check that the table covers this part of the sky; the empty answer was not kept in the cache, so a new build asks VizieR again.", null);
            }
            var csv = Path.Combine(ExtDir, name, RunId, t.Tile.TileId + ".csv");
            Directory.CreateDirectory(Path.GetDirectoryName(csv)!);
            ReferenceCatalogCsv.Write(csv, stars);
            t.AddOutput(csv);
            t.Counts[$"rows_{name}"] = stars.Count;
            // Expected, yet said: on a plate full of stars an empty catalog makes every source look vanished.
            if (stars.Count == 0) t.Warnings.Add($"{name}: no source in the cone of {cone.RadiusArcmin:0.###}' (ExpectEmpty=\"true\")");
        }
        t.Fields["catalog_name"] = _catalogs.Select(c => c.Name).ToList();
        t.Fields["cone_radius_arcmin"] = Math.Round(cone.RadiusArcmin, 4);
    }
}
