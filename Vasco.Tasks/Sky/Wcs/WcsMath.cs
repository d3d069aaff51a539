using System.Globalization;
using System.Text.RegularExpressions;

namespace Vasco.Sky;

/// <summary>Small spherical-astronomy helpers used by the WCS code: separations, the gnomonic projection, sexagesimal angles.</summary>
public static partial class WcsMath
{
    public const double ArcsecPerDegree = 3600.0;

    private const double DegToRad = Math.PI / 180.0;

    /// <summary>Angular distance in degrees (Vincenty's formula: accurate at every separation, including tiny ones).</summary>
    public static double SeparationDegrees(double ra1, double dec1, double ra2, double dec2)
    {
        var dRa = (ra2 - ra1) * DegToRad;
        var (sin1, cos1) = Math.SinCos(dec1 * DegToRad);
        var (sin2, cos2) = Math.SinCos(dec2 * DegToRad);
        var (sinDRa, cosDRa) = Math.SinCos(dRa);
        var a = cos2 * sinDRa;
        var b = cos1 * sin2 - sin1 * cos2 * cosDRa;
        return Math.Atan2(Math.Sqrt(a * a + b * b), sin1 * sin2 + cos1 * cos2 * cosDRa) / DegToRad;
    }

    /// <summary>
    /// Standard coordinates (xi, eta) in degrees of (ra, dec) on the plane tangent at (ra0, dec0); xi grows to the
    /// east, eta to the north. (NaN, NaN) for points 90 degrees or more from the tangent point.
    /// </summary>
    public static (double Xi, double Eta) GnomonicProject(double ra, double dec, double ra0, double dec0)
    {
        var (sinDec, cosDec) = Math.SinCos(dec * DegToRad);
        var (sinDec0, cosDec0) = Math.SinCos(dec0 * DegToRad);
        var (sinDRa, cosDRa) = Math.SinCos((ra - ra0) * DegToRad);
        var cosC = sinDec0 * sinDec + cosDec0 * cosDec * cosDRa;
        if (cosC <= 0)
            return (double.NaN, double.NaN);
        var xi = cosDec * sinDRa / cosC;
        var eta = (cosDec0 * sinDec - sinDec0 * cosDec * cosDRa) / cosC;
        return (xi / DegToRad, eta / DegToRad);
    }

    /// <summary>The inverse of <see cref="GnomonicProject"/>: (ra, dec) in degrees, ra in [0, 360).</summary>
    public static (double Ra, double Dec) GnomonicDeproject(double xi, double eta, double ra0, double dec0)
    {
        xi *= DegToRad;
        eta *= DegToRad;
        var (sinDec0, cosDec0) = Math.SinCos(dec0 * DegToRad);
        var denominator = cosDec0 - eta * sinDec0;
        var dRa = Math.Atan2(xi, denominator);
        var dec = Math.Atan2(sinDec0 + eta * cosDec0, Math.Sqrt(xi * xi + denominator * denominator));
        return (NormalizeRa(ra0 + dRa / DegToRad), dec / DegToRad);
    }

    /// <summary>Wraps a right ascension into [0, 360).</summary>
    public static double NormalizeRa(double ra)
    {
        var wrapped = ra % 360.0;
        if (wrapped < 0)
            wrapped += 360.0;
        return wrapped >= 360.0 ? 0.0 : wrapped;
    }

    /// <summary>
    /// Right ascension in degrees from "08:51:18.0", "08 51 18", "8h51m18s" (hours), or a plain decimal number (degrees).
    /// </summary>
    public static double ParseRightAscension(string text)
    {
        var (sign, parts) = ParseSexagesimal(text, "right ascension");
        if (parts.Length == 1)
            return sign * parts[0];
        var hours = sign * Combine(parts, text);
        return hours is >= 0 and < 24 ? hours * 15.0 : throw new FormatException($"right ascension '{text}' is outside 0h..24h");
    }

    /// <summary>Declination in degrees from "+11:48:00", "-00:30:00", "11d48m00s", "-0 30 0", or a plain decimal number.</summary>
    public static double ParseDeclination(string text)
    {
        var (sign, parts) = ParseSexagesimal(text, "declination");
        // The sign belongs to the whole angle: "-00:30:00" is half a degree south.
        var degrees = sign * (parts.Length == 1 ? parts[0] : Combine(parts, text));
        return degrees is >= -90 and <= 90 ? degrees : throw new FormatException($"declination '{text}' is outside -90..+90");
    }

    /// <summary>"hh:mm:ss.ss" with <paramref name="decimals"/> digits of seconds.</summary>
    public static string FormatRightAscension(double ra, int decimals = 2)
    {
        var units = Math.Pow(10, decimals);
        var total = (long)Math.Round(NormalizeRa(ra) / 15.0 * 3600.0 * units) % (long)(24 * 3600 * units);
        return FormatUnits(total, units, decimals);
    }

    /// <summary>"+dd:mm:ss.s" with <paramref name="decimals"/> digits of seconds; the sign is always written.</summary>
    public static string FormatDeclination(double dec, int decimals = 1)
    {
        var units = Math.Pow(10, decimals);
        var total = (long)Math.Round(Math.Abs(dec) * 3600.0 * units);
        return (dec < 0 && total > 0 ? "-" : "+") + FormatUnits(total, units, decimals);
    }

    /// <summary>Least-squares solution of a * x = b (rows = observations) by Householder QR, stable for polynomial fits.</summary>
    internal static double[] SolveLeastSquares(double[,] a, double[] b)
    {
        var rows = a.GetLength(0);
        var cols = a.GetLength(1);
        if (rows < cols)
            throw new ArgumentException($"{rows} observations cannot fix {cols} unknowns");
        var r = (double[,])a.Clone();
        var y = (double[])b.Clone();
        for (var k = 0; k < cols; k++)
        {
            var norm = 0.0;
            for (var i = k; i < rows; i++)
                norm += r[i, k] * r[i, k];
            norm = Math.Sqrt(norm);
            if (norm == 0)
                throw new ArgumentException($"unknown {k} is not constrained by the observations");
            var alpha = r[k, k] > 0 ? -norm : norm;
            var v = new double[rows];
            for (var i = k; i < rows; i++)
                v[i] = r[i, k];
            v[k] -= alpha;
            var vNorm2 = 0.0;
            for (var i = k; i < rows; i++)
                vNorm2 += v[i] * v[i];
            for (var j = k; j < cols; j++)
                Reflect(v, vNorm2, k, rows, i => r[i, j], (i, value) => r[i, j] = value);
            Reflect(v, vNorm2, k, rows, i => y[i], (i, value) => y[i] = value);
        }
        var x = new double[cols];
        for (var k = cols - 1; k >= 0; k--)
        {
            var sum = y[k];
            for (var j = k + 1; j < cols; j++)
                sum -= r[k, j] * x[j];
            x[k] = sum / r[k, k];
        }
        return x;
    }

    private static void Reflect(double[] v, double vNorm2, int from, int rows, Func<int, double> get, Action<int, double> set)
    {
        var dot = 0.0;
        for (var i = from; i < rows; i++)
            dot += v[i] * get(i);
        var factor = 2 * dot / vNorm2;
        for (var i = from; i < rows; i++)
            set(i, get(i) - factor * v[i]);
    }

    private static (int Sign, double[] Parts) ParseSexagesimal(string text, string what)
    {
        var match = SexagesimalPattern().Match(text.Trim());
        if (!match.Success)
            throw new FormatException($"'{text}' is not a {what}");
        var sign = match.Groups["sign"].Value == "-" ? -1 : 1;
        var parts = match.Groups["num"].Captures.Select(c => double.Parse(c.Value, CultureInfo.InvariantCulture)).ToArray();
        return (sign, parts);
    }

    private static double Combine(double[] parts, string text)
    {
        for (var i = 1; i < parts.Length; i++)
            if (parts[i] >= 60)
                throw new FormatException($"'{text}': minutes and seconds must be below 60");
        if (parts[..^1].Any(p => p != Math.Floor(p)))
            throw new FormatException($"'{text}': only the last field may have a fraction");
        return parts[0] + (parts.Length > 1 ? parts[1] / 60.0 : 0) + (parts.Length > 2 ? parts[2] / 3600.0 : 0);
    }

    private static string FormatUnits(long total, double units, int decimals)
    {
        var perSecond = (long)units;
        var whole = total / perSecond;
        var fraction = total % perSecond;
        var text = $"{whole / 3600:00}:{whole / 60 % 60:00}:{whole % 60:00}";
        if (decimals > 0)
            text += "." + fraction.ToString(CultureInfo.InvariantCulture).PadLeft(decimals, '0');
        return text;
    }

    // One to three numbers separated by blanks, colons, or h/d/m/s/°/'/" markers; only the last may have a fraction.
    [GeneratedRegex("""^(?<sign>[+-])?\s*(?<num>[0-9]+(\.[0-9]*)?)(\s*[:hHdD°\s]\s*(?<num>[0-9]+(\.[0-9]*)?)(\s*[:mM'\s]\s*(?<num>[0-9]+(\.[0-9]*)?))?)?\s*[mMsS'"]?$""")]
    private static partial Regex SexagesimalPattern();
}
