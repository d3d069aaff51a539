using System.Text;
using Vasco.IO;

namespace Vasco.Summaries;

/// <summary>
/// Step 9's memory of the tiles it read last time: each tile's figures and its share of the histograms (<see cref="TileData"/>), with the size and
/// modification time of every file they came from. A tile whose files are all as they were is not read again:
/// at 10,000 tiles a build that changed one tile reads one tile's 9 files, not 90,000 (4 s of step 9).
/// Kept in the run's obj/ folder. A file rewritten in any way (always by rename, AtomicFile) has a new
/// modification time; a cache written by another build of Vasco's code, or unreadable, is ignored.
/// </summary>
public static class SummaryCache
{
    // The code that fills the cache is part of its key: a changed Vasco never reuses an older one's figures.
    static readonly string Header = "vasco-summary-cache/3 " + typeof(SummaryCache).Assembly.ManifestModule.ModuleVersionId;

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

    /// <summary>The cached tiles by id, or none when the file is missing, unreadable or from other code.</summary>
    public static Dictionary<string, (long[] Signature, TileData Data)> Load(string path)
    {
        var tiles = new Dictionary<string, (long[], TileData)>(StringComparer.Ordinal);
        try
        {
            // Read whole: a FileStream's Length, checked before each array, is a system call each time.
            using var file = PooledBytes.File.Read(path);
            using var reader = new BinaryReader(file.Stream(), Encoding.UTF8);
            if (reader.ReadString() != Header) return tiles;
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
            return tiles;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or InvalidDataException or FormatException or ArgumentException or IndexOutOfRangeException or OverflowException)
        {
            return new(StringComparer.Ordinal);  // no cache: every tile is read
        }
    }

    public static void Save(string path, IReadOnlyList<(long[] Signature, TileData Data)> tiles)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        AtomicFile.Write(path, stream =>
        {
            using var writer = new BinaryWriter(stream, Encoding.UTF8, leaveOpen: true);
            writer.Write(Header);
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
        }, durable: false);
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
