using System.Text.Json;
using Vasco.IO;

namespace Vasco.Pipeline;

/// <summary>Builds a step's manifest.json from its per-tile manifests and failure records.</summary>
public static class StepManifests
{
    public const string FileName = "manifest.json";

    /// <summary>What a step's manifest.json says of the step as a whole.</summary>
    public sealed record Totals(string Path, string Status, SortedDictionary<string, double> Counts, List<string> Warnings);

    /// <summary>
    /// Writes the step's manifest.json over <paramref name="tileIds"/>. With <paramref name="cacheFile"/> (a
    /// <see cref="TileRecordCache"/>), only the tiles whose records changed since the last aggregation are read.
    /// The per-step schema is <see cref="Manifest"/>'s, written here element by element (each file record, failure and tile
    /// line on one line of its own) from the tiles' JSON as the cache keeps it.
    /// </summary>
    public static Totals Aggregate(StepDeclaration step, string runDir, string runId, IReadOnlyList<string> tileIds,
        ParameterSet parameters, IReadOnlyDictionary<string, string> toolVersions, IDictionary<string, object?>? fields = null, bool onlyIfChanged = false,
        string? cacheFile = null, IReadOnlyDictionary<string, FolderListing.Dated>? listing = null)
    {
        // The cached entries are slices of a lent buffer, given back once the cache is saved again.
        using var cached = cacheFile is null ? null : TileRecordCache.Load(cacheFile);
        var records = ReadTiles(step, tileIds, parameters.MaxParallel, cached, cacheFile is null ? null : listing ?? TileRecordCache.List(step.OutputDir));
        DateTimeOffset? start = null, end = null;
        int ok = 0, failed = 0, pending = 0, retries = 0;
        var counts = new SortedDictionary<string, double>(StringComparer.Ordinal);
        var warnings = new List<string>();
        foreach (var (tile, e) in records)
        {
            retries += e.Retries;
            if (e.Kind == TileRecordCache.Kind.Ok)
            {
                ok++;
                foreach (var (k, v) in e.Counts) counts[k] = counts.GetValueOrDefault(k) + v;
                warnings.AddRange(e.Warnings.Select(w => $"{tile}: {w}"));
                start = start is null || e.StartedUtc < start ? e.StartedUtc : start;
                end = end is null || e.FinishedUtc > end ? e.FinishedUtc : end;
            }
            else if (e.Kind == TileRecordCache.Kind.Failed) failed++;
            else pending++;
        }
        counts["tiles_ok"] = ok;
        counts["tiles_failed"] = failed;
        counts["tiles_not_built"] = pending;
        var status = failed == 0 && pending == 0 ? "ok" : ok == 0 && pending == 0 ? "failed" : "partial";
        var started = start ?? DateTimeOffset.UtcNow;

        Directory.CreateDirectory(step.ManifestDir);
        var path = Path.Combine(step.ManifestDir, FileName);
        void Write(Stream stream)
        {
            var json = new ManifestText(stream);
            json.Member("schema", Manifest.SchemaName);
            json.Member("step", step.Name);
            json.Member("step_number", step.Number);
            json.Member("run_id", runId);
            json.Member("pipeline_version", PipelineInfo.Version);
            json.Member("status", status);
            json.Member("started_utc", started);
            json.Member("finished_utc", end ?? started);
            // The tiles' own times, in the order of the tiles list (a sum in another order may differ in its last digit).
            json.Member("elapsed_seconds", records.Sum(r => r.Entry.Kind == TileRecordCache.Kind.NotBuilt ? 0 : r.Entry.ElapsedSeconds));
            json.Member("parameters", new SortedDictionary<string, string>(step.Reads.Distinct().ToDictionary(n => n, n => parameters[n]), StringComparer.Ordinal));
            json.Member("tools", new SortedDictionary<string, string>(step.Tools.Distinct().ToDictionary(t => t, t => toolVersions.TryGetValue(t, out var v) ? v : "unknown"), StringComparer.Ordinal));
            // Tiles share inputs (configs, catalogs): each is listed once, in first-seen order.
            var seenInputs = new HashSet<ReadOnlyMemory<byte>>(JsonBytes.Comparer);
            json.Elements("inputs", records.Where(r => r.Entry.Kind == TileRecordCache.Kind.Ok).SelectMany(r => r.Entry.Inputs).Where(seenInputs.Add));
            json.Elements("outputs", records.Where(r => r.Entry.Kind == TileRecordCache.Kind.Ok).SelectMany(r => r.Entry.Outputs));
            json.Member("counts", counts);
            json.Member("retries", retries);
            json.Member("warnings", warnings);
            json.Elements("failed_tiles", records.Where(r => r.Entry.Kind == TileRecordCache.Kind.Failed).SelectMany(r => r.Entry.FailedTiles));
            json.Elements("tiles", records.Select(r => r.Entry.Line));
            if (fields is not null)
                foreach (var (k, v) in fields) json.Member(k, v);
            json.End();
        }
        // Written as it is made: at 10,000 tiles the fifteen manifests are 90 MB, which a buffer first would touch twice.
        if (!onlyIfChanged) AtomicFile.Write(path, Write);
        else
        {
            // The merge rewrites a step's manifest only when it changes, so merging twice changes nothing.
            using var made = new MemoryStream();
            Write(made);
            var bytes = made.GetBuffer().AsSpan(0, (int)made.Length);
            if (!File.Exists(path) || !File.ReadAllBytes(path).AsSpan().SequenceEqual(bytes)) AtomicFile.WriteAllBytes(path, bytes);
        }
        if (cacheFile is not null) TileRecordCache.Save(cacheFile, records, cached);
        return new Totals(path, status, counts, warnings);
    }

    /// <summary>
    /// A manifest's JSON object, written member by member: as the serializer indents (<see cref="Manifest.JsonOptions"/>),
    /// except that the long arrays of records have one compact record a line, copied from the tiles' cached JSON.
    /// </summary>
    sealed class ManifestText(Stream output)
    {
        bool _first = true;

        public void Member<T>(string name, T value)
        {
            Name(name);
            // A nested object or array comes indented from the top level: one more step in.
            var rest = JsonSerializer.SerializeToUtf8Bytes(value, Manifest.JsonOptions).AsSpan();
            for (int i; (i = rest.IndexOf((byte)'\n')) >= 0; rest = rest[(i + 1)..])
            {
                output.Write(rest[..(i + 1)]);
                Raw("  ");
            }
            output.Write(rest);
        }

        public void Elements(string name, IEnumerable<ReadOnlyMemory<byte>> elements)
        {
            Name(name);
            Raw("[");
            var any = false;
            foreach (var json in elements)
            {
                Raw(any ? ",\n    " : "\n    ");
                output.Write(json.Span);
                any = true;
            }
            Raw(any ? "\n  ]" : "]");
        }

        public void End() => Raw(_first ? "{}" : "\n}");

        void Name(string name)
        {
            Raw(_first ? "{\n  " : ",\n  ");
            _first = false;
            output.Write(JsonSerializer.SerializeToUtf8Bytes(name, Manifest.JsonOptions));
            Raw(": ");
        }

        void Raw(string ascii)
        {
            Span<byte> bytes = stackalloc byte[ascii.Length];
            for (var i = 0; i < ascii.Length; i++) bytes[i] = (byte)ascii[i];
            output.Write(bytes);
        }
    }

    /// <summary>JSON elements equal byte for byte.</summary>
    sealed class JsonBytes : IEqualityComparer<ReadOnlyMemory<byte>>
    {
        public static readonly JsonBytes Comparer = new();
        public bool Equals(ReadOnlyMemory<byte> a, ReadOnlyMemory<byte> b) => a.Span.SequenceEqual(b.Span);
        public int GetHashCode(ReadOnlyMemory<byte> json)
        {
            var hash = new HashCode();
            hash.AddBytes(json.Span);
            return hash.ToHashCode();
        }
    }

    /// <summary>
    /// Each tile's manifest (and its failure record when the manifest is not ok), in tile order: from the cache when the
    /// tile's records are as they were then, else read maxParallel at a time. At 10,000 tiles the reading was most of a
    /// one-stale build's time per step.
    /// </summary>
    static List<(string TileId, TileRecordCache.Entry Entry)> ReadTiles(StepDeclaration step, IReadOnlyList<string> tileIds, int maxParallel,
        TileRecordCache.Loaded? cache, IReadOnlyDictionary<string, FolderListing.Dated>? listing)
    {
        var cached = cache?.Tiles;
        var read = new (string, TileRecordCache.Entry)[tileIds.Count];
        InParallel.For(read.Length, maxParallel, i =>
        {
            var tile = tileIds[i];
            var signature = listing is null ? [] : TileRecordCache.Signature(listing, tile);
            if (cached is not null && cached.TryGetValue(tile, out var entry) && entry.Signature.AsSpan().SequenceEqual(signature))
            {
                read[i] = (tile, entry);
                return;
            }
            var tm = Manifest.TryRead(TileRecords.ManifestPath(step.OutputDir, tile));
            read[i] = (tile, TileRecordCache.Entry.Of(tile, signature, tm, tm is { Status: "ok" } ? null : Manifest.TryRead(TileRecords.FailedPath(step.OutputDir, tile))));
        });
        return [.. read];
    }
}
