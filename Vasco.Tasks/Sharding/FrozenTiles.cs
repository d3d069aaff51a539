using Vasco.Tiling;

namespace Vasco.Sharding;

/// <summary>
/// The run's tile list as the shards share it: data/shards/&lt;RunId&gt;/tiles.csv, written once
/// (by VascoSubmitSlurm, or by the first shard to plan) and then only compared with. Every
/// shard checks that the run file still gives exactly these tiles, so shards of one run can
/// never split two different tile lists between them.
/// </summary>
public static class FrozenTiles
{
    public const string FileName = "tiles.csv";

    public static string PathIn(string shardsDir) => Path.Combine(shardsDir, FileName);

    /// <summary>Writes the list when there is none; otherwise fails unless it equals <paramref name="tiles"/>.</summary>
    public static void FreezeOrCheck(string shardsDir, string runId, IReadOnlyList<Tile> tiles, bool mayFreeze = true)
    {
        var path = PathIn(shardsDir);
        var text = TilesCsv.ToText(tiles);
        if (!File.Exists(path))
        {
            if (!mayFreeze)
                throw new VascoException(ErrorCodes.ShardNotFinished, $"Run {runId} has no frozen tile list ({path}): no shard of it has run.",
                    "run the shards first (VascoSubmitSlurm, or dotnet build with -p:Shard=K -p:ShardCount=N for each K), then merge.", path);
            Directory.CreateDirectory(shardsDir);
            // Shards started together write the same bytes: the rename makes any of them the one that stays.
            IO.AtomicFile.WriteAllText(path, text);
            return;
        }
        var frozen = File.ReadAllText(path);
        if (frozen == text) return;
        var old = frozen.Split('\n').Skip(1).Count(l => l.Length > 0);
        throw new VascoException(ErrorCodes.ShardTilesChanged,
            $"Run {runId}'s tiles ({tiles.Count}) differ from the tile list its shards were given ({old}, frozen in {path}): the run file, its target list or a tiling parameter changed since.",
            $"undo the change, or start the sharded run afresh: delete {Path.GetDirectoryName(path)} (or use a new RunId) and submit again.", path);
    }

    public static List<Tile> Read(string shardsDir) => TilesCsv.Read(PathIn(shardsDir));
}
