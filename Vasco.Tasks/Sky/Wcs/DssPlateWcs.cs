using Vasco.Fits;

namespace Vasco.Sky;

/// <summary>
/// The Digitized Sky Survey plate solution: cutout pixels to plate millimetres (CNPIX, XPIXELSZ/YPIXELSZ, PPO3/PPO6),
/// a 13-term polynomial per axis (AMDX1..13, AMDY1..13; 14..20 are magnitude and colour terms, ignored) to standard
/// coordinates in arcsec, then the gnomonic projection about the plate centre (PLTRA*, PLTDEC*).
/// </summary>
public sealed class DssPlateWcs : IWcs
{
    private const int PolynomialTerms = 13;
    private const int MaxNewtonSteps = 50;

    private readonly double _plateRa;
    private readonly double _plateDec;
    private readonly double _xPixelSize;
    private readonly double _yPixelSize;
    private readonly double _ppo3;
    private readonly double _ppo6;
    private readonly double _cornerX;
    private readonly double _cornerY;
    private readonly double[] _amdX;
    private readonly double[] _amdY;

    private DssPlateWcs(FitsHeader header)
    {
        _plateRa = 15.0 * (header.GetDouble("PLTRAH") + header.GetDouble("PLTRAM") / 60.0 + header.GetDouble("PLTRAS") / 3600.0);
        var sign = header.GetString("PLTDECSN").Trim() switch
        {
            "+" or "" => 1.0,
            "-" => -1.0,
            var other => throw new WcsException($"PLTDECSN = '{other}' is neither '+' nor '-'"),
        };
        // The sign applies to the whole angle: degrees may be 0 with a southern declination.
        _plateDec = sign * (header.GetDouble("PLTDECD") + header.GetDouble("PLTDECM") / 60.0 + header.GetDouble("PLTDECS") / 3600.0);
        _xPixelSize = header.GetDouble("XPIXELSZ");
        _yPixelSize = header.GetDouble("YPIXELSZ");
        _ppo3 = header.GetDouble("PPO3");
        _ppo6 = header.GetDouble("PPO6");
        _cornerX = header.GetDouble("CNPIX1");
        _cornerY = header.GetDouble("CNPIX2");
        _amdX = Enumerable.Range(1, PolynomialTerms).Select(i => header.TryGetDouble($"AMDX{i}", out var v) ? v : 0).ToArray();
        _amdY = Enumerable.Range(1, PolynomialTerms).Select(i => header.TryGetDouble($"AMDY{i}", out var v) ? v : 0).ToArray();
        if (_amdX[0] * _amdY[0] - _amdX[1] * _amdY[1] == 0)
            throw new WcsException("the linear terms AMDX1/2, AMDY1/2 of the DSS plate solution are singular");
    }

    /// <summary>Plate centre right ascension, degrees.</summary>
    public double PlateCenterRa => _plateRa;

    /// <summary>Plate centre declination, degrees.</summary>
    public double PlateCenterDec => _plateDec;

    public static bool IsPresent(FitsHeader header) => header.Contains("PLTRAH") && header.Contains("AMDX1") && header.Contains("AMDY1");

    public static DssPlateWcs FromHeader(FitsHeader header) => new(header);

    public (double Ra, double Dec) PixelToSky(double x, double y)
    {
        var (u, v) = PixelToPlate(x, y);
        var (xi, eta) = Standard(u, v);
        return WcsMath.GnomonicDeproject(xi / WcsMath.ArcsecPerDegree, eta / WcsMath.ArcsecPerDegree, _plateRa, _plateDec);
    }

    public (double X, double Y) SkyToPixel(double ra, double dec)
    {
        var (xiDeg, etaDeg) = WcsMath.GnomonicProject(ra, dec, _plateRa, _plateDec);
        if (double.IsNaN(xiDeg))
            return (double.NaN, double.NaN);
        var (xi, eta) = (xiDeg * WcsMath.ArcsecPerDegree, etaDeg * WcsMath.ArcsecPerDegree);

        // Newton iteration on plate millimetres, from the inverse of the linear terms.
        var (a1, a2, b1, b2) = (_amdX[0], _amdX[1], _amdY[0], _amdY[1]);
        var det = a1 * b1 - a2 * b2;
        var (rx, ry) = (xi - _amdX[2], eta - _amdY[2]);
        var u = (b1 * rx - a2 * ry) / det;
        var v = (-b2 * rx + a1 * ry) / det;
        for (var step = 0; step < MaxNewtonSteps; step++)
        {
            var (fx, fxDu, fxDv) = Polynomial(_amdX, u, v);
            var (fy, fyDv, fyDu) = Polynomial(_amdY, v, u);
            var jacobian = fxDu * fyDv - fxDv * fyDu;
            if (jacobian == 0 || !double.IsFinite(jacobian))
                return (double.NaN, double.NaN);
            var (ex, ey) = (fx - xi, fy - eta);
            var deltaU = (fyDv * ex - fxDv * ey) / jacobian;
            var deltaV = (-fyDu * ex + fxDu * ey) / jacobian;
            u -= deltaU;
            v -= deltaV;
            // 1e-12 mm on the plate is about 7e-11 arcsec.
            if (Math.Abs(deltaU) + Math.Abs(deltaV) < 1e-12)
            {
                var plateX = (_ppo3 - 1000.0 * u) / _xPixelSize;
                var plateY = (1000.0 * v + _ppo6) / _yPixelSize;
                return (plateX - _cornerX + 0.5, plateY - _cornerY + 0.5);
            }
        }
        return (double.NaN, double.NaN);
    }

    private (double U, double V) PixelToPlate(double x, double y)
    {
        var plateX = x + _cornerX - 0.5;
        var plateY = y + _cornerY - 0.5;
        return ((_ppo3 - plateX * _xPixelSize) / 1000.0, (plateY * _yPixelSize - _ppo6) / 1000.0);
    }

    private (double Xi, double Eta) Standard(double u, double v) => (Polynomial(_amdX, u, v).Value, Polynomial(_amdY, v, u).Value);

    /// <summary>
    /// c1 p + c2 q + c3 + c4 p^2 + c5 pq + c6 q^2 + c7 r2 + c8 p^3 + c9 p^2 q + c10 p q^2 + c11 q^3 + c12 p r2 + c13 p r2^2
    /// with r2 = p^2 + q^2, and its partial derivatives. xi is this with (p, q) = (u, v) and AMDX; eta with (v, u) and AMDY.
    /// </summary>
    private static (double Value, double DP, double DQ) Polynomial(double[] c, double p, double q)
    {
        var r2 = p * p + q * q;
        var value = c[0] * p + c[1] * q + c[2] + c[3] * p * p + c[4] * p * q + c[5] * q * q + c[6] * r2
            + c[7] * p * p * p + c[8] * p * p * q + c[9] * p * q * q + c[10] * q * q * q + c[11] * p * r2 + c[12] * p * r2 * r2;
        var dp = c[0] + 2 * c[3] * p + c[4] * q + 2 * c[6] * p + 3 * c[7] * p * p + 2 * c[8] * p * q + c[9] * q * q
            + c[11] * (r2 + 2 * p * p) + c[12] * (r2 * r2 + 4 * p * p * r2);
        var dq = c[1] + c[4] * p + 2 * c[5] * q + 2 * c[6] * q + c[8] * p * p + 2 * c[9] * p * q + 3 * c[10] * q * q
            + 2 * c[11] * p * q + 4 * c[12] * p * q * r2;
        return (value, dp, dq);
    }
}
