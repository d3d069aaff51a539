using System.Globalization;
using Microsoft.Build.Framework;
using Vasco.Recovery;
using Vasco.Steps;
using Vasco.Synthetic;

namespace Vasco.MSBuild;

/// <summary>
/// Injection-recovery: compares the candidates of tiles whose truth is known (synthetic plates, or real plates
/// with injected sources) with that truth, and writes recovery.json and recovery.png.
/// </summary>
public sealed class VascoRecovery : VascoTask
{
    /// <summary>
    /// One item per tile (VascoRecoveryTile): the tile id, with Kind and the folders of steps 1, 5 and 8 (DownloadDir, Pass2Dir,
    /// FilterDir); Truth names the truth file when it is not step 1's (a real plate with injected sources); VettingDir the
    /// folder of the vetting stages' files (data/vetting/&lt;RunId&gt;/), tallied where they exist.
    /// </summary>
    [Required] public ITaskItem[] Tiles { get; set; } = [];
    [Required] public string JsonFile { get; set; } = "";
    [Required] public string PlotFile { get; set; } = "";

    protected override void ExecuteCore()
    {
        string M(ITaskItem t, string name) => t.GetMetadata(name);
        var tiles = Tiles.Select(t =>
        {
            var input = RecoveryInputs.Read(t.ItemSpec, M(t, "Kind"),
                M(t, "Truth") is { Length: > 0 } truth ? truth : DownloadStep.Truth.PathIn(M(t, "DownloadDir"), t.ItemSpec),
                Pass2Step.Catalog.PathIn(M(t, "Pass2Dir"), t.ItemSpec), FilterStep.Candidates.PathIn(M(t, "FilterDir"), t.ItemSpec),
                FilterStep.Filtered.PathIn(M(t, "FilterDir"), t.ItemSpec), M(t, "VettingDir"));
            return TileRecovery.Compare(input) with { SecondLook = SecondLookTally.ForTile(t.ItemSpec, M(t, "OtherPlatesDir"), input.Candidates) };
        }).ToList();
        var report = new RecoveryReport(tiles, new RecoveryGoal());
        Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(JsonFile))!);
        report.SavePlot(PlotFile);
        IO.AtomicFile.WriteAllText(JsonFile, report.ToJson());
        foreach (var kind in report.Kinds)
        {
            var s = report.Summary(kind);
            LogHigh(string.Create(CultureInfo.InvariantCulture,
                $"Recovery ({kind}, {s.Tiles} tile(s)): {s.BrightRecovered} of {s.BrightInjected} injected vanished sources at least {report.Goal.BrighterThanLimitBy} mag brighter than the plate limit recovered ({RecoveryReport.Percent(s.BrightCompleteness)}, goal {RecoveryReport.Percent(report.Goal.MinCompleteness)}: {(s.CompletenessGoalMet ? "met" : "NOT met")}); " +
                $"{s.FalseCandidates} false candidate(s), at most {s.MaxFalsePerTile} per tile (goal {report.Goal.MaxFalsePerTile}: {(s.FalseGoalMet ? "met" : "NOT met")})."));
            var looks = tiles.Where(t => t.Kind == kind).SelectMany(t => t.SecondLook).ToList();
            if (looks.Count > 0)
                LogHigh($"Second look ({kind}): " + string.Join(", ", SyntheticSky.SecondLookFates.Select(f =>
                    $"{f} {looks.Count(o => o.Fate == f && o.Class == f)} of {looks.Count(o => o.Fate == f)}")) +
                    $" classified so; {looks.Count(SecondLookTally.IsWrong)} of {looks.Count} in a wrong class.");
            if (s.BrightLosses.Count > 0)
                LogHigh($"  lost: {string.Join("; ", s.BrightLosses.Select(l => $"{l.Value} {l.Key}"))}");
        }
        LogVetting(report);
        LogHigh($"Vasco: recovery figures in {JsonFile}, plot {PlotFile}");
    }

    void LogVetting(RecoveryReport report)
    {
        if (!report.VettingChecked)
        {
            LogHigh("Vetting: no vetting stage has written a file for these tiles; recovery.json says so (vetting.checked = false).");
            return;
        }
        foreach (var kind in report.Kinds)
            foreach (var stage in VettingFiles.Stages)
                if (report.Tally(stage, kind) is { } t)
                {
                    var own = t.Class is null ? "" : $"removed {t.Removed} of the {t.Selected} {t.Class} source(s) step 8 kept ({RecoveryReport.Percent(t.Completeness)}); ";
                    LogHigh($"Vetting ({kind}, {t.Stage}, {t.TilesChecked} tile(s)): {own}{t.WronglyRemovedVanished} vanished source(s) removed; {t.NotChecked} candidate(s) not checked, {t.NotListed} not listed.");
                }
    }
}
