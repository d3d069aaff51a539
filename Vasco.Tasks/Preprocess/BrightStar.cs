using Vasco.Sky;

namespace Vasco.Preprocess;

/// <summary>
/// A bright star of a reference catalog: position (degrees) at <paramref name="Epoch"/> (decimal year), magnitude,
/// and proper motion in mas/yr, <paramref name="PmRa"/> being mu_alpha* = mu_alpha cos(dec).
/// </summary>
public sealed record BrightStar(double Ra, double Dec, double Mag, double PmRa, double PmDec, double Epoch)
{
    private const double MasPerRadian = 180.0 / Math.PI * 3600e3;

    /// <summary>
    /// The star moved to <paramref name="year"/> along a great circle (the rigorous form of dRA = pmRA / cos(dec),
    /// which also holds near the poles); radial velocity and parallax are ignored, as they are below plate precision.
    /// </summary>
    public BrightStar PropagatedTo(double year)
    {
        var years = year - Epoch;
        if (years == 0 || (PmRa == 0 && PmDec == 0))
            return this with { Epoch = year };
        var ra = Ra * Angles.DegToRad;
        var dec = Dec * Angles.DegToRad;
        var (sinRa, cosRa) = Math.SinCos(ra);
        var (sinDec, cosDec) = Math.SinCos(dec);
        // Position and the unit vectors towards east and north, then a step along the motion (radians).
        var east = PmRa * years / MasPerRadian;
        var north = PmDec * years / MasPerRadian;
        var x = cosDec * cosRa - east * sinRa - north * sinDec * cosRa;
        var y = cosDec * sinRa + east * cosRa - north * sinDec * sinRa;
        var z = sinDec + north * cosDec;
        var newRa = Angles.WrapRa(Math.Atan2(y, x) * Angles.RadToDeg);
        var newDec = Math.Atan2(z, Math.Sqrt(x * x + y * y)) * Angles.RadToDeg;
        return this with { Ra = newRa, Dec = newDec, Epoch = year };
    }
}
