using System.Globalization;
using Vasco.Fits;

namespace Vasco.Sky;

/// <summary>The result of approximating a WCS with TAN/TPV: the fitted WCS and its worst sky error over the image.</summary>
public sealed record TanFit(TanWcs Wcs, double MaxResidualArcsec);

/// <summary>
/// The gnomonic (TAN) projection with a linear CD matrix, optionally with the TPV polynomial distortion
/// (PV1_j, PV2_j, j = 0..39) applied to the intermediate coordinates, as WCSLIB and SExtractor read it.
/// </summary>
public sealed class TanWcs : IWcs
{
    private const int MaxNewtonSteps = 50;

    private readonly double[] _pv1;
    private readonly double[] _pv2;

    /// <param name="pv1">TPV coefficients PV1_0.. for xi; null with <paramref name="pv2"/> for plain TAN. Missing ones are 0 (as in WCSLIB).</param>
    public TanWcs(double crpix1, double crpix2, double crval1, double crval2, double cd11, double cd12, double cd21, double cd22,
        IReadOnlyList<double>? pv1 = null, IReadOnlyList<double>? pv2 = null, string radeSys = "ICRS")
    {
        if (!double.IsFinite(cd11 * cd22 - cd12 * cd21) || cd11 * cd22 - cd12 * cd21 == 0)
            throw new WcsException("the CD matrix is singular");
        if ((pv1 == null) != (pv2 == null) || pv1?.Count > TpvPolynomial.TermCount || pv2?.Count > TpvPolynomial.TermCount)
            throw new WcsException($"TPV needs both PV1 and PV2, at most {TpvPolynomial.TermCount} terms each");
        CrPix1 = crpix1;
        CrPix2 = crpix2;
        CrVal1 = crval1;
        CrVal2 = crval2;
        Cd11 = cd11;
        Cd12 = cd12;
        Cd21 = cd21;
        Cd22 = cd22;
        IsTpv = pv1 != null;
        _pv1 = Padded(pv1);
        _pv2 = Padded(pv2);
        RadeSys = radeSys;
    }

    public double CrPix1 { get; }
    public double CrPix2 { get; }
    public double CrVal1 { get; }
    public double CrVal2 { get; }
    public double Cd11 { get; }
    public double Cd12 { get; }
    public double Cd21 { get; }
    public double Cd22 { get; }

    public bool IsTpv { get; }

    /// <summary>PV1_0..PV1_39 (all zero for plain TAN).</summary>
    public IReadOnlyList<double> Pv1 => _pv1;

    /// <summary>PV2_0..PV2_39 (all zero for plain TAN).</summary>
    public IReadOnlyList<double> Pv2 => _pv2;

    /// <summary>ICRS or FK5 (equinox 2000); treated alike, their 20 mas difference is below plate precision.</summary>
    public string RadeSys { get; }

    /// <summary>
    /// Reads CTYPEi 'RA---TAN'/'DEC--TAN' or 'RA---TPV'/'DEC--TPV', CRPIXi, CRVALi and the linear part from
    /// PCi_j + CDELTi, else CDi_j, else CDELTi + CROTA2 (WCSLIB's order of precedence).
    /// </summary>
    public static TanWcs FromHeader(FitsHeader header)
    {
        var ctype1 = header.GetString("CTYPE1");
        var ctype2 = header.GetString("CTYPE2");
        var isTpv = (ctype1, ctype2) switch
        {
            ("RA---TAN", "DEC--TAN") => false,
            ("RA---TPV", "DEC--TPV") => true,
            _ => throw new WcsException($"unsupported projection CTYPE1 = '{ctype1}', CTYPE2 = '{ctype2}' (Vasco reads RA---TAN and RA---TPV)"),
        };
        foreach (var unit in new[] { "CUNIT1", "CUNIT2" })
            if (header.TryGetString(unit, out var value) && value.Trim() != "deg")
                throw new WcsException($"{unit} = '{value}' is not supported (only deg)");
        if (header.TryGetDouble("LONPOLE", out var lonpole) && lonpole != 180)
            throw new WcsException($"LONPOLE = {lonpole} is not supported (only the default 180)");
        var radeSys = ReadFrame(header);

        var (cd11, cd12, cd21, cd22) = ReadLinear(header);
        double[]? pv1 = null, pv2 = null;
        if (isTpv)
        {
            pv1 = ReadPv(header, 1);
            pv2 = ReadPv(header, 2);
        }
        return new TanWcs(header.GetDouble("CRPIX1"), header.GetDouble("CRPIX2"), header.GetDouble("CRVAL1"), header.GetDouble("CRVAL2"),
            cd11, cd12, cd21, cd22, pv1, pv2, radeSys);
    }

    public (double Ra, double Dec) PixelToSky(double x, double y)
    {
        var dx = x - CrPix1;
        var dy = y - CrPix2;
        var ix = Cd11 * dx + Cd12 * dy;
        var iy = Cd21 * dx + Cd22 * dy;
        var (xi, eta) = IsTpv ? Distort(ix, iy) : (ix, iy);
        return WcsMath.GnomonicDeproject(xi, eta, CrVal1, CrVal2);
    }

    public (double X, double Y) SkyToPixel(double ra, double dec)
    {
        var (xi, eta) = WcsMath.GnomonicProject(ra, dec, CrVal1, CrVal2);
        if (double.IsNaN(xi))
            return (double.NaN, double.NaN);
        var (ix, iy) = IsTpv ? Undistort(xi, eta) : (xi, eta);
        var det = Cd11 * Cd22 - Cd12 * Cd21;
        var dx = (Cd22 * ix - Cd12 * iy) / det;
        var dy = (-Cd21 * ix + Cd11 * iy) / det;
        return (CrPix1 + dx, CrPix2 + dy);
    }

    /// <summary>The WCS as header cards: CTYPE, CUNIT, CRPIX, CRVAL, CD, the non-zero PV terms (PVi_0..2 always), RADESYS, EQUINOX.</summary>
    public IReadOnlyList<FitsCard> ToHeaderCards()
    {
        var projection = IsTpv ? "TPV" : "TAN";
        var cards = new List<FitsCard>
        {
            FitsCard.Create("WCSAXES", 2, "number of WCS axes"),
            FitsCard.Create("CTYPE1", $"RA---{projection}", "gnomonic projection" + (IsTpv ? " with TPV distortion" : "")),
            FitsCard.Create("CTYPE2", $"DEC--{projection}", "gnomonic projection" + (IsTpv ? " with TPV distortion" : "")),
            FitsCard.Create("CUNIT1", "deg"),
            FitsCard.Create("CUNIT2", "deg"),
            FitsCard.Create("CRPIX1", CrPix1, "reference pixel x"),
            FitsCard.Create("CRPIX2", CrPix2, "reference pixel y"),
            FitsCard.Create("CRVAL1", CrVal1, "[deg] RA at the reference pixel"),
            FitsCard.Create("CRVAL2", CrVal2, "[deg] Dec at the reference pixel"),
            FitsCard.Create("CD1_1", Cd11),
            FitsCard.Create("CD1_2", Cd12),
            FitsCard.Create("CD2_1", Cd21),
            FitsCard.Create("CD2_2", Cd22),
        };
        if (IsTpv)
            foreach (var (axis, pv) in new[] { (1, _pv1), (2, _pv2) })
                for (var j = 0; j < TpvPolynomial.TermCount; j++)
                    // WCSLIB defaults missing terms to 0, so the zero ones can be left out; the linear ones are written for readers that assume otherwise.
                    if (pv[j] != 0 || j <= 2)
                        cards.Add(FitsCard.Create($"PV{axis}_{j}", pv[j]));
        cards.Add(FitsCard.Create("RADESYS", RadeSys, "celestial reference frame"));
        cards.Add(FitsCard.Create("EQUINOX", 2000.0, "equinox of the coordinates"));
        return cards;
    }

    /// <summary>
    /// Approximates <paramref name="source"/> over a <paramref name="width"/> x <paramref name="height"/> image by
    /// TAN (<paramref name="order"/> 1) or TPV with polynomial terms up to <paramref name="order"/> (2..7), fitted
    /// by least squares on a grid of <paramref name="gridSize"/>^2 points spanning the pixel edges; the residual
    /// is the largest sky error on a denser, offset grid.
    /// </summary>
    public static TanFit FitFrom(IWcs source, int width, int height, int order = 3, int gridSize = 41, string radeSys = "ICRS")
    {
        if (width < 1 || height < 1)
            throw new ArgumentOutOfRangeException(nameof(width), "the image needs at least one pixel");
        if (order is < 1 or > 7)
            throw new ArgumentOutOfRangeException(nameof(order), order, "order must be 1 (TAN) to 7");
        var monomials = TpvPolynomial.MonomialsUpTo(order).ToArray();
        if (gridSize * gridSize < 2 * monomials.Length)
            throw new ArgumentOutOfRangeException(nameof(gridSize), gridSize, "too few grid points for the polynomial");

        var crpix1 = (width + 1) / 2.0;
        var crpix2 = (height + 1) / 2.0;
        var (crval1, crval2) = source.PixelToSky(crpix1, crpix2);
        var samples = new List<(double Dx, double Dy, double Xi, double Eta)>();
        for (var i = 0; i < gridSize; i++)
            for (var k = 0; k < gridSize; k++)
            {
                var x = 0.5 + width * (double)i / (gridSize - 1);
                var y = 0.5 + height * (double)k / (gridSize - 1);
                var (ra, dec) = source.PixelToSky(x, y);
                var (xi, eta) = WcsMath.GnomonicProject(ra, dec, crval1, crval2);
                samples.Add((x - crpix1, y - crpix2, xi, eta));
            }

        // First pass: xi, eta as polynomials of the pixel offsets; their linear terms are the CD matrix.
        var byPixel1 = FitPolynomial(samples.Select(s => (s.Dx, s.Dy, s.Xi)), monomials);
        var byPixel2 = FitPolynomial(samples.Select(s => (s.Dy, s.Dx, s.Eta)), monomials);
        var (cd11, cd12, cd21, cd22) = (byPixel1[1], byPixel1[2], byPixel2[2], byPixel2[1]);
        TanWcs wcs;
        if (order == 1)
            wcs = new TanWcs(crpix1, crpix2, crval1, crval2, cd11, cd12, cd21, cd22, radeSys: radeSys);
        else
        {
            // Second pass: the distortion as TPV polynomials of the intermediate coordinates CD * offset.
            var intermediate = samples.Select(s => (X: cd11 * s.Dx + cd12 * s.Dy, Y: cd21 * s.Dx + cd22 * s.Dy, s.Xi, s.Eta)).ToList();
            var pv1 = FitPolynomial(intermediate.Select(s => (s.X, s.Y, s.Xi)), monomials);
            var pv2 = FitPolynomial(intermediate.Select(s => (s.Y, s.X, s.Eta)), monomials);
            wcs = new TanWcs(crpix1, crpix2, crval1, crval2, cd11, cd12, cd21, cd22, pv1, pv2, radeSys);
        }

        var worst = 0.0;
        var checks = 2 * gridSize + 1;
        for (var i = 0; i < checks; i++)
            for (var k = 0; k < checks; k++)
            {
                var x = 0.5 + width * (i + 0.25) / checks;
                var y = 0.5 + height * (k + 0.75) / checks;
                var (ra, dec) = source.PixelToSky(x, y);
                var (fitRa, fitDec) = wcs.PixelToSky(x, y);
                worst = Math.Max(worst, WcsMath.SeparationDegrees(ra, dec, fitRa, fitDec) * WcsMath.ArcsecPerDegree);
            }
        return new TanFit(wcs, worst);
    }

    /// <summary>Least-squares coefficients (indexed by TPV term number) of value = sum_j c_j term_j(u, v) over the given terms.</summary>
    private static double[] FitPolynomial(IEnumerable<(double U, double V, double Value)> points, int[] terms)
    {
        var list = points.ToList();
        // Scale the variables to about unit size so the design matrix is well conditioned.
        var scale = list.Max(p => Math.Max(Math.Abs(p.U), Math.Abs(p.V)));
        var design = new double[list.Count, terms.Length];
        var values = new double[list.Count];
        for (var i = 0; i < list.Count; i++)
        {
            for (var t = 0; t < terms.Length; t++)
                design[i, t] = TpvPolynomial.Term(terms[t], list[i].U / scale, list[i].V / scale);
            values[i] = list[i].Value;
        }
        var solution = WcsMath.SolveLeastSquares(design, values);
        var coefficients = new double[TpvPolynomial.TermCount];
        for (var t = 0; t < terms.Length; t++)
        {
            var (pu, pv, _) = TpvPolynomial.Terms[terms[t]];
            coefficients[terms[t]] = solution[t] / Math.Pow(scale, pu + pv);
        }
        return coefficients;
    }

    private (double Xi, double Eta) Distort(double x, double y) =>
        (TpvPolynomial.Evaluate(_pv1, x, y).Value, TpvPolynomial.Evaluate(_pv2, y, x).Value);

    /// <summary>Inverts the TPV polynomials by Newton iteration, starting from the inverse of their linear part.</summary>
    private (double X, double Y) Undistort(double xi, double eta)
    {
        var (a, b, c, d) = (_pv1[1], _pv1[2], _pv2[2], _pv2[1]);
        var det = a * d - b * c;
        var (rx, ry) = (xi - _pv1[0], eta - _pv2[0]);
        var (x, y) = det != 0 ? ((d * rx - b * ry) / det, (-c * rx + a * ry) / det) : (xi, eta);
        for (var step = 0; step < MaxNewtonSteps; step++)
        {
            var (fx, fxDx, fxDy) = TpvPolynomial.Evaluate(_pv1, x, y);
            var (fy, fyDy, fyDx) = TpvPolynomial.Evaluate(_pv2, y, x);
            var jacobian = fxDx * fyDy - fxDy * fyDx;
            if (jacobian == 0 || !double.IsFinite(jacobian))
                return (double.NaN, double.NaN);
            var (ex, ey) = (fx - xi, fy - eta);
            var deltaX = (fyDy * ex - fxDy * ey) / jacobian;
            var deltaY = (-fyDx * ex + fxDx * ey) / jacobian;
            x -= deltaX;
            y -= deltaY;
            // 1e-13 degrees is 0.4 nano-arcseconds.
            if (Math.Abs(deltaX) + Math.Abs(deltaY) < 1e-13)
                return (x, y);
        }
        return (double.NaN, double.NaN);
    }

    private static (double, double, double, double) ReadLinear(FitsHeader header)
    {
        double Get(string keyword, double fallback) => header.TryGetDouble(keyword, out var value) ? value : fallback;
        var hasPc = new[] { "PC1_1", "PC1_2", "PC2_1", "PC2_2" }.Any(header.Contains);
        var hasCd = new[] { "CD1_1", "CD1_2", "CD2_1", "CD2_2" }.Any(header.Contains);
        if (!hasPc && hasCd)
            return (Get("CD1_1", 0), Get("CD1_2", 0), Get("CD2_1", 0), Get("CD2_2", 0));
        if (!header.Contains("CDELT1") || !header.Contains("CDELT2"))
            throw new WcsException("no pixel scale: neither CDi_j nor CDELTi is present");
        var cdelt1 = header.GetDouble("CDELT1");
        var cdelt2 = header.GetDouble("CDELT2");
        if (hasPc)
            return (cdelt1 * Get("PC1_1", 1), cdelt1 * Get("PC1_2", 0), cdelt2 * Get("PC2_1", 0), cdelt2 * Get("PC2_2", 1));
        var rotation = Get("CROTA2", 0) * Math.PI / 180;
        var (sin, cos) = Math.SinCos(rotation);
        return (cdelt1 * cos, -cdelt2 * sin, cdelt1 * sin, cdelt2 * cos);
    }

    private static double[] ReadPv(FitsHeader header, int axis)
    {
        var pv = new double[TpvPolynomial.TermCount];
        for (var j = 0; j < pv.Length; j++)
            pv[j] = header.TryGetDouble($"PV{axis}_{j}", out var value) ? value : 0;
        return pv;
    }

    private static string ReadFrame(FitsHeader header)
    {
        var hasEquinox = header.TryGetDouble("EQUINOX", out var equinox) || header.TryGetDouble("EPOCH", out equinox);
        var frame = header.TryGetString("RADESYS", out var radesys) || header.TryGetString("RADECSYS", out radesys)
            ? radesys.Trim()
            : !hasEquinox ? "ICRS" : equinox < 1984 ? "FK4" : "FK5"; // the standard's defaults
        return frame switch
        {
            "ICRS" => "ICRS",
            "FK5" when !hasEquinox || equinox == 2000 => "FK5",
            _ => throw new WcsException(
                $"celestial frame {frame}{(hasEquinox ? " equinox " + equinox.ToString(CultureInfo.InvariantCulture) : "")} is not supported (ICRS or FK5 J2000 only)"),
        };
    }

    private static double[] Padded(IReadOnlyList<double>? pv)
    {
        var padded = new double[TpvPolynomial.TermCount];
        for (var j = 0; j < (pv?.Count ?? 0); j++)
            padded[j] = pv![j];
        return padded;
    }
}
