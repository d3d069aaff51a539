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
    [Required] public string DashboardFile { get; set; } = "";

    protected override void ExecuteCore()
    {
        var started = DateTimeOffset.UtcNow;
        var steps = Steps.Select(Items.ToStep).ToList();
        var tiles = AllTiles.Select(t => t.ItemSpec).ToList();
        Directory.CreateDirectory(SummariesDir);
        var figures = RunSummary.Collect(steps, tiles);
        var pass2 = steps.First(s => s.Name == "Pass2").OutputDir;
        var histograms = RunSummary.Histograms(tiles.Select(t => Path.Combine(pass2, t + ".cat")));

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
        AtomicFile.WriteAllText(md, RunSummary.Markdown(RunId, figures, histograms, candidateRows));
        var dashboardRows = File.Exists(CandidatesFile) ? Dashboard.Update(DashboardFile, RunId, CandidatesFile) : 0;

        foreach (var path in new[] { md, csv, binsPath, DashboardFile }.Where(File.Exists)) manifest.Outputs.Add(FileRecord.Of(path, RunDir));
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
    }
}
