using Vasco.IO;

namespace Vasco.Pipeline;

/// <summary>
/// Which tiles' results stand for the run as it is now. A run-level output (candidates.csv, the summaries, the
/// dashboard) is built only from these: a tile that failed, was skipped, or was not rebuilt since its inputs or
/// parameters changed (a FailFast stop, a Tiles= build) contributes nothing, and is listed with its reason.
/// </summary>
public static class CurrentTiles
{
    /// <summary>
    /// Checks tiles of a run against their final steps: which tiles have a manifest comes from each step's folder as the
    /// build left it (<see cref="TileRecords.Snapshot"/>), the current stamps from the plan's index of each step's stamps
    /// (obj/vasco/&lt;RunId&gt;/stamps/&lt;Step&gt;.index, written with them), and a final manifest's stamp from what the step's
    /// manifest.json took from it (<see cref="TileRecordCache.Stamps"/>) while the manifest is as it was then, else from its
    /// first 2 KB. At 10,000 tiles and eight final steps, that is a few reads of the whole run instead of 80,000 of files.
    /// </summary>
    public sealed class Checker
    {
        readonly string _stampDir;
        readonly Dictionary<string, Dictionary<string, FolderListing.Dated>> _records = new(StringComparer.Ordinal);
        readonly Dictionary<string, Dictionary<string, string>> _digests = new(StringComparer.Ordinal);
        readonly Dictionary<string, Dictionary<string, TileRecordCache.Made>> _made = new(StringComparer.Ordinal);
        // All the finals' checks in order, each upstream step's once (the chains share most of theirs): a step's manifest
        // must be there (IsFinal false), a final's manifest made under the current stamp (true).
        readonly List<(StepDeclaration Step, bool IsFinal)> _checks = [];
        readonly int _finals;

        /// <summary>Reads, once, what checking tiles against <paramref name="finals"/> needs.</summary>
        public Checker(IEnumerable<StepDeclaration> finals, IReadOnlyDictionary<string, StepDeclaration> steps, string stampDir)
        {
            _stampDir = stampDir;
            var ends = finals.ToList();
            _finals = ends.Count;
            var chains = ends.ToDictionary(f => f.Name, f => Chain(f, steps), StringComparer.Ordinal);
            var present = new HashSet<string>(StringComparer.Ordinal);
            foreach (var final in ends)
            {
                _checks.AddRange(chains[final.Name].Where(s => present.Add(s.Name)).Select(s => (s, false)));
                _checks.Add((final, true));
            }
            // Some thirty files of 10,000 lines each at 10,000 tiles, read on every core.
            var listed = ends.SelectMany(f => chains[f.Name]).DistinctBy(s => s.Name).ToList();
            var reads = new Action[listed.Count + 2 * ends.Count];
            var (records, digests, made) = (new Dictionary<string, FolderListing.Dated>[listed.Count], new Dictionary<string, string>[ends.Count], new Dictionary<string, TileRecordCache.Made>[ends.Count]);
            for (var i = 0; i < listed.Count; i++) { var n = i; reads[n] = () => records[n] = TileRecords.Listed(listed[n], stampDir); }
            for (var i = 0; i < ends.Count; i++)
            {
                var n = i;
                reads[listed.Count + 2 * n] = () => digests[n] = StampPlanner.ReadIndex(stampDir, ends[n].Name);
                reads[listed.Count + 2 * n + 1] = () => made[n] = TileRecordCache.Stamps(TileRecordCache.PathOf(stampDir, ends[n].Name));
            }
            InParallel.For(reads.Length, Environment.ProcessorCount, i => reads[i]());
            for (var i = 0; i < listed.Count; i++) _records[listed[i].Name] = records[i];
            for (var i = 0; i < ends.Count; i++) (_digests[ends[i].Name], _made[ends[i].Name]) = (digests[i], made[i]);
        }

        /// <summary>
        /// Why the tile's results are not current, or null when they are: for each final step in the order the checker was
        /// given them, every per-tile step it reads from (directly or not) has the tile's manifest, and the final step's
        /// manifest was made under the tile's current stamp; the first problem found is the one given. The final stamp covers
        /// the stamps of the steps it reads, so a matching digest means nothing upstream changed since; the manifests'
        /// presence means nothing upstream failed since. <paramref name="signatures"/>: the signatures of the tile's records
        /// of the final steps (each step's <see cref="TileRecordCache.Signature"/>, in the order of the finals) as the check
        /// found them, for a current tile. Thread-safe.
        /// </summary>
        public FailedTile? Problem(string tileId, out long[] signatures)
        {
            var manifest = tileId + TileRecords.ManifestSuffix;
            var all = signatures = new long[4 * _finals];
            var final = 0;
            foreach (var (step, isFinal) in _checks)
            {
                FailedTile? problem;
                if (isFinal)
                {
                    var signature = TileRecordCache.Signature(_records[step.Name], tileId);
                    signature.CopyTo(all, 4 * final++);
                    problem = Stamped(step, tileId, signature);
                }
                else problem = _records[step.Name].ContainsKey(manifest) ? null : Missing(step, tileId);
                if (problem is not null) return problem;
            }
            return null;
        }

        FailedTile? Stamped(StepDeclaration final, string tileId, long[] signature)
        {
            var made = _made[final.Name].TryGetValue(tileId, out var m) && m.Signature.AsSpan().SequenceEqual(signature)
                ? m.Stamp : ManifestStamp(TileRecords.ManifestPath(final.OutputDir, tileId));
            // The index is written after the stamps, so a stamp it does not list is read.
            var now = _digests[final.Name].TryGetValue(tileId, out var d) ? d : StampPlanner.ReadDigest(StampPlanner.StampPath(_stampDir, final.Name, tileId));
            return made is not null && made == now ? null : NotRebuilt(final, tileId);
        }
    }

    static FailedTile Missing(StepDeclaration step, string tileId)
    {
        var failed = Manifest.TryRead(TileRecords.FailedPath(step.OutputDir, tileId))?.FailedTiles.FirstOrDefault();
        return failed is not null
            ? new FailedTile(tileId, failed.Code, $"{step.Name}: {failed.Reason}")
            : new FailedTile(tileId, ErrorCodes.TileFailed, $"{step.Name}: not built (the build stopped before this tile, or its outputs were removed)");
    }

    static FailedTile NotRebuilt(StepDeclaration final, string tileId) => new(tileId, ErrorCodes.TileFailed,
        $"{final.Name}: not rebuilt since its inputs or parameters changed (the build stopped early, or Tiles= left it out); a build of the whole run brings it up to date");

    /// <summary>A tile manifest's "stamp" (written near its start), or null when it has none or cannot be read.</summary>
    public static string? ManifestStamp(string path)
    {
        byte[] head;
        try
        {
            using var file = File.OpenRead(path);
            head = new byte[Math.Min(file.Length, 2048)];
            file.ReadExactly(head);
            if (file.Length > head.Length && FromStart(head, final: false) is { } early) return early;
            if (file.Length == head.Length) return FromStart(head, final: true);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or System.Text.Json.JsonException) { return null; }
        return Manifest.TryRead(path)?.Stamp;  // a long manifest whose stamp comes late

        static string? FromStart(byte[] json, bool final)
        {
            var reader = new System.Text.Json.Utf8JsonReader(json, isFinalBlock: final, default);
            while (reader.Read())
                if (reader.TokenType == System.Text.Json.JsonTokenType.PropertyName && reader.CurrentDepth == 1 && reader.ValueTextEquals("stamp"u8))
                    return reader.Read() && reader.TokenType == System.Text.Json.JsonTokenType.String ? reader.GetString() : null;
            return null;
        }
    }

    /// <summary>The per-tile steps <paramref name="final"/> reads from, upstream first, then <paramref name="final"/> itself.</summary>
    public static IReadOnlyList<StepDeclaration> Chain(StepDeclaration final, IReadOnlyDictionary<string, StepDeclaration> steps)
    {
        var seen = new HashSet<string>(StringComparer.Ordinal);
        var stack = new Stack<StepDeclaration>([final]);
        while (stack.TryPop(out var s))
        {
            if (!s.PerTile || !seen.Add(s.Name)) continue;
            foreach (var up in s.After)
                if (steps.TryGetValue(up, out var u)) stack.Push(u);
        }
        return steps.Values.Where(s => seen.Contains(s.Name)).OrderBy(s => s.Number).ToList();
    }
}

/// <summary>
/// FailFast's stop, for the rest of one build: the step that stopped leaves a marker beside the stamps, the later
/// per-tile steps run no tile while it is there, and the next build's plan removes it. The build still reaches its
/// run-level steps, so they publish only what is current instead of leaving the previous build's results standing.
/// </summary>
public static class FailFastStop
{
    public static string MarkerPath(string stampDir) => Path.Combine(stampDir, "failfast-stopped");

    public static void Mark(string stampDir, string step)
    {
        Directory.CreateDirectory(stampDir);
        IO.AtomicFile.WriteAllText(MarkerPath(stampDir), $"step {step} stopped at a failed tile (FailFast=true)\n");
    }

    public static void Clear(string stampDir)
    {
        if (Directory.Exists(stampDir)) File.Delete(MarkerPath(stampDir));
    }
}
