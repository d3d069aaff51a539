using Vasco.Catalogs;
using Vasco.CrossMatch;
using Vasco.Pipeline;
using Vasco.Preprocess;
using Vasco.Tiling;

namespace Vasco.Steps;

/// <summary>
/// Step 7: the plate's sources against the modern catalogs (at the plate epoch), with
/// STILTS, all stale tiles of the build in one STILTS run.
/// </summary>
public sealed class CrossMatchStep : TileStep
{
    public static readonly ParameterDefinition MatchRadiusArcsec = new("MatchRadiusArcsec", ParameterType.Number, "5", "cross-match radius, arcsec", Min: 0, Max: 120, MinExclusive: true);

    /// <summary>Plate sources with a modern counterpart (plate columns, then the counterpart's and the separation).</summary>
    public static readonly TileDataset Matched = new("CrossMatch", "_xmatch.csv");
    /// <summary>Plate sources without one: what step 8 selects from.</summary>
    public static readonly TileDataset UnmatchedPlate = new("CrossMatch", "_local.csv");
    /// <summary>Modern sources without a plate counterpart.</summary>
    public static readonly TileDataset UnmatchedModern = new("CrossMatch", "_cdss.csv");

    public sealed record Config(double RadiusArcsec, double ToleranceArcsec, double CoverageSnrMin, double ToolTimeoutSeconds);

    public static readonly StepContract Contract = StepContract.PerTile("CrossMatch", 7, typeof(CrossMatchStep), Bind, (env, c) => new CrossMatchStep(env, c));

    public static Config Bind(ParameterReader p) => new(p.Number(MatchRadiusArcsec), p.Number(PreprocessStep.ValidatorToleranceArcsec),
        p.Number(FilterStep.SnrWinMin), p.Unstamped.Number(Pass1Step.ToolTimeoutSeconds));

    /// <summary>The three files of one tile, as a later step reads them.</summary>
    public static MatchFiles FilesOf(TileContext t) => new(t.Input(Matched), t.Input(UnmatchedPlate), t.Input(UnmatchedModern));

    readonly Config _config;
    readonly IReadOnlyList<CatalogItem> _catalogs;

    public CrossMatchStep(StepEnvironment env, Config config) : base(env)
    {
        _config = config;
        _catalogs = env.Catalogs;
        StepFields["match_radius_arcsec"] = config.RadiusArcsec;
        StepFields["catalogs"] = _catalogs.Select(c => c.Name).ToList();
        StepFields["coverage_snr_win_min"] = config.CoverageSnrMin;
    }

    public override TileWork Work()
    {
        var (radius, tolerance, snrMin) = (_config.RadiusArcsec, _config.ToleranceArcsec, _config.CoverageSnrMin);
        var matcher = new StiltsMatcher(Env.Tool("stilts", "CrossMatch"), TimeSpan.FromSeconds(_config.ToolTimeoutSeconds));
        var batches = 0;
        return TileWork.Batched(
            prepare: t =>
            {
                var pass2 = t.Input(Pass2Step.Catalog);
                var epoch = CleanPlate.Read(t.Input(PreprocessStep.Clean)).Epoch;
                var csvs = _catalogs.Select(c => (c.Name, ExternalStep.TileCatalogPath(Env, c.Name, t.Tile.TileId))).ToList();
                var input = TileCrossMatch.Prepare(pass2, epoch, csvs);
                t.AddInput(pass2);
                foreach (var (_, csv) in csvs) t.AddInput(csv);
                // Before STILTS: a catalog that does not cover the tile fails it, rather than making its stars "vanished".
                foreach (var c in TileCrossMatch.Coverage(input, _catalogs.Select(c => c.Name), snrMin, radius))
                {
                    t.Counts["bright_plate_sources"] = c.BrightPlateSources;
                    t.Counts[$"bright_covered_{c.Catalog}"] = c.Covered;
                    CatalogCoverage.Check(t.Tile.TileId, c, _catalogs.First(i => i.Name == c.Catalog).ExpectEmpty, snrMin, radius);
                }
                return input;
            },
            batch: tiles =>
            {
                // A build whose tiles flow through the steps may match in several batches (one at a time): one log for the
                // build, each later batch's log appended to it.
                var log = Path.Combine(Env.Steps["CrossMatch"].LogDir, Env.RunId + Env.LogSuffix + ".stilts.log");
                var first = Interlocked.Increment(ref batches) == 1;
                var own = first ? log : log + ".batch";
                try { return matcher.Match(tiles.Select(p => p.Prepared.Positions(p.Tile.Tile.TileId)).ToList(), radius, own, tiles[0].Tile.Cancellation); }
                finally
                {
                    if (!first && File.Exists(own)) { File.AppendAllText(log, "\n" + File.ReadAllText(own)); File.Delete(own); }
                }
            },
            finish: (t, input, results) =>
            {
                var files = new MatchFiles(t.Output(Matched), t.Output(UnmatchedPlate), t.Output(UnmatchedModern));
                var counts = TileCrossMatch.Write(files, t.Tile.TileId, input, results[t.Tile.TileId], radius, tolerance);
                foreach (var path in new[] { files.Matched, files.UnmatchedModern, files.UnmatchedPlate }) t.AddOutput(path);
                t.Counts["plate_sources"] = counts.Plate;
                t.Counts["modern_sources"] = counts.Modern;
                t.Counts["matched_count"] = counts.Matched;
                t.Counts["unmatched_local"] = counts.UnmatchedLocal;
                t.Counts["unmatched_cdss"] = counts.UnmatchedCdss;
                t.Fields["plate_epoch"] = input.PlateEpoch;
                t.Fields["max_separation_arcsec"] = Math.Round(counts.MaxSeparationArcsec, 4);
                t.Fields["match_radius_arcsec"] = radius;
            });
    }
}
