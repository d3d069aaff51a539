using Vasco.Extraction;
using Vasco.Pipeline;

namespace Vasco.Steps;

/// <summary>Step 5: SExtractor pass 2 with the tile's PSF: the catalog the science filters read.</summary>
public sealed class Pass2Step(StepEnvironment env, Pass2Step.Config config) : TileStep(env)
{
    public static readonly ParameterDefinition Pass2CountTolerance = new("Pass2CountTolerance", ParameterType.Number, "0.02", "fraction of pass-1 detections pass 2 may lose", Min: 0, Max: 1);
    public static readonly ParameterDefinition SpreadModel = new("SpreadModel", ParameterType.Choice, "selected", "SPREAD_MODEL for every pass-2 source (all) or only where the selection needs it (selected)", Choices: ["selected", "all"]);

    public static readonly TileDataset Catalog = new("Pass2", ".cat");

    public sealed record Config(Pass1Step.Detection Detection, double CountTolerance, bool SpreadModelEverywhere, double ToolTimeoutSeconds);

    public static readonly StepContract Contract = StepContract.PerTile("Pass2", 5, typeof(Pass2Step), Bind, (env, c) => new Pass2Step(env, c));

    public static Config Bind(ParameterReader p) =>
        new(Pass1Step.BindDetection(p), p.Number(Pass2CountTolerance), BindSpreadModel(p), p.Unstamped.Number(Pass1Step.ToolTimeoutSeconds));

    /// <summary>SpreadModel=all: pass 2 measures SPREAD_MODEL for every source, so step 8 needs no measurement of its own.</summary>
    public static bool BindSpreadModel(ParameterReader p) => p.Text(SpreadModel) == "all";

    /// <summary>The column lists without and with model fitting (SPREAD_MODEL and PSF photometry for every source).</summary>
    public const string Pass2Columns = "Pass2Columns", Pass2ModelColumns = "Pass2ModelColumns";

    public override void RunTile(TileContext t)
    {
        var clean = t.Input(PreprocessStep.Clean);
        var mask = t.Input(PreprocessStep.Mask);
        var psf = t.Input(PsfStep.Model);
        var pass1 = t.Input(Pass1Step.Catalog);
        var catalog = t.Output(Catalog);
        var modelFitting = config.SpreadModelEverywhere;
        new SExtractor(Env.Tool("source-extractor", "Pass2"), TimeSpan.FromSeconds(config.ToolTimeoutSeconds))
            .Run(new SExtractorJob(clean, Env.File(Pass1Step.SExtractorConfig), Env.File(modelFitting ? Pass2ModelColumns : Pass2Columns), catalog, t.LogPath(), mask, psf)
                { Overrides = config.Detection.Overrides(clean) }, t.Cancellation);
        var result = LdacCatalog.Read(catalog);
        var pass1Count = LdacCatalog.Read(pass1).Count;
        CatalogChecks.Pass2(result, pass1Count, config.CountTolerance, modelFitting, catalog);
        t.AddInput(clean);
        t.AddInput(mask);
        t.AddInput(psf);
        t.AddOutput(catalog);
        t.Counts["objects_detected"] = result.Count;
        t.Counts["pass1_objects"] = pass1Count;
        t.Fields["p2_cat"] = Env.Relative(catalog);
        t.Fields["psf_model_used"] = Env.Relative(psf);
        t.Fields["spread_model"] = modelFitting ? "every source" : "measured in step 8 for the sources the selection asks about";
    }
}
