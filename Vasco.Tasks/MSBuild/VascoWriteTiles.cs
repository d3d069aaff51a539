using System.Globalization;
using Microsoft.Build.Framework;
using Vasco.Pipeline;
using Vasco.Steps;
using Vasco.Tiling;

namespace Vasco.MSBuild;

/// <summary>
/// Step 0: writes data/tiles/&lt;RunId&gt;/tiles.csv and the step manifest, from the tile list the plan wrote beside
/// <see cref="StampFile"/> (<see cref="TilingStep.PlannedTiles"/>).
/// </summary>
public sealed class VascoWriteTiles : VascoTask
{
    [Required] public string RunDir { get; set; } = "";
    [Required] public string RunId { get; set; } = "";
    [Required] public string StampFile { get; set; } = "";
    [Required] public ITaskItem Step { get; set; } = null!;
    [Required] public ITaskItem[] Parameters { get; set; } = [];
    public ITaskItem[] TargetLists { get; set; } = [];
    /// <summary>Added to the run log's name (a shard build's own: ".shard-K-of-N").</summary>
    public string LogSuffix { get; set; } = "";

    protected override void ExecuteCore()
    {
        var started = DateTimeOffset.UtcNow;
        var step = Items.ToStep(Step);
        var parameters = Items.ToParameters(Parameters);
        var tiles = TilingStep.PlannedTiles(StampFile);
        ValidateTiles(tiles);
        // A survey run (footprint, random) has a band instead of targets.
        var tiling = TilingStep.Options(parameters);
        var survey = tiling.Survey;
        var targetCount = survey ? 0 : tiles.Select(t => t.Target).Distinct(StringComparer.Ordinal).Count();
        var source = survey ? $"band {tiling.Band}" : $"{targetCount} target(s)";
        Directory.CreateDirectory(step.OutputDir);
        var csvPath = Path.Combine(step.OutputDir, "tiles.csv");
        TilesCsv.Write(csvPath, tiles);

        var manifest = new Manifest
        {
            Step = step.Name,
            StepNumber = step.Number,
            RunId = RunId,
            StartedUtc = started,
            Stamp = StampPlanner.ReadDigest(StampFile),
        };
        foreach (var name in step.Reads) manifest.Parameters[name] = parameters[name];
        foreach (var list in TargetLists) manifest.Inputs.Add(FileRecord.Of(list.GetMetadata("FullPath"), RunDir));
        manifest.Outputs.Add(FileRecord.Of(csvPath, RunDir));
        manifest.Counts["targets"] = targetCount;
        manifest.Counts["tiles"] = tiles.Count;
        // The seed's step-0 checklist fields.
        manifest.Fields["source_list"] = TargetLists.Length == 0 ? "run file" : string.Join(";", TargetLists.Select(l => RunPaths.Relative(RunDir, l.GetMetadata("FullPath"))));
        manifest.Fields["tile_size"] = $"{Tile.Format(tiling.TileSizeArcmin)}x{Tile.Format(tiling.TileSizeArcmin)} arcmin";
        manifest.Fields["tiling_mode"] = tiling.ModeName;
        manifest.Fields["tiles_count"] = tiles.Count;
        if (survey) manifest.Fields["band"] = tiling.Band.ToString();
        manifest.FinishedUtc = DateTimeOffset.UtcNow;
        manifest.ElapsedSeconds = Math.Round((manifest.FinishedUtc - started).TotalSeconds, 4);
        // The log before the manifest, the step's mark of completion: a build stopped between them does step 0 again.
        Directory.CreateDirectory(step.LogDir);
        File.AppendAllText(Path.Combine(step.LogDir, RunId + LogSuffix + ".log"),
            $"{DateTimeOffset.UtcNow:O} tiling: {source} -> {tiles.Count} tile(s), mode {parameters["TilingMode"]}, size {Tile.Format(parameters.Number("TileSizeArcmin"))}'\n");
        manifest.Write(Path.Combine(step.OutputDir, StepManifests.FileName));

        LogHigh($"VascoTiling: {source} -> {tiles.Count} tile(s) in {RunPaths.Relative(RunDir, csvPath)}");
    }

    /// <summary>The seed's validations: non-empty, RA/Dec in range, unique ids.</summary>
    static void ValidateTiles(IReadOnlyList<Tile> tiles)
    {
        if (tiles.Count == 0)
            throw new VascoException(ErrorCodes.NoTargets, "Tiling produced no tiles.", "add targets to the run file.");
        var ids = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        foreach (var t in tiles)
        {
            if (!ids.Add(t.TileId) || !TileIds.IsValid(t.TileId) || t.RaDeg is < 0 or >= 360 || t.DecDeg is < -90 or > 90)
                throw new VascoException(ErrorCodes.Internal,
                    string.Create(CultureInfo.InvariantCulture, $"Tiling produced an invalid tile {t.TileId} at ({t.RaDeg}, {t.DecDeg})."),
                    "report this with the run file.");
        }
    }
}
