using System.Globalization;
using Microsoft.Build.Framework;
using Vasco.Pipeline;
using Vasco.Preprocess;

namespace Vasco.MSBuild;

/// <summary>
/// Step 2: each downloaded plate becomes a clean image with a TAN+TPV WCS that SExtractor
/// reads, and a bright-star mask that SExtractor gets as its flag image.
/// </summary>
public sealed class VascoPreprocess : TileStepTask
{
    /// <summary>The bright-star catalog (VascoBrightStars): a CSV path with column metadata.</summary>
    public ITaskItem? BrightStars { get; set; }

    BrightStarCatalog? _catalog;

    protected override void Prepare(StepDeclaration step)
    {
        if (BrightStars is null)
            throw new VascoException(ErrorCodes.BrightStarsUnreadable,
                "The run names no bright-star catalog for the masks.",
                "add <VascoBrightStars Include=\"tycho2.csv\" /> (Tycho-2 columns by default, or RaColumn/DecColumn/MagColumn metadata) to the run file.");
        _catalog = BrightStarCatalog.Read(BrightStars.GetMetadata("FullPath"), Columns(BrightStars));
    }

    /// <summary>Tycho-2's columns unless the item names its own (the same metadata as VascoCatalog).</summary>
    internal static BrightStarColumns Columns(ITaskItem item)
    {
        string? M(string name) => item.GetMetadata(name) is { Length: > 0 } v ? v : null;
        if (M("RaColumn") is null) return BrightStarColumns.Tycho2;
        var epoch = M("Epoch") is { } e ? double.Parse(e, CultureInfo.InvariantCulture) : 2000.0;
        return new BrightStarColumns(M("RaColumn")!, M("DecColumn") ?? "dec", M("MagColumn") ?? "mag",
            M("PmRaColumn"), M("PmDecColumn"), epoch, M("FallbackMagColumn"));
    }

    protected override void RunTile(TileContext t)
    {
        var plate = Path.Combine(t.UpstreamDirs["Download"], t.Tile.TileId + ".fits");
        var clean = t.OutputPath(".clean.fits");
        var mask = t.OutputPath(".mask");
        var p = t.Parameters;
        var options = new PreprocessOptions
        {
            MaxFitResidualArcsec = p.Number("ValidatorToleranceArcsec"),
            Mask = new MaskOptions(p.Number("MaskMagLimit"), p.Number("MaskReferenceMag"), p.Number("MaskReferenceRadiusArcsec"),
                p.Number("MaskMinRadiusArcsec"), p.Number("MaskMaxRadiusArcsec"), p.Number("MaskSpikeLengthFactor"), p.Number("MaskSpikeHalfWidthArcsec")),
        };
        var result = PlatePreprocessor.Run(plate, _catalog!.Stars, clean, mask, options);
        t.AddInput(plate);
        t.AddOutput(clean);
        t.AddOutput(mask);
        t.Counts["bright_stars_in_image"] = result.StarsInImage;
        t.Counts["bright_stars_masked"] = result.StarsMasked;
        t.Counts["masked_pixels"] = result.MaskedPixels;
        t.Counts["repaired_pixels"] = result.RepairedPixels;
        t.Fields["input_fits"] = Relative(plate);
        t.Fields["clean_fits"] = Relative(clean);
        t.Fields["mask_file"] = Relative(mask);
        t.Fields["plate_epoch"] = Math.Round(result.Epoch.Year, 6);
        t.Fields["plate_epoch_keyword"] = result.Epoch.Keyword;
        t.Fields["plate_id"] = result.PlateId;
        t.Fields["wcs_fit_residual_arcsec"] = result.FitResidualArcsec;
        t.Fields["masked_fraction"] = Math.Round(result.MaskedFraction, 6);
        t.Fields["bright_star_catalog"] = Relative(_catalog.Path);
    }
}
