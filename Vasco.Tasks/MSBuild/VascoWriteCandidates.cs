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
    [Required] public ITaskItem[] AllTiles { get; set; } = [];
    [Required] public ITaskItem[] Steps { get; set; } = [];
    [Required] public string StampDir { get; set; } = "";
    /// <summary>Tiles checked at a time: the run's MaxParallel when given (0: one per processor).</summary>
    public ITaskItem[] Parameters { get; set; } = [];

    protected override void ExecuteCore()
    {
        var env = EnvironmentItems.ToEnvironment(RunDir, RunId, Steps, null, null, null, null);
        var parallel = Parameters.Length > 0 ? Items.ToParameters(Parameters).MaxParallel : 1;
        var r = FilterStep.WriteRunCandidates(env, StampDir, AllTiles.Select(t => t.ItemSpec).ToList(), string.IsNullOrEmpty(OutputDir) ? FilterDir : OutputDir, parallel);
        var left = r.FailedTiles == 0 ? "" : $" from {r.CurrentTiles} of {r.AllTiles} tile(s); {r.FailedTiles} tile(s) failed or out of date contribute none";
        LogHigh($"VascoFilter: {r.Count} candidate(s) in {RunPaths.Relative(RunDir, r.Path)}{left}");
    }
}
