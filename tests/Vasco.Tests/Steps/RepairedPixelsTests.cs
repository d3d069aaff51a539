using System.Globalization;
using System.Text.RegularExpressions;
using NUnit.Framework;
using Vasco.Fits;
using Vasco.Pipeline;
using Vasco.Preprocess;
using Vasco.Tests.Download;
using Vasco.Tests.Support;

namespace Vasco.Tests.Steps;

/// <summary>
/// The whole pipeline on a copy of the M67 plate with undefined (BLANK, read as NaN) pixels on a star whose Gaia
/// counterpart is taken out of the modern sky, and on a block of sky: step 2 fills them in from their neighbours,
/// and the user must see it, in the mask, in the filter's verdict, and as a warning in the build output. Then the
/// plate is put back whole: the same star comes out as a candidate, so it is the repair that kept it out.
/// </summary>
[TestFixture, NonParallelizable]
public class RepairedPixelsTests
{
    // A G = 16.2 star alone within 10" in Gaia, detected on the plate at (514.1, 940.8) with every selection value
    // well inside its threshold (found with M67Stars' criteria on a SpreadModel=all build of the M67 run).
    const string StarGaiaId = "604971711583008128";
    const double StarX = 514.1, StarY = 940.8;

    // 3 x 3 px on the star's core, and a 40 x 40 px block of sky: 1609 px, 0.143% of the 1059 x 1059 plate.
    static readonly (int X0, int Y0, int X1, int Y1) OnStar = (513, 940, 515, 942), OnSky = (200, 200, 239, 239);
    const int Blanked = 9 + 1600;

    [Test]
    public void SourcesOnFilledInPixelsAreFlaggedRejectedAndWarnedOf()
    {
        using var run = M67Run.Create("repaired", "<LocalImageDir>plates</LocalImageDir>", gaiaCatalog: "gaia.csv");
        var input = Repo.Path("runs", "m67", "input");
        Directory.CreateDirectory(run.Path("plates"));
        var plate = run.Path("plates", "dss1-red_M67_XE486.fits");
        File.WriteAllBytes(plate, M67Plate.WithBlankPixels(OnStar, OnSky));
        var gaia = File.ReadAllLines(Path.Combine(input, "gaia-dr3_M67_r22arcmin.csv"));
        var withoutStar = gaia.Where(l => !l.StartsWith(StarGaiaId + ",", StringComparison.Ordinal)).ToArray();
        Assert.That(withoutStar, Has.Length.EqualTo(gaia.Length - 1));
        File.WriteAllLines(run.Path("gaia.csv"), withoutStar);

        var build = run.Build();

        Assert.That(build.ExitCode, Is.EqualTo(0), build.Output);
        // The warning, with the fraction.
        var warnings = build.Warnings().Where(w => w.Code == ErrorCodes.PixelsRepaired).Select(w => w.Text).ToList();
        Assert.That(warnings, Has.Count.EqualTo(1), build.Output);
        var percent = (100.0 * Blanked / (1059 * 1059)).ToString("0.###", CultureInfo.InvariantCulture);
        Assert.That(warnings[0], Does.StartWith($"Preprocess: tile M67: {Blanked} non-finite pixel(s) ({percent}% of the plate, more than 0.1%) were filled in"));
        Assert.That(build.Output, Does.Contain($"warning {ErrorCodes.PixelsRepaired}: Preprocess: tile M67: {Blanked} non-finite pixel(s)"));

        // The mask: every filled-in pixel carries flag 2, which the bright-star mask (flag 1) does not use.
        var mask = FitsFile.Read(run.Path("data", "masks", run.RunId, "M67.mask")).Primary;
        var flags = mask.ReadDoubles();
        var width = mask.Axes[0];
        var repaired = flags.Count(f => ((int)f & BrightStarMask.RepairedPixelFlag) != 0);
        Assert.That(repaired, Is.EqualTo(Blanked));
        foreach (var (x0, y0, x1, y1) in new[] { OnStar, OnSky })
            for (var y = y0; y <= y1; y++)
                for (var x = x0; x <= x1; x++)
                    Assert.That((int)flags[(y - 1) * width + x - 1] & BrightStarMask.RepairedPixelFlag, Is.Not.Zero, $"({x}, {y})");

        // The star is detected, unmatched, and dropped for what it lies on, not taken for a vanished source.
        var star = NearestRow(run.Path("data", "filter", run.RunId, "M67_filtered.csv"));
        Assert.That(star, Is.Not.Null, "the star on the filled-in pixels is still detected");
        Assert.That(star!["verdict"], Is.EqualTo("repaired_pixels"));
        Assert.That(double.Parse(star["imaflags_iso"], CultureInfo.InvariantCulture), Is.EqualTo(BrightStarMask.RepairedPixelFlag));
        Assert.That(NearestRow(run.Path("data", "filter", run.RunId, "candidates.csv")), Is.Null, "no candidate on the filled-in pixels");

        // The plate whole again: the same star, still missing from Gaia, is a candidate.
        File.WriteAllBytes(plate, M67Plate.Bytes);
        var whole = run.Build();
        Assert.That(whole.ExitCode, Is.EqualTo(0), whole.Output);
        Assert.That(whole.Warnings().Where(w => w.Code == ErrorCodes.PixelsRepaired), Is.Empty);
        Assert.That(NearestRow(run.Path("data", "filter", run.RunId, "candidates.csv")), Is.Not.Null,
            "on the whole plate the star is a candidate: only the repair kept it out");
    }

    /// <summary>The row of a step-8 CSV within 3 px of the star, or null.</summary>
    static Dictionary<string, string>? NearestRow(string csv)
    {
        var lines = File.ReadAllLines(csv).Where(l => l.Length > 0).ToList();
        var header = lines[0].Split(',');
        return lines.Skip(1).Select(l => header.Zip(l.Split(',')).ToDictionary(p => p.First, p => p.Second))
            .Where(r => Math.Abs(double.Parse(r["x_image"], CultureInfo.InvariantCulture) - StarX) < 3
                && Math.Abs(double.Parse(r["y_image"], CultureInfo.InvariantCulture) - StarY) < 3)
            .FirstOrDefault();
    }
}
