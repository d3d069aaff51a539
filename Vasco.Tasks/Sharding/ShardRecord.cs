using System.Text.Json;
using System.Text.Json.Serialization;
using Vasco.IO;

namespace Vasco.Sharding;

/// <summary>
/// A shard's completion record, data/shards/&lt;RunId&gt;/&lt;K&gt;-of-&lt;N&gt;.json: written when
/// the shard's build ends (ok, or failed with its failed tiles), deleted when it starts, so a
/// shard that was killed (a time limit, a lost node) has none. It carries what the merge
/// checks: the pipeline version, the tools' versions and the parameters the steps read.
/// </summary>
public sealed class ShardRecord
{
    public int Shard { get; set; }
    public int ShardCount { get; set; }
    /// <summary>ok, or failed.</summary>
    public string Status { get; set; } = "ok";
    public string PipelineVersion { get; set; } = Pipeline.PipelineInfo.Version;
    public SortedDictionary<string, string> Tools { get; set; } = new(StringComparer.Ordinal);
    public SortedDictionary<string, string> Parameters { get; set; } = new(StringComparer.Ordinal);
    public List<string> Tiles { get; set; } = [];
    /// <summary>step:tile of each failed tile step.</summary>
    public List<string> FailedTiles { get; set; } = [];
    public string Host { get; set; } = Environment.MachineName;
    public string? SlurmJobId { get; set; }
    public DateTimeOffset FinishedUtc { get; set; }

    static readonly JsonSerializerOptions Options = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        WriteIndented = true,
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    };

    public static string PathOf(string shardsDir, Shard shard) => Path.Combine(shardsDir, shard.Name + ".json");

    public void Write(string path)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        AtomicFile.WriteAllBytes(path, JsonSerializer.SerializeToUtf8Bytes(this, Options));
    }

    /// <summary>The record, or null when there is none or it is unreadable (a shard that did not finish).</summary>
    public static ShardRecord? TryRead(string path)
    {
        try { return File.Exists(path) ? JsonSerializer.Deserialize<ShardRecord>(File.ReadAllBytes(path), Options) : null; }
        catch (JsonException) { return null; }
        catch (IOException) { return null; }
    }

    /// <summary>The shards of N that have no record with status ok: what VascoResubmitFailed resubmits.</summary>
    public static List<int> Unfinished(string shardsDir, int shardCount) =>
        Enumerable.Range(0, shardCount)
            .Where(k => TryRead(PathOf(shardsDir, new Shard(k, shardCount))) is not { Status: "ok" })
            .ToList();
}
