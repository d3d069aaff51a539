using Microsoft.Build.Framework;
using Vasco.Pipeline;
using Vasco.Steps;

namespace Vasco.MSBuild;

/// <summary>Step 9: the run's summaries, histograms, report and the dashboard's candidate list (<see cref="SummarizeStep"/>).</summary>
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
    /// <summary>The run's resolved parameters (<see cref="SummarizeStep.Config"/>).</summary>
    [Required] public ITaskItem[] Parameters { get; set; } = [];
    /// <summary>Where step 9 remembers the tiles it read (SummaryCache); empty: every tile is read every time.</summary>
    public string CacheFile { get; set; } = "";
    /// <summary>The run's stamps (obj/vasco/&lt;RunId&gt;/stamps/), with the steps' folders as the build left them; empty: each tile's records are queried.</summary>
    public string StampDir { get; set; } = "";

    protected override void ExecuteCore()
    {
        var env = EnvironmentItems.ToEnvironment(RunDir, RunId, Steps, null, null, null, null);
        var config = (SummarizeStep.Config)SummarizeStep.Contract.Bind(Items.ToParameters(Parameters));
        var r = SummarizeStep.Run(env, AllTiles.Select(t => t.ItemSpec).ToList(), new SummarizeStep.Files(SummariesDir, CandidatesFile, DashboardFile, CacheFile, StampDir), config);
        LogHigh($"VascoSummarize: {RunPaths.Relative(RunDir, r.Summary)} ({r.Tiles} tile(s), {r.Candidates} candidate(s))");
    }
}
