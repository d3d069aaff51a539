using System.Globalization;
using Vasco.Extraction;
using Vasco.IO;
using Vasco.Pipeline;
using Vasco.Steps;

namespace Vasco.Tests.Contracts;

/// <summary>
/// The worked example of docs/architecture.md ("How to add a step"): how many pass-2 sources of a tile are brighter
/// than a signal-to-noise limit. Its whole contract is here; ExampleStepTests runs it after the real steps 1-5.
/// </summary>
public sealed class BrightSourceCountStep(StepEnvironment env, BrightSourceCountStep.Config config) : TileStep(env)
{
    // Its parameter: name, type, default, meaning, range. config/pipeline.yaml and docs/parameters.md are checked against it.
    public static readonly ParameterDefinition CountSnrMin = new("CountSnrMin", ParameterType.Number, "50", "sources counted need SNR_WIN above this", Min: 0);

    // What it writes for each tile; a later step reads it with t.Input(BrightSourceCountStep.Count).
    public static readonly TileDataset Count = new("BrightSourceCount", "_count.txt");

    // Its config: exactly what it reads. The stamp holds CountSnrMin because Bind reads it.
    public sealed record Config(double SnrMin);

    public static Config Bind(ParameterReader p) => new(p.Number(CountSnrMin));

    // Name, number, binder, work. A built-in step adds this contract to BuiltInSteps.All.
    public static readonly StepContract Contract =
        StepContract.PerTile("BrightSourceCount", 11, typeof(BrightSourceCountStep), Bind, (env, c) => new BrightSourceCountStep(env, c));

    public override void RunTile(TileContext t)
    {
        var catalog = t.Input(Pass2Step.Catalog);
        var snr = LdacCatalog.Read(catalog).Column("SNR_WIN");
        var count = snr.Count(s => s > config.SnrMin);
        var output = t.Output(Count);
        AtomicFile.WriteAllText(output, count.ToString(CultureInfo.InvariantCulture) + "\n");
        t.AddInput(catalog);
        t.AddOutput(output);
        t.Counts["bright_sources"] = count;
    }
}
