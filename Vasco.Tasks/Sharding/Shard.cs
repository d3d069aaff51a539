using System.Globalization;

namespace Vasco.Sharding;

/// <summary>
/// Shard K of N of a run's frozen tile list. Tile i (0-based, in the list's order) belongs
/// to shard i mod N: each shard gets tiles from all over the run's sky, so dense and sparse
/// regions (slow and fast tiles) spread evenly over the shards, and a tile's shard follows
/// from its line in the frozen list alone.
/// </summary>
public sealed record Shard(int Index, int Count)
{
    /// <summary>"K-of-N": names a shard's folders and its completion record.</summary>
    public string Name => $"{Index}-of-{Count}";

    public bool Owns(int tileIndex) => tileIndex % Count == Index;

    public List<T> Select<T>(IReadOnlyList<T> tiles) => tiles.Where((_, i) => Owns(i)).ToList();

    /// <summary>Shard= and ShardCount= as given; null when Shard= is empty (not a shard build).</summary>
    public static Shard? Parse(string? shard, string? shardCount, int tileCount)
    {
        if (string.IsNullOrWhiteSpace(shard)) return null;
        var count = ParseCount(shardCount, tileCount)
            ?? throw new VascoException(ErrorCodes.ShardInvalid, $"Shard={shard} is given without ShardCount.",
                "give both, e.g. -p:Shard=0 -p:ShardCount=4 (shards 0 to 3).");
        if (!IsCanonical(shard) || !int.TryParse(shard, NumberStyles.None, CultureInfo.InvariantCulture, out var k) || k >= count)
            throw new VascoException(ErrorCodes.ShardInvalid, $"Shard={shard} is not a shard number of ShardCount={count}.",
                $"use a whole number from 0 to {count - 1}, written without leading zeros.");
        return new Shard(k, count);
    }

    /// <summary>ShardCount= as given (null when empty): a whole number from 1 to the run's tile count.</summary>
    public static int? ParseCount(string? shardCount, int tileCount)
    {
        if (string.IsNullOrWhiteSpace(shardCount)) return null;
        if (!IsCanonical(shardCount) || !int.TryParse(shardCount, NumberStyles.None, CultureInfo.InvariantCulture, out var n) || n < 1)
            throw new VascoException(ErrorCodes.ShardInvalid, $"ShardCount={shardCount} is not a whole number of at least 1.",
                "set ShardCount to the number of shards, e.g. -p:ShardCount=4.");
        if (n > tileCount)
            throw new VascoException(ErrorCodes.ShardInvalid, $"ShardCount={n} is more than the run's {tileCount} tile(s): some shards would have none.",
                $"use a ShardCount of at most {tileCount}.");
        return n;
    }

    // The shard's folder names come from the property as written: "01" and "1" must not name two shards.
    static bool IsCanonical(string s) => s.Length is > 0 and < 8 && s.All(char.IsAsciiDigit) && (s == "0" || s[0] != '0');
}
