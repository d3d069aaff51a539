using System.Text;
using Vasco.IO;

namespace Vasco.Summaries;

/// <summary>
/// Step 9's memory of the tiles it read last time: each tile's figures and its share of the histograms (<see cref="TileData"/>), with the size and
/// modification time of every file they came from. A tile whose files are all as they were is not read again:
/// at 10,000 tiles a build that changed one tile reads one tile's 9 files, not 90,000 (4 s of step 9).
/// Kept in the run's obj/ folder. A file rewritten in any way (always by rename, AtomicFile) has a new
/// modification time; a cache written by another build of Vasco's code, or unreadable, is ignored. The tiles read again
/// are appended to the cache as a part (<see cref="AppendedCache"/>), not written with all the others again.
/// </summary>
public static class SummaryCache
{
    // The code that fills the cache is part of its key: a changed Vasco never reuses an older one's figures.
    static readonly string Header = "vasco-summary-cache/4 " + typeof(SummaryCache).Assembly.ManifestModule.ModuleVersionId;

    /// <summary>The files' sizes and modification times (a missing file counts as -1, -1).</summary>
    public static long[] Signature(IEnumerable<FileInfo> files)
    {
        var signature = new List<long>();
        foreach (var info in files)
        {
            var exists = info.Exists;
            signature.Add(exists ? info.Length : -1);
            signature.Add(exists ? info.LastWriteTimeUtc.Ticks : -1);
        }
        return [.. signature];
    }

    /// <summary>The cached tiles by id (none when the file is missing, unreadable or from other code), and what was read of the file.</summary>
    public sealed record Loaded(Dictionary<string, (long[] Signature, TileData Data)> Tiles, AppendedCache.State? State);

    public static Loaded Load(string path)
    {
        var tiles = new Dictionary<string, (long[], TileData)>(StringComparer.Ordinal);
        using var file = AppendedCache.Open(path, Header);
        if (file is null) return new(tiles, null);
        try
        {
            foreach (var part in file.Parts) Read(part, tiles);
            return new(tiles, file.State);
        }
        catch (Exception e) when (e is IOException or InvalidDataException or FormatException or ArgumentException or IndexOutOfRangeException or OverflowException)
        {
            return new(new(StringComparer.Ordinal), null);  // no cache: every tile is read
        }
    }

    static void Read(ReadOnlyMemory<byte> part, Dictionary<string, (long[], TileData)> tiles)
    {
        using var reader = new BinaryReader(AppendedCache.StreamOf(part), Encoding.UTF8);
        var keyCount = reader.ReadInt32();
        if (keyCount < 0 || keyCount > reader.BaseStream.Length) throw new InvalidDataException("the summary cache is damaged");
        var keys = new string[keyCount];
        for (var k = 0; k < keys.Length; k++) keys[k] = reader.ReadString();
        for (var n = reader.ReadInt32(); n > 0; n--)
        {
            var id = reader.ReadString();
            var signature = Longs(reader);
            var (status, failure, seconds) = (reader.ReadString(), reader.ReadBoolean() ? reader.ReadString() : null, reader.ReadDouble());
            var values = new Dictionary<string, double>(StringComparer.Ordinal);
            for (var k = reader.ReadInt32(); k > 0; k--) values[keys[reader.ReadInt32()]] = reader.ReadDouble();
            tiles[id] = (signature, new TileData(new TileFigures(id, status, failure, values, seconds), Read<int>(reader), Doubles(reader), Read<int>(reader)));
        }
    }

    /// <summary>
    /// Keeps the tiles: those not taken from <paramref name="from"/> (the cache as loaded) appended to it, or all written
    /// whole (no cache read, or a tile of it no longer among <paramref name="tiles"/>).
    /// </summary>
    public static void Save(string path, IReadOnlyList<(long[] Signature, TileData Data)> tiles, Loaded? from = null)
    {
        var cached = from?.Tiles;
        bool Kept((long[], TileData Data) t) => cached!.TryGetValue(t.Data.Figures.TileId, out var c) && ReferenceEquals(c.Data, t.Data);
        var present = cached is null ? 0 : tiles.Count(t => cached.ContainsKey(t.Data.Figures.TileId));
        AppendedCache.Write(path, Header, from?.State, wholeRequired: cached is null || present < cached.Count,
            w => Write(w, [.. tiles.Where(t => !Kept(t))]), w => Write(w, tiles));
    }

    static void Write(BinaryWriter writer, IReadOnlyList<(long[] Signature, TileData Data)> tiles)
    {
        // The figures' names once, then by number.
        var keys = tiles.SelectMany(t => t.Data.Figures.Values.Keys).Distinct().ToList();
        var index = keys.Select((k, i) => (k, i)).ToDictionary(p => p.k, p => p.i, StringComparer.Ordinal);
        writer.Write(keys.Count);
        foreach (var k in keys) writer.Write(k);
        writer.Write(tiles.Count);
        foreach (var (signature, data) in tiles)
        {
            var f = data.Figures;
            writer.Write(f.TileId);
            Write(writer, signature);
            writer.Write(f.Status);
            writer.Write(f.Failure is not null);
            if (f.Failure is not null) writer.Write(f.Failure);
            writer.Write(f.Seconds);
            writer.Write(f.Values.Count);
            foreach (var (k, v) in f.Values) { writer.Write(index[k]); writer.Write(v); }
            Write(writer, data.FwhmCounts);
            Write(writer, data.Mag);
            Write(writer, data.SnrCounts);
        }
    }

    static void Write<T>(BinaryWriter writer, T[] values) where T : unmanaged
    {
        writer.Write(values.Length);
        writer.Write(System.Runtime.InteropServices.MemoryMarshal.AsBytes(values.AsSpan()));
    }

    static long[] Longs(BinaryReader reader) => Read<long>(reader);
    static double[] Doubles(BinaryReader reader) => Read<double>(reader);

    static T[] Read<T>(BinaryReader reader) where T : unmanaged
    {
        var n = reader.ReadInt32();
        if (n < 0 || (long)n * System.Runtime.CompilerServices.Unsafe.SizeOf<T>() > reader.BaseStream.Length - reader.BaseStream.Position)
            throw new InvalidDataException("the summary cache is damaged");
        var values = new T[n];
        var bytes = System.Runtime.InteropServices.MemoryMarshal.AsBytes(values.AsSpan());
        if (reader.Read(bytes) != bytes.Length) throw new InvalidDataException("the summary cache ends early");
        return values;
    }
}
