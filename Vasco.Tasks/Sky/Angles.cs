using System.Globalization;
using System.Text.RegularExpressions;

namespace Vasco.Sky;

/// <summary>Parsing and normalising sky coordinates as users write them.</summary>
public static partial class Angles
{
    public const double DegToRad = Math.PI / 180.0;
    public const double RadToDeg = 180.0 / Math.PI;

    /// <summary>RA in degrees wrapped into [0, 360).</summary>
    public static double WrapRa(double raDeg)
    {
        var r = raDeg % 360.0;
        if (r < 0) r += 360.0;
        // -1e-15 % 360 + 360 rounds to 360.0 exactly.
        return r >= 360.0 ? 0.0 : r;
    }

    /// <summary>
    /// Parses RA: decimal degrees ("132.834"), or hours as "hh:mm:ss.s", "hh mm ss.s" or
    /// "8h51m20.1s". Returns false for anything else, including degrees outside [0, 360).
    /// </summary>
    public static bool TryParseRa(string? text, out double raDeg)
    {
        raDeg = double.NaN;
        if (string.IsNullOrWhiteSpace(text)) return false;
        var s = text.Trim();
        if (TryParseDecimal(s, out var deg))
        {
            if (deg < 0 || deg >= 360) return false;
            raDeg = deg;
            return true;
        }
        if (!TrySexagesimal(s, hourUnits: true, out var sign, out var hours)) return false;
        if (sign < 0 || hours >= 24) return false;
        raDeg = hours * 15.0;
        return true;
    }

    /// <summary>Parses Dec: decimal degrees or "+dd:mm:ss.s", "dd mm ss", "-0d30m00s"; range [-90, 90].</summary>
    public static bool TryParseDec(string? text, out double decDeg)
    {
        decDeg = double.NaN;
        if (string.IsNullOrWhiteSpace(text)) return false;
        var s = text.Trim();
        if (TryParseDecimal(s, out var deg))
        {
            if (deg < -90 || deg > 90) return false;
            decDeg = deg;
            return true;
        }
        if (!TrySexagesimal(s, hourUnits: false, out var sign, out var value)) return false;
        if (value > 90) return false;
        decDeg = sign * value;
        return true;
    }

    /// <summary>
    /// Parses signed degrees within [-<paramref name="limit"/>, <paramref name="limit"/>]: decimal ("-116.86") or sexagesimal
    /// ("-116:51:48.00", as plate headers give SITELONG and SITELAT).
    /// </summary>
    public static bool TryParseDegrees(string? text, double limit, out double degrees)
    {
        degrees = double.NaN;
        if (string.IsNullOrWhiteSpace(text)) return false;
        var s = text.Trim();
        if (TryParseDecimal(s, out var deg)) degrees = deg;
        else if (TrySexagesimal(s, hourUnits: false, out var sign, out var value)) degrees = sign * value;
        if (!(Math.Abs(degrees) <= limit)) { degrees = double.NaN; return false; }
        return true;
    }

    static bool TryParseDecimal(string s, out double value) =>
        double.TryParse(s, NumberStyles.Float, CultureInfo.InvariantCulture, out value) && double.IsFinite(value);

    // "-00:30:00", "+11 48 43.2", "8h51m20.1s", "11d48m43s"; minutes and seconds below 60.
    [GeneratedRegex(@"^(?<sign>[+-])?\s*(?<a>\d{1,3})\s*[:hd\s]\s*(?<b>\d{1,2})(\s*[:m'\s]\s*(?<c>\d{1,2}(\.\d*)?))?\s*[s""]?$",
        RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex Sexagesimal();

    static bool TrySexagesimal(string s, bool hourUnits, out int sign, out double value)
    {
        sign = 1;
        value = double.NaN;
        var m = Sexagesimal().Match(s);
        if (!m.Success) return false;
        var letters = s.ToLowerInvariant();
        // An 'h' marks hours and a 'd' degrees: refuse the wrong unit rather than guess.
        if (hourUnits && letters.Contains('d')) return false;
        if (!hourUnits && letters.Contains('h')) return false;
        sign = m.Groups["sign"].Value == "-" ? -1 : 1;
        var a = double.Parse(m.Groups["a"].Value, CultureInfo.InvariantCulture);
        var b = double.Parse(m.Groups["b"].Value, CultureInfo.InvariantCulture);
        var c = m.Groups["c"].Success ? double.Parse(m.Groups["c"].Value, CultureInfo.InvariantCulture) : 0.0;
        if (b >= 60 || c >= 60) return false;
        value = a + b / 60.0 + c / 3600.0;
        return true;
    }

    /// <summary>The position angle of the second position seen from the first, degrees east of north in [0, 360).</summary>
    public static double PositionAngleDeg(double ra1, double dec1, double ra2, double dec2)
    {
        var (d1, d2, dra) = (dec1 * DegToRad, dec2 * DegToRad, (ra2 - ra1) * DegToRad);
        var angle = Math.Atan2(Math.Cos(d2) * Math.Sin(dra), Math.Cos(d1) * Math.Sin(d2) - Math.Sin(d1) * Math.Cos(d2) * Math.Cos(dra)) * RadToDeg;
        return angle < 0 ? angle + 360 : angle;
    }

    /// <summary>Great-circle distance in degrees (Vincenty's formula: exact at all separations).</summary>
    public static double SeparationDeg(double ra1, double dec1, double ra2, double dec2)
    {
        var d1 = dec1 * DegToRad;
        var d2 = dec2 * DegToRad;
        var dra = (ra2 - ra1) * DegToRad;
        var sd1 = Math.Sin(d1); var cd1 = Math.Cos(d1);
        var sd2 = Math.Sin(d2); var cd2 = Math.Cos(d2);
        var cdra = Math.Cos(dra);
        var num1 = cd2 * Math.Sin(dra);
        var num2 = cd1 * sd2 - sd1 * cd2 * cdra;
        var den = sd1 * sd2 + cd1 * cd2 * cdra;
        return Math.Atan2(Math.Sqrt(num1 * num1 + num2 * num2), den) * RadToDeg;
    }
}
