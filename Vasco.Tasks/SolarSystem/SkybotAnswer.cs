using System.Globalization;
using System.Text.RegularExpressions;
using Vasco.Net;
using Vasco.Sky;

namespace Vasco.SolarSystem;

/// <summary>A known solar-system object SkyBoT predicts in a cone, at the epoch and for the observer asked.</summary>
/// <param name="ErrArcsec">The predicted position's uncertainty, arcsec.</param>
/// <param name="CentreDistanceArcsec">Distance from the cone's centre, arcsec.</param>
/// <param name="DistanceAu">Distance from the observer, au.</param>
public sealed record SkybotObject(
    string Number,
    string Name,
    double RaDeg,
    double DecDeg,
    string Class,
    double Mv,
    double ErrArcsec,
    double CentreDistanceArcsec,
    double RaRateArcsecPerHour,
    double DecRateArcsecPerHour,
    double DistanceAu)
{
    /// <summary>The apparent motion, arcsec per hour.</summary>
    public double RateArcsecPerHour => Math.Sqrt(RaRateArcsecPerHour * RaRateArcsecPerHour + DecRateArcsecPerHour * DecRateArcsecPerHour);
}

public enum SkybotAnswerKind
{
    /// <summary>Flag 1: the objects in the cone.</summary>
    Objects,
    /// <summary>Flag 0, or "No solar system object was found": an answer, and an empty one.</summary>
    None,
    /// <summary>Flag -1: SkyBoT failed on its side (its database, an ephemeris), with its message.</summary>
    Error,
    /// <summary>Not SkyBoT's text format, or cut short: not an answer.</summary>
    Damaged,
}

/// <summary>
/// SkyBoT's text answer (-mime=text): "# Flag: N", "# Ticket: N", a header "# Num | Name | RA(h) | DE(deg) | ..." and
/// one row per object, fields separated by " | " (the format of astroquery's test data, skybot_query.dat). An object's
/// name may itself hold " | ": a row with more fields than the header has them in its name.
/// </summary>
public sealed partial record SkybotAnswer(SkybotAnswerKind Kind, IReadOnlyList<SkybotObject> Objects, string Message)
{
    const string NoObject = "No solar system object was found";
    static readonly string[] Needed = ["Num", "Name", "RA(h)", "DE(deg)", "Class", "Mv", "Err(arcsec)", "d(arcsec)", "dRA(arcsec/h)", "dDEC(arcsec/h)", "Dg(ua)"];

    public static SkybotAnswer Parse(string body)
    {
        var lines = body.Replace("\r", "").Split('\n');
        var flagLine = FlagLine().Match(lines.FirstOrDefault() ?? "");
        var text = string.Join(' ', lines.Where(l => l.Length > 0 && !l.StartsWith("# Flag", StringComparison.Ordinal) && !l.StartsWith("# Ticket", StringComparison.Ordinal))).Trim();
        if (body.Contains(NoObject, StringComparison.OrdinalIgnoreCase) || flagLine.Success && flagLine.Groups[1].Value == "0")
            return new(SkybotAnswerKind.None, [], "no known solar-system object in the cone");
        if (!flagLine.Success)
            return new(SkybotAnswerKind.Damaged, [], $"not a SkyBoT answer: \"{HttpRetry.Excerpt(body)}\"");
        if (flagLine.Groups[1].Value != "1")
            return new(SkybotAnswerKind.Error, [], $"SkyBoT reports an error (flag {flagLine.Groups[1].Value}): \"{HttpRetry.Excerpt(text)}\"");
        var header = lines.FirstOrDefault(l => l.StartsWith("# Num", StringComparison.Ordinal));
        if (header is null)
            return new(SkybotAnswerKind.Damaged, [], "SkyBoT's answer has flag 1 but no header line");
        var names = header[2..].Split(" | ").Select(n => n.Trim()).ToList();
        var missing = Needed.Where(n => !names.Contains(n)).ToList();
        if (missing.Count > 0)
            return new(SkybotAnswerKind.Damaged, [], $"SkyBoT's header lacks {string.Join(", ", missing)}");
        var objects = new List<SkybotObject>();
        var rows = lines.SkipWhile(l => l != header).Skip(1).Where(l => l.Trim().Length > 0).ToList();
        foreach (var row in rows)
        {
            var fields = row.Split(" | ").Select(f => f.Trim()).ToList();
            if (fields.Count < names.Count)
                return new(SkybotAnswerKind.Damaged, [], $"SkyBoT's answer is cut short: a row has {fields.Count} of {names.Count} fields (\"{HttpRetry.Excerpt(row)}\")");
            var extra = fields.Count - names.Count;
            if (extra > 0) fields = [fields[0], string.Join(" | ", fields.Skip(1).Take(extra + 1)), .. fields.Skip(extra + 2)];
            string F(string name) => fields[names.IndexOf(name)];
            if (!Angles.TryParseRa(F("RA(h)").Replace(' ', ':'), out var ra) || !Angles.TryParseDec(F("DE(deg)").Replace(' ', ':'), out var dec)
                || !TryNumber(F("Err(arcsec)"), out var err) || !TryNumber(F("d(arcsec)"), out var d) || !TryNumber(F("dRA(arcsec/h)"), out var dRa)
                || !TryNumber(F("dDEC(arcsec/h)"), out var dDec) || !TryNumber(F("Dg(ua)"), out var dg))
                return new(SkybotAnswerKind.Damaged, [], $"SkyBoT's row \"{HttpRetry.Excerpt(row)}\" is not numbers where numbers belong");
            objects.Add(new SkybotObject(F("Num"), F("Name"), ra, dec, F("Class"), TryNumber(F("Mv"), out var mv) ? mv : double.NaN, err, d, dRa, dDec, dg));
        }
        return new(SkybotAnswerKind.Objects, objects, $"{objects.Count} known object(s)");
    }

    static bool TryNumber(string text, out double value) =>
        double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out value) && double.IsFinite(value);

    [GeneratedRegex(@"^# Flag: (-?\d+)\s*$")]
    private static partial Regex FlagLine();
}
