using System.Globalization;
using Vasco.Fits;
using Vasco.Sky;

namespace Vasco.Preprocess;

/// <summary>
/// When and where a plate was exposed, from its header (the clean image keeps these cards): the start (DATE-OBS with UT or
/// TIME-OBS: on the M67 plate UT = 12:07:00 and EPOCH = 1951.91101, about 12:27, inside the 50-minute exposure, so UT is its
/// start), the length (EXPOSURE, minutes) and the site (SITELAT, SITELONG). What the header lacks is null, so a stage that
/// needs it can say what it assumed instead.
/// </summary>
public sealed record PlateExposure(DateTime StartUtc, TimeSpan? Duration, ObservingSite? Site)
{
    /// <summary>Why the start is not known to the minute (no DATE-OBS, or a date without a time of day), or null when it is.</summary>
    public string? StartUnknown { get; init; }

    /// <summary>The middle of the exposure, where a moving object's predicted position belongs; the start when the length is unknown.</summary>
    public DateTime MidUtc => Duration is { } d ? StartUtc + d / 2 : StartUtc;

    /// <summary>Why the middle of the exposure is not known (no start to the minute, or no EXPOSURE), or null when <see cref="MidUtc"/> is it.</summary>
    public string? MidUnknown => StartUnknown ?? (Duration is null ? "the plate header gives no EXPOSURE: the middle of the exposure is unknown" : null);

    /// <summary>The height of a site the header gives only by latitude and longitude: Palomar's 48-inch Schmidt, about 1706 m.</summary>
    public const double DefaultHeightM = 1706;

    public static PlateExposure FromHeader(FitsHeader header, string? file = null)
    {
        DateTime start;
        string? unknown = null;
        try
        {
            start = PlateEpoch.StartOf(header, file);
            if (!PlateEpoch.GivesTimeOfDay(header)) unknown = "the plate header gives the date of the exposure but not its time (UT or TIME-OBS)";
        }
        catch (VascoException e)
        {
            (start, unknown) = (DateTime.MinValue, $"the plate header gives no usable start of the exposure ({e.UserMessage})");
        }
        TimeSpan? duration = header.TryGetDouble("EXPOSURE", out var minutes) && minutes > 0 && double.IsFinite(minutes) ? TimeSpan.FromMinutes(minutes) : null;
        ObservingSite? site = null;
        if (header.TryGetString("SITELAT", out var lat) && header.TryGetString("SITELONG", out var lon)
            && Angles.TryParseDegrees(lat, 90, out var latDeg) && Angles.TryParseDegrees(lon, 180, out var lonDeg))
            site = new ObservingSite(string.Create(CultureInfo.InvariantCulture, $"SITELAT {lat.Trim()}, SITELONG {lon.Trim()}"), latDeg, lonDeg, DefaultHeightM);
        return new PlateExposure(start, duration, site) { StartUnknown = unknown };
    }
}
