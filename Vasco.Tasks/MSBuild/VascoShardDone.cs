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
