using NUnit.Framework;
using Vasco.CrossMatch;
using Vasco.Filtering;

namespace Vasco.Tests.Steps;

/// <summary>Each criterion of the paper's selection at its boundary (FACTS 4).</summary>
public class SelectionTests
{
    static readonly SelectionThresholds T = new();

    /// <summary>One source that passes everything, with one value changed.</summary>
    static PlateSources Source(string? column = null, double value = 0)
    {
        var values = new Dictionary<string, double>
        {
            ["flags"] = 0, ["imaflags_iso"] = 0, ["snr_win"] = 50, ["fwhm_image"] = 3, ["elongation"] = 1.05,
            ["xmin_image"] = 10, ["xmax_image"] = 14, ["ymin_image"] = 20, ["ymax_image"] = 24,
        };
        if (column is not null) values[column] = value;
        return new PlateSources(values.Keys.ToList(), values.Values.Select(v => new[] { v }).ToList());
    }

    static readonly Selection.ClipStatistics Clip = new(3, 0.5, 1.05, 0.05, 100);

    static string? Cut(PlateSources s, double spread = 0.01, bool spikeHalo = false) =>
        Selection.FirstCut(s, 0, T, Clip, _ => spikeHalo, _ => spread);

    [Test]
    public void AWellMeasuredPointSourcePasses() => Assert.That(Cut(Source()), Is.Null);

    [TestCase("flags", 1, "flags")]
    [TestCase("imaflags_iso", 1, "bright_star_mask")]
    [TestCase("imaflags_iso", 2, "repaired_pixels")]
    [TestCase("imaflags_iso", 3, "bright_star_mask")]
    [TestCase("snr_win", 30, "snr_win")]
    [TestCase("fwhm_image", 2, "fwhm_image")]
    [TestCase("fwhm_image", 7, "fwhm_image")]
    [TestCase("elongation", 1.3, "elongation")]
    public void ValuesAtTheThresholdAreRejected(string column, double value, string criterion) =>
        Assert.That(Cut(Source(column, value)), Is.EqualTo(criterion));

    [TestCase("snr_win", 30.0001)]
    [TestCase("fwhm_image", 2.0001)]
    [TestCase("fwhm_image", 3.9999)]
    [TestCase("elongation", 1.0999)]
    public void ValuesJustInsideTheThresholdPass(string column, double value) =>
        Assert.That(Cut(Source(column, value)), Is.Null);

    [Test]
    public void TheExtentRule()
    {
        Assert.That(Cut(Source("xmax_image", 16)), Is.EqualTo("extent"), "dx - dy = 2");
        Assert.That(Cut(Source("xmax_image", 15.99)), Is.Null, "dx - dy = 1.99");
        var tiny = Source("xmax_image", 11);
        Assert.That(Cut(tiny), Is.EqualTo("extent"), "dx = 1 (and |dx - dy| = 3)");
        var thin = new PlateSources(["flags", "imaflags_iso", "snr_win", "fwhm_image", "elongation", "xmin_image", "xmax_image", "ymin_image", "ymax_image"],
            [[0], [0], [50], [3], [1.05], [10], [11], [20], [21]]);
        Assert.That(Cut(thin), Is.EqualTo("extent"), "both extents 1: not > 1");
    }

    [Test]
    public void TheSigmaClipsAreTwoSigmaAroundTheMedian()
    {
        Assert.That(Cut(Source("fwhm_image", 4.0)), Is.Null, "exactly 2 sigma away is kept");
        Assert.That(Cut(Source("fwhm_image", 4.01)), Is.EqualTo("fwhm_clip"));
        Assert.That(Cut(Source("elongation", 1.16)), Is.EqualTo("elongation_clip"));
        Assert.That(Cut(Source("elongation", 1.15)), Is.Null);
    }

    [Test]
    public void SpreadModelIsAskedLastAndItsThresholdIsStrict()
    {
        Assert.That(Cut(Source(), spread: -0.002), Is.EqualTo("spread_model"));
        Assert.That(Cut(Source(), spread: -0.0019), Is.Null);
        var asked = false;
        Selection.FirstCut(Source("flags", 4), 0, T, Clip, _ => false, _ => { asked = true; return 0; });
        Assert.That(asked, Is.False, "a source rejected earlier never costs a SPREAD_MODEL measurement");
        Assert.That(Cut(Source(), spikeHalo: true), Is.EqualTo("spike_halo"));
    }

    [TestCase(12.4, 1000, true)]       // a star of m <= 12.4 rejects at any distance
    [TestCase(12.41, 1000, false)]
    [TestCase(13.0, 25.0, true)]       // 13.0 < -0.09*25 + 15.3 = 13.05
    [TestCase(13.0, 25.6, false)]      // 13.0 < 12.996? no
    [TestCase(15.0, 3.0, true)]        // 15.0 < 15.03
    [TestCase(double.NaN, 1, false)]   // no bright star within the search radius
    public void TheSpikeAndHaloRule(double mag, double distance, bool rejected) =>
        Assert.That(Selection.InSpikeOrHalo(mag, distance, T), Is.EqualTo(rejected));

    [Test]
    public void TheClipStatisticsUseTheWellMeasuredSourcesOfTheTile()
    {
        var s = new PlateSources(["flags", "imaflags_iso", "snr_win", "fwhm_image", "elongation", "xmin_image", "xmax_image", "ymin_image", "ymax_image"],
            [[0, 0, 0, 4], [0, 0, 0, 0], [50, 50, 50, 50], [2.5, 3, 3.5, 30], [1.0, 1.1, 1.2, 1.0], [0, 0, 0, 0], [4, 4, 4, 4], [0, 0, 0, 0], [4, 4, 4, 4]]);
        var clip = Selection.Clip(s, T);
        Assert.That(clip.Sources, Is.EqualTo(3), "the flagged source is not part of the population");
        Assert.That(clip.FwhmMedian, Is.EqualTo(3));
        Assert.That(clip.FwhmSigma, Is.EqualTo(1.4826 * 0.5).Within(1e-12));
        Assert.That(clip.ElongationMedian, Is.EqualTo(1.1).Within(1e-12));
    }
}
