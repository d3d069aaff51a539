using System.Globalization;
using Microsoft.Build.Framework;
using Vasco.Pipeline;
using Vasco.Sharding;

namespace Vasco.MSBuild;

/// <summary>Ends a shard's build: its completion record (ok, or failed with the failed tile steps).</summary>
public sealed class VascoShardDone : VascoTask
{
    [Required] public string RunDir { get; set; } = "";
    [Required] public string ShardsDir { get; set; } = "";
    [Required] public string Shard { get; set; } = "";
    [Required] public string ShardCount { get; set; } = "";
    [Required] public ITaskItem[] Tiles { get; set; } = [];
    [Required] public ITaskItem[] Steps { get; set; } = [];
    [Required] public ITaskItem[] Parameters { get; set; } = [];
    public ITaskItem[] Tools { get; set; } = [];
    public ITaskItem[] FailedTiles { get; set; } = [];

    protected override void ExecuteCore()
    {
        var shard = new Shard(int.Parse(Shard, CultureInfo.InvariantCulture), int.Parse(ShardCount, CultureInfo.InvariantCulture));
        var steps = Steps.Select(Items.ToStep).ToList();
        var parameters = Items.ToParameters(Parameters);
        var record = new ShardRecord
        {
            Shard = shard.Index,
            ShardCount = shard.Count,
            Status = FailedTiles.Length == 0 ? "ok" : "failed",
            Tiles = Tiles.Select(t => t.ItemSpec).ToList(),
            FailedTiles = FailedTiles.Select(f => f.ItemSpec).Distinct().ToList(),
            SlurmJobId = Environment.GetEnvironmentVariable("SLURM_JOB_ID"),
            FinishedUtc = DateTimeOffset.UtcNow,
        };
        // What the outputs depend on: the parameters the steps read and the tools they run.
        foreach (var name in steps.SelectMany(s => s.Reads).Distinct(StringComparer.Ordinal)) record.Parameters[name] = parameters[name];
        foreach (var (tool, version) in Items.ToToolVersions(Tools)) record.Tools[tool] = version;
        var path = ShardRecord.PathOf(ShardsDir, shard);
        record.Write(path);
        LogHigh($"Vasco: shard {shard.Index} of {shard.Count} {(record.Status == "ok" ? "finished" : "failed")}: {RunPaths.Relative(RunDir, path)}");
    }
}

/// <summary>
/// VascoMerge, first half: checks that every shard finished alike over its frozen tiles
/// and adopts their stamps as the run's (see <see cref="ShardMerge"/>).
/// </summary>
public sealed class VascoMergeShards : VascoTask
{
    [Required] public string RunDir { get; set; } = "";
    [Required] public string RunId { get; set; } = "";
    [Required] public string ShardsDir { get; set; } = "";
    [Required] public string StateDir { get; set; } = "";
    [Required] public ITaskItem[] Steps { get; set; } = [];
    public string? ShardCount { get; set; }
    public string? Shard { get; set; }
    public string? Tiles { get; set; }
    public string? FromStep { get; set; }

    protected override void ExecuteCore()
    {
        if (!string.IsNullOrWhiteSpace(Shard) || !string.IsNullOrWhiteSpace(Tiles) || !string.IsNullOrWhiteSpace(FromStep))
            throw new VascoException(ErrorCodes.ShardInvalid, "VascoMerge merges whole shards; it takes no Shard=, Tiles= or FromStep=.",
                "run it with ShardCount= and the shards' other properties only: dotnet build RUN -t:VascoMerge -p:ShardCount=N.");
        if (string.IsNullOrWhiteSpace(ShardCount))
            throw new VascoException(ErrorCodes.ShardInvalid, "VascoMerge needs ShardCount= (how many shards the run was split into).",
                "dotnet build RUN -t:VascoMerge -p:ShardCount=N, with the N the shards were built with.");
        var frozenPath = FrozenTiles.PathIn(ShardsDir);
        if (!File.Exists(frozenPath))
            throw new VascoException(ErrorCodes.ShardNotFinished, $"Run {RunId} has no frozen tile list ({RunPaths.Relative(RunDir, frozenPath)}): no shard of it has run.",
                "run the shards first (VascoSubmitSlurm, or dotnet build with -p:Shard=K -p:ShardCount=N for each K), then merge.", frozenPath);
        var frozen = FrozenTiles.Read(ShardsDir);
        var count = Sharding.Shard.ParseCount(ShardCount, frozen.Count)!.Value;
        var records = ShardMerge.Check(ShardsDir, RunId, count, frozen);
        var perTile = Steps.Select(Items.ToStep).Where(s => s.PerTile).Select(s => s.Name).ToList();
        var copied = ShardMerge.AdoptStamps(StateDir, count, perTile, frozen);
        LogHigh($"VascoMerge: {count} shard(s) of run {RunId} finished alike (pipeline {records[0].PipelineVersion}, {string.Join(", ", records[0].Tools.Select(t => $"{t.Key} {t.Value}"))}); {frozen.Count} tile(s); {copied} stamp(s) adopted");
    }
}

/// <summary>
/// VascoMerge, second half: each per-tile step's manifest.json over all the run's tiles, with
/// the step-level fields the shards recorded; rewritten only when it changes.
/// </summary>
public sealed class VascoMergeManifests : VascoTask
{
    [Required] public string RunDir { get; set; } = "";
    [Required] public string RunId { get; set; } = "";
    [Required] public string ShardCount { get; set; } = "";
    [Required] public ITaskItem[] AllTiles { get; set; } = [];
    [Required] public ITaskItem[] Steps { get; set; } = [];
    [Required] public ITaskItem[] Parameters { get; set; } = [];
    public ITaskItem[] Tools { get; set; } = [];

    protected override void ExecuteCore()
    {
        var count = int.Parse(ShardCount, CultureInfo.InvariantCulture);
        var parameters = Items.ToParameters(Parameters);
        var tools = Items.ToToolVersions(Tools);
        var tiles = AllTiles.Select(t => t.ItemSpec).ToList();
        foreach (var step in Steps.Select(Items.ToStep).Where(s => s.PerTile))
        {
            var fields = new Dictionary<string, object?>(StringComparer.Ordinal);
            for (var k = 0; k < count; k++)
                if (Manifest.TryRead(Path.Combine(step.OutputDir, "shards", new Shard(k, count).Name, StepManifests.FileName)) is { } m)
                    foreach (var (key, value) in m.Fields) fields.TryAdd(key, value);
            StepManifests.Aggregate(step, RunDir, RunId, tiles, parameters, tools, fields, onlyIfChanged: true);
        }
    }
}
