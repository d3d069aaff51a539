using Vasco.Download;
using Vasco.Fits;
using Vasco.Preprocess;
using Vasco.Sky;

namespace Vasco.SecondLook;

/// <summary>
/// A cutout of another plate of the candidate's sky (<see cref="PlateSurvey"/>), as checked by <see cref="PlateValidator"/>:
/// its pixels, its own astrometric solution, when it was exposed (its header's DATE-OBS, UT and EXPOSURE) and its label.
/// </summary>
public sealed record OtherPlate(PlateSurvey Survey, float[] Pixels, int Width, int Height, IWcs Wcs, double Epoch, PlateExposure Exposure, string Label)
{
    /// <summary>The middle of the exposure, when the header gives its start to the minute; else null.</summary>
    public DateTime? MidUtc => Exposure.StartUnknown is null ? Exposure.MidUtc : null;

    /// <summary>Arcsec per pixel at the image centre, from the plate's own solution.</summary>
    public double PixelScaleArcsec
    {
        get
        {
            var (cx, cy) = ((Width + 1) / 2.0, (Height + 1) / 2.0);
            var (ra0, dec0) = Wcs.PixelToSky(cx, cy);
            var (ra1, dec1) = Wcs.PixelToSky(cx + 1, cy);
            return Angles.SeparationDeg(ra0, dec0, ra1, dec1) * 3600;
        }
    }

    /// <summary>Reads a cutout the DSS client (or the synthetic sky) has already checked as a plate of <paramref name="survey"/>.</summary>
    public static OtherPlate Read(byte[] fits, PlateSurvey survey, string source)
    {
        // The check parses the file and makes its WCS: both are used, not made again.
        var check = PlateValidator.Check(fits, source, survey, out var file, out var wcs);
        if (!check.IsPlate)
            throw new VascoException(ErrorCodes.OtherPlateInvalid, $"{source} is not a {survey.Label} plate: {check.Reason}.", "remove it from the cache; the next build fetches it again.");
        var image = file!.Primary;
        return new OtherPlate(survey, image.ReadFloats(), image.Axes[0], image.Axes[1], wcs!, check.Plate!.Epoch,
            PlateExposure.FromHeader(image.Header, source), check.Plate.Label ?? "");
    }
}
