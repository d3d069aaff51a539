using System.Globalization;
using Vasco.Download;

namespace Vasco.SecondLook;

/// <summary>What became of a candidate on one other plate: measured (with its signal-to-noise ratio) or why not.</summary>
public sealed record PlateLook(PlateSurvey Survey, string Status, double Snr, double HoursFromRed, double Epoch)
{
    public const string Measured = "measured";
    public bool IsMeasured => Status == Measured;

    public static PlateLook NotMeasured(PlateSurvey survey, string why, double hoursFromRed = double.NaN, double epoch = double.NaN) =>
        new(survey, why, double.NaN, hoursFromRed, epoch);
}

/// <summary>When a source counts as seen on a plate, and how close in time a blue plate must be to call the source short-lived.</summary>
public sealed record SecondLookThresholds(double DetectSnr = 5, double TransientMaxHours = 24);

/// <summary>
/// A candidate's class from the other plates of its sky, the way the published follow-ups of this search read them:
/// <list type="bullet">
/// <item><c>still_present</c>: seen on a later (POSS-II/UKST) plate, so it did not vanish: the modern catalog misses it;</item>
/// <item><c>vanished</c>: on both POSS-I plates (red and blue), on no later plate that covers it;</item>
/// <item><c>red_only</c>: on the red plate only, with the blue plate exposed within hours: a short transient;</item>
/// <item><c>undecided</c>: what the plates at hand cannot tell (no blue plate, none later, a plate not registered, a blue
/// plate too far in time), with the reason.</item>
/// </list>
/// </summary>
public static class SecondLookClass
{
    public const string StillPresent = "still_present", Vanished = "vanished", RedOnly = "red_only", Undecided = "undecided";
    /// <summary>Not looked at: a vetting stage explained the candidate already (OtherPlatesFor=unexplained).</summary>
    public const string NotLooked = "not_looked";
    public static readonly IReadOnlyList<string> Classes = [RedOnly, Vanished, StillPresent, Undecided, NotLooked];

    public static (string Class, string Why) Classify(IReadOnlyList<PlateLook> looks, SecondLookThresholds t)
    {
        string Snr(PlateLook l) => l.Snr.ToString("0.0", CultureInfo.InvariantCulture);
        string Year(PlateLook l) => double.IsFinite(l.Epoch) ? ((int)Math.Floor(l.Epoch)).ToString(CultureInfo.InvariantCulture) : "?";
        var later = looks.Where(l => !l.Survey.FirstEpoch && l.IsMeasured).ToList();
        if (later.FirstOrDefault(l => l.Snr >= t.DetectSnr) is { } seen)
            return (StillPresent, $"on the {seen.Survey.Label} plate of {Year(seen)} (SNR {Snr(seen)})");

        var blue = looks.FirstOrDefault(l => l.Survey.FirstEpoch);
        if (blue is null) return (Undecided, "no POSS-I blue plate was asked for");
        if (!blue.IsMeasured) return (Undecided, $"POSS-I blue: {blue.Status}");
        if (blue.Snr >= t.DetectSnr)
        {
            if (later.Count == 0)
                return (Undecided, $"on the POSS-I blue plate (SNR {Snr(blue)}), and no later plate measured: {LaterWhy(looks)}");
            return (Vanished, $"on the POSS-I blue plate (SNR {Snr(blue)}), on none of {string.Join(", ", later.Select(l => $"{l.Survey.Label} {Year(l)} (SNR {Snr(l)})"))}");
        }
        if (!double.IsFinite(blue.HoursFromRed))
            return (Undecided, $"not on the POSS-I blue plate (SNR {Snr(blue)}), whose time from the red exposure is unknown");
        if (Math.Abs(blue.HoursFromRed) > t.TransientMaxHours)
            return (Undecided, string.Create(CultureInfo.InvariantCulture,
                $"not on the POSS-I blue plate (SNR {Snr(blue)}), exposed {Math.Abs(blue.HoursFromRed) / 24:0.#} days from the red one (more than {t.TransientMaxHours:0.#} h)"));
        return (RedOnly, string.Create(CultureInfo.InvariantCulture,
            $"not on the POSS-I blue plate exposed {blue.HoursFromRed:+0.0;-0.0} h from the red one (SNR {Snr(blue)}){(later.Count > 0 ? ", nor on a later plate" : "")}"));
    }

    static string LaterWhy(IReadOnlyList<PlateLook> looks)
    {
        var later = looks.Where(l => !l.Survey.FirstEpoch).ToList();
        return later.Count == 0 ? "none was asked for" : string.Join("; ", later.Select(l => $"{l.Survey.Label}: {l.Status}"));
    }
}
