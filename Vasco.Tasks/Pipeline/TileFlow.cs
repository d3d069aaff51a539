using Vasco.IO;
using Vasco.Tiling;

namespace Vasco.Pipeline;

/// <summary>
/// Runs the per-tile steps of one build together: a tile goes on to a step as soon as it is through the steps that step
/// reads from, while other tiles are still in earlier ones, so no step waits for its slowest tile before the next starts.
/// At most MaxParallel tiles compute at once; the tiles of a step that waits on a remote service
/// (<see cref="TileWork.WaitsOnNetwork"/>) run beside them, up to <see cref="NetworkParallel"/>, so downloads and queries
/// overlap the computing. Among the tiles ready to compute, the one furthest along goes first, so tiles leave the pipeline
/// early and a batched step's tiles gather.
/// A batched step's prepared tiles wait for a batch, one batch of a step at a time: it runs once all the step's tiles are
/// prepared, once <see cref="MaxBatchTiles"/> are, once a quarter of them are when a later step waits on a service (so
/// that waiting starts while the first tiles are still computing, at the cost of at most three more calls; without it,
/// early batches only cost calls: bench/flow.sh), or as soon as a worker has nothing else to do (a core that would idle,
/// a service slot that is free).
/// Each step's manifest.json is written when its last tile is through, beside the work (the flow waits for them all).
/// The tiles' own records are <see cref="StepRunner"/>'s, exactly as when a step runs alone.
/// </summary>
public sealed class TileFlow
{
    /// <summary>One step of the flow: its runner, its work, its stale tiles, and what to tell as its tiles finish.</summary>
    public sealed class Step
    {
        public required StepRunner Runner { get; init; }
        public required TileWork Work { get; init; }
        public required IReadOnlyList<Tile> Stale { get; init; }
        public Action<TileOutcome>? OnTile { get; init; }
        /// <summary>Once, after the step's last tile (its manifest.json written), with the seconds from its first tile's start.</summary>
        public Action<IReadOnlyList<TileOutcome>, TimeSpan>? OnDone { get; init; }
    }

    public required int MaxParallel { get; init; }
    /// <summary>The most tiles in one batch (<see cref="TileWork.MaxBatchTiles"/>).</summary>
    public int MaxBatchTiles { get; init; } = TileWork.MaxBatchTiles;
    /// <summary>Tiles waiting on services at once, beside the computing ones (each client limits its own requests further).</summary>
    public int NetworkParallel { get; init; } = 8;
    /// <summary>Stop at the first failed tile: tiles not started are left stale (no record), running ones finish.</summary>
    public bool FailFast { get; init; }
    public CancellationToken Cancellation { get; init; }

    /// <summary>The step of the first failed tile when FailFast stopped the flow, else null.</summary>
    public string? StoppedAt { get; private set; }

    sealed class Node(int step, Tile tile, int order)
    {
        public readonly int Step = step;
        public readonly Tile Tile = tile;
        public readonly int Order = order;
        public int Waiting;
        public readonly List<Node> Next = [];
    }

    sealed class StepState(Step step, int index, int maxBatch)
    {
        public readonly Step Step = step;
        public readonly int Index = index;
        public readonly List<TileOutcome> Outcomes = [];
        public readonly List<(Node Node, StepRunner.PreparedTile Tile)> Prepared = [];
        public int Left = step.Stale.Count;
        public int Unprepared = step.Stale.Count;
        /// <summary>
        /// Prepared tiles enough for a batch while others are still coming: a full batch, or, when a later step of the build
        /// waits on a service (<see cref="Early"/>), a quarter of the step's tiles.
        /// </summary>
        public int BatchAt = maxBatch;

        /// <summary>Batches early, so that a later step's waiting overlaps the computing of the tiles still coming.</summary>
        public void Early(int maxBatch) => BatchAt = Math.Min(maxBatch, Math.Max(1, (Step.Stale.Count + 3) / 4));
        public bool Batching;
        public long Started = -1;
        public bool Network => Step.Work.WaitsOnNetwork;
    }

    // One piece of work a worker takes: a tile of a step, or a batch of a batched step's prepared tiles.
    sealed record Job(Node? Node, StepState? Batch, List<(Node Node, StepRunner.PreparedTile Tile)>? Tiles);

    readonly object _lock = new();
    // Each step's manifest.json, written beside the work (0.3-0.5 s each at 10,000 tiles), so the worker that finished the
    // step's last tile goes on; at 10,000 tiles no gain was measured, the aggregations being CPU-bound on two cores.
    readonly List<Task> _closing = [];
    readonly PriorityQueue<Node, (int, int)> _cpuReady = new();
    readonly PriorityQueue<Node, (int, int)> _netReady = new();
    StepState[] _steps = [];
    IReadOnlyList<string> _allTileIds = [];
    int _running, _unfinished;
    CancellationTokenSource _cancel = null!;
    Exception? _broken;

    /// <summary>Runs the steps (in the order given, which must put every step after those it reads from); returns each step's outcomes by name.</summary>
    public IReadOnlyDictionary<string, IReadOnlyList<TileOutcome>> Run(IReadOnlyList<Step> steps, IReadOnlyList<string> allTileIds)
    {
        using var cancel = CancellationTokenSource.CreateLinkedTokenSource(Cancellation);
        _cancel = cancel;
        _allTileIds = allTileIds;
        _steps = steps.Select((s, i) => new StepState(s, i, MaxBatchTiles)).ToArray();
        // An early batch costs a call (a STILTS start, about 1.3 s here): worth it only when there is waiting to overlap.
        foreach (var state in _steps.Where(s => s.Step.Work.IsBatched && _steps.Skip(s.Index + 1).Any(l => l.Network && l.Step.Stale.Count > 0)))
            state.Early(MaxBatchTiles);
        var order = allTileIds.Select((id, i) => (id, i)).ToDictionary(p => p.id, p => p.i, StringComparer.Ordinal);
        var nodes = new Dictionary<(int, string), Node>();
        var index = steps.Select((s, i) => (s.Runner.Step.Name, i)).ToDictionary(p => p.Name, p => p.i, StringComparer.Ordinal);
        foreach (var state in _steps)
            foreach (var (tile, i) in (state.Step.Work.Arrange?.Invoke(state.Step.Stale) ?? state.Step.Stale).Select((t, i) => (t, i)))
            {
                // The step's own order of its tiles when it has one (a plate's tiles together), else the run's.
                var node = new Node(state.Index, tile, state.Step.Work.Arrange is null ? order.GetValueOrDefault(tile.TileId, int.MaxValue) : i);
                nodes[(state.Index, tile.TileId)] = node;
                // A tile waits only for the steps it reads from that run it in this build: the others' outputs are current.
                foreach (var up in state.Step.Runner.Step.After.Concat(state.Step.Work.WaitsFor).Distinct())
                    if (index.TryGetValue(up, out var u) && nodes.TryGetValue((u, tile.TileId), out var before))
                    {
                        if (u >= state.Index) throw new InvalidOperationException($"step {state.Step.Runner.Step.Name} comes before {up}, which it reads from.");
                        before.Next.Add(node);
                        node.Waiting++;
                    }
            }
        _unfinished = nodes.Count;
        foreach (var node in nodes.Values.Where(n => n.Waiting == 0)) Enqueue(node);
        // Each step's folder looked over, on every core (its records' listing; a killed build's temp files are swept beside
        // the work). The steps' folders are their own.
        var opening = _steps.Where(s => s.Step.Stale.Count > 0).ToList();
        var failures = new Exception?[opening.Count];
        InParallel.For(opening.Count, Environment.ProcessorCount, i =>
        {
            try { opening[i].Step.Runner.Open(); }
            catch (Exception e) { failures[i] = e; }
        });
        if (failures.FirstOrDefault(e => e is not null) is { } first) System.Runtime.ExceptionServices.ExceptionDispatchInfo.Throw(first);  // the first step's, as when opened in order
        try
        {
            var workers = Enumerable.Range(0, MaxParallel + NetworkParallel)
                .Select(i => new Thread(() => Work(network: i >= MaxParallel)) { IsBackground = true, Name = $"vasco-flow-{i}" }).ToList();
            foreach (var w in workers) w.Start();
            foreach (var w in workers) w.Join();
            Task[] closing;
            lock (_lock) closing = [.. _closing];
            try { Task.WaitAll(closing); }
            catch (AggregateException e) { _broken ??= e.InnerExceptions[0]; }
            if (_broken is not null) System.Runtime.ExceptionServices.ExceptionDispatchInfo.Throw(_broken);
        }
        finally
        {
            // A step whose tiles did not all run (FailFast, a cancelled build) still gets its manifest.json over what is there.
            foreach (var state in _steps.Where(s => s.Left > 0 && s.Step.Stale.Count > 0)) Done(state);
        }
        return _steps.ToDictionary(s => s.Step.Runner.Step.Name, s => (IReadOnlyList<TileOutcome>)s.Outcomes, StringComparer.Ordinal);
    }

    void Enqueue(Node node)
    {
        // Furthest along first (a higher step), then the run's tile order.
        var state = _steps[node.Step];
        (state.Network ? _netReady : _cpuReady).Enqueue(node, (-node.Step, node.Order));
    }

    // A worker: MaxParallel of them compute, NetworkParallel wait on services; each takes one job at a time.
    void Work(bool network)
    {
        try
        {
            while (Take(network) is { } job)
            {
                try
                {
                    if (job.Node is { } node) RunTile(node);
                    else RunBatch(job.Batch!, job.Tiles!);
                }
                finally
                {
                    lock (_lock) { _running--; Monitor.PulseAll(_lock); }
                }
            }
        }
        catch (Exception e)
        {
            // Not a tile's failure (those are records): the build's own (a full disk writing a step's manifest.json).
            lock (_lock) { _broken ??= e; _cancel.Cancel(); Monitor.PulseAll(_lock); }
        }
    }

    Job? Take(bool network)
    {
        lock (_lock)
        {
            while (true)
            {
                if (_cancel.IsCancellationRequested || _unfinished == 0) { Monitor.PulseAll(_lock); return null; }
                if (Pick(network) is { } job)
                {
                    _running++;
                    if (job.Node is { } n && _steps[n.Step].Started < 0) _steps[n.Step].Started = System.Diagnostics.Stopwatch.GetTimestamp();
                    return job;
                }
                // Nothing to take and nothing running that could make more: only waiting tiles whose steps cannot run are left.
                if (_running == 0 && _cpuReady.Count == 0 && _netReady.Count == 0 && !_steps.Any(s => s.Prepared.Count > 0))
                    throw new InvalidOperationException("the flow of tiles is stuck: a tile waits for a step that does not run it.");
                Monitor.Wait(_lock);
            }
        }
    }

    // The number of workers of each kind is the limit, so a free worker may always take a job of its kind.
    Job? Pick(bool network)
    {
        var batched = _steps.Where(s => s.Network == network && s.Prepared.Count > 0 && !s.Batching).ToList();
        // A batch that has all its tiles, or enough of them (BatchAt), goes first: the tiles after it wait on it.
        if (batched.FirstOrDefault(s => s.Unprepared == 0 || s.Prepared.Count >= s.BatchAt) is { } full) return Batch(full);
        var ready = network ? _netReady : _cpuReady;
        if (ready.Count > 0) return new Job(ready.Dequeue(), null, null);
        // Nothing else to do now: rather than idle, serve the tiles prepared so far.
        return batched.Count > 0 ? Batch(batched[^1]) : null;
    }

    Job Batch(StepState state)
    {
        state.Batching = true;
        var tiles = state.Prepared.Take(MaxBatchTiles).ToList();
        state.Prepared.RemoveRange(0, tiles.Count);
        return new Job(null, state, tiles);
    }

    void RunTile(Node node)
    {
        var state = _steps[node.Step];
        var (ready, outcome) = state.Step.Runner.PrepareTile(node.Tile, state.Step.Work, _cancel.Token);
        if (outcome is not null) { Finish(node, outcome, prepared: false); return; }
        lock (_lock)
        {
            state.Unprepared--;
            state.Prepared.Add((node, ready!));
            Monitor.PulseAll(_lock);
        }
    }

    void RunBatch(StepState state, List<(Node Node, StepRunner.PreparedTile Tile)> tiles)
    {
        var byRun = tiles.ToDictionary(t => t.Node.Tile.TileId, t => t.Node, StringComparer.Ordinal);
        try
        {
            if (_cancel.IsCancellationRequested) return;
            state.Step.Runner.RunBatch(tiles.Select(t => t.Tile).ToList(), state.Step.Work, o => Finish(byRun[o.TileId], o, prepared: true), parallel: 1);
        }
        finally
        {
            lock (_lock) { state.Batching = false; Monitor.PulseAll(_lock); }
        }
    }

    /// <summary>A tile is through a step (<paramref name="prepared"/>: after its batch): the tiles' next steps may start.</summary>
    void Finish(Node node, TileOutcome outcome, bool prepared)
    {
        var state = _steps[node.Step];
        bool last;
        lock (_lock)
        {
            state.Outcomes.Add(outcome);
            if (!prepared) state.Unprepared--;
            state.Left--;
            last = state.Left == 0;
            _unfinished--;
            foreach (var next in node.Next)
                if (--next.Waiting == 0) Enqueue(next);
            if (outcome.Status == TileStatus.Failed && FailFast && StoppedAt is null)
            {
                StoppedAt = state.Step.Runner.Step.Name;
                _cancel.Cancel();
            }
            Monitor.PulseAll(_lock);
        }
        state.Step.OnTile?.Invoke(outcome);
        if (last)
            lock (_lock) _closing.Add(Task.Run(() => Done(state)));
    }

    void Done(StepState state)
    {
        state.Step.Runner.Close(_allTileIds);
        var elapsed = state.Started < 0 ? TimeSpan.Zero : System.Diagnostics.Stopwatch.GetElapsedTime(state.Started);
        state.Step.OnDone?.Invoke(state.Outcomes, elapsed);
    }
}
