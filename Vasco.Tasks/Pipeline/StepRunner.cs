using System.Diagnostics;
using Vasco.IO;
using Vasco.Tiling;

namespace Vasco.Pipeline;

/// <summary>What a step's work sees for one tile, and what it reports back.</summary>
public sealed class TileContext
{
    internal TileContext(Tile tile, StepDeclaration step, string runDir, string runId, ParameterSet parameters,
        IReadOnlyDictionary<string, string> upstreamDirs, CancellationToken cancellation)
    {
        Tile = tile;
        Step = step;
        RunDir = runDir;
        RunId = runId;
        Parameters = parameters;
        UpstreamDirs = upstreamDirs;
        Cancellation = cancellation;
    }

    public Tile Tile { get; }
    public StepDeclaration Step { get; }
    public string RunDir { get; }
    public string RunId { get; }
    public ParameterSet Parameters { get; }
    /// <summary>Output folder of each step this one reads from.</summary>
    public IReadOnlyDictionary<string, string> UpstreamDirs { get; }
    public CancellationToken Cancellation { get; }

    public List<FileRecord> Inputs { get; } = [];
    public List<FileRecord> Outputs { get; } = [];
    public SortedDictionary<string, double> Counts { get; } = new(StringComparer.Ordinal);
    public Dictionary<string, object?> Fields { get; } = new(StringComparer.Ordinal);
    /// <summary>Said in the tile's manifest (or failure record) and, by the MSBuild adapter, in the build output.</summary>
    public List<string> Warnings { get; } = [];
    public int Retries { get; set; }

    /// <summary>
    /// Why the tile's result, though complete, should be made again by the next build (a service that did not answer):
    /// its record is then dated before its stamp, so MSBuild sees it out of date, while the run keeps publishing it.
    /// </summary>
    public string? RetryNextBuild { get; set; }
    /// <summary>What the tile's previous run of the step wrote: removed if this run fails.</summary>
    internal IReadOnlyList<string> PreviousOutputs { get; set; } = [];

    /// <summary>A warning with its VASCO code, written "VASCOnnnn: message" so the manifest carries the code too.</summary>
    public void Warn(string code, string message) => Warnings.Add($"{code}: {message}");

    /// <summary>This tile's file in the step's folder, e.g. OutputPath(".cat").</summary>
    public string OutputPath(string suffix) => Path.Combine(Step.OutputDir, Tile.TileId + suffix);

    /// <summary>This tile's file of a dataset this step writes.</summary>
    public string Output(TileDataset dataset) =>
        dataset.Step == Step.Name ? dataset.PathIn(Step.OutputDir, Tile.TileId)
            : throw new InvalidOperationException($"Step {Step.Name} does not write {dataset}.");

    /// <summary>This tile's file of a dataset an earlier step wrote (a step this one declares After=).</summary>
    public string Input(TileDataset dataset) =>
        UpstreamDirs.TryGetValue(dataset.Step, out var dir) ? dataset.PathIn(dir, Tile.TileId)
            : throw new InvalidOperationException($"Step {Step.Name} reads {dataset} but does not declare After=\"{dataset.Step}\".");

    /// <summary>This tile's log file under logs/&lt;step&gt;/&lt;RunId&gt;/.</summary>
    public string LogPath(string suffix = ".log")
    {
        var dir = Path.Combine(Step.LogDir, RunId);
        Directory.CreateDirectory(dir);
        return Path.Combine(dir, Tile.TileId + suffix);
    }

    public void AddOutput(string fullPath) => Outputs.Add(FileRecord.Of(fullPath, RunDir));
    public void AddInput(string fullPath) => Inputs.Add(FileRecord.Of(fullPath, RunDir));

    /// <summary>An input whose length and hash the step already has (a plate it read for all its tiles), not read again.</summary>
    public void AddInput(string fullPath, long bytes, string sha256) => Inputs.Add(new FileRecord(RunPaths.Relative(RunDir, fullPath), bytes, sha256));
}

/// <summary>The outcome of one tile, for the MSBuild adapter to log.</summary>
public sealed partial record TileOutcome(string TileId, TileStatus Status, double ElapsedSeconds, string? Code = null, string? Message = null, string? File = null)
{
    /// <summary>The tile's warnings (<see cref="TileContext.Warnings"/>), also those of a tile that then failed.</summary>
    public IReadOnlyList<string> Warnings { get; init; } = [];

    /// <summary>The warnings with their VASCO code apart (null for a warning written without one).</summary>
    public IEnumerable<(string? Code, string Text)> CodedWarnings => Warnings.Select(w =>
        CodedWarning().Match(w) is { Success: true } m ? (m.Groups[1].Value, m.Groups[2].Value) : ((string?)null, w));

    /// <summary>A step's one-line summary: "Pass1: 3 tile(s) done, 1 failed, 0 skipped, in 2.0 s (5 up to date)".</summary>
    public static string Summary(string step, IReadOnlyCollection<TileOutcome> outcomes, TimeSpan elapsed, int upToDate)
    {
        var skipped = outcomes.Count(o => o.Status == TileStatus.Skipped);
        var failed = outcomes.Count(o => o.Status == TileStatus.Failed);
        return string.Create(System.Globalization.CultureInfo.InvariantCulture,
            $"{step}: {outcomes.Count(o => o.Status == TileStatus.Ok)} tile(s) done, {failed} failed, {skipped} skipped, in {elapsed.TotalSeconds:0.0} s")
            + (upToDate > 0 ? $" ({upToDate} up to date)" : "");
    }

    [System.Text.RegularExpressions.GeneratedRegex(@"^(VASCO[0-9]{4}): (.*)$", System.Text.RegularExpressions.RegexOptions.Singleline)]
    private static partial System.Text.RegularExpressions.Regex CodedWarning();
}

/// <summary>Ok; Failed in this step; or Skipped because a step it reads from failed (reported there).</summary>
public enum TileStatus { Ok, Failed, Skipped }

/// <summary>Thrown when a tile cannot run because an upstream step did not complete for it.</summary>
public sealed class UpstreamMissingException(string code, string cause, string fix) : VascoException(code, cause, fix);

/// <summary>
/// Runs a per-tile step over the stale tiles, MaxParallel at a time. For each tile the
/// outputs are written first and the manifest last (atomically), so an interrupted tile
/// has no manifest and reruns. A failed tile gets a failure record instead of a manifest:
/// the next build retries it, and the other tiles go on unless FailFast.
/// </summary>
public sealed class StepRunner
{
    public required StepDeclaration Step { get; init; }
    public required string RunDir { get; init; }
    public required string RunId { get; init; }
    public required ParameterSet Parameters { get; init; }
    public required IReadOnlyDictionary<string, string> ToolVersions { get; init; }
    /// <summary>Output folder of every step, by name, to find upstream manifests.</summary>
    public required IReadOnlyDictionary<string, StepDeclaration> AllSteps { get; init; }
    public required string StampDir { get; init; }
    public bool FailFast { get; init; }
    /// <summary>Cancels the step: running tools are killed, tiles not started are left stale.</summary>
    public CancellationToken Cancellation { get; init; }
    /// <summary>Fields for the step's manifest.json (endpoint, survey, ...).</summary>
    public IDictionary<string, object?>? StepFields { get; init; }

    public IReadOnlyList<TileOutcome> Run(IReadOnlyList<Tile> stale, IReadOnlyList<string> allTileIds, Action<TileContext> work, Action<TileOutcome>? onTile = null) =>
        Run(stale, allTileIds, TileWork.PerTile(work), onTile);

    /// <summary>
    /// Runs the step's stale tiles, MaxParallel at a time: each tile's work, or (a batched step) each tile's preparation,
    /// then batches (of at most <see cref="TileWork.MaxBatchTiles"/>) of the tiles prepared without error, then each tile's finish. A failed batch fails its tiles, not the others.
    /// </summary>
    public IReadOnlyList<TileOutcome> Run(IReadOnlyList<Tile> stale, IReadOnlyList<string> allTileIds, TileWork work, Action<TileOutcome>? onTile = null)
    {
        stale = work.Arrange?.Invoke(stale) ?? stale;
        Open();
        var outcomes = new List<TileOutcome>();
        var prepared = new List<PreparedTile>();
        using var cancel = CancellationTokenSource.CreateLinkedTokenSource(Cancellation);
        var options = new ParallelOptions { MaxDegreeOfParallelism = Parameters.MaxParallel };
        void Report(TileOutcome outcome)
        {
            lock (outcomes) outcomes.Add(outcome);
            onTile?.Invoke(outcome);
            if (outcome.Status == TileStatus.Failed && FailFast) cancel.Cancel();
        }
        try
        {
            Parallel.ForEach(stale, options, tile =>
            {
                if (cancel.IsCancellationRequested) return;
                var (ready, outcome) = PrepareTile(tile, work, cancel.Token);
                if (outcome is not null) Report(outcome);
                else lock (prepared) prepared.Add(ready!);
            });
            foreach (var batch in prepared.Chunk(TileWork.MaxBatchTiles))
                if (!cancel.IsCancellationRequested) RunBatch(batch, work, Report, Parameters.MaxParallel);
        }
        finally { Close(allTileIds); }
        return outcomes;
    }

    /// <summary>A tile of a batched step, prepared and waiting for its batch.</summary>
    internal sealed record PreparedTile(TileRun Run, object? Value);

    /// <summary>Before a step's first tile: its folder, and the marker of a step under way.</summary>
    internal void Open()
    {
        Directory.CreateDirectory(Step.OutputDir);
        // Taken before this step writes anything: what it writes, Close refreshes.
        _records = TileRecords.Snapshot(Step, StampDir);
        // A killed build leaves this marker (and temp files, which the next build's lock removes: VascoLockRun); the
        // marker is removed only once the step's manifest.json is written, so the next plan can tell an interrupted step (StampPlanner).
        AtomicFile.WriteAllText(RunningMarker(Step.OutputDir), $"step {Step.Name} of run {RunId} started and has not written its manifest.json yet\n");
    }

    /// <summary>After a step's last tile (also after a failure): the step's manifest.json over all tiles, and the marker goes.</summary>
    internal void Close(IReadOnlyList<string> allTileIds)
    {
        var records = _records;
        if (records is not null)
            lock (_begun) records.Refresh(_begun.SelectMany(t => (string[])[t + TileRecords.ManifestSuffix, t + TileRecords.FailedSuffix]));
        StepManifests.Aggregate(Step, RunDir, RunId, allTileIds, Parameters, ToolVersions, StepFields,
            cacheFile: TileRecordCache.PathOf(StampDir, Step.Name), listing: records?.Files);
        File.Delete(RunningMarker(Step.OutputDir));
        records?.Save();
    }

    FolderSnapshot? _records;
    readonly List<string> _begun = [];

    /// <summary>
    /// One tile's work, or a batched step's preparation of it: the tile's outcome when it is finished (done, failed,
    /// skipped), or the tile prepared for its batch.
    /// </summary>
    internal (PreparedTile? Ready, TileOutcome? Outcome) PrepareTile(Tile tile, TileWork work, CancellationToken token)
    {
        var run = Begin(tile, token);
        object? value = null;
        var tools = Tools.ToolClock.Start();
        var failed = Guard(run, () => { CheckUpstream(tile); value = work.Prepare(run.Context); });
        RecordToolTime(run.Context, tools.Value);
        if (failed is not null) return (null, failed);
        return work.IsBatched ? (new PreparedTile(run, value), null) : (null, Complete(run));
    }

    /// <summary>One batch of prepared tiles: the step's shared call, then each tile finished with its answer (or failed with its error).</summary>
    internal void RunBatch(IReadOnlyList<PreparedTile> batch, TileWork work, Action<TileOutcome> report, int parallel)
    {
        Exception? batchError = null;
        object? shared = null;
        var batchTools = Tools.ToolClock.Start();
        try { shared = work.Batch(batch.Select(p => (p.Run.Context, p.Value)).ToList()); }
        catch (Exception e) when (e is not OperationCanceledException) { batchError = e; }
        // One tool run served every tile of the batch: each is charged an equal share.
        foreach (var p in batch) RecordToolTime(p.Run.Context, batchTools.Value / batch.Count);
        Parallel.ForEach(batch, new ParallelOptions { MaxDegreeOfParallelism = parallel }, p =>
        {
            var failed = Guard(p.Run, () =>
            {
                if (batchError is not null) System.Runtime.ExceptionServices.ExceptionDispatchInfo.Throw(batchError);
                work.Finish(p.Run.Context, p.Value, shared);
            });
            report(failed ?? Complete(p.Run));
        });
    }

    /// <summary>The seconds of external tool processes spent on the tile (counts "tool_seconds"), for the overhead benchmark.</summary>
    static void RecordToolTime(TileContext ctx, double seconds)
    {
        if (seconds <= 0) return;
        lock (ctx.Counts) ctx.Counts["tool_seconds"] = Math.Round(ctx.Counts.GetValueOrDefault("tool_seconds") + seconds, 4);
    }

    /// <summary>The file that marks a step as running (see <see cref="RunBatched{T}"/>).</summary>
    public static string RunningMarker(string stepOutputDir) => Path.Combine(stepOutputDir, ".step-running");

    /// <summary>One tile's run: its context, clock, and where its manifest or failure record goes.</summary>
    internal sealed record TileRun(TileContext Context, DateTimeOffset Started, Stopwatch Clock, string ManifestPath, string FailedPath, string? Stamp);

    TileRun Begin(Tile tile, CancellationToken token)
    {
        lock (_begun) _begun.Add(tile.TileId);
        var upstreamDirs = Step.After.Where(AllSteps.ContainsKey).ToDictionary(s => s, s => AllSteps[s].OutputDir, StringComparer.Ordinal);
        var ctx = new TileContext(tile, Step, RunDir, RunId, Parameters, upstreamDirs, token);
        var run = new TileRun(ctx, DateTimeOffset.UtcNow, Stopwatch.StartNew(),
            TileRecords.ManifestPath(Step.OutputDir, tile.TileId), TileRecords.FailedPath(Step.OutputDir, tile.TileId),
            StampPlanner.ReadDigest(StampPlanner.StampPath(StampDir, Step.Name, tile.TileId)));
        // An old manifest must not outlive a rerun that fails half way, nor the old outputs a failed one.
        ctx.PreviousOutputs = PreviousOutputs(run.ManifestPath);
        File.Delete(run.ManifestPath);
        return run;
    }

    TileOutcome Complete(TileRun run)
    {
        var tile = run.Context.Tile;
        var manifest = NewManifest(tile, run.Started, run.Clock.Elapsed.TotalSeconds, run.Stamp, run.Context);
        if (run.Context.RetryNextBuild is { } why) manifest.Fields["retry_next_build"] = why;
        manifest.Write(run.ManifestPath);
        // Older than any stamp: the step's target runs this tile again next build (CurrentTiles goes by the stamp's digest, not dates).
        if (run.Context.RetryNextBuild is not null) File.SetLastWriteTimeUtc(run.ManifestPath, DateTime.UnixEpoch);
        File.Delete(run.FailedPath);
        return new TileOutcome(tile.TileId, TileStatus.Ok, run.Clock.Elapsed.TotalSeconds) { Warnings = [.. run.Context.Warnings] };
    }

    /// <summary>Runs part of a tile's work; returns null when it succeeded, or the tile's failure (recorded).</summary>
    TileOutcome? Guard(TileRun run, Action action)
    {
        var (ctx, tile, elapsed) = (run.Context, run.Context.Tile, run.Clock.Elapsed.TotalSeconds);
        try
        {
            action();
            return null;
        }
        catch (Exception e) when (e is VascoException or IOException or InvalidDataException or UnauthorizedAccessException)
        {
            var v = e as VascoException;
            var diskFull = AtomicFile.IsDiskFull(e);
            var denied = v is null && !diskFull && AtomicFile.IsAccessDenied(e);
            var code = v?.Code ?? (diskFull ? ErrorCodes.DiskFull : denied ? ErrorCodes.NotWritable : ErrorCodes.TileFailed);
            var message = v?.UserMessage ?? (diskFull ? $"the disk is full ({e.Message}). Fix: {AtomicFile.DiskFullFix}"
                : denied ? AtomicFile.AccessDeniedMessage(e, Step.OutputDir) : $"{e.GetType().Name}: {e.Message}");
            // On a full disk, or in a folder that refuses writes, the failure record may not be written either: the tile
            // then simply has no manifest and reruns.
            try { WriteFailure(tile, run.Started, elapsed, ctx, code, message, run.FailedPath); }
            catch (Exception full) when (AtomicFile.IsDiskFull(full) || AtomicFile.IsAccessDenied(full)) { }
            var status = e is UpstreamMissingException ? TileStatus.Skipped : TileStatus.Failed;
            return new TileOutcome(tile.TileId, status, elapsed, code, message, v?.File) { Warnings = [.. ctx.Warnings] };
        }
        catch (OperationCanceledException)
        {
            // Cancelled: no manifest and no failure record, so the next build simply reruns the tile.
            return new TileOutcome(tile.TileId, TileStatus.Skipped, elapsed, ErrorCodes.TileFailed, $"tile {tile.TileId} cancelled");
        }
        catch (Exception e)
        {
            File.AppendAllText(ctx.LogPath(".error.log"), $"{DateTimeOffset.UtcNow:O} {e}\n");
            var message = $"unexpected {e.GetType().Name}: {e.Message} (stack trace in {RunPaths.Relative(RunDir, ctx.LogPath(".error.log"))})";
            WriteFailure(tile, run.Started, elapsed, ctx, ErrorCodes.Internal, message, run.FailedPath);
            return new TileOutcome(tile.TileId, TileStatus.Failed, elapsed, ErrorCodes.Internal, message) { Warnings = [.. ctx.Warnings] };
        }
    }

    void CheckUpstream(Tile tile)
    {
        foreach (var up in Step.After)
        {
            if (!AllSteps.TryGetValue(up, out var u) || !u.PerTile) continue;
            var m = Manifest.TryRead(TileRecords.ManifestPath(u.OutputDir, tile.TileId));
            if (m is not { Status: "ok" })
                throw new UpstreamMissingException(ErrorCodes.TileFailed,
                    $"step {Step.Name} skipped tile {tile.TileId}: step {up} did not complete for it.",
                    $"fix the error reported for {up} on this tile; the next build retries it.");
        }
    }

    Manifest NewManifest(Tile tile, DateTimeOffset started, double elapsed, string? stamp, TileContext ctx)
    {
        var m = new Manifest
        {
            Step = Step.Name,
            StepNumber = Step.Number,
            RunId = RunId,
            TileId = tile.TileId,
            StartedUtc = started,
            FinishedUtc = DateTimeOffset.UtcNow,
            ElapsedSeconds = Math.Round(elapsed, 4),
            Stamp = stamp,
            Inputs = ctx.Inputs,
            Outputs = ctx.Outputs,
            Counts = ctx.Counts,
            Retries = ctx.Retries,
            Warnings = ctx.Warnings,
            Fields = ctx.Fields,
        };
        foreach (var name in Step.Reads) m.Parameters[name] = Parameters[name];
        foreach (var tool in Step.Tools) m.Tools[tool] = ToolVersions.TryGetValue(tool, out var v) ? v : "unknown";
        return m;
    }

    /// <summary>The files the tile's last manifest lists in this step's own folder (never another step's, or the cache).</summary>
    IReadOnlyList<string> PreviousOutputs(string manifestPath)
    {
        if (Manifest.TryRead(manifestPath) is not { } old) return [];
        var own = Path.TrimEndingDirectorySeparator(Path.GetFullPath(Step.OutputDir)) + Path.DirectorySeparatorChar;
        return old.Outputs.Select(o => Path.GetFullPath(Path.Combine(RunDir, o.Path)))
            .Where(p => p.StartsWith(own, StringComparison.Ordinal)).ToList();
    }

    void WriteFailure(Tile tile, DateTimeOffset started, double elapsed, TileContext ctx, string code, string message, string failedPath)
    {
        // A failed tile keeps no result of an earlier run: nothing of it may look current (and on a full disk this frees room).
        foreach (var path in ctx.PreviousOutputs) File.Delete(path);
        var m = NewManifest(tile, started, elapsed, null, ctx);
        m.Status = "failed";
        m.FailedTiles.Add(new FailedTile(tile.TileId, code, message));
        m.Write(failedPath);
    }
}
