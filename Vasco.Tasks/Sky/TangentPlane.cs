namespace Vasco.Sky;

/// <summary>
/// The gnomonic (TAN) projection about a sky position, north up, east to the left on
/// the sky (xi grows with RA). Coordinates are in degrees of the tangent plane, the units
/// of a TAN image's intermediate world coordinates, so a square image of side S degrees
/// covers |xi|, |eta| &lt;= S/2.
/// </summary>
public readonly struct TangentPlane
{
    readonly double _ra0, _sinDec0, _cosDec0;

    public TangentPlane(double ra0Deg, double dec0Deg)
    {
        Ra0 = ra0Deg;
        Dec0 = dec0Deg;
        _ra0 = ra0Deg * Angles.DegToRad;
        _sinDec0 = Math.Sin(dec0Deg * Angles.DegToRad);
        _cosDec0 = Math.Cos(dec0Deg * Angles.DegToRad);
    }

    public double Ra0 { get; }
    public double Dec0 { get; }

    /// <summary>Projects a sky position; false when it lies on the far hemisphere (no projection).</summary>
    public bool TryProject(double raDeg, double decDeg, out double xiDeg, out double etaDeg)
    {
        var dec = decDeg * Angles.DegToRad;
        var dra = raDeg * Angles.DegToRad - _ra0;
        var sinDec = Math.Sin(dec);
        var cosDec = Math.Cos(dec);
        var cosDra = Math.Cos(dra);
        var denom = sinDec * _sinDec0 + cosDec * _cosDec0 * cosDra;
        if (denom <= 1e-12)
        {
            xiDeg = etaDeg = double.NaN;
            return false;
        }
        xiDeg = cosDec * Math.Sin(dra) / denom * Angles.RadToDeg;
        etaDeg = (sinDec * _cosDec0 - cosDec * _sinDec0 * cosDra) / denom * Angles.RadToDeg;
        return true;
    }

    /// <summary>The sky position of a tangent-plane point; RA in [0, 360).</summary>
    public (double RaDeg, double DecDeg) Deproject(double xiDeg, double etaDeg)
    {
        var xi = xiDeg * Angles.DegToRad;
        var eta = etaDeg * Angles.DegToRad;
        var denom = _cosDec0 - eta * _sinDec0;
        var ra = _ra0 + Math.Atan2(xi, denom);
        var dec = Math.Atan2(_sinDec0 + eta * _cosDec0, Math.Sqrt(xi * xi + denom * denom));
        return (Angles.WrapRa(ra * Angles.RadToDeg), dec * Angles.RadToDeg);
    }

    /// <summary>True when the position falls inside the square of side sizeDeg centred on this plane's origin.</summary>
    public bool SquareContains(double sizeDeg, double raDeg, double decDeg) =>
        TryProject(raDeg, decDeg, out var xi, out var eta)
        && Math.Abs(xi) <= sizeDeg / 2 && Math.Abs(eta) <= sizeDeg / 2;
}
