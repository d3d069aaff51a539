using Vasco.Pipeline;
using Vasco.Tiling;

namespace Vasco.Steps;

/// <summary>
/// The work of a per-tile step over the stale tiles of one build. Its contract makes it with
/// the step's typed config (made once per build: clients and shared inputs are opened here),
/// then the engine's <see cref="StepRunner"/> calls <see cref="RunTile"/> for each tile.
/// It knows nothing of MSBuild; tests make and run it directly.
/// </summary>
public abstract class TileStep(StepEnvironment env) : IDisposable
{
    public StepEnvironment Env { get; } = env;

    /// <summary>Step-level fields of the step's manifest.json (the seed's checklist fields).</summary>
    public Dictionary<string, object?> StepFields { get; } = new(StringComparer.Ordinal);

    /// <summary>Runs the stale tiles of this step alone (<see cref="StepRunner"/>).</summary>
    public IReadOnlyList<TileOutcome> Run(StepRunner runner, IReadOnlyList<Tile> stale, IReadOnlyList<string> allTileIds, Action<TileOutcome>? onTile = null) =>
        runner.Run(stale, allTileIds, Work(), onTile);

    /// <summary>How the step works its tiles: one by one (<see cref="RunTile"/>), unless a step batches them.</summary>
    public virtual TileWork Work() => TileWork.PerTile(RunTile);

    /// <summary>The work of one tile (steps that batch their tiles override <see cref="Work"/> instead).</summary>
    public virtual void RunTile(TileContext t) => throw new NotSupportedException($"{GetType().Name} overrides neither RunTile nor Work.");

    public virtual void Dispose() => GC.SuppressFinalize(this);
}

/// <summary>
/// A step's contract: its name and number, the binder that reads its typed config from the
/// run's parameters, and (per-tile steps) how its work is made. The parameters a step's stamp
/// holds are what its binder reads (<see cref="Reads"/>), never a list kept by hand; the
/// parameters it declares (its <see cref="Owns"/>: static <see cref="ParameterDefinition"/>
/// fields of its class) give every default, range and meaning once.
/// </summary>
public sealed class StepContract
{
    readonly Func<ParameterReader, object> _bind;
    readonly Func<StepEnvironment, object, TileStep>? _create;
    readonly Lazy<(IReadOnlyList<string> Stamped, IReadOnlyList<string> Unstamped)> _reads;

    StepContract(string name, int number, Type owner, Func<ParameterReader, object> bind, Func<StepEnvironment, object, TileStep>? create)
    {
        (Name, Number, Owner, _bind, _create) = (name, number, owner, bind, create);
        _reads = new(() =>
        {
            var reader = new ParameterReader(ParameterCatalog.DefaultsWith(Owns));
            _bind(reader);
            return (reader.Stamped, reader.UnstampedNames);
        });
    }

    public static StepContract PerTile<TConfig>(string name, int number, Type owner, Func<ParameterReader, TConfig> bind, Func<StepEnvironment, TConfig, TileStep> create,
        string revision = "")
        where TConfig : notnull =>
        new(name, number, owner, p => bind(p), (env, config) => create(env, (TConfig)config)) { Revision = revision };

    /// <summary>
    /// Bumped when what the step writes changes in a way no parameter shows (a new column): it enters the step's stamp,
    /// so existing runs redo the step's tiles (and what reads them) instead of mixing old and new files.
    /// </summary>
    public string Revision { get; private init; } = "";

    public static StepContract PerRun<TConfig>(string name, int number, Type owner, Func<ParameterReader, TConfig> bind) where TConfig : notnull =>
        new(name, number, owner, p => bind(p), null);

    public string Name { get; }
    public int Number { get; }
    /// <summary>The class that declares the step's own parameters.</summary>
    public Type Owner { get; }

    /// <summary>The parameters the step's stamp holds: what its binder reads, in the order it reads them.</summary>
    public IReadOnlyList<string> Reads => _reads.Value.Stamped;

    /// <summary>Parameters the step reads that change how it runs, not what it writes (time limits, retries).</summary>
    public IReadOnlyList<string> Unstamped => _reads.Value.Unstamped;

    /// <summary>The parameters this step declares (others it reads are declared by the step that first uses them).</summary>
    public IReadOnlyList<ParameterDefinition> Owns => ParameterCatalog.DeclaredBy(Owner);

    /// <summary>The step's typed config from the run's values.</summary>
    public object Bind(ParameterSet values) => _bind(new ParameterReader(Restrict(values)));

    /// <summary>
    /// The run's values limited to what the step may read: a read of anything else (a parameter its stamp does not hold)
    /// fails at once, instead of letting a changed value leave the step's outputs stale.
    /// </summary>
    public ParameterSet Restrict(ParameterSet values) =>
        values.Only(Reads.Concat(Unstamped).Concat(RunSettings.EngineReads), $"step {Name}'s contract");

    /// <summary>The work of a per-tile step for one build, its config bound from the run's values.</summary>
    public TileStep Create(StepEnvironment env, ParameterSet values) =>
        _create is null ? throw new InvalidOperationException($"Step {Name} runs once per run, not per tile.") : _create(env, Bind(values));
}
