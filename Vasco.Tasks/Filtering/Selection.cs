using Vasco.CrossMatch;
using Vasco.Preprocess;

namespace Vasco.Filtering;

/// <summary>The paper's thresholds (Solano et al. 2022, FACTS 4); each is a pipeline parameter.</summary>
public sealed record SelectionThresholds
{
    public double SnrWinMin { get; init; } = 30;
    public double FwhmMin { get; init; } = 2;
    public double FwhmMax { get; init; } = 7;
    public double ElongationMax { get; init; } = 1.3;
    public double SpreadModelMin { get; init; } = -0.002;
    public double ExtentDifferenceMax { get; init; } = 2;
    public double ExtentMin { get; init; } = 1;
    public double ClipSigma { get; init; } = 2;
    public double SpikeMagLimit { get; init; } = 12.4;
    public double HaloSlope { get; init; } = 0.09;
    public double HaloIntercept { get; init; } = 15.3;
    public double BrightStarSearchArcmin { get; init; } = 90;
}

/// <summary>
/// The selection of vanishing-source candidates among the plate sources with no modern
/// counterpart. Criteria are applied in <see cref="Order"/>; a source is counted against
/// the first one it fails, so the kept set is the same in any order. SPREAD_MODEL comes
/// last because it is the costly measurement: only sources that pass everything else need it.
/// </summary>
public static class Selection
{
    public const string Flags = "flags";
    public const string Mask = "bright_star_mask";
    /// <summary>On pixels step 2 filled in (NaN or BLANK in the scan): what is measured there is made up.</summary>
    public const string Repaired = "repaired_pixels";
    public const string SnrWin = "snr_win";
    public const string Fwhm = "fwhm_image";
    public const string Elongation = "elongation";
    public const string Extent = "extent";
    public const string FwhmClip = "fwhm_clip";
    public const string ElongationClip = "elongation_clip";
    public const string SpikeHalo = "spike_halo";
    public const string SpreadModel = "spread_model";

    public static readonly string[] Order = [Flags, Mask, Repaired, SnrWin, Fwhm, Elongation, Extent, FwhmClip, ElongationClip, SpikeHalo, SpreadModel];

    /// <summary>The clip statistics of a tile: median and 1.4826 MAD of FWHM_IMAGE and ELONGATION.</summary>
    public sealed record ClipStatistics(double FwhmMedian, double FwhmSigma, double ElongationMedian, double ElongationSigma, int Sources);

    /// <summary>
    /// The reference population of the sigma clips: every plate source of the tile that
    /// passes the cuts before the clips (matched or not): a tile's candidates alone are too
    /// few for a median.
    /// </summary>
    public static ClipStatistics Clip(PlateSources all, SelectionThresholds t)
    {
        var rows = Enumerable.Range(0, all.Count).Where(i => FirstCut(all, i, t, clip: null, spikeHalo: null, spread: null) is null).ToList();
        var fwhm = rows.Select(i => all["fwhm_image"][i]).ToArray();
        var elong = rows.Select(i => all["elongation"][i]).ToArray();
        return new ClipStatistics(Median(fwhm), 1.4826 * Mad(fwhm), Median(elong), 1.4826 * Mad(elong), rows.Count);
    }

    /// <summary>
    /// The first criterion source <paramref name="i"/> fails, or null when it passes all.
    /// Criteria whose inputs are not given (null) are not applied.
    /// </summary>
    public static string? FirstCut(PlateSources s, int i, SelectionThresholds t, ClipStatistics? clip, Func<int, bool>? spikeHalo, Func<int, double>? spread)
    {
        if (s["flags"][i] != 0) return Flags;
        if (s.Has("imaflags_iso") && s["imaflags_iso"][i] != 0)
            // The flag image's bits (step 2): a source on filled-in pixels is told apart from one in a star's halo.
            return ((long)s["imaflags_iso"][i] & (BrightStarMask.BrightStarFlag | BrightStarMask.RepairedPixelFlag)) == BrightStarMask.RepairedPixelFlag ? Repaired : Mask;
        if (!(s["snr_win"][i] > t.SnrWinMin)) return SnrWin;
        var fwhm = s["fwhm_image"][i];
        if (!(fwhm > t.FwhmMin && fwhm < t.FwhmMax)) return Fwhm;
        var elongation = s["elongation"][i];
        if (!(elongation < t.ElongationMax)) return Elongation;
        var dx = s["xmax_image"][i] - s["xmin_image"][i];
        var dy = s["ymax_image"][i] - s["ymin_image"][i];
        if (!(Math.Abs(dx - dy) < t.ExtentDifferenceMax && dx > t.ExtentMin && dy > t.ExtentMin)) return Extent;
        if (clip is null) return null;
        if (!(Math.Abs(fwhm - clip.FwhmMedian) <= t.ClipSigma * clip.FwhmSigma)) return FwhmClip;
        if (!(Math.Abs(elongation - clip.ElongationMedian) <= t.ClipSigma * clip.ElongationSigma)) return ElongationClip;
        if (spikeHalo is not null && spikeHalo(i)) return SpikeHalo;
        if (spread is not null && !(spread(i) > t.SpreadModelMin)) return SpreadModel;
        return null;
    }

    /// <summary>
    /// Diffraction spikes and halos: the nearest bright star within the search radius
    /// rejects the source when its magnitude m &lt;= SpikeMagLimit, or when
    /// m &lt; -HaloSlope * d + HaloIntercept with d its distance in arcsec.
    /// </summary>
    public static bool InSpikeOrHalo(double nearestMag, double distanceArcsec, SelectionThresholds t) =>
        !double.IsNaN(nearestMag) && (nearestMag <= t.SpikeMagLimit || nearestMag < -t.HaloSlope * distanceArcsec + t.HaloIntercept);

    public static double Median(double[] values)
    {
        if (values.Length == 0) return double.NaN;
        var sorted = values.Order().ToArray();
        var n = sorted.Length;
        return n % 2 == 1 ? sorted[n / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2;
    }

    public static double Mad(double[] values)
    {
        var median = Median(values);
        return Median(values.Select(v => Math.Abs(v - median)).ToArray());
    }
}
