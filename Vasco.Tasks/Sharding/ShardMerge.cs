using System.Text;
using Vasco.Pipeline;
using Vasco.IO;
using Vasco.Tiling;

namespace Vasco.Sharding;

/// <summary>
/// VascoMerge's checks and its stamp adoption. The merge does not add up the shards'
/// summaries: it checks that every shard finished with the same pipeline, tools and
/// parameters over the tiles frozen for it, adopts the shards' stamps as the run's own (so
/// the run's per-tile outputs are up to date for the run as a whole), and then the ordinary
/// run-scoped steps (candidates.csv, step manifests, step 9) run over all tiles: the merged
/// outputs are by construction those of the unsharded run.
/// </summary>
public static class ShardMerge
{
    /// <summary>The shards' completion records, once all are there, ok and consistent; else a VASCO error naming the shards.</summary>
    public static List<ShardRecord> Check(string shardsDir, string runId, int shardCount, IReadOnlyList<Tile> frozen)
    {
        var records = new List<ShardRecord>();
        var problems = new List<string>();
        var unfinished = new List<int>();
        for (var k = 0; k < shardCount; k++)
        {
            var shard = new Shard(k, shardCount);
            var r = ShardRecord.TryRead(ShardRecord.PathOf(shardsDir, shard));
            if (r is null) { problems.Add($"shard {k} has no completion record (not run, still running, or killed)"); unfinished.Add(k); continue; }
            if (r.Status != "ok")
            {
                problems.Add($"shard {k} failed ({string.Join(", ", r.FailedTiles.Take(5))}{(r.FailedTiles.Count > 5 ? ", ..." : "")})");
                unfinished.Add(k);
                continue;
            }
            records.Add(r);
        }
        if (problems.Count > 0)
            throw new VascoException(ErrorCodes.ShardNotFinished,
                $"Run {runId} cannot be merged: {unfinished.Count} of its {shardCount} shards did not finish: {string.Join("; ", problems)}.",
                $"fix the causes in the shards' logs, then run VascoResubmitFailed (Slurm) or build each of them again (-p:Shard=K -p:ShardCount={shardCount} for K = {string.Join(", ", unfinished)}), and merge again.");

        var first = records[0];
        foreach (var r in records.Skip(1))
        {
            var differences = Differences(first, r);
            if (differences.Count > 0)
                throw new VascoException(ErrorCodes.ShardMismatch,
                    $"Run {runId}: shard {r.Shard} and shard {first.Shard} were built differently: {string.Join("; ", differences)}.",
                    "build the odd shards again with the same Vasco, tools and parameters as the others (or all of them anew), then merge again.");
        }
        var ids = frozen.Select(t => t.TileId).ToList();
        foreach (var r in records)
        {
            var expected = new Shard(r.Shard, shardCount).Select(ids);
            if (!expected.SequenceEqual(r.Tiles, StringComparer.Ordinal))
                throw new VascoException(ErrorCodes.ShardMismatch,
                    $"Run {runId}: shard {r.Shard} of {shardCount} built {r.Tiles.Count} tile(s), not the {expected.Count} the frozen list gives it.",
                    $"build shard {r.Shard} again (-p:Shard={r.Shard} -p:ShardCount={shardCount}), then merge again.");
        }
        return records;
    }

    static List<string> Differences(ShardRecord a, ShardRecord b)
    {
        var d = new List<string>();
        if (a.PipelineVersion != b.PipelineVersion) d.Add($"pipeline {b.PipelineVersion} against {a.PipelineVersion}");
        foreach (var key in a.Tools.Keys.Union(b.Tools.Keys).Order(StringComparer.Ordinal))
            if (a.Tools.GetValueOrDefault(key) != b.Tools.GetValueOrDefault(key))
                d.Add($"{key} {b.Tools.GetValueOrDefault(key) ?? "(none)"} against {a.Tools.GetValueOrDefault(key) ?? "(none)"}");
        foreach (var key in a.Parameters.Keys.Union(b.Parameters.Keys).Order(StringComparer.Ordinal))
            if (a.Parameters.GetValueOrDefault(key) != b.Parameters.GetValueOrDefault(key))
                d.Add($"{key}={b.Parameters.GetValueOrDefault(key)} against {key}={a.Parameters.GetValueOrDefault(key)}");
        return d;
    }

    /// <summary>
    /// Copies each shard's per-tile stamps into the run's stamp folder with their times (a
    /// stamp older than the tile's manifest is what makes MSBuild call the tile up to date),
    /// and writes the run's stamp indexes. Returns how many stamps it copied (0 the second time).
    /// </summary>
    public static int AdoptStamps(string stateDir, int shardCount, IReadOnlyList<string> perTileSteps, IReadOnlyList<Tile> frozen)
    {
        var runStamps = Path.Combine(stateDir, "stamps");
        var copied = 0;
        var ids = frozen.Select(t => t.TileId).ToList();
        StampPlanner.ForgetPlanMemo(runStamps);  // the indexes below are the shards' plans', not the run's last plan's
        foreach (var step in perTileSteps)
        {
            var index = new StringBuilder();
            Directory.CreateDirectory(Path.Combine(runStamps, step));
            for (var i = 0; i < ids.Count; i++)
            {
                var shard = new Shard(i % shardCount, shardCount);
                var from = StampPlanner.StampPath(Path.Combine(stateDir, "shards", shard.Name, "stamps"), step, ids[i]);
                var to = StampPlanner.StampPath(runStamps, step, ids[i]);
                if (!File.Exists(from))
                    throw new VascoException(ErrorCodes.ShardMismatch, $"Shard {shard.Name} has no stamp of step {step} for tile {ids[i]} ({from}).",
                        $"build shard {shard.Index} again (-p:Shard={shard.Index} -p:ShardCount={shardCount}), then merge again.", from);
                var time = File.GetLastWriteTimeUtc(from);
                var text = File.ReadAllText(from);
                if (!File.Exists(to) || File.GetLastWriteTimeUtc(to) != time || File.ReadAllText(to) != text)
                {
                    AtomicFile.WriteAllText(to, text);
                    File.SetLastWriteTimeUtc(to, time);
                    copied++;
                }
                index.Append(ids[i]).Append('\t').Append(text[..Math.Max(0, text.IndexOf('\n'))]).Append('\n');
            }
            var indexPath = Path.Combine(runStamps, step + ".index");
            if (!File.Exists(indexPath) || File.ReadAllText(indexPath) != index.ToString()) AtomicFile.WriteAllText(indexPath, index.ToString());
        }
        return copied;
    }
}
