using Microsoft.Build.Framework;
using Vasco.Pipeline;
using Vasco.Tiling;

namespace Vasco.MSBuild;

/// <summary>
/// Base of the per-tile step tasks. MSBuild hands it only the stale tiles' stamps (a
/// partial build); it runs them through <see cref="StepRunner"/> in parallel, logs one
/// error per failed tile, a one-line summary, and returns the failed tiles so the public
/// target can fail the build at its end. Subclasses supply the work for one tile.
/// When the stamps are of several steps (each stamp's Step metadata names its step: a whole
/// build's per-tile steps), the steps run together in a <see cref="TileFlow"/>, each tile
/// going on to its next step as soon as it is through the last.
/// </summary>
public abstract class TileStepTask : VascoTask, ICancelableTask
{
    // Cancel() (Ctrl+C, a killed build) stops the tiles and kills their tool processes.
    readonly CancellationTokenSource _cancel = new();

    public void Cancel() => _cancel.Cancel();

    [Required] public string RunDir { get; set; } = "";
    [Required] public string RunId { get; set; } = "";
    [Required] public string StampDir { get; set; } = "";
    /// <summary>The step whose stale tiles these are; empty when each stamp names its step (Step metadata).</summary>
    public string StepName { get; set; } = "";
    /// <summary>The stale tiles: stamp items named &lt;tile_id&gt;.stamp carrying the tile's metadata (and Step, in a flow).</summary>
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

    /// <summary>The values a step's tiles see (a built-in step: only what its contract reads).</summary>
    protected virtual ParameterSet ParametersFor(StepDeclaration step) => ParameterValues;

    /// <summary>Called once per step before its tiles run (read shared inputs here).</summary>
    protected virtual void Prepare(StepDeclaration step) { }

    /// <summary>Called once after the tiles ran, also after a failure.</summary>
    protected virtual void Finish() { }

    /// <summary>Step-level fields of a step's manifest.json (the seed's checklist fields).</summary>
    protected Dictionary<string, object?> StepFields => FieldsOf(StepName);

    readonly Dictionary<string, Dictionary<string, object?>> _stepFields = new(StringComparer.Ordinal);

    protected Dictionary<string, object?> FieldsOf(string step)
    {
        lock (_stepFields)
            return _stepFields.TryGetValue(step, out var f) ? f : _stepFields[step] = new(StringComparer.Ordinal);
    }

    /// <summary>The work of one tile (steps that batch their tiles override <see cref="WorkFor"/> instead).</summary>
    protected virtual void RunTile(TileContext tile) =>
        throw new NotImplementedException($"{GetType().Name} overrides neither RunTile nor WorkFor.");

    /// <summary>How a step works its tiles: one by one, unless it batches them.</summary>
    protected virtual TileWork WorkFor(StepDeclaration step) => TileWork.PerTile(RunTile);

    protected override void ExecuteCore()
    {
        var steps = Steps.Select(Items.ToStep).ToDictionary(s => s.Name, StringComparer.Ordinal);
        var declared = Steps.Select((s, i) => (s.ItemSpec, i)).ToDictionary(p => p.ItemSpec, p => p.i, StringComparer.Ordinal);
        ParameterValues = Items.ToParameters(Parameters);
        // The steps in their declared order, which puts each after the steps it reads from.
        var work = StaleTiles.GroupBy(StepOf, StringComparer.Ordinal)
            .Select(g => (Step: steps.TryGetValue(g.Key, out var s) ? s : throw new VascoException(ErrorCodes.Internal, $"stale tiles of '{g.Key}', which is not a step of this run.", "name a declared VascoStep."),
                          Stale: g.Select(Items.ToTile).ToList()))
            .OrderBy(w => declared[w.Step.Name]).ToList();
        if (work.Count == 0) return;
        if (File.Exists(FailFastStop.MarkerPath(StampDir)))
        {
            // The build goes on to its run-level steps, which publish only the tiles that are current.
            foreach (var (step, stale) in work)
                LogHigh($"{step.Name}: {stale.Count} tile(s) not run: an earlier step stopped at a failed tile (FailFast=true)");
            return;
        }
        // Tiles are about to change: the run's published results go until this build's steps 8 and 9 write them again.
        if (Vasco.Summaries.RunPublication.WithdrawBeforeRerun(steps, RunDir, Steps.FirstOrDefault(s => s.ItemSpec == "Summarize")?.GetMetadata("Dashboard") ?? "", RunId, StampDir) is { } left)
            Log.LogWarning(left);
        try
        {
            if (work.Count == 1 && StaleTiles.All(t => t.GetMetadata("Step").Length == 0)) RunStale(steps, work[0].Step, work[0].Stale);
            else RunFlow(steps, work);
        }
        finally { Finish(); }
    }

    string StepOf(ITaskItem stamp) => stamp.GetMetadata("Step") is { Length: > 0 } s ? s
        : StepName.Length > 0 ? StepName : throw new VascoException(ErrorCodes.Internal, $"stamp {stamp.ItemSpec} names no step.", "give the task StepName, or each stamp a Step metadata.");

    StepRunner RunnerFor(Dictionary<string, StepDeclaration> steps, StepDeclaration step) => new()
    {
        Step = step, RunDir = RunDir, RunId = RunId, Parameters = ParametersFor(step), ToolVersions = Items.ToToolVersions(Tools),
        AllSteps = steps, StampDir = StampDir, StepFields = FieldsOf(step.Name), Cancellation = _cancel.Token,
        FailFast = FailFast,
    };

    bool FailFast => ParameterValues.Has("FailFast") && ParameterValues.Boolean("FailFast");

    /// <summary>What the build says of each tile of a step as it finishes; the step's progress unless a flow says its own.</summary>
    Action<TileOutcome> Reporter(string step, int stale, bool progressLines = true)
    {
        var progress = new StepProgress(step, stale);
        return o =>
        {
            if (progressLines && progress.Tile(o.Status != TileStatus.Ok) is { } line) LogHigh(line);
            // A warning kept only in a manifest is one nobody reads: each goes to the build output as well.
            foreach (var (code, text) in o.CodedWarnings) LogWarning(code, $"{step}: tile {o.TileId}: {text}");
            if (o.Status == TileStatus.Failed) LogTileError(o.Code!, $"{step}: tile {o.TileId}: {o.Message}", o.File);
            else LogNormal(o.Status == TileStatus.Ok ? $"{step}: tile {o.TileId} done in {o.ElapsedSeconds:0.00} s" : $"{step}: {o.Message}");
        };
    }

    void RunStale(Dictionary<string, StepDeclaration> steps, StepDeclaration step, List<Tile> stale)
    {
        Prepare(step);
        var runner = RunnerFor(steps, step);
        var clock = System.Diagnostics.Stopwatch.StartNew();
        var outcomes = runner.Run(stale, AllTiles.Select(t => t.ItemSpec).ToList(), WorkFor(step), Reporter(step.Name, stale.Count));
        FailedTiles = Items.FromFailures(step.Name, outcomes);
        LogHigh(TileOutcome.Summary(step.Name, outcomes, clock.Elapsed, AllTiles.Length - stale.Count));
        if (FailedTiles.Length > 0 && runner.FailFast) StopHere(step.Name);
    }

    void RunFlow(Dictionary<string, StepDeclaration> steps, List<(StepDeclaration Step, List<Tile> Stale)> work)
    {
        var flow = new TileFlow { MaxParallel = ParameterValues.MaxParallel, FailFast = FailFast, Cancellation = _cancel.Token };
        // All steps run at once, so one progress line for the build's tiles, not one per step.
        var progress = new FlowProgress(work.SelectMany(w => w.Stale.Select(t => t.TileId)));
        var parts = work.Select(w =>
        {
            Prepare(w.Step);
            var report = Reporter(w.Step.Name, w.Stale.Count, progressLines: false);
            return new TileFlow.Step
            {
                Runner = RunnerFor(steps, w.Step), Work = WorkFor(w.Step), Stale = w.Stale, OnTile = o => { report(o); if (progress.Through(o) is { } line) LogHigh(line); },
                OnDone = (outcomes, elapsed) => LogHigh(TileOutcome.Summary(w.Step.Name, outcomes, elapsed, AllTiles.Length - w.Stale.Count)),
            };
        }).ToList();
        LogNormal($"Vasco: {string.Join(", ", work.Select(w => $"{w.Step.Name} {w.Stale.Count}"))} stale tile(s) run together, " +
                  $"a tile going on to its next step as soon as it is through the last (MaxParallel={flow.MaxParallel})");
        var outcomes = flow.Run(parts, AllTiles.Select(t => t.ItemSpec).ToList());
        FailedTiles = work.SelectMany(w => Items.FromFailures(w.Step.Name, outcomes[w.Step.Name])).ToArray();
        if (flow.StoppedAt is { } at)
        {
            foreach (var (step, stale) in work.Where(w => outcomes[w.Step.Name].Count < w.Stale.Count))
                LogHigh($"{step.Name}: {stale.Count - outcomes[step.Name].Count} tile(s) not run: step {at} stopped at a failed tile (FailFast=true)");
            StopHere(at);
        }
    }

    void StopHere(string step)
    {
        FailFastStop.Mark(StampDir, step);
        LogTileError(ErrorCodes.TilesFailed, $"{step}: stopped at the first failed tile (FailFast=true); later steps run no tile in this build.", null);
    }
}
