using System.Globalization;
using System.Text.Json;
using NUnit.Framework;
using Vasco.CrossMatch;
using Vasco.Filtering;
using Vasco.IO;
using Vasco.Pipeline;
using Vasco.Sky;
using Vasco.Synthetic;
using Vasco.Tests.Support;

namespace Vasco.Tests.Steps;

/// <summary>What a user checks of step 8's calibrated magnitudes: the manifest's calibration and each candidate's mag_cal.</summary>
static class CalibratedMagnitudes
{
    static readonly JsonSerializerOptions Snake = new() { PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower };

    public static CalibrationSummary Of(RunFolder run, string tile) =>
        JsonSerializer.Deserialize<CalibrationSummary>(((JsonElement)Manifest.Read(run.Path("data", "filter", run.RunId, tile + ".tile.json")).Fields["mag_cal"]!).GetRawText(), Snake)!;

    public static IReadOnlyList<IReadOnlyDictionary<string, string>> Candidates(RunFolder run, string tile) =>
        PlainCsv.Read(run.Path("data", "filter", run.RunId, tile + "_candidates.csv")).Records();

    public static double Number(string cell) => double.Parse(cell, CultureInfo.InvariantCulture);
}

/// <summary>
/// The M67 plate calibrated on Gaia DR3 G. The figures were measured apart from Vasco, with numpy on step 7's
/// M67_xmatch.csv (docs/selection.md): the same clipped cubic gives zero point 28.8638 +- 0.0106 at MAG_AUTO -12.4109, scatter
/// 0.2230 over 881 stars (102 clipped); the candidate #344 (MAG_AUTO -11.380, MAGERR_AUTO 0.058) G = 18.176 +- 0.234; and,
/// without any fit, the 61 calibration stars within 0.15 mag of its MAG_AUTO have a median G of 18.124.
/// </summary>
[TestFixture, NonParallelizable]
public class M67CalibratedMagnitudeTests
{
    RunFolder _run = null!;
    BuildRun _build = null!;

    [OneTimeSetUp]
    public void Build()
    {
        _run = M67Run.Create("calmag");
        _build = _run.Build("-t:VascoFilter");
    }

    [OneTimeTearDown]
    public void Dispose() => _run.Dispose();

    [Test]
    public void The_tiles_zero_point_and_the_candidates_magnitude_are_those_measured_apart()
    {
        Assert.That(_build.ExitCode, Is.EqualTo(0), _build.Output);
        var cal = CalibratedMagnitudes.Of(_run, M67Run.TileId);
        TestContext.Out.WriteLine(JsonSerializer.Serialize(cal));
        Assert.That((cal.Band, cal.Degree, cal.Reason), Is.EqualTo(("gaia phot_g_mean_mag", (int?)3, (string?)null)));
        Assert.That(cal.ZeroPoint, Is.EqualTo(28.8638).Within(0.002));
        Assert.That(cal.ZeroPointError, Is.EqualTo(0.0106).Within(0.001));
        Assert.That(cal.PivotMagAuto, Is.EqualTo(-12.4109).Within(0.001));
        Assert.That(cal.Scatter, Is.EqualTo(0.2230).Within(0.002));
        Assert.That(cal.Stars, Is.EqualTo(881).Within(3));
        Assert.That(cal.CatalogMagRange![1], Is.EqualTo(19.23).Within(0.05), "the plate's faintest calibration star, near its limit");
        Assert.That(cal.CandidatesOutsideRange, Is.Empty);

        var header = PlainCsv.Read(_run.Path("data", "filter", _run.RunId, "M67_candidates.csv")).Header;
        Assert.That(header.Take(13), Is.EqualTo(new[] { "tile_id", "number", "ra", "dec", "mag", "snr_win", "fwhm_image", "elongation", "spread_model", "flags", "plate_id", "plate_epoch", "plate_label" }),
            "the INTERFACE columns and the plate's label stay where they were");
        Assert.That(header.Skip(13).Take(3), Is.EqualTo(new[] { "mag_cal", "mag_cal_err", "magerr_auto" }));

        var candidate = CalibratedMagnitudes.Candidates(_run, M67Run.TileId).Single();
        Assert.That(candidate["number"], Is.EqualTo("344"));
        Assert.That(CalibratedMagnitudes.Number(candidate["mag_cal"]), Is.EqualTo(18.176).Within(0.003));
        Assert.That(CalibratedMagnitudes.Number(candidate["mag_cal_err"]), Is.EqualTo(0.234).Within(0.003));

        // Without any fit: the Gaia G of the plate's calibration-quality stars of about the candidate's MAG_AUTO.
        var xmatch = _run.Path("data", "xmatch", _run.RunId, "M67_xmatch.csv");
        var matched = PlateSources.ReadCsv(xmatch);
        var g = PlainCsv.Read(xmatch).Numbers("ref_mag");
        var magAuto = CalibratedMagnitudes.Number(candidate["mag"]);
        var near = Enumerable.Range(0, matched.Count)
            .Where(i => matched["flags"][i] == 0 && matched["imaflags_iso"][i] == 0 && Math.Abs(matched["mag_auto"][i] - magAuto) < 0.15).Select(i => g[i]).ToArray();
        Assert.That(near, Has.Length.GreaterThan(40));
        Assert.That(CalibratedMagnitudes.Number(candidate["mag_cal"]), Is.EqualTo(Selection.Median(near)).Within(0.1));
    }

    [Test]
    public void Too_few_stars_leave_mag_cal_empty_with_the_reason_and_a_zero_point_alone_is_a_magnitude_off()
    {
        try
        {
            var strict = _run.Build("-t:VascoFilter", "-p:MagCalStarsMin=100000");
            Assert.That(strict.ExitCode, Is.EqualTo(0), strict.Output);
            Assert.That(strict.TilesRun("VascoFilter"), Is.Empty.Or.EqualTo(new[] { M67Run.TileId }));
            Assert.That(strict.Output, Does.Contain("warning VASCO8002").And.Contain("no calibrated magnitude (mag_cal) for the tile's 1 candidate(s): 983 calibration star(s); the fit needs 100000"));
            var cal = CalibratedMagnitudes.Of(_run, M67Run.TileId);
            Assert.That((cal.Band, cal.Stars, cal.ZeroPoint, cal.Reason), Is.EqualTo(("gaia phot_g_mean_mag", 983, (double?)null, "983 calibration star(s); the fit needs 100000")));
            var candidate = CalibratedMagnitudes.Candidates(_run, M67Run.TileId).Single();
            Assert.That((candidate["mag_cal"], candidate["mag_cal_err"]), Is.EqualTo(("", "")), "no number stands in for a missing calibration");

            // MagCalDegree=0: one zero point over the plate's range misses the candidate by most of a magnitude (the
            // plate's response is curved), and says so in its scatter.
            var zeroPoint = _run.Build("-t:VascoFilter", "-p:MagCalDegree=0");
            Assert.That(zeroPoint.ExitCode, Is.EqualTo(0), zeroPoint.Output);
            var flat = CalibratedMagnitudes.Of(_run, M67Run.TileId);
            Assert.That(flat.Scatter, Is.GreaterThan(0.8));
            Assert.That(CalibratedMagnitudes.Number(CalibratedMagnitudes.Candidates(_run, M67Run.TileId).Single()["mag_cal"]), Is.LessThan(18.176 - 0.5));
        }
        finally
        {
            Assert.That(_run.Build("-t:VascoFilter").ExitCode, Is.EqualTo(0));
        }
    }
}

/// <summary>
/// Synthetic plates, whose vanished sources' magnitudes are known (the tiles' truth.csv): their candidates' mag_cal against
/// the truth. Measured (docs/selection.md): 26 vanished sources kept, G 15.5-18.1, mag_cal - truth median -0.013, rms 0.068,
/// each within 1.3 times its mag_cal_err.
/// </summary>
[TestFixture, NonParallelizable]
public class SyntheticCalibratedMagnitudeTests
{
    [Test]
    public void The_vanished_sources_calibrated_magnitudes_match_their_truth()
    {
        using var run = new RunFolder("syncal").WriteRunFile("""
            <TilingMode>single</TilingMode>
            <TileSizeArcmin>20</TileSizeArcmin>
            <ImageSource>synthetic</ImageSource>
            <SyntheticVanishedPerTile>40</SyntheticVanishedPerTile>
            <VettingServices>offline</VettingServices>
            """, """
            <VascoTarget Include="syn-one" Ra="40" Dec="30" />
            <VascoTarget Include="syn-two" Ra="200" Dec="-10" />
            """, testSteps: false);
        var build = run.Build("-t:VascoFilter");
        Assert.That(build.ExitCode, Is.EqualTo(0), build.Output);

        var differences = new List<(double Diff, double Error, double Truth)>();
        foreach (var tile in new[] { "syn-one", "syn-two" })
        {
            var cal = CalibratedMagnitudes.Of(run, tile);
            Assert.That((cal.Band, cal.Reason), Is.EqualTo(("synthetic: the synthetic sky's magnitudes", (string?)null)));
            var truth = TruthCsv.Read(run.Path("data", "downloads", run.RunId, tile + ".truth.csv")).Where(t => t.Kind == SourceKind.Vanished).ToList();
            foreach (var c in CalibratedMagnitudes.Candidates(run, tile))
            {
                var (ra, dec) = (CalibratedMagnitudes.Number(c["ra"]), CalibratedMagnitudes.Number(c["dec"]));
                var source = truth.MinBy(t => Angles.SeparationDeg(t.Ra, t.Dec, ra, dec))!;
                if (Angles.SeparationDeg(source.Ra, source.Dec, ra, dec) * 3600 > 2) continue;
                differences.Add((CalibratedMagnitudes.Number(c["mag_cal"]) - source.Mag, CalibratedMagnitudes.Number(c["mag_cal_err"]), source.Mag));
            }
        }
        var diffs = differences.Select(d => d.Diff).ToArray();
        var rms = Math.Sqrt(diffs.Average(d => d * d));
        TestContext.Out.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"{differences.Count} vanished sources, truth {differences.Min(d => d.Truth):0.00}-{differences.Max(d => d.Truth):0.00}: mag_cal - truth median {Selection.Median(diffs):+0.000;-0.000}, mean {diffs.Average():+0.000;-0.000}, rms {rms:0.000}, median mag_cal_err {Selection.Median(differences.Select(d => d.Error).ToArray()):0.000}"));
        Assert.That(differences, Has.Count.GreaterThanOrEqualTo(15));
        Assert.That(Math.Abs(Selection.Median(diffs)), Is.LessThan(0.05), "no bias");
        Assert.That(rms, Is.LessThan(0.12));
        Assert.That(differences.Where(d => Math.Abs(d.Diff) > 3 * d.Error), Is.Empty, "each within 3 times its error");
    }
}
