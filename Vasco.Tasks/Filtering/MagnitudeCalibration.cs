using Vasco.CrossMatch;

namespace Vasco.Filtering;

/// <summary>How a tile's magnitudes are calibrated: the polynomial's degree, the fewest stars a fit may use, the clip.</summary>
/// <param name="Degree">0: a zero point only (catalog mag = MAG_AUTO + ZP); 3 (the default) follows the plates' curved response.</param>
public sealed record CalibrationOptions(int Degree = 3, int MinStars = 10, double ClipSigma = 3, int MaxIterations = 20);

/// <summary>A fit that could not be made, and why.</summary>
public sealed record CalibrationFailure(string Reason, int Stars);

/// <summary>
/// A plate's MAG_AUTO calibrated on a modern catalog's band, from the tile's matched stars:
/// catalog mag - MAG_AUTO = c0 + c1 x + ... + cd x^d with x = MAG_AUTO - <see cref="Pivot"/> (the stars' median MAG_AUTO),
/// fitted by least squares with iterative clipping at <see cref="CalibrationOptions.ClipSigma"/> sigma (sigma = 1.4826 MAD of
/// the residuals). c0 is the zero point at the pivot; with degree 0 it is the plain zero point. A photographic plate's
/// response is not linear (docs/selection.md: on the M67 plate catalog mag - MAG_AUTO runs from 26.7 to 29.5 over its
/// range), so the default degree is 3, and nothing is extrapolated: a MAG_AUTO outside the fitted stars' range gets no
/// calibrated magnitude.
/// </summary>
public sealed class MagnitudeCalibration
{
    MagnitudeCalibration(double pivot, double[] coefficients, double[,] covariance, double scatter, int stars, int clipped,
        (double Min, double Max) magAuto, (double Min, double Max) catalog)
    {
        Pivot = pivot;
        Coefficients = coefficients;
        _covariance = covariance;
        Scatter = scatter;
        Stars = stars;
        Clipped = clipped;
        MagAutoRange = magAuto;
        CatalogRange = catalog;
    }

    readonly double[,] _covariance;

    /// <summary>The MAG_AUTO at which <see cref="ZeroPoint"/> is catalog mag - MAG_AUTO.</summary>
    public double Pivot { get; }
    /// <summary>c0 ... cd of catalog mag - MAG_AUTO in powers of (MAG_AUTO - <see cref="Pivot"/>).</summary>
    public IReadOnlyList<double> Coefficients { get; }
    public int Degree => Coefficients.Count - 1;
    public double ZeroPoint => Coefficients[0];
    public double ZeroPointError => Math.Sqrt(_covariance[0, 0]);
    /// <summary>The rms of the kept stars' residuals (n - degree - 1 degrees of freedom): one star's scatter about the curve.</summary>
    public double Scatter { get; }
    /// <summary>The stars the fit kept, and those it clipped.</summary>
    public int Stars { get; }
    public int Clipped { get; }
    /// <summary>The kept stars' MAG_AUTO range: where the calibration holds.</summary>
    public (double Min, double Max) MagAutoRange { get; }
    /// <summary>The kept stars' catalog magnitudes.</summary>
    public (double Min, double Max) CatalogRange { get; }

    /// <summary>Fits the stars (MAG_AUTO, catalog mag); pairs with a non-finite value are left out. A failure says why.</summary>
    public static (MagnitudeCalibration? Calibration, CalibrationFailure? Failure) Fit(IReadOnlyList<(double MagAuto, double CatalogMag)> stars, CalibrationOptions options)
    {
        var usable = stars.Where(s => double.IsFinite(s.MagAuto) && double.IsFinite(s.CatalogMag)).ToList();
        var least = Math.Max(options.MinStars, options.Degree + 2);
        if (usable.Count < least)
            return (null, new($"{usable.Count} calibration star(s); the fit needs {least}", usable.Count));
        var pivot = Selection.Median(usable.Select(s => s.MagAuto).ToArray());
        var x = usable.Select(s => s.MagAuto - pivot).ToArray();
        var y = usable.Select(s => s.CatalogMag - s.MagAuto).ToArray();
        var kept = Enumerable.Repeat(true, usable.Count).ToArray();
        var undetermined = new CalibrationFailure($"the {usable.Count} calibration stars' MAG_AUTO values do not determine a degree-{options.Degree} curve", usable.Count);
        for (var iteration = 0; ; iteration++)
        {
            if (LeastSquares(x, y, kept, options.Degree) is not { } fit) return (null, undetermined);
            var c = fit.Coefficients;
            var residuals = Enumerable.Range(0, x.Length).Select(i => y[i] - Polynomial(c, x[i])).ToArray();
            var inKept = residuals.Where((_, i) => kept[i]).ToArray();
            var centre = Selection.Median(inKept);
            // 1e-6 mag: exact data (a test's) has residuals of rounding size, which a zero sigma would clip.
            var limit = options.ClipSigma * Math.Max(1.4826 * Selection.Mad(inKept), 1e-6);
            var next = residuals.Select(r => Math.Abs(r - centre) <= limit).ToArray();
            if (next.Count(k => k) < least)
                return (null, new($"{next.Count(k => k)} of {usable.Count} calibration star(s) left after the {options.ClipSigma} sigma clip; the fit needs {least}", usable.Count));
            var changed = !next.SequenceEqual(kept);
            kept = next;
            if (!changed || iteration + 1 >= options.MaxIterations) break;
        }
        if (LeastSquares(x, y, kept, options.Degree) is not { } final) return (null, undetermined);
        var (coefficients, inverse) = final;
        var n = kept.Count(k => k);
        var sumSquares = Enumerable.Range(0, x.Length).Where(i => kept[i]).Sum(i => Math.Pow(y[i] - Polynomial(coefficients, x[i]), 2));
        var scatter = Math.Sqrt(sumSquares / (n - coefficients.Length));
        var covariance = new double[coefficients.Length, coefficients.Length];
        for (var i = 0; i < coefficients.Length; i++)
            for (var j = 0; j < coefficients.Length; j++)
                covariance[i, j] = scatter * scatter * inverse[i, j];
        var keptStars = usable.Where((_, i) => kept[i]).ToList();
        return (new MagnitudeCalibration(pivot, coefficients, covariance, scatter, n, usable.Count - n,
            (keptStars.Min(s => s.MagAuto), keptStars.Max(s => s.MagAuto)), (keptStars.Min(s => s.CatalogMag), keptStars.Max(s => s.CatalogMag))), null);
    }

    /// <summary>
    /// The stars of a tile's cross-match (step 7's xmatch.csv) that calibrate it: FLAGS 0 and IMAFLAGS_ISO 0 (unblended,
    /// unsaturated by SExtractor's count, off the masks and filled-in pixels, as the candidates are), matched in
    /// <paramref name="catalog"/>.
    /// </summary>
    public static List<(double MagAuto, double CatalogMag)> StarsOf(PlateSources matched, IReadOnlyList<string> refCatalog, IReadOnlyList<double> refMag, string catalog) =>
        Enumerable.Range(0, matched.Count)
            .Where(i => refCatalog[i] == catalog && matched["flags"][i] == 0 && (!matched.Has("imaflags_iso") || matched["imaflags_iso"][i] == 0))
            .Select(i => (matched["mag_auto"][i], refMag[i])).ToList();

    /// <summary>Whether <paramref name="magAuto"/> lies within the fitted stars' range.</summary>
    public bool Covers(double magAuto) => magAuto >= MagAutoRange.Min && magAuto <= MagAutoRange.Max;

    /// <summary>
    /// The calibrated magnitude of a source and its error: sqrt(((1 + dP/dx) MAGERR_AUTO)^2 + var(P(x)) + scatter^2), the
    /// source's own error through the curve's slope, the curve's error at its MAG_AUTO (from the fit's covariance; at the
    /// pivot, the zero point's error), and one star's scatter about the curve. NaN outside the fitted range.
    /// </summary>
    public (double Mag, double Error) Apply(double magAuto, double magErrAuto)
    {
        if (!Covers(magAuto)) return (double.NaN, double.NaN);
        var x = magAuto - Pivot;
        var powers = Enumerable.Range(0, Coefficients.Count).Select(k => Math.Pow(x, k)).ToArray();
        var slope = 1 + Enumerable.Range(1, Coefficients.Count - 1).Sum(k => k * Coefficients[k] * Math.Pow(x, k - 1));
        var curveVariance = 0.0;
        for (var i = 0; i < powers.Length; i++)
            for (var j = 0; j < powers.Length; j++)
                curveVariance += powers[i] * _covariance[i, j] * powers[j];
        var error = Math.Sqrt(Math.Pow(slope * magErrAuto, 2) + curveVariance + Scatter * Scatter);
        return (magAuto + Polynomial(Coefficients, x), error);
    }

    static double Polynomial(IReadOnlyList<double> c, double x)
    {
        var value = 0.0;
        for (var k = c.Count - 1; k >= 0; k--) value = value * x + c[k];
        return value;
    }

    /// <summary>The least-squares polynomial through the kept points, and the inverse of its normal matrix; null when they do not determine it.</summary>
    static (double[] Coefficients, double[,] Inverse)? LeastSquares(double[] x, double[] y, bool[] kept, int degree)
    {
        var p = degree + 1;
        var normal = new double[p, p];
        var rhs = new double[p];
        for (var i = 0; i < x.Length; i++)
        {
            if (!kept[i]) continue;
            for (var a = 0; a < p; a++)
            {
                rhs[a] += Math.Pow(x[i], a) * y[i];
                for (var b = 0; b < p; b++) normal[a, b] += Math.Pow(x[i], a + b);
            }
        }
        if (Invert(normal) is not { } inverse) return null;
        var coefficients = new double[p];
        for (var a = 0; a < p; a++)
            for (var b = 0; b < p; b++)
                coefficients[a] += inverse[a, b] * rhs[b];
        return (coefficients, inverse);
    }

    /// <summary>Gauss-Jordan inversion with partial pivoting (the normal matrix is small), or null when it is singular.</summary>
    static double[,]? Invert(double[,] m)
    {
        var n = m.GetLength(0);
        var a = (double[,])m.Clone();
        var inverse = new double[n, n];
        for (var i = 0; i < n; i++) inverse[i, i] = 1;
        for (var col = 0; col < n; col++)
        {
            var pivotRow = Enumerable.Range(col, n - col).MaxBy(r => Math.Abs(a[r, col]));
            if (Math.Abs(a[pivotRow, col]) < 1e-12) return null;
            for (var k = 0; k < n; k++)
            {
                (a[col, k], a[pivotRow, k]) = (a[pivotRow, k], a[col, k]);
                (inverse[col, k], inverse[pivotRow, k]) = (inverse[pivotRow, k], inverse[col, k]);
            }
            var d = a[col, col];
            for (var k = 0; k < n; k++) { a[col, k] /= d; inverse[col, k] /= d; }
            for (var r = 0; r < n; r++)
            {
                if (r == col) continue;
                var f = a[r, col];
                if (f == 0) continue;
                for (var k = 0; k < n; k++) { a[r, k] -= f * a[col, k]; inverse[r, k] -= f * inverse[col, k]; }
            }
        }
        return inverse;
    }
}

/// <summary>
/// A tile's calibration as its manifest records it (field mag_cal): the band, the zero point at the pivot with its error, the
/// scatter, the stars used, the ranges it holds over; or, when none could be fitted, why not. Numbers to 4 decimals.
/// </summary>
public sealed record CalibrationSummary(
    string? Band, int? Degree, double? ZeroPoint, double? ZeroPointError, double? PivotMagAuto, IReadOnlyList<double>? Coefficients, double? Scatter,
    int Stars, int? Clipped, IReadOnlyList<double>? MagAutoRange, IReadOnlyList<double>? CatalogMagRange, string? Reason, IReadOnlyList<int> CandidatesOutsideRange)
{
    public static CalibrationSummary Of(string? band, MagnitudeCalibration? c, string? reason, int stars, IReadOnlyList<int> outside)
    {
        static double R(double v) => Math.Round(v, 4);
        return c is null
            ? new(band, null, null, null, null, null, null, stars, null, null, null, reason, outside)
            : new(band, c.Degree, R(c.ZeroPoint), R(c.ZeroPointError), R(c.Pivot), c.Coefficients.Select(R).ToList(), R(c.Scatter), c.Stars, c.Clipped,
                [R(c.MagAutoRange.Min), R(c.MagAutoRange.Max)], [R(c.CatalogRange.Min), R(c.CatalogRange.Max)], reason, outside);
    }
}
