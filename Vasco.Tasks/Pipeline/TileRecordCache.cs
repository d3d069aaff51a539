using System.Text;
using System.Text.Json;
using Vasco.IO;

namespace Vasco.Pipeline;

/// <summary>
/// What a step's manifest.json took from each tile's records last time (<see cref="StepManifests.Aggregate"/>), with the
/// size and modification time of the two records it came from (&lt;tile&gt;.tile.json, &lt;tile&gt;.failed.json; a missing one
/// counts as -1, -1). A tile whose records are as they were is not read again: at 10,000 tiles a build that reran one
/// tile reads one tile's records, and one listing of the step's folder, not 10,000 files. Kept beside the step's stamps
/// (obj/vasco/&lt;RunId&gt;/stamps/&lt;Step&gt;.records.cache). Records are always written by rename (AtomicFile), so a rewritten
/// one has a new modification time; a cache written by another build of Vasco's code, or unreadable, is ignored.
/// A tile's file records, failure records and line of the tiles list are kept as the JSON they are written as, slices
/// of the cache file read whole: at 10,000 tiles, decoding them into objects and back cost 0.3 s a step, fifteen
/// times in a one-stale build (bench/micro RunWork.AggregateOneChanged). The tiles whose entries changed since the cache
/// was read are appended to it as a part (<see cref="AppendedCache"/>): a one-stale build writes a few KB a step, not the
/// whole cache again.
/// </summary>
public static class TileRecordCache
{
    // The code that fills the cache is part of its key: a changed Vasco never reuses an older one's reading.
    static readonly string Header = "vasco-tile-records/5 " + typeof(TileRecordCache).Assembly.ManifestModule.ModuleVersionId;

    /// <summary>What a tile gives its step's manifest.json: all of it for an ok tile, the failure for a failed one.</summary>
    public enum Kind : byte { NotBuilt, Ok, Failed }

    /// <summary>
    /// A tile's part of its step's manifest.json, and the signature of the records it came from. Inputs, Outputs, FailedTiles
    /// and Line hold each element as compact JSON (<see cref="Json"/>).
    /// </summary>
    public sealed class Entry
    {
        public required long[] Signature { get; init; }
        public Kind Kind { get; init; }
        /// <summary>The stamp the tile's manifest was made under; null without a readable manifest.</summary>
        public string? Stamp { get; init; }
        public DateTimeOffset StartedUtc { get; init; }
        public DateTimeOffset FinishedUtc { get; init; }
        public double ElapsedSeconds { get; init; }
        public int Retries { get; init; }
        public List<(string Name, double Value)> Counts { get; init; } = [];
        public List<string> Warnings { get; init; } = [];
        public List<ReadOnlyMemory<byte>> Inputs { get; init; } = [];
        public List<ReadOnlyMemory<byte>> Outputs { get; init; } = [];
        public List<ReadOnlyMemory<byte>> FailedTiles { get; init; } = [];
        /// <summary>The tile's line in the manifest's tiles list.</summary>
        public ReadOnlyMemory<byte> Line { get; init; }

        /// <summary>What the tile's records give: its manifest when ok, else its failure record, else nothing (not built).</summary>
        public static Entry Of(string tileId, long[] signature, Manifest? tile, Manifest? failed)
        {
            if (tile is { Status: "ok" })
                return new Entry
                {
                    Signature = signature, Kind = Kind.Ok, Stamp = tile.Stamp,
                    StartedUtc = tile.StartedUtc, FinishedUtc = tile.FinishedUtc, ElapsedSeconds = tile.ElapsedSeconds, Retries = tile.Retries,
                    Counts = [.. tile.Counts.Select(c => (c.Key, c.Value))],
                    Warnings = [.. tile.Warnings],
                    Inputs = [.. tile.Inputs.Select(Json.Of)],
                    Outputs = [.. tile.Outputs.Select(Json.Of)],
                    Line = Json.Of(new TileSummary(tileId, "ok", tile.ElapsedSeconds)),
                };
            if (failed is not null)
                return new Entry
                {
                    Signature = signature, Kind = Kind.Failed, Stamp = tile?.Stamp, ElapsedSeconds = failed.ElapsedSeconds, Retries = failed.Retries,
                    FailedTiles = [.. failed.FailedTiles.Select(Json.Of)],
                    Line = Json.Of(new TileSummary(tileId, "failed", failed.ElapsedSeconds, failed.FailedTiles.FirstOrDefault()?.Reason)),
                };
            return new Entry { Signature = signature, Stamp = tile?.Stamp, Line = Json.Of(new TileSummary(tileId, "not built", 0)) };
        }
    }

    /// <summary>Records as the manifests write them (<see cref="Manifest.JsonOptions"/>), on one line.</summary>
    public static class Json
    {
        static readonly JsonSerializerOptions Options = new(Manifest.JsonOptions) { WriteIndented = false };

        public static ReadOnlyMemory<byte> Of<T>(T value) => JsonSerializer.SerializeToUtf8Bytes(value, Options);

        public static T Read<T>(ReadOnlyMemory<byte> json) => JsonSerializer.Deserialize<T>(json.Span, Options) ?? throw new InvalidDataException("a null record in the tile record cache");
    }

    public static string PathOf(string stampDir, string step) => Path.Combine(stampDir, step + ".records.cache");

    /// <summary>Size and modification time of each tile's record in the step's folder, by file name: one directory listing.</summary>
    public static Dictionary<string, FolderListing.Dated> List(string stepDir) => FolderListing.Of(stepDir, TileRecords.ManifestSuffix, TileRecords.FailedSuffix);

    /// <summary>A tile's signature: its manifest's size and time, then its failure record's.</summary>
    public static long[] Signature(IReadOnlyDictionary<string, FolderListing.Dated> listing, string tileId)
    {
        var (m, f) = (At(tileId + TileRecords.ManifestSuffix), At(tileId + TileRecords.FailedSuffix));
        return [m.Bytes, m.Ticks, f.Bytes, f.Ticks];

        (long Bytes, long Ticks) At(string name) => listing.TryGetValue(name, out var file) ? (file.Bytes, file.LastWriteUtc.Ticks) : (-1, -1);
    }

    /// <summary>
    /// The cached tiles, whose JSON elements are slices of the cache file as read into a lent buffer
    /// (<see cref="PooledBytes"/>): dispose once the entries are used, and never use them after.
    /// </summary>
    public sealed class Loaded(Dictionary<string, Entry> tiles, AppendedCache.Read? file) : IDisposable
    {
        public Dictionary<string, Entry> Tiles { get; } = tiles;
        /// <summary>What was read of the cache file (null: nothing), for appending to it.</summary>
        public AppendedCache.State? State => file?.State;
        public void Dispose() => file?.Dispose();
    }

    /// <summary>The cached tiles by id, or none when the file is missing, unreadable or from other code.</summary>
    public static Loaded Load(string path)
    {
        var file = AppendedCache.Open(path, Header);
        if (file is null) return new(new(StringComparer.Ordinal), null);  // no cache: every tile is read
        try
        {
            var tiles = new Dictionary<string, Entry>(StringComparer.Ordinal);
            foreach (var part in file.Parts) Read(part, tiles);
            return new(tiles, file);
        }
        catch (Exception e) when (e is IOException or InvalidDataException or FormatException or ArgumentException or OverflowException)
        {
            file.Dispose();
            return new(new(StringComparer.Ordinal), null);
        }
    }

    /// <summary>Adds a part's entries to <paramref name="tiles"/>, over those of earlier parts.</summary>
    static void Read(ReadOnlyMemory<byte> bytes, Dictionary<string, Entry> tiles)
    {
        // The JSON elements are slices of the file, and a MemoryStream's Length is not a system call each time.
        var stream = AppendedCache.StreamOf(bytes);
        using var reader = new BinaryReader(stream, Encoding.UTF8);
        ReadOnlyMemory<byte> Slice()
        {
            var length = Count(reader);
            var slice = bytes.Slice((int)stream.Position, length);
            stream.Position += length;
            return slice;
        }
        // Loops, not LINQ, and the counts' names from one table: at 10,000 tiles the load was most of an aggregation.
        List<ReadOnlyMemory<byte>> Slices()
        {
            var list = new List<ReadOnlyMemory<byte>>(Count(reader));
            for (var i = list.Capacity; i > 0; i--) list.Add(Slice());
            return list;
        }
        var stamps = ReadStamps(reader);
        var names = new string[Count(reader)];
        for (var i = 0; i < names.Length; i++) names[i] = reader.ReadString();
        List<(string, double)> Counts()
        {
            var list = new List<(string, double)>(Count(reader));
            for (var i = list.Capacity; i > 0; i--) list.Add((names[reader.ReadInt32()], reader.ReadDouble()));
            return list;
        }
        List<string> Warnings()
        {
            var list = new List<string>(Count(reader));
            for (var i = list.Capacity; i > 0; i--) list.Add(reader.ReadString());
            return list;
        }
        foreach (var (id, made) in stamps)
        {
            var kind = (Kind)reader.ReadByte();
            tiles[id] = new Entry
            {
                Signature = made.Signature, Stamp = made.Stamp,
                Kind = kind is Kind.NotBuilt or Kind.Ok or Kind.Failed ? kind : throw new InvalidDataException("the tile record cache is damaged"),
                StartedUtc = new DateTimeOffset(reader.ReadInt64(), new TimeSpan(reader.ReadInt64())),
                FinishedUtc = new DateTimeOffset(reader.ReadInt64(), new TimeSpan(reader.ReadInt64())),
                ElapsedSeconds = reader.ReadDouble(),
                Retries = reader.ReadInt32(),
                Counts = Counts(),
                Warnings = Warnings(),
                Inputs = Slices(),
                Outputs = Slices(),
                FailedTiles = Slices(),
                Line = Slice(),
            };
        }
    }

    /// <summary>
    /// Keeps the tiles' entries: those not taken from <paramref name="from"/> (the cache as loaded) appended to it, or all of
    /// them written whole (no cache read, or a tile of it no longer among <paramref name="tiles"/>).
    /// </summary>
    public static void Save(string path, IReadOnlyList<(string TileId, Entry Entry)> tiles, Loaded? from = null)
    {
        var cached = from?.Tiles;
        var present = cached is null ? 0 : tiles.Count(t => cached.ContainsKey(t.TileId));
        AppendedCache.Write(path, Header, from?.State, wholeRequired: cached is null || present < cached.Count,
            w => Write(w, [.. tiles.Where(t => !(cached!.TryGetValue(t.TileId, out var e) && ReferenceEquals(e, t.Entry)))]),
            w => Write(w, tiles));
    }

    /// <summary>A part of the cache: the tiles' signatures and stamps first (which CurrentTiles reads alone: <see cref="Stamps"/>), then the rest.</summary>
    static void Write(BinaryWriter w, IReadOnlyList<(string TileId, Entry Entry)> list)
    {
        void Blob(ReadOnlyMemory<byte> json) { w.Write(json.Length); w.Write(json.Span); }
        void Blobs(List<ReadOnlyMemory<byte>> list) { w.Write(list.Count); foreach (var json in list) Blob(json); }
        w.Write(list.Count);
        // First each tile's signature and stamp, which CurrentTiles reads alone (Stamps), then the rest.
        foreach (var (id, e) in list)
        {
            w.Write(id);
            foreach (var v in e.Signature) w.Write(v);
            w.Write(e.Stamp ?? "");
        }
        var names = list.SelectMany(t => t.Entry.Counts).Select(c => c.Name).Distinct().ToList();
        var index = names.Select((n, i) => (n, i)).ToDictionary(p => p.n, p => p.i, StringComparer.Ordinal);
        w.Write(names.Count);
        foreach (var name in names) w.Write(name);
        foreach (var (_, e) in list)
        {
            w.Write((byte)e.Kind);
            foreach (var time in (ReadOnlySpan<DateTimeOffset>)[e.StartedUtc, e.FinishedUtc]) { w.Write(time.Ticks); w.Write(time.Offset.Ticks); }
            w.Write(e.ElapsedSeconds);
            w.Write(e.Retries);
            w.Write(e.Counts.Count);
            foreach (var (k, v) in e.Counts) { w.Write(index[k]); w.Write(v); }
            w.Write(e.Warnings.Count);
            foreach (var warning in e.Warnings) w.Write(warning);
            Blobs(e.Inputs);
            Blobs(e.Outputs);
            Blobs(e.FailedTiles);
            Blob(e.Line);
        }
    }

    /// <summary>What a tile's ok manifest was made under, with the signature of its records then.</summary>
    public readonly record struct Made(long[] Signature, string? Stamp);

    /// <summary>
    /// Each cached tile's signature and stamp, read from the start of the cache alone (at 10,000 tiles a few hundred KB
    /// of a cache of 3-17 MB); none when the file is missing, unreadable or from other code.
    /// </summary>
    public static Dictionary<string, Made> Stamps(string path)
    {
        var stamps = new Dictionary<string, Made>(StringComparer.Ordinal);
        foreach (var part in AppendedCache.Heads(path, Header, ReadStamps) ?? [])
            foreach (var (id, made) in part) stamps[id] = made;
        return stamps;
    }

    static List<(string Id, Made Made)> ReadStamps(BinaryReader reader)
    {
        var tiles = new List<(string, Made)>();
        for (var n = Count(reader); n > 0; n--)
        {
            var id = reader.ReadString();
            var signature = new long[4];
            for (var i = 0; i < signature.Length; i++) signature[i] = reader.ReadInt64();
            var stamp = reader.ReadString();
            tiles.Add((id, new Made(signature, stamp.Length == 0 ? null : stamp)));
        }
        return tiles;
    }

    static int Count(BinaryReader r) => r.ReadInt32() is var n and >= 0 && n <= r.BaseStream.Length - r.BaseStream.Position ? n : throw new InvalidDataException("the tile record cache is damaged");
}
