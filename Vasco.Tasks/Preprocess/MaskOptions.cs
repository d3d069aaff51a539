using System.Globalization;

namespace Vasco.Preprocess;

/// <summary>
/// The shape of the bright-star mask. Every star brighter than <see cref="MaskMagLimit"/> gets a disc of radius
/// r = <see cref="ReferenceRadiusArcsec"/> * 10^(0.2 (<see cref="ReferenceMag"/> - m)), clamped to
/// [<see cref="MinRadiusArcsec"/>, <see cref="MaxRadiusArcsec"/>], and four spike arms along the pixel axes
/// (the plate axes of a DSS scan, about N-S and E-W) of length <see cref="SpikeLengthFactor"/> * r and half-width
/// <see cref="SpikeHalfWidthArcsec"/>.
/// </summary>
/// <remarks>
/// Defaults measured on the M67 POSS-I red plate (1.70"/px, sky noise about 256 counts): the median profile of
/// the V = 8.0 star stays 3 sigma above the sky out to about 60" and that of V = 9.9-10.5 stars to 25-35", so
/// r(9) = 40" puts the disc edge at that level (r(8) = 63", r(10) = 25", r(13) = 6.3", i.e. a V = 9 halo
/// 80" across). Spikes of the V = 8 star are about 6 px (10") wide and run somewhat past the halo; the arms
/// reach twice the disc radius. The 300" cap keeps a first-magnitude star from blanking a whole tile; 5" is
/// about the saturated core of the faintest stars masked.
/// </remarks>
public sealed record MaskOptions(
    double MaskMagLimit = 13.0,
    double ReferenceMag = 9.0,
    double ReferenceRadiusArcsec = 40.0,
    double MinRadiusArcsec = 5.0,
    double MaxRadiusArcsec = 300.0,
    double SpikeLengthFactor = 2.0,
    double SpikeHalfWidthArcsec = 5.0)
{
    /// <summary>The disc radius of a star of magnitude <paramref name="mag"/>, arcsec.</summary>
    public double RadiusArcsec(double mag) =>
        Math.Clamp(ReferenceRadiusArcsec * Math.Pow(10, 0.2 * (ReferenceMag - mag)), MinRadiusArcsec, MaxRadiusArcsec);

    /// <summary>How far a star's mask reaches from its centre, arcsec: the longer of the disc and the spike arms.</summary>
    public double ReachArcsec(double mag)
    {
        var radius = RadiusArcsec(mag);
        return Math.Max(radius, Math.Sqrt(Math.Pow(SpikeLengthFactor * radius, 2) + SpikeHalfWidthArcsec * SpikeHalfWidthArcsec));
    }

    /// <summary>Rejects values that would make no mask or an absurd one (a parameter error, VASCO0103).</summary>
    public void Validate()
    {
        Require(double.IsFinite(MaskMagLimit), nameof(MaskMagLimit), MaskMagLimit, "a finite magnitude");
        Require(double.IsFinite(ReferenceMag), nameof(ReferenceMag), ReferenceMag, "a finite magnitude");
        Require(ReferenceRadiusArcsec > 0 && double.IsFinite(ReferenceRadiusArcsec), nameof(ReferenceRadiusArcsec), ReferenceRadiusArcsec, "a positive number of arcsec");
        Require(MinRadiusArcsec > 0, nameof(MinRadiusArcsec), MinRadiusArcsec, "a positive number of arcsec");
        Require(MaxRadiusArcsec >= MinRadiusArcsec && MaxRadiusArcsec <= 3600, nameof(MaxRadiusArcsec), MaxRadiusArcsec, $"at least MinRadiusArcsec ({Format(MinRadiusArcsec)}) and at most 3600");
        Require(SpikeLengthFactor >= 0 && SpikeLengthFactor <= 20, nameof(SpikeLengthFactor), SpikeLengthFactor, "a number in [0, 20] (0: no spikes)");
        Require(SpikeHalfWidthArcsec >= 0 && SpikeHalfWidthArcsec <= 60, nameof(SpikeHalfWidthArcsec), SpikeHalfWidthArcsec, "a number of arcsec in [0, 60]");
    }

    private static void Require(bool ok, string name, double value, string expected)
    {
        if (!ok)
            throw new VascoException(ErrorCodes.ParameterInvalid,
                $"The bright-star mask parameter {name} = {Format(value)} is not {expected}.",
                $"set {name} to {expected}.");
    }

    private static string Format(double value) => value.ToString(CultureInfo.InvariantCulture);
}
