namespace Vasco.Sky;

/// <summary>
/// Carries catalogue positions to another epoch. Over the 60-odd years between a POSS-I
/// plate and Gaia, a star moving 100 mas/yr shifts 6": more than the 5" match radius.
/// </summary>
public static class ProperMotion
{
    /// <summary>
    /// Linear propagation on the sphere. pmRa is mu_alpha* = mu_alpha cos(dec), as Gaia,
    /// USNO-B and Tycho-2 give it, in mas/yr; pmDec in mas/yr. Missing (NaN) motions count as zero.
    /// </summary>
    public static (double Ra, double Dec) Propagate(double raDeg, double decDeg, double pmRaMasYr, double pmDecMasYr, double fromEpoch, double toEpoch)
    {
        var dt = toEpoch - fromEpoch;
        var pmRa = double.IsFinite(pmRaMasYr) ? pmRaMasYr : 0;
        var pmDec = double.IsFinite(pmDecMasYr) ? pmDecMasYr : 0;
        if (dt == 0 || (pmRa == 0 && pmDec == 0)) return (raDeg, decDeg);
        // Move along the tangent plane at the star, then back to the sphere: exact enough
        // for any real proper motion over a century, and well behaved near the poles.
        var plane = new TangentPlane(raDeg, decDeg);
        var xi = pmRa * dt / 3.6e6;
        var eta = pmDec * dt / 3.6e6;
        return plane.Deproject(xi, eta);
    }
}
