using System.Globalization;
using System.Text.Json;
using Microsoft.Build.Framework;
using Vasco.Catalogs;
using Vasco.CrossMatch;
using Vasco.Pipeline;
using Vasco.Tiling;

namespace Vasco.MSBuild;

/// <summary>
/// Step 7: the plate's sources against the modern catalogs (at the plate epoch), with
/// STILTS, all stale tiles of the build in one STILTS run.
/// </summary>
public sealed class VascoCrossMatch : TileStepTask
{
    /// <summary>The run's reference catalogs (VascoCatalog items): their names pick data/ext/&lt;name&gt;/.</summary>
    [Required] public ITaskItem[] Catalogs { get; set; } = [];
    [Required] public string ExtDir { get; set; } = "";

    protected override void Prepare(StepDeclaration step)
    {
        StepFields["match_radius_arcsec"] = ParameterValues.Number("MatchRadiusArcsec");
        StepFields["catalogs"] = Catalogs.Select(c => c.ItemSpec).ToList();
        StepFields["coverage_snr_win_min"] = ParameterValues.Number("SnrWinMin");
    }

    protected override IReadOnlyList<TileOutcome> RunTiles(StepRunner runner, IReadOnlyList<Tile> stale, IReadOnlyList<string> allTileIds, Action<TileOutcome> onTile)
    {
        var radius = ParameterValues.Number("MatchRadiusArcsec");
        var tolerance = ParameterValues.Number("ValidatorToleranceArcsec");
        var matcher = new StiltsMatcher(ToolPath("stilts"), TimeSpan.FromSeconds(ParameterValues.Number("ToolTimeoutSeconds")));
        IReadOnlyDictionary<string, MatchResult> results = new Dictionary<string, MatchResult>();
        return runner.RunBatched(stale, allTileIds,
            prepare: t =>
            {
                var pass2 = Path.Combine(t.UpstreamDirs["Pass2"], t.Tile.TileId + ".cat");
                var epoch = PlateEpochOf(Path.Combine(t.UpstreamDirs["Preprocess"], t.Tile.TileId + TileRecords.ManifestSuffix));
                var csvs = Catalogs.Select(c => (c.ItemSpec, Path.Combine(ExtDir, c.ItemSpec, RunId, t.Tile.TileId + ".csv"))).ToList();
                var input = TileCrossMatch.Prepare(pass2, epoch, csvs);
                t.AddInput(pass2);
                foreach (var (_, csv) in csvs) t.AddInput(csv);
                // Before STILTS: a catalog that does not cover the tile fails it, rather than making its stars "vanished".
                var snrMin = ParameterValues.Number("SnrWinMin");
                foreach (var c in TileCrossMatch.Coverage(input, Catalogs.Select(c => c.ItemSpec), snrMin, radius))
                {
                    t.Counts["bright_plate_sources"] = c.BrightPlateSources;
                    t.Counts[$"bright_covered_{c.Catalog}"] = c.Covered;
                    CatalogCoverage.Check(t.Tile.TileId, c, VascoExternal.ExpectEmpty(Catalogs.First(i => i.ItemSpec == c.Catalog)), snrMin, radius);
                }
                return input;
            },
            batch: tiles =>
            {
                var log = Path.Combine(Steps.Select(Items.ToStep).First(s => s.Name == StepName).LogDir, RunId + LogSuffix + ".stilts.log");
                results = matcher.Match(tiles.Select(p => p.Prepared.Positions(p.Tile.Tile.TileId)).ToList(), radius, log, tiles[0].Tile.Cancellation);
            },
            finish: (t, input) =>
            {
                var counts = TileCrossMatch.Write(t.Step.OutputDir, t.Tile.TileId, input, results[t.Tile.TileId], radius, tolerance);
                foreach (var suffix in new[] { "_xmatch.csv", "_cdss.csv", "_local.csv" }) t.AddOutput(t.OutputPath(suffix));
                t.Counts["plate_sources"] = counts.Plate;
                t.Counts["modern_sources"] = counts.Modern;
                t.Counts["matched_count"] = counts.Matched;
                t.Counts["unmatched_local"] = counts.UnmatchedLocal;
                t.Counts["unmatched_cdss"] = counts.UnmatchedCdss;
                t.Fields["plate_epoch"] = input.PlateEpoch;
                t.Fields["max_separation_arcsec"] = Math.Round(counts.MaxSeparationArcsec, 4);
                t.Fields["match_radius_arcsec"] = radius;
            }, onTile);
    }

    /// <summary>The plate epoch step 2 read from the plate header.</summary>
    internal static double PlateEpochOf(string preprocessManifest) => PlateEpochOf(Manifest.Read(preprocessManifest), preprocessManifest);

    internal static double PlateEpochOf(Manifest m, string preprocessManifest) =>
        m.Fields.TryGetValue("plate_epoch", out var v) && v is JsonElement { ValueKind: JsonValueKind.Number } e
            ? e.GetDouble()
            : throw new VascoException(ErrorCodes.CrossMatchInvalid, $"{preprocessManifest} records no plate epoch.", "rebuild step 2 for this tile.", preprocessManifest);
}
