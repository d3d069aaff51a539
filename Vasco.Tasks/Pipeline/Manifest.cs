using System.Security.Cryptography;
using System.Text.Json;
using System.Text.Json.Serialization;
using Vasco.IO;

namespace Vasco.Pipeline;

/// <summary>
/// The one manifest schema of every step, both per tile (<c>&lt;tile_id&gt;.tile.json</c>)
/// and per step (<c>manifest.json</c> in the step's folder). Step-specific fields (the
/// seed's checklists: endpoint, tiles_count, ...) go in <see cref="Fields"/>, which is
/// written at the top level beside the common ones.
/// </summary>
public sealed class Manifest
{
    public const string SchemaName = "vasco-manifest/1";

    public string Schema { get; set; } = SchemaName;
    public string Step { get; set; } = "";
    public int StepNumber { get; set; }
    public string RunId { get; set; } = "";
    public string PipelineVersion { get; set; } = PipelineInfo.Version;
    public string? TileId { get; set; }
    /// <summary>ok, or failed (per tile); ok, partial or failed (per step).</summary>
    public string Status { get; set; } = "ok";
    public DateTimeOffset StartedUtc { get; set; }
    public DateTimeOffset FinishedUtc { get; set; }
    public double ElapsedSeconds { get; set; }
    /// <summary>The stamp digest (per tile) that this output was made from.</summary>
    public string? Stamp { get; set; }
    public SortedDictionary<string, string> Parameters { get; set; } = new(StringComparer.Ordinal);
    public SortedDictionary<string, string> Tools { get; set; } = new(StringComparer.Ordinal);
    public List<FileRecord> Inputs { get; set; } = [];
    public List<FileRecord> Outputs { get; set; } = [];
    public SortedDictionary<string, double> Counts { get; set; } = new(StringComparer.Ordinal);
    public int Retries { get; set; }
    public List<string> Warnings { get; set; } = [];
    public List<FailedTile> FailedTiles { get; set; } = [];
    /// <summary>Per step only: one line per tile.</summary>
    public List<TileSummary>? Tiles { get; set; }

    [JsonExtensionData]
    public Dictionary<string, object?> Fields { get; set; } = new(StringComparer.Ordinal);

    internal static readonly JsonSerializerOptions JsonOptions = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        WriteIndented = true,
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
        // NaN and infinities (an empty tile's statistics) are written as "NaN", "Infinity".
        NumberHandling = JsonNumberHandling.AllowNamedFloatingPointLiterals,
    };

    public byte[] ToJsonBytes() => JsonSerializer.SerializeToUtf8Bytes(this, JsonOptions);

    /// <summary>Writes atomically: a reader never sees half a manifest.</summary>
    public void Write(string path) => AtomicFile.WriteAllBytes(path, ToJsonBytes());

    public static Manifest Read(string path) =>
        JsonSerializer.Deserialize<Manifest>(File.ReadAllBytes(path), JsonOptions)
        ?? throw new InvalidDataException($"Manifest '{path}' is empty.");

    /// <summary>Reads a manifest, or null when it is missing or unreadable (a crash leaves no manifest, never half of one).</summary>
    public static Manifest? TryRead(string path)
    {
        try { return File.Exists(path) ? Read(path) : null; }
        catch (JsonException) { return null; }
        catch (IOException) { return null; }
    }
}

/// <summary>A file a step read or wrote: path relative to the run folder, size, SHA-256.</summary>
public sealed record FileRecord(string Path, long Bytes, string Sha256)
{
    public static FileRecord Of(string fullPath, string runDir) =>
        new(RunPaths.Relative(runDir, fullPath), new FileInfo(fullPath).Length, Sha256Of(fullPath));

    public static string Sha256Of(string path)
    {
        using var stream = File.OpenRead(path);
        return Convert.ToHexString(SHA256.HashData(stream)).ToLowerInvariant();
    }
}

public sealed record FailedTile(string TileId, string Code, string Reason);

public sealed record TileSummary(string TileId, string Status, double ElapsedSeconds, string? Reason = null);
