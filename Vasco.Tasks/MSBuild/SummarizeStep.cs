using System.Text;
using Microsoft.Build.Framework;
using Vasco.IO;
using Vasco.Pipeline;
using Vasco.Summaries;

namespace Vasco.MSBuild;

/// <summary>Step 9: the run's summaries, histograms and the dashboard's candidate list.</summary>
public sealed class VascoSummarize : VascoTask
{
    [Required] public string RunDir { get; set; } = "";
    [Required] public string RunId { get; set; } = "";
    [Required] public ITaskItem[] Steps { get; set; } = [];
    [Required] public ITaskItem[] AllTiles { get; set; } = [];
    [Required] public string SummariesDir { get; set; } = "";
    [Required] public string CandidatesFile { get; set; } = "";
    /// <summary>The dashboard CSV shared by the runs of the folder; empty in a shard build (the merge writes it).</summary>
    public string DashboardFile { get; set; } = "";
    /// <summary>The run's resolved parameters: MaxParallel (0: one per processor) is how many tiles' files are read at a time.</summary>
    public ITaskItem[] Parameters { get; set; } = [];
    /// <summary>Where step 9 remembers the tiles it read (SummaryCache); empty: every tile is read every time.</summary>
    public string CacheFile { get; set; } = "";

    protected override void ExecuteCore()
    {
        var started = DateTimeOffset.UtcNow;
        var steps = Steps.Select(Items.ToStep).ToList();
        var tiles = AllTiles.Select(t => t.ItemSpec).ToList();
        Directory.CreateDirectory(SummariesDir);
        AtomicFile.DeleteTempFiles(SummariesDir);
        var parallel = Parameters.Length > 0 ? Items.ToParameters(Parameters).MaxParallel : 1;
        // Step 8 decided which tiles are current; the summaries count only those, as candidates.csv does.
        var filterManifest = Path.Combine(Path.GetDirectoryName(Path.GetFullPath(CandidatesFile))!, "filter.manifest.json");
        var notCurrent = Manifest.TryRead(filterManifest)?.FailedTiles
            ?? throw new VascoException(ErrorCodes.TileFailed, $"step 8's {RunPaths.Relative(RunDir, filterManifest)} is missing or unreadable, so no tile is known to be current.",
                "build the run again (step 8 writes it after its tiles).", filterManifest);
        var data = RunSummary.LeaveOut(RunSummary.Collect(steps, tiles, parallel, CacheFile.Length > 0 ? CacheFile : null), notCurrent);
        var figures = data.Select(d => d.Figures).ToList();
        var histograms = RunSummary.Histograms(data);

        var manifest = new Manifest { Step = "Summarize", StepNumber = 9, RunId = RunId, StartedUtc = started };
        var csv = Path.Combine(SummariesDir, "summary.csv");
        AtomicFile.WriteAllText(csv, RunSummary.Csv(RunId, figures));
        var bins = new StringBuilder("quantity,bin_low,bin_high,count\n");
        foreach (var h in histograms)
        {
            h.AppendCsv(bins);
            var png = Path.Combine(SummariesDir, $"hist_{h.Quantity.ToLowerInvariant()}.png");
            h.SavePng(png, $"{h.Quantity} of the {h.Total} pass-2 sources of run {RunId}");
            manifest.Outputs.Add(FileRecord.Of(png, RunDir));
            manifest.Counts[$"histogram_{h.Quantity.ToLowerInvariant()}_sources"] = h.Total;
        }
        var binsPath = Path.Combine(SummariesDir, "histograms.csv");
        AtomicFile.WriteAllText(binsPath, bins.ToString());
        var candidateRows = File.Exists(CandidatesFile) ? File.ReadAllLines(CandidatesFile).Where(l => l.Length > 0).ToList() : [];
        var md = Path.Combine(SummariesDir, "summary.md");
        var markdown = RunSummary.Markdown(RunId, figures, histograms, candidateRows);
        AtomicFile.WriteAllText(md, markdown);
        var dashboardRows = !File.Exists(CandidatesFile) ? 0
            : DashboardFile.Length > 0 ? Dashboard.Update(DashboardFile, RunId, CandidatesFile)
            : File.ReadLines(CandidatesFile).Skip(1).Count(l => l.Length > 0);
        var report = WriteReport(steps, candidateRows, markdown, figures.Where(f => f.Failure is not null).Select(f => (f.TileId, f.Failure!)).ToList());

        foreach (var path in new[] { md, csv, binsPath, DashboardFile }.Concat(report).Where(p => p.Length > 0 && File.Exists(p))) manifest.Outputs.Add(FileRecord.Of(path, RunDir));
        if (File.Exists(CandidatesFile)) manifest.Inputs.Add(FileRecord.Of(CandidatesFile, RunDir));
        manifest.Counts["tiles"] = tiles.Count;
        manifest.Counts["tiles_failed"] = figures.Count(f => f.Status != "ok");
        manifest.Counts["candidates"] = dashboardRows;
        foreach (var f in figures.Where(f => f.Failure is not null)) manifest.FailedTiles.Add(new FailedTile(f.TileId, ErrorCodes.TileFailed, f.Failure!));
        manifest.Status = manifest.FailedTiles.Count == 0 ? "ok" : "partial";
        manifest.Fields["summary_paths"] = new[] { md, csv, binsPath }.Select(p => RunPaths.Relative(RunDir, p)).ToList();
        manifest.Fields["plots_emitted"] = histograms.Select(h => $"hist_{h.Quantity.ToLowerInvariant()}.png").ToList();
        manifest.FinishedUtc = DateTimeOffset.UtcNow;
        manifest.ElapsedSeconds = Math.Round((manifest.FinishedUtc - started).TotalSeconds, 3);
        manifest.Write(Path.Combine(SummariesDir, StepManifests.FileName));
        LogHigh($"VascoSummarize: {RunPaths.Relative(RunDir, md)} ({tiles.Count} tile(s), {dashboardRows} candidate(s))");
        LogHigh($"Vasco: the report of run {RunId} is {new Uri(report[0]).AbsoluteUri}");
    }

    /// <summary>report.html (with a plate stamp per candidate), candidates.reg (DS9), candidates.vot (TOPCAT) and candidates.ecsv (astropy).</summary>
    string[] WriteReport(IReadOnlyList<StepDeclaration> steps, IReadOnlyList<string> candidateRows, string summaryMarkdown, IReadOnlyList<(string, string)> failedTiles)
    {
        var header = candidateRows.Count > 0 ? candidateRows[0].Split(',') : Vasco.Filtering.Candidates.Columns;
        var cells = candidateRows.Skip(1).Select(l => (IReadOnlyDictionary<string, string>)header.Zip(l.Split(',')).ToDictionary(p => p.First, p => p.Second)).ToList();
        var masks = steps.First(s => s.Name == "Preprocess").OutputDir;
        var filter = steps.First(s => s.Name == "Filter").OutputDir;
        // Step 8 made the stamps; a run filtered by an older Vasco has none, and gets them made here from its clean images.
        // candidates.csv lists a tile's candidates together: one plate image in memory at a time, not one per tile of the run.
        (string Tile, (float[] Pixels, int Width, int Height)? Image) current = ("", null);
        var candidates = new List<ReportCandidate>();
        foreach (var c in cells)
        {
            var tile = c["tile_id"];
            var made = Report.StampPath(filter, tile, c["number"]);
            if (File.Exists(made))
            {
                candidates.Add(new ReportCandidate(c, File.ReadAllBytes(made)));
                continue;
            }
            if (current.Tile != tile)
            {
                var clean = Path.Combine(masks, tile + ".clean.fits");
                current = (tile, File.Exists(clean) ? Report.PlateImage(clean) : null);
            }
            var image = current.Image;
            var stamp = image is { } im ? Report.Stamp(im.Pixels, im.Width, im.Height, Report.Number(c["x_image"]), Report.Number(c["y_image"])) : null;
            candidates.Add(new ReportCandidate(c, stamp));
        }
        var plots = Directory.GetFiles(SummariesDir, "hist_*.png").Order(StringComparer.Ordinal).Select(p => (Path.GetFileNameWithoutExtension(p), File.ReadAllBytes(p))).ToList();
        var html = Path.Combine(SummariesDir, "report.html");
        var reg = Path.Combine(SummariesDir, "candidates.reg");
        var ecsv = Path.Combine(SummariesDir, "candidates.ecsv");
        var vot = Path.Combine(SummariesDir, "candidates.vot");
        AtomicFile.WriteAllText(vot, Report.VoTable(RunId, header, cells));
        AtomicFile.WriteAllText(reg, Report.Ds9Regions(cells));
        AtomicFile.WriteAllText(ecsv, Report.Ecsv(header, cells));
        AtomicFile.WriteAllText(html, Report.Html(RunId, summaryMarkdown, plots, candidates, failedTiles));
        return [html, reg, ecsv, vot];
    }
}
