using Microsoft.Build.Framework;
using Vasco.Pipeline;
using Vasco.Tiling;

namespace Vasco.MSBuild;

/// <summary>
/// Base of the per-tile step tasks. MSBuild hands it only the stale tiles' stamps (a
/// partial build); it runs them through <see cref="StepRunner"/> in parallel, logs one
/// error per failed tile, a one-line summary, and returns the failed tiles so the public
/// target can fail the build at its end. Subclasses supply the work for one tile.
/// </summary>
public abstract class TileStepTask : VascoTask, ICancelableTask
{
    // Cancel() (Ctrl+C, a killed build) stops the tiles and kills their tool processes.
    readonly CancellationTokenSource _cancel = new();

    public void Cancel() => _cancel.Cancel();

    [Required] public string RunDir { get; set; } = "";
    [Required] public string RunId { get; set; } = "";
    [Required] public string StampDir { get; set; } = "";
    [Required] public string StepName { get; set; } = "";
    /// <summary>The stale tiles: stamp items named &lt;tile_id&gt;.stamp carrying the tile's metadata.</summary>
    public ITaskItem[] StaleTiles { get; set; } = [];
    [Required] public ITaskItem[] AllTiles { get; set; } = [];
    [Required] public ITaskItem[] Steps { get; set; } = [];
    [Required] public ITaskItem[] Parameters { get; set; } = [];
    public ITaskItem[] Tools { get; set; } = [];
    /// <summary>Added to the names of run-level logs (a shard build's own: ".shard-K-of-N").</summary>
    public string LogSuffix { get; set; } = "";

    [Output] public ITaskItem[] FailedTiles { get; private set; } = [];

    protected ParameterSet ParameterValues { get; private set; } = null!;

    /// <summary>For extension steps: the path of a tool the VascoTools target found, and a file's path as manifests show it.</summary>
    protected string ToolPath(string name) => EnvironmentItems.ToEnvironment(RunDir, RunId, [], Tools, null, null, null).Tool(name, StepName);
    protected string Relative(string fullPath) => RunPaths.Relative(RunDir, fullPath);

    /// <summary>The values the step's tiles see (a built-in step: only what its contract reads).</summary>
    protected virtual ParameterSet TileParameters => ParameterValues;

    /// <summary>Called once before the tiles run (read shared inputs here).</summary>
    protected virtual void Prepare(StepDeclaration step) { }

    /// <summary>Called once after the tiles ran, also after a failure.</summary>
    protected virtual void Finish() { }

    /// <summary>Step-level fields of the step's manifest.json (the seed's checklist fields).</summary>
    protected Dictionary<string, object?> StepFields { get; } = new(StringComparer.Ordinal);

    /// <summary>The work of one tile (steps that batch their tiles override <see cref="RunTiles"/> instead).</summary>
    protected virtual void RunTile(TileContext tile) =>
        throw new NotImplementedException($"{GetType().Name} overrides neither RunTile nor RunTiles.");

    /// <summary>How the stale tiles run: one by one in parallel, unless a step batches them.</summary>
    protected virtual IReadOnlyList<TileOutcome> RunTiles(StepRunner runner, IReadOnlyList<Tile> stale, IReadOnlyList<string> allTileIds, Action<TileOutcome> onTile) =>
        runner.Run(stale, allTileIds, RunTile, onTile);

    protected override void ExecuteCore()
    {
        var steps = Steps.Select(Items.ToStep).ToDictionary(s => s.Name, StringComparer.Ordinal);
        var step = steps[StepName];
        ParameterValues = Items.ToParameters(Parameters);
        var stale = StaleTiles.Select(Items.ToTile).ToList();
        if (stale.Count == 0) return;
        if (File.Exists(FailFastStop.MarkerPath(StampDir)))
        {
            // The build goes on to its run-level steps, which publish only the tiles that are current.
            LogHigh($"{StepName}: {stale.Count} tile(s) not run: an earlier step stopped at a failed tile (FailFast=true)");
            return;
        }
        try { RunStale(steps, step, stale); }
        finally { Finish(); }
    }

    void RunStale(Dictionary<string, StepDeclaration> steps, StepDeclaration step, List<Tile> stale)
    {
        // Tiles are about to change: the run's published results go until this build's steps 8 and 9 write them again.
        if (Vasco.Summaries.RunPublication.WithdrawBeforeRerun(steps, RunDir, Steps.FirstOrDefault(s => s.ItemSpec == "Summarize")?.GetMetadata("Dashboard") ?? "", RunId) is { } left)
            Log.LogWarning(left);
        Prepare(step);
        var runner = new StepRunner
        {
            Step = step, RunDir = RunDir, RunId = RunId, Parameters = TileParameters, ToolVersions = Items.ToToolVersions(Tools),
            AllSteps = steps, StampDir = StampDir, StepFields = StepFields, Cancellation = _cancel.Token,
            FailFast = ParameterValues.Has("FailFast") && ParameterValues.Boolean("FailFast"),
        };
        var clock = System.Diagnostics.Stopwatch.StartNew();
        var progress = new StepProgress(StepName, stale.Count);
        var outcomes = RunTiles(runner, stale, AllTiles.Select(t => t.ItemSpec).ToList(), o =>
        {
            if (progress.Tile(o.Status != TileStatus.Ok) is { } line) LogHigh(line);
            // A warning kept only in a manifest is one nobody reads: each goes to the build output as well.
            foreach (var (code, text) in o.CodedWarnings) LogWarning(code, $"{StepName}: tile {o.TileId}: {text}");
            if (o.Status == TileStatus.Failed) LogTileError(o.Code!, $"{StepName}: tile {o.TileId}: {o.Message}", o.File);
            else LogNormal(o.Status == TileStatus.Ok ? $"{StepName}: tile {o.TileId} done in {o.ElapsedSeconds:0.00} s" : $"{StepName}: {o.Message}");
        });
        FailedTiles = Items.FromFailures(StepName, outcomes);
        LogHigh(TileOutcome.Summary(StepName, outcomes, clock.Elapsed, AllTiles.Length - stale.Count));
        if (FailedTiles.Length > 0 && runner.FailFast)
        {
            FailFastStop.Mark(StampDir, StepName);
            LogTileError(ErrorCodes.TilesFailed, $"{StepName}: stopped at the first failed tile (FailFast=true); later steps run no tile in this build.", null);
        }
    }
}
