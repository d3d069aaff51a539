using Microsoft.Build.Framework;
using Vasco.Pipeline;
using Vasco.Steps;

namespace Vasco.MSBuild;

/// <summary>Step 8, once per run: candidates.csv and filter.manifest.json from the tiles whose result is current (<see cref="FilterStep.WriteRunCandidates"/>).</summary>
public sealed class VascoWriteCandidates : VascoTask
{
    [Required] public string RunDir { get; set; } = "";
    [Required] public string RunId { get; set; } = "";
    [Required] public string FilterDir { get; set; } = "";
    /// <summary>Where candidates.csv and filter.manifest.json go: FilterDir, or a shard's folder in it.</summary>
    public string? OutputDir { get; set; }
    /// <summary>Where the run's funnel.csv and ir_only.csv go (data/vetting/&lt;RunId&gt;/, or a shard's folder in it).</summary>
    public string VettingDir { get; set; } = "";
    [Required] public ITaskItem[] AllTiles { get; set; } = [];
    [Required] public ITaskItem[] Steps { get; set; } = [];
    [Required] public string StampDir { get; set; } = "";
    /// <summary>Tiles checked at a time: the run's MaxParallel when given (0: one per processor).</summary>
    public ITaskItem[] Parameters { get; set; } = [];

    protected override void ExecuteCore()
    {
        var env = EnvironmentItems.ToEnvironment(RunDir, RunId, Steps, null, null, null, null);
        var parallel = Parameters.Length > 0 ? Items.ToParameters(Parameters).MaxParallel : 1;
        var r = FilterStep.WriteRunCandidates(env, StampDir, AllTiles.Select(t => t.ItemSpec).ToList(), string.IsNullOrEmpty(OutputDir) ? FilterDir : OutputDir,
            string.IsNullOrEmpty(VettingDir) ? Path.Combine(RunDir, "data", "vetting", RunId) : VettingDir, parallel);
        var left = r.FailedTiles == 0 ? "" : $" from {r.CurrentTiles} of {r.AllTiles} tile(s); {r.FailedTiles} tile(s) failed or out of date contribute none";
        LogHigh($"VascoFilter: {r.Count} candidate(s) in {RunPaths.Relative(RunDir, r.Path)}{left}");
        if (r.Vetting is not { } vetting) return;
        LogHigh("Vasco vetting funnel: " + string.Join(" -> ", r.Funnel.Select(f => $"{f.Stage} {f.Out}")) + $"; ir_only {vetting.IrOnly}");
        var unchecked_ = vetting.NotCheckedByStage.Where(p => p.Value > 0).ToList();
        if (unchecked_.Count > 0)
            LogWarning(ErrorCodes.VettingNotChecked,
                $"vetting could not check every candidate (they stay in the list as not_checked, never counted as passed): " +
                string.Join("; ", unchecked_.Select(p => $"{p.Key} {p.Value} of {vetting.Count} ({Why(vetting.NotCheckedWhy[p.Key])})")));
        if (vetting.Classes.Count > 0)
        {
            LogHigh("Vasco second look: " + string.Join(", ", SecondLook.SecondLookClass.Classes.Select(c => $"{c} {vetting.Classes.GetValueOrDefault(c)}")));
            if (vetting.Classes.GetValueOrDefault(SecondLook.SecondLookClass.Undecided) is var n and > 0)
                LogWarning(ErrorCodes.OtherPlatesNotMeasured, $"the second look left {n} of {vetting.Count} candidate(s) undecided: {Why(vetting.UndecidedWhy)}");
        }
        static string Why(IReadOnlyList<string> whys) => string.Join(" | ", whys.Take(2)) + (whys.Count > 2 ? $" | and {whys.Count - 2} other reason(s)" : "");
    }
}
