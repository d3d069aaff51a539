using System.Globalization;
using System.Text.RegularExpressions;
using Vasco.Fits;

namespace Vasco.Preprocess;

/// <summary>
/// When a plate was exposed, as a decimal year (the epoch to which modern positions are moved back), and the
/// header keyword it was read from.
/// </summary>
public sealed partial record PlateEpoch(double Year, string Keyword)
{
    /// <summary>
    /// Reads DATE-OBS ('yyyy-mm-dd', 'yyyy-mm-ddThh:mm:ss[.s]' or the old 'dd/mm/yy', meaning 19yy), with the time
    /// of day from UT or TIME-OBS when DATE-OBS carries none (midnight when neither is there); else EPOCH as a
    /// decimal year.
    /// </summary>
    public static PlateEpoch FromHeader(FitsHeader header, string? file = null)
    {
        if (header.Contains("DATE-OBS"))
            return new PlateEpoch(DecimalYear(ReadDateObs(header, file)), "DATE-OBS");
        if (header.TryGetDouble("EPOCH", out var epoch))
        {
            // Before the EQUINOX keyword existed, EPOCH = 1950.0 or 2000.0 meant the equinox, not a date.
            if (epoch is 1950.0 or 2000.0 || epoch < 1850 || epoch > 2100)
                throw Unusable(file, $"its EPOCH = {epoch.ToString(CultureInfo.InvariantCulture)} is not a plate date (1950.0 and 2000.0 are equinoxes)");
            return new PlateEpoch(epoch, "EPOCH");
        }
        throw Unusable(file, "it has neither DATE-OBS nor EPOCH");
    }

    /// <summary>The year plus the fraction of that year elapsed at <paramref name="utc"/> (years have 365 or 366 days).</summary>
    public static double DecimalYear(DateTime utc)
    {
        var start = new DateTime(utc.Year, 1, 1, 0, 0, 0, DateTimeKind.Utc);
        var end = start.AddYears(1);
        return utc.Year + (utc - start).TotalDays / (end - start).TotalDays;
    }

    /// <summary>When the exposure started: DATE-OBS, with the time of day from it, UT or TIME-OBS (midnight when none gives one).</summary>
    internal static DateTime StartOf(FitsHeader header, string? file) => ReadDateObs(header, file);

    /// <summary>Whether the header gives the time of day of the start (DATE-OBS with a time, UT or TIME-OBS), not only its date.</summary>
    internal static bool GivesTimeOfDay(FitsHeader header) =>
        header.TryGetString("DATE-OBS", out var d) && IsoDate().Match(d) is { Success: true } m && m.Groups["t"].Success
        || header.Contains("UT") || header.Contains("TIME-OBS");

    private static DateTime ReadDateObs(FitsHeader header, string? file)
    {
        var text = ReadString(header, "DATE-OBS", file);
        var iso = IsoDate().Match(text);
        var old = OldDate().Match(text);
        int year, month, day;
        if (iso.Success)
            (year, month, day) = (Number(iso, "y"), Number(iso, "m"), Number(iso, "d"));
        else if (old.Success)
            (year, month, day) = (1900 + Number(old, "y"), Number(old, "m"), Number(old, "d"));
        else
            throw Unusable(file, $"its DATE-OBS = '{text}' is not 'yyyy-mm-dd', 'yyyy-mm-ddThh:mm:ss' or 'dd/mm/yy'");
        if (month is < 1 or > 12 || day < 1 || day > DateTime.DaysInMonth(year, month))
            throw Unusable(file, $"its DATE-OBS = '{text}' is not a calendar date");
        var date = new DateTime(year, month, day, 0, 0, 0, DateTimeKind.Utc);

        string? time = iso.Success && iso.Groups["t"].Success ? iso.Groups["t"].Value : null;
        var timeKeyword = "DATE-OBS";
        foreach (var keyword in new[] { "UT", "TIME-OBS" })
            if (time == null && header.Contains(keyword))
            {
                time = ReadString(header, keyword, file);
                timeKeyword = keyword;
            }
        if (time == null)
            return date;
        var clock = TimeOfDay().Match(time);
        if (!clock.Success)
            throw Unusable(file, $"its {timeKeyword} time '{time}' is not hh:mm:ss");
        var seconds = double.Parse(clock.Groups["s"].Value, CultureInfo.InvariantCulture);
        if (Number(clock, "h") > 23 || Number(clock, "m") > 59 || seconds >= 61)
            throw Unusable(file, $"its {timeKeyword} time '{time}' is not a time of day");
        return date.AddHours(Number(clock, "h")).AddMinutes(Number(clock, "m")).AddSeconds(seconds);
    }

    private static string ReadString(FitsHeader header, string keyword, string? file)
    {
        try
        {
            return header.GetString(keyword).Trim();
        }
        catch (FitsFormatException e)
        {
            throw Unusable(file, e.Message);
        }
    }

    private static int Number(Match match, string group) => int.Parse(match.Groups[group].Value, CultureInfo.InvariantCulture);

    private static VascoException Unusable(string? file, string why) =>
        new(ErrorCodes.PlateEpochMissing,
            $"The plate epoch of '{file ?? "the plate"}' cannot be read: {why}.",
            "give the plate header a DATE-OBS ('yyyy-mm-dd' or 'yyyy-mm-ddThh:mm:ss') or an EPOCH decimal year; the archive's own headers carry them, so re-download the plate if it was edited.",
            file);

    [GeneratedRegex(@"^(?<y>\d{4})-(?<m>\d{2})-(?<d>\d{2})(T(?<t>[0-9:.]+))?$")]
    private static partial Regex IsoDate();

    [GeneratedRegex(@"^(?<d>\d{2})/(?<m>\d{2})/(?<y>\d{2})$")]
    private static partial Regex OldDate();

    [GeneratedRegex(@"^(?<h>\d{1,2}):(?<m>\d{2}):(?<s>\d{2}(\.\d*)?)$")]
    private static partial Regex TimeOfDay();
}
