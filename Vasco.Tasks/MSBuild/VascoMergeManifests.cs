using System.Globalization;
using Microsoft.Build.Framework;
using Vasco.Pipeline;
using Vasco.Sharding;

namespace Vasco.MSBuild;

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
