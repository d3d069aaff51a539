using Vasco.Extraction;
using Vasco.Pipeline;

namespace Vasco.Steps;

/// <summary>Step 4: the PSFEx model of each tile, with its accepted stars and quality checked.</summary>
public sealed class PsfStep(StepEnvironment env, PsfStep.Config config) : TileStep(env)
{
    public static readonly ParameterDefinition PsfMinStars = new("PsfMinStars", ParameterType.Integer, "20", "fewest stars PSFEx must accept for a usable model", Min: 1, Max: 100000);
    public static readonly ParameterDefinition PsfMaxChi2 = new("PsfMaxChi2", ParameterType.Number, "10", "largest acceptable chi2 of the PSF model", Min: 0, MinExclusive: true);

    public static readonly TileDataset Model = new("Psf", ".psf");

    public sealed record Config(int MinStars, double MaxChi2, double ToolTimeoutSeconds);

    public static readonly StepContract Contract = StepContract.PerTile("Psf", 4, typeof(PsfStep), Bind, (env, c) => new PsfStep(env, c));

    public static Config Bind(ParameterReader p) => new(p.Integer(PsfMinStars), p.Number(PsfMaxChi2), p.Unstamped.Number(Pass1Step.ToolTimeoutSeconds));

    public const string PsfexConfig = "PsfexConfig";

    public override void RunTile(TileContext t)
    {
        var catalog = t.Input(Pass1Step.Catalog);
        var psf = t.Output(Model);
        var model = new Psfex(Env.Tool("psfex", "Psf"), TimeSpan.FromSeconds(config.ToolTimeoutSeconds))
            .Run(catalog, Env.File(PsfexConfig), psf, t.LogPath(), t.Cancellation);
        CatalogChecks.Psf(model, config.MinStars, config.MaxChi2, psf);
        t.AddInput(catalog);
        t.AddOutput(psf);
        t.Counts["stars_loaded"] = model.Loaded;
        t.Counts["stars_used"] = model.Accepted;
        t.Fields["psf_model"] = Env.Relative(psf);
        t.Fields["model_quality"] = new Dictionary<string, double> { ["chi2"] = model.Chi2, ["fwhm_pixels"] = model.FwhmPixels, ["sampling"] = model.Sampling };
    }
}
