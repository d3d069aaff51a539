using System.Globalization;
using Microsoft.Build.Framework;
using Vasco.Pipeline;
using Vasco.Sharding;

namespace Vasco.MSBuild;

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
