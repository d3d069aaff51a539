using Vasco.Catalogs;
using Vasco.IO;
using Vasco.Pipeline;
using Vasco.Synthetic;

namespace Vasco.Steps;

/// <summary>
/// Step 6: each tile's modern reference catalogs, from VizieR (cone searches through the
/// cache), from local CSV files (VascoCatalog with File=), or from the synthetic sky of
/// ImageSource=synthetic (VascoCatalog "synthetic", the default there), in one schema:
/// data/ext/&lt;catalog&gt;/&lt;RunId&gt;/&lt;tile_id&gt;.csv.
/// </summary>
public sealed class ExternalStep : TileStep
{
    public static readonly ParameterDefinition ExternalMarginArcmin = new("ExternalMarginArcmin", ParameterType.Number, "1", "margin around a tile's cone for modern catalogs (match radius plus proper motion since the plate)", Min: 0);
    public static readonly ParameterDefinition VizierRowLimit = new("VizierRowLimit", ParameterType.Integer, "50000", "row limit of one VizieR answer; a full answer is split into smaller cones", Min: 10);
    public static readonly ParameterDefinition VizierRetries = new("VizierRetries", ParameterType.Integer, "3", "retries of a failed VizieR query per mirror", Min: 0, Max: 50);
    public static readonly ParameterDefinition VizierTimeoutSeconds = new("VizierTimeoutSeconds", ParameterType.Number, "180", "time limit of one VizieR query", Min: 1);
    public static readonly ParameterDefinition VizierConcurrency = new("VizierConcurrency", ParameterType.Integer, "2", "VizieR queries at once", Min: 1, Max: 16);
    public static readonly ParameterDefinition VizierMinIntervalSeconds = new("VizierMinIntervalSeconds", ParameterType.Number, "1", "least time between two queries to one VizieR mirror", Min: 0);

    /// <summary>The catalog name that means "the synthetic sky's modern catalog".</summary>
    public const string SyntheticCatalog = "synthetic";

    /// <summary>A catalog's stars around one tile, in one schema (<see cref="ReferenceCatalogCsv"/>).</summary>
    public static string TileCatalogPath(StepEnvironment env, string catalog, string tileId) => Path.Combine(env.ExtDir, catalog, env.RunId, tileId + ".csv");

    public sealed record VizierSettings(int RowLimit, int Retries, double TimeoutSeconds, int Concurrency, double MinIntervalSeconds);

    /// <summary>VizieR's client settings: none changes an answer, except that step 6 stamps its row limit (<paramref name="rowLimit"/>).</summary>
    public static VizierSettings BindVizier(ParameterReader p, ParameterReader rowLimit) => new(rowLimit.Integer(VizierRowLimit),
        p.Unstamped.Integer(VizierRetries), p.Unstamped.Number(VizierTimeoutSeconds), p.Unstamped.Integer(VizierConcurrency), p.Unstamped.Number(VizierMinIntervalSeconds));

    public sealed record Config(double MarginArcmin, string ImageSource, SyntheticOptions Synthetic, VizierSettings Vizier);

    public static readonly StepContract Contract = StepContract.PerTile("External", 6, typeof(ExternalStep), Bind, (env, c) => new ExternalStep(env, c));

    public static Config Bind(ParameterReader p)
    {
        var margin = p.Number(ExternalMarginArcmin);
        var vizier = BindVizier(p, p);
        return new(margin, p.Text(DownloadStep.ImageSource), DownloadStep.BindSynthetic(p), vizier);
    }

    public static VizierClient NewVizierClient(VizierSettings s, StepEnvironment env) => new(new VizierClientOptions
    {
        Mirrors = env.VizierMirrors.Count == 0 ? VizierClientOptions.DefaultMirrors
            : env.VizierMirrors.Select(m => new Uri(m.EndsWith('/') ? m : m + "/")).ToList(),
        MaxRetries = s.Retries,
        AttemptTimeout = TimeSpan.FromSeconds(s.TimeoutSeconds),
        MaxConcurrency = s.Concurrency,
        MinInterval = TimeSpan.FromSeconds(s.MinIntervalSeconds),
        RowLimit = s.RowLimit,
        CacheDir = Path.Combine(env.CacheDir, "vizier"),
    });

    /// <summary>The run's catalogs: none means USNO-B1 from VizieR, the seed's default (the synthetic sky's own catalog for ImageSource=synthetic).</summary>
    public static IReadOnlyList<CatalogItem> CatalogsOf(StepEnvironment env, string imageSource) =>
        env.Catalogs.Count > 0 ? env.Catalogs : [new CatalogItem(imageSource == "synthetic" ? SyntheticCatalog : "usnob", "", new Dictionary<string, string>())];

    readonly Config _config;
    readonly List<(string Name, CatalogSource? Remote, IReadOnlyList<ReferenceStar>? Local, string? File, bool ExpectEmpty)> _catalogs = [];
    VizierClient? _vizier;

    public ExternalStep(StepEnvironment env, Config config) : base(env)
    {
        _config = config;
        try
        {
            OpenCatalogs(env, config);
        }
        catch
        {
            // A later catalog's mistake must not leave the client of an earlier one open (a reused MSBuild node keeps it).
            _vizier?.Dispose();
            throw;
        }
        StepFields["catalogs"] = _catalogs.Select(c => c.Remote is not null ? $"{c.Name} (VizieR {c.Remote.VizierTable})"
            : c.Local is not null ? $"{c.Name} (local file)" : $"{c.Name} (the synthetic sky's modern catalog, epoch {SyntheticOptions.ModernEpoch})").ToList();
    }

    void OpenCatalogs(StepEnvironment env, Config config)
    {
        var isSynthetic = config.ImageSource == "synthetic";
        foreach (var item in CatalogsOf(env, config.ImageSource))
        {
            var file = item.Meta("File");
            if (file is null && item.Name == SyntheticCatalog)
            {
                if (!isSynthetic)
                    throw new VascoException(ErrorCodes.ParameterInvalid, "VascoCatalog 'synthetic' needs ImageSource=synthetic: only a synthetic sky has a synthetic catalog.",
                        "set ImageSource=synthetic, or name a real catalog (usnob, gaia, ps1) or a File.")
                    { InRunFile = RunFileElement.Item("VascoCatalog", SyntheticCatalog) };
                _catalogs.Add((SyntheticCatalog, null, null, null, item.ExpectEmpty));
            }
            else if (file is null)
            {
                var known = CatalogSource.Find(item.Name) ?? throw new VascoException(ErrorCodes.ParameterInvalid,
                    $"VascoCatalog '{item.Name}' has no File and is not a catalog Vasco knows on VizieR.",
                    $"use one of {string.Join(", ", CatalogSource.Known.Select(c => c.Name))}, or give File=\"path.csv\" with column metadata.");
                _catalogs.Add((known.Name, known, null, null, item.ExpectEmpty));
                _vizier ??= NewVizierClient(config.Vizier, env);
            }
            else
            {
                var path = Path.GetFullPath(Path.Combine(env.RunDir, file));
                _catalogs.Add((item.Name, null, LocalCatalog.Read(path, Columns(item, path)).Stars, path, item.ExpectEmpty));
            }
        }
    }

    /// <summary>
    /// Catalogs from VizieR: the tiles mostly wait for it. A tile waits for its plate (without reading it: not in the
    /// stamp), so that VizieR is not asked for a tile whose plate step 1 could not get.
    /// </summary>
    public override TileWork Work() => base.Work() with { WaitsOnNetwork = _vizier is not null, WaitsFor = ["Download"] };

    public override void Dispose()
    {
        _vizier?.Dispose();
        base.Dispose();
    }

    /// <summary>The column mapping of a local catalog: the item's metadata, Gaia archive names by default.</summary>
    static CatalogColumns Columns(CatalogItem item, string path)
    {
        var mapped = item.Meta("RaColumn") is not null;
        var epoch = CatalogEpoch.Read($"VascoCatalog '{item.Name}'", item.Meta("Epoch"), mapped, LocalCatalog.GaiaArchiveColumns.Epoch, path);
        if (!mapped) return LocalCatalog.GaiaArchiveColumns with { Epoch = epoch };
        return new CatalogColumns(item.Meta("IdColumn") is { } id ? [id] : [], item.Meta("RaColumn")!, item.Meta("DecColumn") ?? "dec",
            MagnitudeColumns(item), item.Meta("PmRaColumn"), item.Meta("PmDecColumn"), epoch);
    }

    /// <summary>
    /// The columns a catalog's magnitudes come from, in the order tried: a VizieR catalog's, a local file's MagColumn (the
    /// Gaia archive's phot_g_mean_mag when it maps no column); none for the synthetic sky's catalog or a file without one.
    /// </summary>
    public static IReadOnlyList<string> MagnitudeColumns(CatalogItem item) =>
        item.Meta("File") is null ? CatalogSource.Find(item.Name)?.Columns.MagColumns ?? []
        : item.Meta("RaColumn") is null ? LocalCatalog.GaiaArchiveColumns.MagColumns
        : item.Meta("MagColumn") is { } mag ? [mag] : [];

    public override void RunTile(TileContext t)
    {
        // Step 6 needs no plate, but a tile whose plate step 1 could not get has no use for catalogs: it is skipped at once,
        // not fetched from VizieR for minutes (the next build retries both).
        if (Env.Steps.TryGetValue("Download", out var download) && File.Exists(TileRecords.FailedPath(download.OutputDir, t.Tile.TileId)))
            throw new UpstreamMissingException(ErrorCodes.TileFailed, $"step External skipped tile {t.Tile.TileId}: step Download got no plate for it.",
                "fix the error reported for Download on this tile; the next build retries both.");
        var cone = Cone.ForTile(t.Tile, _config.MarginArcmin);
        foreach (var (name, remote, local, file, expectEmpty) in _catalogs)
        {
            IReadOnlyList<ReferenceStar> stars;
            if (remote is null && local is null)
            {
                stars = SyntheticSky.For(t.Tile, _config.Synthetic).ModernCatalog().Where(s => cone.Contains(s.Ra, s.Dec)).ToList();
                CatalogCoverage.CheckNotEmpty(name, t.Tile.TileId, stars.Count, expectEmpty, "the synthetic sky's modern catalog", cone.RadiusArcmin,
                    "check SyntheticStarDensity and SyntheticLimitMag.", null);
            }
            else if (local is not null)
            {
                stars = local.Where(s => cone.Contains(s.Ra, s.Dec)).ToList();
                CatalogCoverage.CheckNotEmpty(name, t.Tile.TileId, stars.Count, expectEmpty, $"the local file '{Env.Relative(file!)}'", cone.RadiusArcmin,
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
            var csv = TileCatalogPath(Env, name, t.Tile.TileId);
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
