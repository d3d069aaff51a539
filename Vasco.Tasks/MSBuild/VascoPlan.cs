using System.Globalization;
using System.Text;
using Microsoft.Build.Framework;
using Microsoft.Build.Utilities;
using Vasco.Pipeline;
using Vasco.Steps;
using Vasco.Tiling;

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

    [Output] public ITaskItem[] AllTiles { get; private set; } = [];
    /// <summary>The tiles Tiles= selects; empty when it selects none (then all tiles are selected).</summary>
    [Output] public ITaskItem[] SelectedTiles { get; private set; } = [];
    [Output] public ITaskItem[] ResolvedParameters { get; private set; } = [];

    protected override void ExecuteCore()
    {
        RunNames.Check(RunId, Catalogs.Select(c => c.ItemSpec));

        // What a killed build left in the run's own state folder (stamps, hash cache, plate index).
        Vasco.IO.AtomicFile.DeleteTempFiles(Path.GetDirectoryName(Path.TrimEndingDirectorySeparator(Path.GetFullPath(StampDir)))!);
        FailFastStop.Clear(StampDir);
        // And the tools' working folders a killed build left in the temporary folder (tidying: never a reason to fail).
        try
        {
            if (Vasco.Tools.ToolWorkDir.SweepOrphans() is > 0 and var swept)
                LogNormal($"VascoPlan: deleted {swept} working folder(s) of tools that a stopped build left in {Path.GetTempPath()}");
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            LogNormal($"VascoPlan: could not look for tools' working folders left in {Path.GetTempPath()}: {e.Message}");
        }
        var clock = System.Diagnostics.Stopwatch.StartNew();
        var timings = new List<string>();
        void Lap(string what) { timings.Add($"{what} {clock.ElapsedMilliseconds} ms"); clock.Restart(); }
        var globals = (BuildEngine as IBuildEngine6)?.GetGlobalProperties() ?? new Dictionary<string, string>();
        if (ProjectFiles.Length > 0)
            foreach (var (name, suggestion) in GlobalPropertyCheck.Unread(globals.Keys, Parameters.Select(p => p.ItemSpec), ProjectFiles))
                LogWarning(ErrorCodes.PropertyUnread,
                    $"-p:{name}={globals[name]} is not a Vasco parameter, and nothing in this build reads a property of that name: it has no effect. " +
                    (suggestion is null
                        ? "Fix: check its spelling against the properties in the README (or config/pipeline.yaml), or remove it."
                        : $"Did you mean {suggestion}? Fix: write -p:{suggestion}={globals[name]}, or remove it."));
        var extra = Parameters.Where(p => !string.IsNullOrEmpty(p.GetMetadata("Type")))
            .Select(p => ParameterDefinition.Declared(p.ItemSpec, p.GetMetadata("Type"), p.GetMetadata("Default"), p.GetMetadata("Description")));
        var parameters = ParameterSet.Resolve(
            Parameters.Select(p => (p.ItemSpec, p.GetMetadata("Value"), globals.ContainsKey(p.ItemSpec))),
            string.IsNullOrWhiteSpace(ConfigFile) ? null : ConfigFile, ParameterCatalog.BuiltIn.Concat(extra));

        Lap("parameters");
        var tiling = TilingStep.Options(parameters);
        var tileSize = tiling.TileSizeArcmin;
        var targets = new List<Target>();
        foreach (var t in Targets)
            targets.Add(Vasco.Tiling.Targets.Parse(t.ItemSpec, t.GetMetadata("Ra"), t.GetMetadata("Dec"), t.GetMetadata("SizeArcmin"), tileSize, "run file"));
        foreach (var list in TargetLists)
            targets.AddRange(Vasco.Tiling.Targets.ReadCsv(list.GetMetadata("FullPath"), tileSize));
        Lap("targets");
        var tiles = Tiler.Plan(targets, tiling);

        Lap("tiling");
        var shard = Sharding.Shard.Parse(Shard, ShardCount, tiles.Count);
        List<string>? runTileIds = null;
        if (shard is not null || FreezeOnly || Merging)
        {
            if (string.IsNullOrEmpty(ShardsDir)) throw new VascoException(ErrorCodes.Internal, "VascoPlan needs ShardsDir for a sharded run.", "report this with the build log.");
            Sharding.FrozenTiles.FreezeOrCheck(ShardsDir, RunId, tiles, mayFreeze: !Merging);
        }
        if (FreezeOnly)
        {
            Sharding.Shard.ParseCount(ShardCount, tiles.Count);
            AllTiles = tiles.Select(Items.FromTile).ToArray();
            ResolvedParameters = ToItems(parameters);
            LogHigh($"Vasco: {tiles.Count} tile(s) of run {RunId} frozen in {RunPaths.Relative(RunDir, Sharding.FrozenTiles.PathIn(ShardsDir!))}");
            return;
        }
        if (shard is not null)
        {
            // From here on this build's run is the shard's share; its completion record goes until it ends.
            File.Delete(Sharding.ShardRecord.PathOf(ShardsDir!, shard));
            runTileIds = tiles.Select(t => t.TileId).ToList();
            tiles = shard.Select(tiles);
            LogHigh($"Vasco: shard {shard.Index} of {shard.Count} (0 to {shard.Count - 1}): {tiles.Count} of the run's {runTileIds.Count} tile(s)");
        }
        var selected = SelectTiles(tiles);
        var steps = Steps.Select(Items.ToStep).ToList();
        int? fromStep = null;
        if (!string.IsNullOrWhiteSpace(FromStep))
        {
            if (!int.TryParse(FromStep, NumberStyles.Integer, CultureInfo.InvariantCulture, out var n) || steps.All(s => s.Number != n))
                throw new VascoException(ErrorCodes.FromStepInvalid, $"FromStep={FromStep} is not a step of this pipeline.",
                    $"use one of {string.Join(", ", steps.Select(s => $"{s.Number} ({s.Name})"))}.");
            fromStep = n;
        }

        var planner = new StampPlanner
        {
            RunDir = RunDir,
            RunId = RunId,
            StampDir = StampDir,
            Steps = steps,
            Tiles = tiles,
            Parameters = parameters,
            ToolVersions = Items.ToToolVersions(Tools),
            TargetsFingerprint = Fingerprint(targets),
            FileHashes = new FileHashCache(Path.Combine(StampDir, "..", "filehashes.tsv")),
            SelectedTiles = selected.Count == tiles.Count ? [] : selected.Select(t => t.TileId).ToList(),
            FromStep = fromStep,
            TileInputs = LocalPlateInputs(parameters, steps),
            RunTileIds = runTileIds,
        };
        var perTile = steps.Where(s => s.PerTile).Select(s => s.Name).ToHashSet(StringComparer.Ordinal);
        foreach (var plan in planner.Plan())
        {
            if (Merging && perTile.Contains(plan.Step) && plan.Changed > 0)
                throw new VascoException(ErrorCodes.ShardMergeStale,
                    $"Merging run {RunId}: step {plan.Step} is out of date for {plan.Changed} tile(s) against the shards' own plan: this build's tools, parameters or input files differ from the shards'.",
                    "merge where the shards ran, with the same Vasco, tools, input files and -p: properties (the stamps in obj/vasco/<RunId>/shards/ say what each shard used).");
            if (plan.Changed > 0 || plan.Forced > 0)
                LogNormal($"Plan: {plan.Step}: {plan.Changed} stamp(s) changed, {plan.Forced} forced by FromStep");
            if (plan.Pruned.Count > 0)
                LogHigh($"Plan: {plan.Step}: removed the outputs of {plan.Pruned.Count} tile(s) no longer in the run ({string.Join(", ", plan.Pruned.Take(5))}{(plan.Pruned.Count > 5 ? ", ..." : "")})");
        }

        Lap("stamps");
        AllTiles = tiles.Select(Items.FromTile).ToArray();
        SelectedTiles = selected.Count == tiles.Count ? [] : selected.Select(Items.FromTile).ToArray();
        ResolvedParameters = ToItems(parameters);
        Lap("items");
        LogNormal($"Plan: {tiles.Count} tile(s), {selected.Count} selected; {string.Join(", ", timings)}");
    }

    /// <summary>With ImageSource=local, a tile's plate is step 1's input for that tile: editing it reruns that tile only.</summary>
    Func<StepDeclaration, Tile, IEnumerable<string>>? LocalPlateInputs(ParameterSet parameters, List<StepDeclaration> steps)
    {
        if (parameters["ImageSource"] != "local" || steps.All(s => s.Name != "Download")) return null;
        var index = DownloadStep.OpenLocalPlates(RunDir, parameters["LocalImageDir"], Path.GetDirectoryName(Path.TrimEndingDirectorySeparator(Path.GetFullPath(StampDir)))!);
        return (step, tile) => step.Name == "Download" && index.Choose(tile.RaDeg, tile.DecDeg, tile.SizeArcmin).Path is { } path ? [path] : [];
    }

    List<Tile> SelectTiles(IReadOnlyList<Tile> tiles)
    {
        // ',' too, as in a -p:Tiles="a,b" that a shell passed on.
        var wanted = StepDeclaration.SplitList(Tiles?.Replace(',', ';'));
        if (wanted.Count == 0) return tiles.ToList();
        var byId = tiles.ToDictionary(t => t.TileId, StringComparer.Ordinal);
        var unknown = wanted.Where(w => !byId.ContainsKey(w)).ToList();
        if (unknown.Count > 0)
            throw new VascoException(ErrorCodes.TileSelectionUnknown,
                $"Tiles= names {string.Join(", ", unknown.Select(TileIds.Printable))}, which this {(string.IsNullOrWhiteSpace(Shard) ? "run" : $"shard ({Shard} of {ShardCount})")} does not have.",
                $"use tile ids from data/tiles/{RunId}/tiles.csv (e.g. {string.Join(", ", tiles.Take(3).Select(t => t.TileId))}).");
        return wanted.Distinct().Select(w => byId[w]).ToList();
    }

    static ITaskItem[] ToItems(ParameterSet parameters) => parameters.All.Select(p =>
    {
        var item = new TaskItem(p.Name);
        item.SetMetadata("Value", p.Value);
        item.SetMetadata("Source", p.Source.ToString());
        return (ITaskItem)item;
    }).ToArray();

    static string Fingerprint(IEnumerable<Target> targets)
    {
        var sb = new StringBuilder();
        foreach (var t in targets)
            sb.Append(t.Name).Append('|').Append(Tile.Format(t.RaDeg)).Append('|').Append(Tile.Format(t.DecDeg))
              .Append('|').Append(Tile.Format(t.WidthArcmin)).Append('|').Append(Tile.Format(t.HeightArcmin)).Append('\n');
        return Convert.ToHexString(System.Security.Cryptography.SHA256.HashData(Encoding.UTF8.GetBytes(sb.ToString()))).ToLowerInvariant();
    }
}
