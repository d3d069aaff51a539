using System.Text;
using Vasco.IO;

namespace Vasco.Pipeline;

/// <summary>
/// What a step's manifest.json took from each tile's records last time (<see cref="StepManifests.Aggregate"/>), with the
/// size and modification time of the two records it came from (&lt;tile&gt;.tile.json, &lt;tile&gt;.failed.json; a missing one
/// counts as -1, -1). A tile whose records are as they were is not read again: at 10,000 tiles a build that reran one
/// tile reads one tile's records, and one listing of the step's folder, not 10,000 files. Kept beside the step's stamps
/// (obj/vasco/&lt;RunId&gt;/stamps/&lt;Step&gt;.records.cache). Records are always written by rename (AtomicFile), so a rewritten
/// one has a new modification time; a cache written by another build of Vasco's code, or unreadable, is ignored.
/// </summary>
public static class TileRecordCache
{
    // The code that fills the cache is part of its key: a changed Vasco never reuses an older one's reading.
    static readonly string Header = "vasco-tile-records/1 " + typeof(TileRecordCache).Assembly.ManifestModule.ModuleVersionId;

    /// <summary>A tile's two records as last read (null: none, or not ok for a tile manifest), and their signature.</summary>
    public sealed record Entry(long[] Signature, Manifest? Tile, Manifest? Failed);

    public static string PathOf(string stampDir, string step) => Path.Combine(stampDir, step + ".records.cache");

    /// <summary>Size and modification time of each *.json in the step's folder, by file name: one directory listing.</summary>
    public static Dictionary<string, (long Bytes, long Ticks)> List(string stepDir) => !Directory.Exists(stepDir) ? new(StringComparer.Ordinal)
        : new DirectoryInfo(stepDir).EnumerateFiles("*.json").ToDictionary(f => f.Name, f => (f.Length, f.LastWriteTimeUtc.Ticks), StringComparer.Ordinal);

    /// <summary>A tile's signature: its manifest's size and time, then its failure record's.</summary>
    public static long[] Signature(Dictionary<string, (long Bytes, long Ticks)> listing, string tileId)
    {
        var (m, f) = (listing.TryGetValue(tileId + TileRecords.ManifestSuffix, out var a) ? a : (-1, -1),
                      listing.TryGetValue(tileId + TileRecords.FailedSuffix, out var b) ? b : (-1, -1));
        return [m.Bytes, m.Ticks, f.Bytes, f.Ticks];
    }

    /// <summary>The cached tiles by id, or none when the file is missing, unreadable or from other code.</summary>
    public static Dictionary<string, Entry> Load(string path)
    {
        var tiles = new Dictionary<string, Entry>(StringComparer.Ordinal);
        try
        {
            using var reader = new BinaryReader(File.OpenRead(path), Encoding.UTF8);
            if (reader.ReadString() != Header) return tiles;
            for (var n = reader.ReadInt32(); n > 0; n--)
            {
                var id = reader.ReadString();
                var signature = new long[4];
                for (var i = 0; i < signature.Length; i++) signature[i] = reader.ReadInt64();
                tiles[id] = new Entry(signature, ReadRecord(reader), ReadRecord(reader));
            }
            return tiles;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or InvalidDataException or FormatException or ArgumentException or OverflowException)
        {
            return new(StringComparer.Ordinal);  // no cache: every tile is read
        }
    }

    public static void Save(string path, IEnumerable<(string TileId, Entry Entry)> tiles)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        var list = tiles.ToList();
        AtomicFile.Write(path, stream =>
        {
            using var writer = new BinaryWriter(stream, Encoding.UTF8, leaveOpen: true);
            writer.Write(Header);
            writer.Write(list.Count);
            foreach (var (id, entry) in list)
            {
                writer.Write(id);
                foreach (var v in entry.Signature) writer.Write(v);
                WriteRecord(writer, entry.Tile);
                WriteRecord(writer, entry.Failed);
            }
        });
    }

    // Only what StepManifests.Aggregate reads of a record.
    static void WriteRecord(BinaryWriter w, Manifest? m)
    {
        w.Write(m is not null);
        if (m is null) return;
        w.Write(m.Status);
        foreach (var time in (ReadOnlySpan<DateTimeOffset>)[m.StartedUtc, m.FinishedUtc]) { w.Write(time.Ticks); w.Write(time.Offset.Ticks); }
        w.Write(m.ElapsedSeconds);
        w.Write(m.Retries);
        foreach (var files in (List<FileRecord>[])[m.Inputs, m.Outputs])
        {
            w.Write(files.Count);
            foreach (var f in files) { w.Write(f.Path); w.Write(f.Bytes); w.Write(f.Sha256); }
        }
        w.Write(m.Counts.Count);
        foreach (var (k, v) in m.Counts) { w.Write(k); w.Write(v); }
        w.Write(m.Warnings.Count);
        foreach (var warning in m.Warnings) w.Write(warning);
        w.Write(m.FailedTiles.Count);
        foreach (var f in m.FailedTiles) { w.Write(f.TileId); w.Write(f.Code); w.Write(f.Reason); }
    }

    static Manifest? ReadRecord(BinaryReader r)
    {
        if (!r.ReadBoolean()) return null;
        var m = new Manifest
        {
            Status = r.ReadString(),
            StartedUtc = new DateTimeOffset(r.ReadInt64(), new TimeSpan(r.ReadInt64())),
            FinishedUtc = new DateTimeOffset(r.ReadInt64(), new TimeSpan(r.ReadInt64())),
            ElapsedSeconds = r.ReadDouble(),
            Retries = r.ReadInt32(),
        };
        foreach (var files in (List<FileRecord>[])[m.Inputs, m.Outputs])
            for (var n = Count(r); n > 0; n--) files.Add(new FileRecord(r.ReadString(), r.ReadInt64(), r.ReadString()));
        for (var n = Count(r); n > 0; n--) m.Counts[r.ReadString()] = r.ReadDouble();
        for (var n = Count(r); n > 0; n--) m.Warnings.Add(r.ReadString());
        for (var n = Count(r); n > 0; n--) m.FailedTiles.Add(new FailedTile(r.ReadString(), r.ReadString(), r.ReadString()));
        return m;
    }

    static int Count(BinaryReader r) => r.ReadInt32() is var n and >= 0 && n <= r.BaseStream.Length ? n : throw new InvalidDataException("the tile record cache is damaged");
}
