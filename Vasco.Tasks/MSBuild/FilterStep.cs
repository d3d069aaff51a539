using System.Globalization;
using System.Text.Json;
using Microsoft.Build.Framework;
using Vasco.CrossMatch;
using Vasco.Extraction;
using Vasco.Filtering;
using Vasco.IO;
using Vasco.Pipeline;
using Vasco.Summaries;
using Vasco.Fits;

namespace Vasco.MSBuild;

/// <summary>
/// Step 8: the paper's selection over each tile's unmatched plate sources, spike and halo
/// rejection, SPREAD_MODEL where it is needed, and the within5 validator.
/// </summary>
public sealed class VascoFilter : TileStepTask
{
    public ITaskItem? BrightStars { get; set; }
    [Required] public string ConfigFile { get; set; } = "";
    [Required] public string SpreadParametersFile { get; set; } = "";
    [Required] public string CacheDir { get; set; } = "";
    public string? Mirrors { get; set; }

    BrightStarSource? _bright;

    protected override void Finish() => _bright?.Dispose();

    protected override void Prepare(StepDeclaration step)
    {
        _bright = new BrightStarSource(BrightStars, ParameterValues, CacheDir, Mirrors);
        StepFields["bright_star_catalog"] = _bright.Description(RunDir);
        StepFields["criteria"] = Thresholds(ParameterValues);
        StepFields["criteria_order"] = Selection.Order;
    }

    internal static SelectionThresholds Thresholds(ParameterSet p) => new()
    {
        SnrWinMin = p.Number("SnrWinMin"),
        FwhmMin = p.Number("FwhmMin"),
        FwhmMax = p.Number("FwhmMax"),
        ElongationMax = p.Number("ElongationMax"),
        SpreadModelMin = p.Number("SpreadModelMin"),
        ExtentDifferenceMax = p.Number("ExtentDifferenceMax"),
        ExtentMin = p.Number("ExtentMin"),
        ClipSigma = p.Number("ClipSigma"),
        SpikeMagLimit = p.Number("SpikeMagLimit"),
        HaloSlope = p.Number("HaloSlope"),
        HaloIntercept = p.Number("HaloIntercept"),
        BrightStarSearchArcmin = p.Number("BrightStarSearchArcmin"),
    };

    protected override void RunTile(TileContext t)
    {
        var id = t.Tile.TileId;
        // The old stamps go first: a rerun that fails half way must not leave them beside other candidates.
        var stamps = Report.StampFolder(t.Step.OutputDir, id);
        if (Directory.Exists(stamps)) Directory.Delete(stamps, recursive: true);
        var xdir = t.UpstreamDirs["CrossMatch"];
        var (local, xmatch, cdss) = (Path.Combine(xdir, id + "_local.csv"), Path.Combine(xdir, id + "_xmatch.csv"), Path.Combine(xdir, id + "_cdss.csv"));
        var preprocessPath = Path.Combine(t.UpstreamDirs["Preprocess"], id + TileRecords.ManifestSuffix);
        var preprocess = Manifest.Read(preprocessPath);
        var epoch = VascoCrossMatch.PlateEpochOf(preprocess, preprocessPath);
        var plateId = preprocess.Fields.TryGetValue("plate_id", out var pid) && pid is JsonElement { ValueKind: JsonValueKind.String } s ? s.GetString()! : "";

        var unmatched = PlateSources.ReadCsv(local);
        var matched = PlateSources.ReadCsv(xmatch);
        var all = PlateSources.Concat(unmatched, matched);
        var modern = ModernPositions.Read(xmatch, cdss);
        var pairs = ReadColumn(xmatch, "sep_arcsec");
        var searchArcmin = t.Tile.SizeArcmin / Math.Sqrt(2) + t.Parameters.Number("BrightStarSearchArcmin");
        var bright = _bright!.Around(t.Tile, searchArcmin, t.Cancellation).Select(b => b.PropagatedTo(epoch)).Select(b => (b.Ra, b.Dec, b.Mag)).ToList();
        var p = t.Parameters;
        var measured = new Dictionary<int, double>();
        var selection = TileFilter.Select(unmatched, all, modern, pairs, bright, Thresholds(p), p.Number("MatchRadiusArcsec"), p.Number("ValidatorToleranceArcsec"),
            rows =>
            {
                foreach (var (row, value) in SpreadModel(t, unmatched, rows)) measured[row] = value;
                return measured;
            }, id);

        // Every unmatched source with its verdict, for review; the kept ones as candidate rows.
        var filtered = t.OutputPath("_filtered.csv");
        AtomicFile.WriteAllText(filtered, unmatched.ToCsv(Enumerable.Range(0, unmatched.Count).ToList(),
            (["verdict", "spread_model_measured", "nearest_modern_arcsec", "nearest_bright_arcsec", "nearest_bright_mag"], k =>
            [
                selection.Verdicts[k] ?? "kept",
                measured.TryGetValue(k, out var v) ? PlateSources.Format(v) : "",
                F(selection.NearestModernArcsec[k]), F(selection.NearestBrightArcsec[k]), F(selection.NearestBrightMag[k]),
            ])));
        WriteStamps(t, unmatched, selection.Kept);
        var candidates = t.OutputPath("_candidates.csv");
        AtomicFile.WriteAllText(candidates, Candidates.Header + Candidates.Rows(id, unmatched, selection, measured, plateId, epoch));
        t.AddInput(local);
        t.AddInput(xmatch);
        t.AddInput(cdss);
        t.AddOutput(filtered);
        t.AddOutput(candidates);
        t.Counts["unmatched"] = unmatched.Count;
        t.Counts["kept_count"] = selection.Kept.Count;
        t.Counts["dropped_count"] = unmatched.Count - selection.Kept.Count;
        foreach (var (criterion, n) in selection.Dropped) t.Counts["dropped_" + criterion] = n;
        t.Counts["spread_model_measured"] = measured.Count;
        t.Fields["clip"] = selection.Clip;
        t.Fields["validator"] = selection.Validator with { MinCandidateDistanceArcsec = double.IsFinite(selection.Validator.MinCandidateDistanceArcsec) ? selection.Validator.MinCandidateDistanceArcsec : -1 };
        t.Fields["plate_id"] = plateId;
        t.Fields["plate_epoch"] = epoch;
    }

    /// <summary>
    /// The report's plate stamp of each kept source (<see cref="Report.StampPath"/>). Without a readable clean image the
    /// tile keeps its candidates and gets a warning; the report then says it has no plate image.
    /// </summary>
    static void WriteStamps(TileContext t, PlateSources unmatched, IReadOnlyList<int> kept)
    {
        if (kept.Count == 0) return;
        var clean = Path.Combine(t.UpstreamDirs["Preprocess"], t.Tile.TileId + ".clean.fits");
        (float[] Pixels, int Width, int Height) plate;
        try
        {
            plate = Report.PlateImage(clean);
        }
        catch (Exception e) when (e is IOException or FitsFormatException)
        {
            t.Warnings.Add($"no plate stamps: {e.Message}");
            return;
        }
        t.AddInput(clean);
        Directory.CreateDirectory(Report.StampFolder(t.Step.OutputDir, t.Tile.TileId));
        foreach (var k in kept)
        {
            var path = Report.StampPath(t.Step.OutputDir, t.Tile.TileId, PlateSources.Format(unmatched["number"][k]));
            AtomicFile.WriteAllBytes(path, Report.Stamp(plate.Pixels, plate.Width, plate.Height, unmatched["x_image"][k], unmatched["y_image"][k]));
            t.AddOutput(path);
        }
    }

    /// <summary>SPREAD_MODEL of some unmatched sources: from pass 2 when it has the column, else measured now in ASSOC mode.</summary>
    IEnumerable<(int Row, double Value)> SpreadModel(TileContext t, PlateSources unmatched, IReadOnlyList<int> rows)
    {
        if (unmatched.Has("spread_model")) return rows.Select(r => (r, unmatched["spread_model"][r]));
        var id = t.Tile.TileId;
        var pre = t.UpstreamDirs["Preprocess"];
        var sources = rows.Select(r => new AssocSource((int)unmatched["number"][r], unmatched["x_image"][r], unmatched["y_image"][r])).ToList();
        var byNumber = new SpreadModelMeasurement(new SExtractor(ToolPath("source-extractor"), TimeSpan.FromSeconds(t.Parameters.Number("ToolTimeoutSeconds"))))
            .Measure(sources, Path.Combine(pre, id + ".clean.fits"), Path.Combine(pre, id + ".mask"), Path.Combine(t.UpstreamDirs["Psf"], id + ".psf"),
                ConfigFile, SpreadParametersFile, VascoPass1.Detection(t.Parameters, Path.Combine(pre, id + ".clean.fits")), t.LogPath(".spread.log"), t.Cancellation);
        return rows.Select(r => (r, byNumber.TryGetValue((int)unmatched["number"][r], out var v) ? v : double.NaN));
    }

    static double[] ReadColumn(string csv, string column)
    {
        var lines = File.ReadAllLines(csv);
        var index = Array.IndexOf(lines[0].Split(','), column);
        return lines.Skip(1).Where(l => l.Length > 0).Select(l => double.Parse(l.Split(',')[index], CultureInfo.InvariantCulture)).ToArray();
    }

    static string F(double v) => double.IsFinite(v) ? v.ToString("0.000", CultureInfo.InvariantCulture) : "";
}

/// <summary>
/// The run's candidates.csv and filter.manifest.json, from the share of every tile whose result is current
/// (<see cref="CurrentTiles"/>); the others are listed in the manifest as failed, with their reasons.
/// </summary>
public sealed class VascoWriteCandidates : VascoTask
{
    [Required] public string RunDir { get; set; } = "";
    [Required] public string RunId { get; set; } = "";
    [Required] public string FilterDir { get; set; } = "";
    /// <summary>Where candidates.csv and filter.manifest.json go: FilterDir, or a shard's folder in it.</summary>
    public string? OutputDir { get; set; }
    [Required] public ITaskItem[] AllTiles { get; set; } = [];
    [Required] public ITaskItem[] Steps { get; set; } = [];
    [Required] public string StampDir { get; set; } = "";

    protected override void ExecuteCore()
    {
        var started = DateTimeOffset.UtcNow;
        var tiles = AllTiles.Select(t => t.ItemSpec).ToList();
        var steps = Steps.Select(Items.ToStep).ToDictionary(s => s.Name, StringComparer.Ordinal);
        var filter = steps["Filter"];
        var outputDir = string.IsNullOrEmpty(OutputDir) ? FilterDir : OutputDir;
        Directory.CreateDirectory(outputDir);
        var path = Path.Combine(outputDir, "candidates.csv");
        var manifestPath = Path.Combine(outputDir, "filter.manifest.json");
        AtomicFile.DeleteTempFiles(outputDir);
        // Withdrawn first: a run-level output that cannot be rewritten (a full disk) must not stand for the run.
        File.Delete(manifestPath);
        var problems = new FailedTile?[tiles.Count];
        InParallel.For(tiles.Count, MaxParallel, i => problems[i] = CurrentTiles.Problem(filter, steps, StampDir, tiles[i]));
        var current = tiles.Where((_, i) => problems[i] is null).ToList();
        var files = current.Select(t => Path.Combine(FilterDir, t + "_candidates.csv")).ToList();
        int count;
        try { count = Candidates.WriteRun(path, files); }
        catch (IOException) { File.Delete(path); throw; }
        var manifest = new Manifest { Step = "Filter", StepNumber = 8, RunId = RunId, StartedUtc = started };
        manifest.FailedTiles.AddRange(problems.OfType<FailedTile>());
        foreach (var tile in current)
        {
            var m = Manifest.Read(TileRecords.ManifestPath(FilterDir, tile));
            foreach (var (k, v) in m.Counts) manifest.Counts[k] = manifest.Counts.GetValueOrDefault(k) + v;
            manifest.Inputs.AddRange(m.Outputs.Where(o => o.Path.EndsWith("_candidates.csv", StringComparison.Ordinal)));
        }
        manifest.Status = manifest.FailedTiles.Count == 0 ? "ok" : "partial";
        manifest.Outputs.Add(FileRecord.Of(path, RunDir));
        manifest.Fields["candidates"] = count;
        manifest.Fields["tiles_with_candidates"] = files.Count(f => File.ReadLines(f).Skip(1).Any(l => l.Length > 0));
        manifest.FinishedUtc = DateTimeOffset.UtcNow;
        manifest.Write(manifestPath);
        var left = manifest.FailedTiles.Count == 0 ? "" : $" from {current.Count} of {tiles.Count} tile(s); {manifest.FailedTiles.Count} tile(s) failed or out of date contribute none";
        LogHigh($"VascoFilter: {count} candidate(s) in {RunPaths.Relative(RunDir, path)}{left}");
    }

    /// <summary>Tiles checked at a time: the run's MaxParallel when given (0: one per processor).</summary>
    public ITaskItem[] Parameters { get; set; } = [];
    int MaxParallel => Parameters.Length > 0 ? Items.ToParameters(Parameters).MaxParallel : 1;
}
