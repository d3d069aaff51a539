using System.Globalization;
using Microsoft.Build.Framework;
using Vasco.Catalogs;
using Vasco.Pipeline;
using Vasco.Preprocess;

namespace Vasco.MSBuild;

/// <summary>
/// Step 2: each downloaded plate becomes a clean image with a TAN+TPV WCS that SExtractor
/// reads, and a bright-star mask that SExtractor gets as its flag image.
/// </summary>
public sealed class VascoPreprocess : TileStepTask
{
    /// <summary>The bright-star catalog (VascoBrightStars): a CSV path with column metadata; none: Tycho-2 from VizieR.</summary>
    public ITaskItem? BrightStars { get; set; }
    [Required] public string CacheDir { get; set; } = "";
    public string? Mirrors { get; set; }

    BrightStarSource? _bright;

    protected override void Prepare(StepDeclaration step)
    {
        _bright = new BrightStarSource(BrightStars, ParameterValues, CacheDir, Mirrors);
        StepFields["bright_star_catalog"] = _bright.Description(RunDir);
    }

    protected override void Finish() => _bright?.Dispose();

    /// <summary>Tycho-2's columns unless the item names its own (the same metadata as VascoCatalog).</summary>
    internal static BrightStarColumns Columns(ITaskItem item)
    {
        string? M(string name) => item.GetMetadata(name) is { Length: > 0 } v ? v : null;
        var mapped = M("RaColumn") is not null;
        var epoch = CatalogEpoch.Read($"VascoBrightStars '{item.ItemSpec}'", M("Epoch"), mapped, BrightStarColumns.Tycho2.Epoch, item.GetMetadata("FullPath"));
        if (!mapped) return BrightStarColumns.Tycho2 with { Epoch = epoch };
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
        // The stars whose mask can reach into the tile: its half-diagonal plus the largest mask radius and spikes.
        var reachArcmin = t.Tile.SizeArcmin / Math.Sqrt(2) + options.Mask.ReachArcsec(-2) / 60 + 1;
        var result = PlatePreprocessor.Run(plate, _bright!.Around(t.Tile, reachArcmin, t.Cancellation), clean, mask, options);
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
        t.Fields["input_fits"] = Relative(plate);
        t.Fields["clean_fits"] = Relative(clean);
        t.Fields["mask_file"] = Relative(mask);
        t.Fields["plate_epoch"] = Math.Round(result.Epoch.Year, 6);
        t.Fields["plate_epoch_keyword"] = result.Epoch.Keyword;
        t.Fields["plate_id"] = result.PlateId;
        t.Fields["wcs_fit_residual_arcsec"] = result.FitResidualArcsec;
        t.Fields["masked_fraction"] = Math.Round(result.MaskedFraction, 6);
        t.Fields["bright_star_catalog"] = _bright.Description(RunDir);
    }
}
