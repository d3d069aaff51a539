using Vasco.Pipeline;
using Vasco.Preprocess;

namespace Vasco.Steps;

/// <summary>
/// Step 2: each downloaded plate becomes a clean image with a TAN+TPV WCS that SExtractor
/// reads, and a bright-star mask that SExtractor gets as its flag image.
/// </summary>
public sealed class PreprocessStep : TileStep
{
    public static readonly ParameterDefinition ValidatorToleranceArcsec = new("ValidatorToleranceArcsec", ParameterType.Number, "0.05", "within5 validator tolerance, arcsec (also the largest residual of step 2's TAN-TPV fit to the plate solution)", Min: 0, Max: 5);
    public static readonly ParameterDefinition MaskMagLimit = new("MaskMagLimit", ParameterType.Number, "13", "stars brighter than this (V) are masked", Min: -2, Max: 25);
    public static readonly ParameterDefinition MaskReferenceMag = new("MaskReferenceMag", ParameterType.Number, "9", "magnitude whose mask radius is MaskReferenceRadiusArcsec", Min: -2, Max: 25);
    public static readonly ParameterDefinition MaskReferenceRadiusArcsec = new("MaskReferenceRadiusArcsec", ParameterType.Number, "40", "mask radius at MaskReferenceMag; it grows x10^0.2 per magnitude brighter", Min: 0, MinExclusive: true);
    public static readonly ParameterDefinition MaskMinRadiusArcsec = new("MaskMinRadiusArcsec", ParameterType.Number, "5", "smallest mask radius", Min: 0, MinExclusive: true);
    public static readonly ParameterDefinition MaskMaxRadiusArcsec = new("MaskMaxRadiusArcsec", ParameterType.Number, "300", "largest mask radius", Min: 0, MinExclusive: true);
    public static readonly ParameterDefinition MaskSpikeLengthFactor = new("MaskSpikeLengthFactor", ParameterType.Number, "2", "diffraction-spike arm length, in mask radii", Min: 0);
    public static readonly ParameterDefinition MaskSpikeHalfWidthArcsec = new("MaskSpikeHalfWidthArcsec", ParameterType.Number, "5", "diffraction-spike arm half-width", Min: 0);

    /// <summary>The clean image (its header carries the plate epoch, EPOCHPLT, and PLATEID: <see cref="CleanPlate"/>) and its flag image.</summary>
    public static readonly TileDataset Clean = new("Preprocess", ".clean.fits");
    public static readonly TileDataset Mask = new("Preprocess", ".mask");

    public sealed record Config(BrightStarSource.Config BrightStars, PreprocessOptions Options);

    public static readonly StepContract Contract = StepContract.PerTile("Preprocess", 2, typeof(PreprocessStep), Bind, (env, c) => new PreprocessStep(env, c));

    public static Config Bind(ParameterReader p) => new(BrightStarSource.Bind(p), new PreprocessOptions
    {
        MaxFitResidualArcsec = p.Number(ValidatorToleranceArcsec),
        Mask = new MaskOptions(p.Number(MaskMagLimit), p.Number(MaskReferenceMag), p.Number(MaskReferenceRadiusArcsec),
            p.Number(MaskMinRadiusArcsec), p.Number(MaskMaxRadiusArcsec), p.Number(MaskSpikeLengthFactor), p.Number(MaskSpikeHalfWidthArcsec)),
    });

    readonly Config _config;
    readonly BrightStarSource _bright;

    public PreprocessStep(StepEnvironment env, Config config) : base(env)
    {
        _config = config;
        _bright = new BrightStarSource(env, config.BrightStars);
        StepFields["bright_star_catalog"] = _bright.Description(env.RunDir);
    }

    public override void Dispose()
    {
        _bright.Dispose();
        base.Dispose();
    }

    public override void RunTile(TileContext t)
    {
        var plate = t.Input(DownloadStep.Plate);
        var clean = t.Output(Clean);
        var mask = t.Output(Mask);
        var options = _config.Options;
        // The stars whose mask can reach into the tile: its half-diagonal plus the largest mask radius and spikes.
        var reachArcmin = t.Tile.SizeArcmin / Math.Sqrt(2) + options.Mask.ReachArcsec(-2) / 60 + 1;
        var result = PlatePreprocessor.Run(plate, _bright.Around(t.Tile, reachArcmin, t.Cancellation), clean, mask, options);
        t.AddInput(plate);
        t.AddOutput(clean);
        t.AddOutput(mask);
        t.Counts["bright_stars_in_image"] = result.StarsInImage;
        t.Counts["bright_stars_masked"] = result.StarsMasked;
        t.Counts["masked_pixels"] = result.MaskedPixels;
        t.Counts["repaired_pixels"] = result.RepairedPixels;
        t.Fields["repaired_fraction"] = Math.Round(result.RepairedFraction, 6);
        if (result.RepairedWarning is { } repaired)
            t.Warn(ErrorCodes.PixelsRepaired, repaired);
        t.Fields["input_fits"] = Env.Relative(plate);
        t.Fields["clean_fits"] = Env.Relative(clean);
        t.Fields["mask_file"] = Env.Relative(mask);
        t.Fields["plate_epoch"] = Math.Round(result.Epoch.Year, 6);
        t.Fields["plate_epoch_keyword"] = result.Epoch.Keyword;
        t.Fields["plate_id"] = result.PlateId;
        t.Fields["wcs_fit_residual_arcsec"] = result.FitResidualArcsec;
        t.Fields["masked_fraction"] = Math.Round(result.MaskedFraction, 6);
        t.Fields["bright_star_catalog"] = _bright.Description(Env.RunDir);
    }
}
