namespace Vasco.Pipeline;

/// <summary>
/// How a step works its tiles: each tile alone, or (a batched step) each tile prepared alone, then one shared call for a
/// batch of prepared tiles (one STILTS run, one upload to a service: a cost paid per call, not per tile), then each tile
/// finished alone with the batch's answer. <see cref="StepRunner"/> runs one step's stale tiles this way; <see cref="TileFlow"/>
/// runs several steps at once, a tile going on to its next step as soon as it is through the last.
/// </summary>
public sealed record TileWork
{
    readonly Func<TileContext, object?> _prepare;
    readonly Func<IReadOnlyList<(TileContext Tile, object? Prepared)>, object?>? _batch;
    readonly Action<TileContext, object?, object?>? _finish;

    TileWork(Func<TileContext, object?> prepare, Func<IReadOnlyList<(TileContext, object?)>, object?>? batch, Action<TileContext, object?, object?>? finish) =>
        (_prepare, _batch, _finish) = (prepare, batch, finish);

    /// <summary>Each tile's whole work alone.</summary>
    public static TileWork PerTile(Action<TileContext> run) => new(t => { run(t); return null; }, null, null);

    /// <summary>Tiles prepared alone, a batch of them served by one call, each finished with that call's answer.</summary>
    public static TileWork Batched<TPrepared, TShared>(Func<TileContext, TPrepared> prepare,
        Func<IReadOnlyList<(TileContext Tile, TPrepared Prepared)>, TShared> batch, Action<TileContext, TPrepared, TShared> finish) =>
        new(t => prepare(t),
            tiles => batch(tiles.Select(p => (p.Item1, (TPrepared)p.Item2!)).ToList()),
            (t, prepared, shared) => finish(t, (TPrepared)prepared!, (TShared)shared!));

    /// <summary>
    /// The step mostly waits for a remote service (STScI, VizieR, the vetting services): in a <see cref="TileFlow"/> its tiles
    /// do not hold one of the build's MaxParallel cores, so the build computes other tiles while they wait.
    /// </summary>
    public bool WaitsOnNetwork { get; init; }

    /// <summary>
    /// The order the step wants its stale tiles in (a plate's tiles together), told before any of them runs, so the step can
    /// also ready what they share; null: the run's tile order.
    /// </summary>
    public Func<IReadOnlyList<Tiling.Tile>, IReadOnlyList<Tiling.Tile>>? Arrange { get; init; }

    /// <summary>
    /// Steps a tile must be through (in this build) before this step starts on it, beyond those it reads from: an order of
    /// work, not of data, so not in the stamp (step 6 waits for step 1, and skips a tile that has no plate).
    /// </summary>
    public IReadOnlyList<string> WaitsFor { get; init; } = [];

    public bool IsBatched => _batch is not null;

    /// <summary>
    /// The most tiles one batch serves: a batch holds its tiles' prepared inputs and its answer in memory (a survey build's
    /// one STILTS batch of 10,000 6' tiles held 7.5 GB), and one more call per 256 tiles costs little (a JVM start, about
    /// 0.6 s, against 256 tiles' matching).
    /// </summary>
    public const int MaxBatchTiles = 256;

    internal object? Prepare(TileContext t) => _prepare(t);
    internal object? Batch(IReadOnlyList<(TileContext, object?)> tiles) => _batch!(tiles);
    internal void Finish(TileContext t, object? prepared, object? shared) => _finish?.Invoke(t, prepared, shared);
}
