using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using Vasco.IO;
using Vasco.Tiling;

namespace Vasco.Pipeline;

/// <summary>
/// Writes the stamp files that drive MSBuild's per-tile incrementality (FACTS 5). A stamp
/// holds a digest of everything a step's output for one tile depends on: the pipeline
/// version, the step, the parameters it reads, its tools' versions, the content of the
/// files it reads, the tile's definition, and the stamps of the steps it reads from. A
/// stamp file is rewritten only when its digest changes, so its timestamp moves exactly
/// when the step must rerun for that tile; the step target compares it with the tile's
/// manifest. Upstream steps enter through their stamps (not their outputs), so every
/// stamp of a build is known before any step runs and the plan costs one task per build.
/// </summary>
public sealed class StampPlanner
{
    public required string RunDir { get; init; }
    public required string RunId { get; init; }
    /// <summary>Where stamps live: obj/vasco/&lt;RunId&gt;/stamps.</summary>
    public required string StampDir { get; init; }
    public required IReadOnlyList<StepDeclaration> Steps { get; init; }
    public required IReadOnlyList<Tile> Tiles { get; init; }
    public required ParameterSet Parameters { get; init; }
    public required IReadOnlyDictionary<string, string> ToolVersions { get; init; }
    /// <summary>What defines the tiling beyond its parameters: the targets as written.</summary>
    public required string TargetsFingerprint { get; init; }
    public required FileHashCache FileHashes { get; init; }
    /// <summary>Tiles this build works on (Tiles=); all when empty.</summary>
    public IReadOnlyCollection<string> SelectedTiles { get; init; } = [];
    /// <summary>Per-tile input files a step reads beyond its declared TileFiles (the local plate of step 1).</summary>
    public Func<StepDeclaration, Tile, IEnumerable<string>>? TileInputs { get; init; }
    /// <summary>
    /// Every tile of the run when <see cref="Tiles"/> is one shard's share: outputs of these
    /// tiles are other shards' and are never pruned. Null: the run is <see cref="Tiles"/>.
    /// </summary>
    public IReadOnlyCollection<string>? RunTileIds { get; init; }
    /// <summary>FromStep=: force steps numbered at or above it to rerun for the selected tiles.</summary>
    public int? FromStep { get; init; }

    public sealed record StepPlan(string Step, int Changed, int Forced, IReadOnlyList<string> Pruned);

    const string StampSuffix = ".stamp";

    public static string StampPath(string stampDir, string step, string? tileId) =>
        tileId is null ? Path.Combine(stampDir, step + StampSuffix) : Path.Combine(stampDir, step, tileId + StampSuffix);

    /// <summary>A step's folder of per-tile stamps, with each stamp's time, as the last plan left it when nothing else changed it since.</summary>
    public static FolderSnapshot StampSnapshot(string stampDir, string step) =>
        FolderSnapshot.Open(Path.Combine(stampDir, step), Path.Combine(stampDir, step + ".stamps.listing"), StampSuffix);

    public IReadOnlyList<StepPlan> Plan()
    {
        CheckDeclarations();
        var byName = Steps.ToDictionary(s => s.Name, StringComparer.Ordinal);
        var tileDigests = new Dictionary<string, string[]>(StringComparer.Ordinal);  // per step, in the order of Tiles
        var runDigests = new Dictionary<string, string>(StringComparer.Ordinal);
        var reports = new List<StepPlan>();
        var now = DateTime.UtcNow;
        // Made for the first per-tile step: a run of step 0 alone (a whole survey's tiling) needs neither.
        HashSet<string>? selected = null;
        Dictionary<string, string>? tileLines = null;
        // What the last plan made its digests from (PlanMemo). Removed before any index or stamp it vouches for is
        // changed, written again once all are: a plan cut short leaves none, and the next one hashes everything.
        var memoPath = PlanMemo.PathOf(StampDir);
        var memo = PlanMemo.Read(memoPath);
        if (memo is not null) File.Delete(memoPath);
        var closures = new Dictionary<string, string>(StringComparer.Ordinal);
        string[]? tileKeys = null;
        // Made once for every per-tile step: the tiles' stamp names, and the run's tiles and their records' names (what is kept).
        string[]? stampNames = null;
        HashSet<string>? plannedStamps = null, runRecords = null;
        // What planning each per-tile step reads (its index, its folders' listings), read ahead in step order on the
        // other core while the steps before it are planned; what it writes, written behind, before the memo vouches for it.
        using var ahead = new ReadAhead(Steps.Where(s => s.PerTile).OrderBy(s => s.Number).Select(s => (Func<StepReads>)(() =>
            new StepReads(ReadIndex(s.Name), StampSnapshot(StampDir, s.Name), TileRecords.Snapshot(s, StampDir)))).ToList());
        var behind = new List<Task>();

        try
        {
            foreach (var step in Steps.OrderBy(s => s.Number))
            {
                var common = CommonLines(step);
                var forced = 0;
                var force = FromStep is { } from && step.Number >= from;
                if (!step.PerTile)
                {
                    var lines = new List<string>(common);
                    if (step.Name == StepDeclaration.TilingStep) lines.Add("targets " + TargetsFingerprint);
                    foreach (var up in step.After)
                    {
                        var u = byName[up];
                        lines.Add(u.PerTile
                            ? $"after {up} " + Digest(Tiles.Select((t, i) => t.TileId + " " + tileDigests[up][i]))
                            : $"after {up} {runDigests[up]}");
                    }
                    var digest = Digest(lines);
                    runDigests[step.Name] = digest;
                    var changed = WriteIfChanged(StampPath(StampDir, step.Name, null), digest, lines);
                    if (force) { File.SetLastWriteTimeUtc(StampPath(StampDir, step.Name, null), now); forced = 1; }
                    reports.Add(new StepPlan(step.Name, changed ? 1 : 0, forced, []));
                    continue;
                }

                selected ??= SelectedTiles.Count == 0 ? Tiles.Select(t => t.TileId).ToHashSet(StringComparer.Ordinal) : SelectedTiles.ToHashSet(StringComparer.Ordinal);
                tileLines ??= Tiles.ToDictionary(t => t.TileId, t => "tile " + t.Fingerprint, StringComparer.Ordinal);
                stampNames ??= Tiles.Select(t => t.TileId + StampSuffix).ToArray();
                plannedStamps ??= stampNames.ToHashSet(StringComparer.Ordinal);
                runRecords ??= (RunTileIds ?? Tiles.Select(t => t.TileId).ToList()).SelectMany(id => new[] { id + TileRecords.ManifestSuffix, id + TileRecords.FailedSuffix }).ToHashSet(StringComparer.Ordinal);
                // One directory listing (or none, when the folder is as the last plan left it) instead of a stat per stamp:
                // a stamp deleted by hand is rewritten.
                var (index, snapshot, records) = ahead.Next();
                var changedCount = 0;
                Directory.CreateDirectory(Path.Combine(StampDir, step.Name));
                var touched = new List<string>();
                // The lines all tiles share enter each tile's digest through their own digest: a no-op
                // plan of 10,000 tiles hashes a few short lines per tile, not the whole list.
                var commonLine = "common " + Digest(common);
                List<string> Lines(int i)
                {
                    var tile = Tiles[i];
                    var lines = new List<string>(2 + step.After.Count) { commonLine, tileLines[tile.TileId] };
                    foreach (var file in step.TileFilesFor(tile)) lines.Add(FileLine(file));
                    if (TileInputs is not null) foreach (var file in TileInputs(step, tile)) lines.Add(FileLine(file));
                    foreach (var up in step.After)
                    {
                        if (up == StepDeclaration.TilingStep) continue; // the tile line above is what tiling decided for this tile
                        lines.Add(byName[up].PerTile ? $"after {up} {tileDigests[up][i]}" : $"after {up} {runDigests[up]}");
                    }
                    return lines;
                }
                // A tile's digest is made of the step's shared lines and what it reads of the steps before (its closure), and of
                // the tile's own lines (its key, over every step): when both are as the last plan found them, so is the digest.
                var closure = closures[step.Name] = Digest([commonLine, .. step.After.Where(up => up != StepDeclaration.TilingStep)
                    .Select(up => byName[up].PerTile ? $"after {up} {closures[up]}" : $"after {up} {runDigests[up]}")]);
                tileKeys ??= TileKeys(byName.Values.Where(s => s.PerTile).OrderBy(s => s.Number).ToList());
                var sameClosure = memo is not null && memo.Closures.TryGetValue(step.Name, out var was) && was == closure;
                var tileLineSets = new List<string>?[Tiles.Count];
                var tileDigestList = new string[Tiles.Count];
                var toHash = new List<int>();
                for (var i = 0; i < Tiles.Count; i++)
                {
                    var id = Tiles[i].TileId;
                    if (sameClosure && memo!.TileKeys.TryGetValue(id, out var key) && key == tileKeys[i] && index.TryGetValue(id, out var known))
                        tileDigestList[i] = known;
                    else
                    {
                        tileLineSets[i] = Lines(i);
                        toHash.Add(i);
                    }
                }
                // Every digest of a new plan (150,000 at 10,000 tiles): on every core.
                InParallel.For(toHash.Count, Environment.ProcessorCount, j => tileDigestList[toHash[j]] = Digest(tileLineSets[toHash[j]]!));
                // The stamps as listed before any is written, for the pruning below.
                var stamps = snapshot.Files.Keys.ToList();
                for (var i = 0; i < Tiles.Count; i++)
                {
                    var (tile, digest) = (Tiles[i], tileDigestList[i]);
                    if (!index.TryGetValue(tile.TileId, out var old) || old != digest || !snapshot.Files.ContainsKey(stampNames[i]))
                    {
                        var lines = tileLineSets[i] ?? Lines(i);
                        WriteStamp(StampPath(StampDir, step.Name, tile.TileId), digest, [.. common, .. lines.Skip(1)]);
                        changedCount++;
                        touched.Add(stampNames[i]);
                    }
                    if (force && selected.Contains(tile.TileId))
                    {
                        File.SetLastWriteTimeUtc(StampPath(StampDir, step.Name, tile.TileId), now);
                        forced++;
                        touched.Add(stampNames[i]);
                    }
                }
                tileDigests[step.Name] = tileDigestList;
                if (changedCount > 0 || index.Count != Tiles.Count)
                {
                    var stepName = step.Name;
                    behind.Add(Task.Run(() => WriteIndex(stepName, tileDigestList)));
                }
                if (RerunIfInterrupted(step, now) is { } rerun) touched.Add(rerun + StampSuffix);
                var pruned = Prune(step, records, runRecords, plannedStamps, stamps, touched);
                if (touched.Count > 0) snapshot.Refresh(touched);
                behind.Add(Task.Run(snapshot.Save));
                reports.Add(new StepPlan(step.Name, changedCount, forced, pruned));
            }
        }
        catch
        {
            try { Task.WaitAll([.. behind]); } catch (AggregateException) { }  // a plan cut short leaves nothing writing behind it
            throw;
        }
        FileHashes.Save();
        Finish(behind);
        if (tileKeys is not null) PlanMemo.Write(memoPath, closures, Tiles.Select((t, i) => (t.TileId, tileKeys[i])).ToDictionary(p => p.TileId, p => p.Item2, StringComparer.Ordinal));
        return reports;
    }

    /// <summary>Waits for what was written behind the plan; the first failure as if it happened here.</summary>
    static void Finish(List<Task> behind)
    {
        try { Task.WaitAll([.. behind]); }
        catch (AggregateException e) { System.Runtime.ExceptionServices.ExceptionDispatchInfo.Throw(e.InnerExceptions[0]); }
    }

    /// <summary>For whatever writes stamps or indexes besides the plan (a shard merge): the last plan's memo no longer holds.</summary>
    public static void ForgetPlanMemo(string stampDir)
    {
        if (File.Exists(PlanMemo.PathOf(stampDir))) File.Delete(PlanMemo.PathOf(stampDir));
    }

    /// <summary>Each tile's own lines over every per-tile step (its definition, the files it alone reads), as one digest.</summary>
    string[] TileKeys(IReadOnlyList<StepDeclaration> perTile)
    {
        var lines = new List<string>[Tiles.Count];
        for (var i = 0; i < Tiles.Count; i++)
        {
            var tile = Tiles[i];
            lines[i] = ["tile " + tile.Fingerprint];
            foreach (var step in perTile)
            {
                foreach (var file in step.TileFilesFor(tile)) lines[i].Add(step.Name + " " + FileLine(file));
                if (TileInputs is not null) foreach (var file in TileInputs(step, tile)) lines[i].Add(step.Name + " " + FileLine(file));
            }
        }
        var keys = new string[Tiles.Count];
        InParallel.For(Tiles.Count, Environment.ProcessorCount, i => keys[i] = Digest(lines[i]));
        return keys;
    }

    /// <summary>What planning a per-tile step reads: its index, its stamps' listing, its tiles' records' listing.</summary>
    sealed record StepReads(Dictionary<string, string> Index, FolderSnapshot Stamps, FolderSnapshot Records);

    /// <summary>Reads what each step's planning reads, one step after another on a worker of its own, ahead of the plan.</summary>
    sealed class ReadAhead : IDisposable
    {
        readonly List<TaskCompletionSource<StepReads>> _reads;
        readonly CancellationTokenSource _stop = new();
        int _next;

        public ReadAhead(IReadOnlyList<Func<StepReads>> reads)
        {
            _reads = reads.Select(_ => new TaskCompletionSource<StepReads>(TaskCreationOptions.RunContinuationsAsynchronously)).ToList();
            Task.Run(() =>
            {
                for (var i = 0; i < reads.Count && !_stop.IsCancellationRequested; i++)
                    try { _reads[i].SetResult(reads[i]()); }
                    catch (Exception e) { _reads[i].SetException(e); }
            });
        }

        /// <summary>The next step's reads (its errors as if read here).</summary>
        public StepReads Next() => _reads[_next++].Task.GetAwaiter().GetResult();

        // A plan that stops early leaves the rest unread.
        public void Dispose() => _stop.Cancel();
    }

    /// <summary>
    /// The last plan's closures (per step) and tile keys (obj/vasco/&lt;RunId&gt;/stamps/plan.memo): what its digests were made of.
    /// Tied to the code that made it, as the caches are: a changed Vasco hashes every tile once.
    /// </summary>
    sealed record PlanMemo(Dictionary<string, string> Closures, Dictionary<string, string> TileKeys)
    {
        static readonly string Header = "vasco-plan-memo/1 " + typeof(PlanMemo).Assembly.ManifestModule.ModuleVersionId;

        public static string PathOf(string stampDir) => Path.Combine(stampDir, "plan.memo");

        public static PlanMemo? Read(string path)
        {
            if (!File.Exists(path)) return null;
            var (closures, keys) = (new Dictionary<string, string>(StringComparer.Ordinal), new Dictionary<string, string>(StringComparer.Ordinal));
            using var lines = File.ReadLines(path).GetEnumerator();
            if (!lines.MoveNext() || lines.Current != Header) return new(closures, keys);  // from other code: vouches for nothing
            while (lines.MoveNext())
            {
                var parts = lines.Current.Split('\t');
                if (parts.Length != 3) return new([], []);
                (parts[0] == "step" ? closures : keys)[parts[1]] = parts[2];
            }
            return new(closures, keys);
        }

        public static void Write(string path, Dictionary<string, string> closures, Dictionary<string, string> tileKeys)
        {
            var sb = new StringBuilder(Header).Append('\n');
            foreach (var (step, closure) in closures) sb.Append("step\t").Append(step).Append('\t').Append(closure).Append('\n');
            foreach (var (tile, key) in tileKeys) sb.Append("tile\t").Append(tile).Append('\t').Append(key).Append('\n');
            AtomicFile.WriteAllText(path, sb.ToString());
        }
    }

    /// <summary>
    /// A step killed after its tiles' manifests but before its manifest.json leaves its running marker and every tile up
    /// to date, so MSBuild would skip it and its manifest.json would stay stale: one tile's stamp is touched so that the
    /// step runs again (that tile only) and aggregates. When some tile is stale anyway, the step runs without help.
    /// </summary>
    /// <returns>The tile whose stamp was touched, if any.</returns>
    string? RerunIfInterrupted(StepDeclaration step, DateTime now)
    {
        if (!File.Exists(StepRunner.RunningMarker(step.OutputDir)) || Tiles.Count == 0) return null;
        foreach (var tile in Tiles)
        {
            var manifest = new FileInfo(TileRecords.ManifestPath(step.OutputDir, tile.TileId));
            if (!manifest.Exists || manifest.LastWriteTimeUtc < File.GetLastWriteTimeUtc(StampPath(StampDir, step.Name, tile.TileId)))
                return null;
        }
        File.SetLastWriteTimeUtc(StampPath(StampDir, step.Name, Tiles[^1].TileId), now);
        return Tiles[^1].TileId;
    }

    void CheckDeclarations()
    {
        var numbers = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (var s in Steps.OrderBy(s => s.Number))
        {
            foreach (var up in s.After)
                if (!numbers.ContainsKey(up))
                    throw new VascoException(ErrorCodes.Internal,
                        $"Step {s.Name} reads from step '{up}', which is not declared before it.",
                        "declare every VascoStep's After= steps with lower Number.");
            numbers[s.Name] = s.Number;
        }
    }

    List<string> CommonLines(StepDeclaration step)
    {
        var lines = new List<string> { "vasco " + PipelineInfo.Version, "step " + step.Name };
        foreach (var name in step.Reads.Order(StringComparer.Ordinal))
            lines.Add($"param {name}={Parameters[name]}");
        foreach (var tool in step.Tools.Order(StringComparer.Ordinal))
            lines.Add($"tool {tool}={(ToolVersions.TryGetValue(tool, out var v) ? v : "unknown")}");
        foreach (var file in step.Files) lines.Add(FileLine(file));
        if (step.Extra.Length > 0) lines.Add("extra " + step.Extra);
        return lines;
    }

    readonly Dictionary<string, string> _fileLines = new(StringComparer.Ordinal);

    string FileLine(string file)
    {
        if (_fileLines.TryGetValue(file, out var line)) return line;
        var full = Path.GetFullPath(Path.Combine(RunDir, file));
        return _fileLines[file] = $"file {RunPaths.Relative(RunDir, full)} {FileHashes.HashOf(full)}";
    }

    static string Digest(IEnumerable<string> lines)
    {
        var bytes = Encoding.UTF8.GetBytes(string.Join('\n', lines));
        return Convert.ToHexString(SHA256.HashData(bytes)).ToLowerInvariant();
    }

    static bool WriteIfChanged(string path, string digest, List<string> lines)
    {
        if (File.Exists(path) && File.ReadLines(path).FirstOrDefault() == digest) return false;
        WriteStamp(path, digest, lines);
        return true;
    }

    // First line: the digest; then what went into it, to answer "why did this rerun?".
    static void WriteStamp(string path, string digest, List<string> lines) =>
        AtomicFile.WriteAllText(path, digest + "\n" + string.Join('\n', lines) + "\n");

    /// <summary>Reads a stamp's digest (its first line), or null when there is no stamp.</summary>
    public static string? ReadDigest(string stampPath) =>
        File.Exists(stampPath) ? File.ReadLines(stampPath).FirstOrDefault() : null;

    Dictionary<string, string> ReadIndex(string step) => ReadIndex(StampDir, step);

    /// <summary>The plan's index of a step's stamps: each tile's digest as of the last plan (empty when there is none).</summary>
    public static Dictionary<string, string> ReadIndex(string stampDir, string step)
    {
        var path = Path.Combine(stampDir, step + ".index");
        var index = new Dictionary<string, string>(StringComparer.Ordinal);
        if (!File.Exists(path)) return index;
        foreach (var line in File.ReadLines(path))
        {
            var tab = line.IndexOf('\t');
            if (tab > 0) index[line[..tab]] = line[(tab + 1)..];
        }
        return index;
    }

    // Streamed, not made whole first: at 10,000 tiles the text, its string and its bytes were 3.7 MB of fresh memory a step.
    void WriteIndex(string step, string[] digests) =>
        AtomicFile.Write(Path.Combine(StampDir, step + ".index"), stream =>
        {
            using var w = AtomicFile.Utf8Writer(stream);
            for (var i = 0; i < Tiles.Count; i++)
            {
                w.Write(Tiles[i].TileId);
                w.Write('\t');
                w.Write(digests[i]);
                w.Write('\n');
            }
        });

    /// <summary>A tile's own folder of outputs inside the step's (step 8's &lt;tile&gt;.stamps/), once emptied.</summary>
    static void DeleteIfEmptySubfolder(string? dir, string stepDir)
    {
        if (dir is null) return;
        var (inner, outer) = (Path.TrimEndingDirectorySeparator(Path.GetFullPath(dir)), Path.TrimEndingDirectorySeparator(Path.GetFullPath(stepDir)));
        if (inner.StartsWith(outer + Path.DirectorySeparatorChar, StringComparison.Ordinal) && Directory.Exists(inner) && !Directory.EnumerateFileSystemEntries(inner).Any())
            Directory.Delete(inner);
    }

    /// <summary>
    /// Removes what a step wrote for tiles that are no longer in the run: the outputs its
    /// manifest lists, the manifest, any failure record and the stamp. In a shard build the
    /// outputs of the run's other tiles stay (they are other shards'); stamps are the shard's own.
    /// </summary>
    /// <param name="records">The tiles' records as the last build left them (TileRecords.Snapshot), not a listing of 10,000 files each plan.</param>
    /// <param name="current">The names of the records of the run's tiles.</param>
    /// <param name="planned">The names of the stamps of this build's tiles.</param>
    List<string> Prune(StepDeclaration step, FolderSnapshot records, HashSet<string> current, HashSet<string> planned, List<string> stamps, List<string> deletedStamps)
    {
        var pruned = new List<string>();
        foreach (var name in records.Files.Keys)
        {
            if (current.Contains(name)) continue;
            var tile = TileRecords.TileOf(name)!;
            var file = Path.Combine(step.OutputDir, name);
            if (name.EndsWith(TileRecords.ManifestSuffix, StringComparison.Ordinal) && Manifest.TryRead(file) is { } m)
                foreach (var output in m.Outputs)
                {
                    var full = RunPaths.Inside(RunDir, output.Path);
                    if (File.Exists(full)) File.Delete(full);
                    DeleteIfEmptySubfolder(Path.GetDirectoryName(full), step.OutputDir);
                }
            File.Delete(file);
            if (!pruned.Contains(tile)) pruned.Add(tile);
        }
        if (pruned.Count == 0 && !records.Reused) records.Save();  // else the folder changed: the next look lists it
        foreach (var stamp in stamps)
            if (!planned.Contains(stamp))
            {
                File.Delete(Path.Combine(StampDir, step.Name, stamp));
                deletedStamps.Add(stamp);
            }
        if (pruned.Count > 0)
            StepManifests.Aggregate(step, RunDir, RunId, Tiles.Select(t => t.TileId).ToList(), Parameters, ToolVersions, cacheFile: TileRecordCache.PathOf(StampDir, step.Name));
        return pruned;
    }
}

/// <summary>Names of the per-tile records in a step's folder.</summary>
public static class TileRecords
{
    // Not ".manifest.json": step-level files such as filter.manifest.json must never read as a tile's record.
    public const string ManifestSuffix = ".tile.json";
    public const string FailedSuffix = ".failed.json";

    public static string ManifestPath(string stepDir, string tileId) => Path.Combine(stepDir, tileId + ManifestSuffix);
    public static string FailedPath(string stepDir, string tileId) => Path.Combine(stepDir, tileId + FailedSuffix);

    /// <summary>The tile a per-tile record belongs to, or null for other files (the step's manifest.json).</summary>
    /// <summary>
    /// The tiles' records in a step's folder, with their sizes and times, as the last build left them when nothing else
    /// changed the folder since (kept beside the step's stamps, obj/vasco/&lt;RunId&gt;/stamps/&lt;Step&gt;.records.listing).
    /// </summary>
    public static FolderSnapshot Snapshot(StepDeclaration step, string stampDir) => Snapshot(step.Name, step.OutputDir, stampDir);

    /// <inheritdoc cref="Snapshot(StepDeclaration, string)"/>
    public static FolderSnapshot Snapshot(string stepName, string folder, string stampDir) =>
        FolderSnapshot.Open(folder, Path.Combine(stampDir, stepName + ".records.listing"), ManifestSuffix, FailedSuffix);

    /// <summary>The tiles' records of a step by name (<see cref="Snapshot(StepDeclaration, string)"/>), a fresh listing kept for the next look.</summary>
    public static Dictionary<string, FolderListing.Dated> Listed(StepDeclaration step, string stampDir) => Listed(step.Name, step.OutputDir, stampDir);

    /// <inheritdoc cref="Listed(StepDeclaration, string)"/>
    public static Dictionary<string, FolderListing.Dated> Listed(string stepName, string folder, string stampDir)
    {
        var snapshot = Snapshot(stepName, folder, stampDir);
        if (!snapshot.Reused) snapshot.Save();
        return snapshot.Files;
    }

    /// <summary>
    /// The one record MSBuild's rule over every tile's record of these steps turns on ("run when an input is missing or
    /// newer than the output"): the first one missing, else the newest; "" for no tiles. From the folders' kept listings, so a
    /// target whose inputs were 80,000 records (step 8's candidate list at 10,000 tiles) asks for one file's status, not 80,000.
    /// </summary>
    public static string Deciding(IEnumerable<(string Step, string Folder)> steps, string stampDir, IReadOnlyList<string> tileIds)
    {
        // Each step's first missing record, else its newest, on every core; then the first step with one missing, else the newest of all.
        var folders = steps.ToList();
        var found = new (string? Missing, string Newest, DateTime Time)[folders.Count];
        InParallel.For(folders.Count, Environment.ProcessorCount, i =>
        {
            var (step, folder) = folders[i];
            var records = Listed(step, folder, stampDir);
            found[i] = (null, "", DateTime.MinValue);
            foreach (var tile in tileIds)
            {
                var name = tile + ManifestSuffix;
                if (!records.TryGetValue(name, out var record)) { found[i].Missing = Path.Combine(folder, name); return; }
                if (record.LastWriteUtc > found[i].Time) (found[i].Newest, found[i].Time) = (Path.Combine(folder, name), record.LastWriteUtc);
            }
        });
        var (newest, time) = ("", DateTime.MinValue);
        foreach (var (missing, stepNewest, stepTime) in found)
        {
            if (missing is not null) return missing;
            if (stepTime > time) (newest, time) = (stepNewest, stepTime);
        }
        return newest;
    }

    public static string? TileOf(string fileName) =>
        fileName.EndsWith(ManifestSuffix, StringComparison.Ordinal) ? fileName[..^ManifestSuffix.Length]
        : fileName.EndsWith(FailedSuffix, StringComparison.Ordinal) ? fileName[..^FailedSuffix.Length]
        : null;
}
