using Microsoft.Build.Framework;
using Microsoft.Build.Utilities;
using Vasco.Pipeline;
using Vasco.Steps;

namespace Vasco.MSBuild;

/// <summary>
/// Runs at the start of every build: resolves the parameters, computes the tiles of the
/// run, and writes the per-tile stamps that let each step target rerun only stale tiles.
/// </summary>
public sealed class VascoPlan : VascoTask
{
    [Required] public string RunDir { get; set; } = "";
    [Required] public string RunId { get; set; } = "";
    [Required] public string StampDir { get; set; } = "";
    [Required] public ITaskItem[] Parameters { get; set; } = [];
    [Required] public ITaskItem[] Steps { get; set; } = [];
    public string? ConfigFile { get; set; }
    public ITaskItem[] Targets { get; set; } = [];
    public ITaskItem[] TargetLists { get; set; } = [];
    public ITaskItem[] Tools { get; set; } = [];
    /// <summary>VascoCatalog items: their names become folders, so they are checked here with RunId.</summary>
    public ITaskItem[] Catalogs { get; set; } = [];
    /// <summary>Tiles=: ';'-separated tile ids to restrict the build to.</summary>
    public string? Tiles { get; set; }
    public string? FromStep { get; set; }
    /// <summary>Shard= and ShardCount=: plan only shard K of N of the frozen tile list (see <see cref="Sharding.Shard"/>).</summary>
    public string? Shard { get; set; }
    public string? ShardCount { get; set; }
    /// <summary>data/shards/&lt;RunId&gt;/: the frozen tile list and the shards' completion records.</summary>
    public string? ShardsDir { get; set; }
    /// <summary>Only freeze (or check) the tile list: VascoSubmitSlurm, before it splits the run.</summary>
    public bool FreezeOnly { get; set; }
    /// <summary>VascoMerge: the shards' stamps were adopted; any per-tile stamp this plan changes is an error.</summary>
    public bool Merging { get; set; }
    /// <summary>The run file and Vasco's own targets: a -p: property none of them reads is a warning (VASCO0111).</summary>
    public string[] ProjectFiles { get; set; } = [];

    /// <summary>
    /// The tiles, for the per-tile steps' targets (their stamps), a shard's completion record and a merge; none in a run
    /// of step 0 alone or with <see cref="FreezeOnly"/>: 143,686 items (a whole survey at 30') cost about a second to make
    /// and pass, and step 0 reads the plan's tile list instead (<see cref="TilingStep.PlannedTiles"/>).
    /// </summary>
    [Output] public ITaskItem[] AllTiles { get; private set; } = [];
    /// <summary>The tiles Tiles= selects; empty when it selects none (then all tiles are selected), or when there are no <see cref="AllTiles"/>.</summary>
    [Output] public ITaskItem[] SelectedTiles { get; private set; } = [];
    /// <summary>How many tiles the run (or shard) has, items or not.</summary>
    [Output] public int TileCount { get; private set; }
    [Output] public ITaskItem[] ResolvedParameters { get; private set; } = [];
    /// <summary>
    /// The stamp of each selected tile of each per-tile step that the step will run (its record missing, or older than the
    /// stamp), with its Step: a whole build's one partial build over the steps (_VascoTileSteps) checks these, not every
    /// tile of every step again (at 10,000 tiles, 150,000 stamps cost MSBuild about 4 s to list and check).
    /// </summary>
    [Output] public ITaskItem[] StaleStamps { get; private set; } = [];

    protected override void ExecuteCore()
    {
        RunNames.Check(RunId, Catalogs.Select(c => c.ItemSpec));
        var tidy = RunPlan.Tidy(StampDir);
        try { Plan(); }
        catch
        {
            try { tidy.Wait(); } catch (AggregateException) { }  // nothing is left deleting behind a failed task
            throw;
        }
        foreach (var said in tidy.GetAwaiter().GetResult()) LogNormal(said);
    }

    void Plan()
    {
        void Say(bool high, string message) { if (high) LogHigh(message); else LogNormal(message); }
        var globals = (BuildEngine as IBuildEngine6)?.GetGlobalProperties() ?? new Dictionary<string, string>();
        if (ProjectFiles.Length > 0)
            foreach (var (name, suggestion) in GlobalPropertyCheck.Unread(globals.Keys, Parameters.Select(p => p.ItemSpec), ProjectFiles))
                LogWarning(ErrorCodes.PropertyUnread, GlobalPropertyCheck.Warning(name, globals[name], suggestion));
        var request = Items.ToPlanRequest(RunDir, RunId, StampDir, ConfigFile, Parameters, globals, Targets, TargetLists, Steps) with
        {
            Tiles = Tiles, FromStep = FromStep,
            Shard = Shard, ShardCount = ShardCount, ShardsDir = ShardsDir, FreezeOnly = FreezeOnly, Merging = Merging,
            ToolVersions = Items.ToToolVersions(Tools),
        };
        var plan = RunPlan.Make(request, Say);
        TileCount = plan.Tiles.Count;
        if (!FreezeOnly && (request.Steps.Any(s => s.PerTile) || !string.IsNullOrWhiteSpace(Shard) || Merging))
        {
            AllTiles = plan.Tiles.Select(Items.FromTile).ToArray();
            SelectedTiles = plan.Selected.Select(Items.FromTile).ToArray();
            // As the step targets make them from the tile items: the stamp, with the tile's metadata.
            StaleStamps = plan.Stale.SelectMany(s => s.Tiles.Select(t =>
            {
                var item = Items.FromTile(t);
                item.ItemSpec = StampPlanner.StampPath(StampDir, s.Step, t.TileId);
                item.SetMetadata("Step", s.Step);
                return item;
            })).ToArray();
        }
        ResolvedParameters = Items.FromParameters(plan.Parameters);
    }
}
