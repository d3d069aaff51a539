using System.Globalization;
using System.Text;
using Vasco.IO;
using Vasco.Pipeline;
using Vasco.Tiling;

namespace Vasco.Steps;

/// <summary>What a build's plan is asked: the run, its parameter values, targets, steps, and the build's restrictions.</summary>
public sealed record PlanRequest
{
    public required string RunDir { get; init; }
    public required string RunId { get; init; }
    public required string StampDir { get; init; }
    /// <summary>Each parameter's MSBuild value (empty when unset), and whether the command line gave it.</summary>
    public required IReadOnlyList<(string Name, string Value, bool FromCommandLine)> Given { get; init; }
    /// <summary>Parameters that extension steps declare (VascoParameter items with Type).</summary>
    public IReadOnlyList<ParameterDefinition> Declared { get; init; } = [];
    public string? ConfigFile { get; init; }
    /// <summary>Targets of the run file: name, Ra, Dec, SizeArcmin as written.</summary>
    public IReadOnlyList<(string Name, string Ra, string Dec, string Size)> Targets { get; init; } = [];
    public IReadOnlyList<string> TargetLists { get; init; } = [];
    public required IReadOnlyList<StepDeclaration> Steps { get; init; }
    public IReadOnlyDictionary<string, string> ToolVersions { get; init; } = new Dictionary<string, string>();
    public string? Tiles { get; init; }
    public string? FromStep { get; init; }
    public string? Shard { get; init; }
    public string? ShardCount { get; init; }
    public string? ShardsDir { get; init; }
    public bool FreezeOnly { get; init; }
    public bool Merging { get; init; }
}

/// <summary>What the plan found: the run's tiles, those the build selects (empty: all), and the resolved values.</summary>
public sealed record PlanResult(IReadOnlyList<Tile> Tiles, IReadOnlyList<Tile> Selected, ParameterSet Parameters)
{
    /// <summary>Each per-tile step's selected tiles whose record is missing or older than their stamp: what the step will run.</summary>
    public IReadOnlyList<(string Step, IReadOnlyList<Tile> Tiles)> Stale { get; init; } = [];
}

/// <summary>
/// The start of every build: resolves the parameters, computes the run's tiles (or a shard's), and writes the per-tile
/// stamps that let each step's target rerun only the stale tiles. <paramref name="say"/> gets what the build shows
/// (true: at the default verbosity).
/// </summary>
public static class RunPlan
{
    /// <summary>
    /// What a stopped build left: the FailFast marker (at once) and tools' working folders in the temporary folder (on the
    /// other core, while the plan is made). Its temporary files in the run's folders went when the lock was taken
    /// (VascoLockRun). The task's result is what to tell the user.
    /// </summary>
    public static Task<List<string>> Tidy(string stampDir)
    {
        FailFastStop.Clear(stampDir);
        return Task.Run(() =>
        {
            var said = new List<string>();
            // Tidying the temporary folder is never a reason to fail.
            try
            {
                if (Tools.ToolWorkDir.SweepOrphans() is > 0 and var swept)
                    said.Add($"VascoPlan: deleted {swept} working folder(s) of tools that a stopped build left in {Path.GetTempPath()}");
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                said.Add($"VascoPlan: could not look for tools' working folders left in {Path.GetTempPath()}: {e.Message}");
            }
            return said;
        });
    }

    public static PlanResult Make(PlanRequest r, Action<bool, string> say)
    {
        var clock = System.Diagnostics.Stopwatch.StartNew();
        var timings = new List<string>();
        void Lap(string what) { timings.Add($"{what} {clock.ElapsedMilliseconds} ms"); clock.Restart(); }
        var parameters = Parameters(r);
        Lap("parameters");
        var targets = Targets(r, parameters);
        Lap("targets");
        var tiles = Tiler.Plan(targets, TilingStep.Options(parameters));
        Lap("tiling");
        var shard = Sharding.Shard.Parse(r.Shard, r.ShardCount, tiles.Count);
        List<string>? runTileIds = null;
        if (shard is not null || r.FreezeOnly || r.Merging)
        {
            if (string.IsNullOrEmpty(r.ShardsDir)) throw new VascoException(ErrorCodes.Internal, "VascoPlan needs ShardsDir for a sharded run.", "report this with the build log.");
            Sharding.FrozenTiles.FreezeOrCheck(r.ShardsDir, r.RunId, tiles, mayFreeze: !r.Merging);
        }
        if (r.FreezeOnly)
        {
            Sharding.Shard.ParseCount(r.ShardCount, tiles.Count);
            say(true, $"Vasco: {tiles.Count} tile(s) of run {r.RunId} frozen in {RunPaths.Relative(r.RunDir, Sharding.FrozenTiles.PathIn(r.ShardsDir!))}");
            return new PlanResult(tiles, [], parameters);
        }
        if (shard is not null)
        {
            // From here on this build's run is the shard's share; its completion record goes until it ends.
            File.Delete(Sharding.ShardRecord.PathOf(r.ShardsDir!, shard));
            runTileIds = tiles.Select(t => t.TileId).ToList();
            tiles = shard.Select(tiles);
            say(true, $"Vasco: shard {shard.Index} of {shard.Count} (0 to {shard.Count - 1}): {tiles.Count} of the run's {runTileIds.Count} tile(s)");
        }
        var selected = SelectTiles(r, tiles);
        var planner = new StampPlanner
        {
            RunDir = r.RunDir,
            RunId = r.RunId,
            StampDir = r.StampDir,
            Steps = r.Steps,
            Tiles = tiles,
            Parameters = parameters,
            ToolVersions = r.ToolVersions,
            TargetsFingerprint = Fingerprint(targets),
            FileHashes = new FileHashCache(Path.Combine(r.StampDir, "..", "filehashes.tsv")),
            SelectedTiles = selected.Count == tiles.Count ? [] : selected.Select(t => t.TileId).ToList(),
            FromStep = FromStep(r),
            TileInputs = LocalPlateInputs(r, parameters),
            RunTileIds = runTileIds,
        };
        var perTile = r.Steps.Where(s => s.PerTile).Select(s => s.Name).ToHashSet(StringComparer.Ordinal);
        var plans = planner.Plan();
        foreach (var plan in plans)
        {
            if (r.Merging && perTile.Contains(plan.Step) && plan.Changed > 0)
                throw new VascoException(ErrorCodes.ShardMergeStale,
                    $"Merging run {r.RunId}: step {plan.Step} is out of date for {plan.Changed} tile(s) against the shards' own plan: this build's tools, parameters or input files differ from the shards'.",
                    "merge where the shards ran, with the same Vasco, tools, input files and -p: properties (the stamps in obj/vasco/<RunId>/shards/ say what each shard used).");
            if (plan.Changed > 0 || plan.Forced > 0)
                say(false, $"Plan: {plan.Step}: {plan.Changed} stamp(s) changed, {plan.Forced} forced by FromStep");
            if (plan.Pruned.Count > 0)
                say(true, $"Plan: {plan.Step}: removed the outputs of {plan.Pruned.Count} tile(s) no longer in the run ({string.Join(", ", plan.Pruned.Take(5))}{(plan.Pruned.Count > 5 ? ", ..." : "")})");
        }
        Lap("stamps");
        if (plans.FirstOrDefault(p => p.Step == StepDeclaration.TilingStep) is { } tiling)
            TilingStep.PlanTiles(StampPlanner.StampPath(r.StampDir, tiling.Step, null), tiles, stampChanged: tiling.Changed + tiling.Forced > 0);
        Lap("tile list");
        var perTileSteps = r.Steps.Where(s => s.PerTile).ToList();
        var staleOf = new IReadOnlyList<Tile>[perTileSteps.Count];
        InParallel.For(perTileSteps.Count, parameters.MaxParallel, i => staleOf[i] = StaleTiles(perTileSteps[i], r.StampDir, selected));
        var stale = perTileSteps.Select((s, i) => (s.Name, Tiles: staleOf[i])).Where(s => s.Tiles.Count > 0).ToList();
        Lap("stale");
        say(true, stale.Count == 0 ? $"Vasco: run {r.RunId}: {tiles.Count} tile(s), every step up to date for the {selected.Count} selected"
            : $"Vasco: run {r.RunId}: {tiles.Count} tile(s); to do, in tiles per step: {string.Join(", ", stale.Select(s => $"{s.Name} {s.Tiles.Count}"))} (a target runs those it needs)");
        say(false, $"Plan: {tiles.Count} tile(s), {selected.Count} selected; {string.Join(", ", timings)}");
        return new PlanResult(tiles, selected.Count == tiles.Count ? [] : selected, parameters) { Stale = stale };
    }

    /// <summary>
    /// Which of the selected tiles the step's target will run: those without a record, or whose record is older than the
    /// stamp (MSBuild's own test). One directory listing per folder, not a file query per tile, and none for a folder as the
    /// last build left it (<see cref="FolderSnapshot"/>).
    /// </summary>
    static IReadOnlyList<Tile> StaleTiles(StepDeclaration step, string stampDir, IReadOnlyList<Tile> selected)
    {
        var records = TileRecords.Listed(step, stampDir);
        var stamps = StampPlanner.StampSnapshot(stampDir, step.Name).Files;
        return selected.Where(t => !records.TryGetValue(t.TileId + TileRecords.ManifestSuffix, out var made) || !stamps.TryGetValue(t.TileId + ".stamp", out var stamped)
            || made.LastWriteUtc < stamped.LastWriteUtc).ToList();
    }

    /// <summary>Each parameter's value: the command line, then the run file, then the config file, then the default.</summary>
    public static ParameterSet Parameters(PlanRequest r) =>
        ParameterSet.Resolve(r.Given, string.IsNullOrWhiteSpace(r.ConfigFile) ? null : r.ConfigFile, ParameterCatalog.BuiltIn.Concat(r.Declared));

    /// <summary>The run's targets: the run file's, then its target lists'.</summary>
    static List<Target> Targets(PlanRequest r, ParameterSet parameters)
    {
        var size = TilingStep.Options(parameters).TileSizeArcmin;
        var targets = r.Targets.Select(t => Vasco.Tiling.Targets.Parse(t.Name, t.Ra, t.Dec, t.Size, size, Vasco.Tiling.Targets.RunFile)).ToList();
        foreach (var list in r.TargetLists) targets.AddRange(Vasco.Tiling.Targets.ReadCsv(list, size));
        return targets;
    }

    /// <summary>Every tile of the run (not a shard's share), as the plan computes them, without writing anything.</summary>
    public static IReadOnlyList<Tile> Tiles(PlanRequest r, ParameterSet parameters) => Tiler.Plan(Targets(r, parameters), TilingStep.Options(parameters));

    static int? FromStep(PlanRequest r)
    {
        if (string.IsNullOrWhiteSpace(r.FromStep)) return null;
        if (!int.TryParse(r.FromStep, NumberStyles.Integer, CultureInfo.InvariantCulture, out var n) || r.Steps.All(s => s.Number != n))
            throw new VascoException(ErrorCodes.FromStepInvalid, $"FromStep={r.FromStep} is not a step of this pipeline.",
                $"use one of {string.Join(", ", r.Steps.Select(s => $"{s.Number} ({s.Name})"))}.");
        return n;
    }

    /// <summary>With ImageSource=local, a tile's plate is step 1's input for that tile: editing it reruns that tile only.</summary>
    static Func<StepDeclaration, Tile, IEnumerable<string>>? LocalPlateInputs(PlanRequest r, ParameterSet parameters)
    {
        if (parameters[DownloadStep.ImageSource.Name] != "local" || r.Steps.All(s => s.Name != "Download")) return null;
        var index = DownloadStep.OpenLocalPlates(r.RunDir, parameters[DownloadStep.LocalImageDir.Name], Path.GetDirectoryName(Path.TrimEndingDirectorySeparator(Path.GetFullPath(r.StampDir)))!);
        return (step, tile) => step.Name == "Download" && index.Choose(tile.RaDeg, tile.DecDeg, tile.SizeArcmin).Path is { } path ? [path] : [];
    }

    static List<Tile> SelectTiles(PlanRequest r, IReadOnlyList<Tile> tiles)
    {
        // ',' too, as in a -p:Tiles="a,b" that a shell passed on.
        var wanted = StepDeclaration.SplitList(r.Tiles?.Replace(',', ';'));
        if (wanted.Count == 0) return tiles.ToList();
        var byId = tiles.ToDictionary(t => t.TileId, StringComparer.Ordinal);
        var unknown = wanted.Where(w => !byId.ContainsKey(w)).ToList();
        if (unknown.Count > 0)
            throw new VascoException(ErrorCodes.TileSelectionUnknown,
                $"Tiles= names {string.Join(", ", unknown.Select(TileIds.Printable))}, which this {(string.IsNullOrWhiteSpace(r.Shard) ? "run" : $"shard ({r.Shard} of {r.ShardCount})")} does not have.",
                $"use tile ids from data/tiles/{r.RunId}/tiles.csv (e.g. {string.Join(", ", tiles.Take(3).Select(t => t.TileId))}).");
        return wanted.Distinct().Select(w => byId[w]).ToList();
    }

    static string Fingerprint(IEnumerable<Target> targets)
    {
        var sb = new StringBuilder();
        foreach (var t in targets)
            sb.Append(t.Name).Append('|').Append(Tile.Format(t.RaDeg)).Append('|').Append(Tile.Format(t.DecDeg))
              .Append('|').Append(Tile.Format(t.WidthArcmin)).Append('|').Append(Tile.Format(t.HeightArcmin)).Append('\n');
        return Convert.ToHexString(System.Security.Cryptography.SHA256.HashData(Encoding.UTF8.GetBytes(sb.ToString()))).ToLowerInvariant();
    }
}
