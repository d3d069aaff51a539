using System.Globalization;
using System.Web;
using NUnit.Framework;
using Vasco.Download;
using Vasco.IO;
using Vasco.Synthetic;
using Vasco.Tests.Download;
using Vasco.Tests.Support;
using Vasco.Tiling;

namespace Vasco.Tests.SecondLook;

/// <summary>
/// The second look in whole builds of a synthetic tile: its other plates drawn by the synthetic sky, and the same plates
/// served by a loopback STScI dss_search that answers each request (v=, r=, d=, h=) with the cutout the sky draws there.
/// </summary>
[TestFixture, NonParallelizable]
public class OtherPlatesRunTests
{
    const string Sky = "<TilingMode>single</TilingMode><TileSizeArcmin>20</TileSizeArcmin><ImageSource>synthetic</ImageSource><RunId>look</RunId>";
    const string Target = """<VascoTarget Include="syn" Ra="210" Dec="25" />""";

    [Test]
    public void TheClassesMatchTheSkysTruthAndLoopbackDssGivesTheSame()
    {
        using var drawn = new RunFolder("look-drawn").WriteRunFile(Sky, Target, testSteps: false);
        var built = drawn.Build();
        Assert.That(built.ExitCode, Is.EqualTo(0), built.Output);
        Assert.That(built.Output, Does.Contain("Vasco second look: red_only "));
        var tile = TilesCsv.Read(drawn.Path("data", "tiles", "look", "tiles.csv")).Single();

        // Every kept vanished source is put in the class the sky drew for it.
        var candidates = PlainCsv.Read(drawn.Path("data", "filter", "look", "candidates.csv")).Records().ToList();
        var fates = TruthCsv.Read(drawn.Path("data", "otherplates", "look", tile.TileId + ".truth.csv"));
        var kept = fates.Select(f => (Fate: f.SecondLook, Row: candidates.FirstOrDefault(c =>
            Vasco.Sky.Angles.SeparationDeg(double.Parse(c["ra"], CultureInfo.InvariantCulture), double.Parse(c["dec"], CultureInfo.InvariantCulture), f.Ra, f.Dec) * 3600 < 2)))
            .Where(k => k.Row is not null).ToList();
        Assert.That(kept, Has.Count.GreaterThanOrEqualTo(5), "step 8 keeps vanished sources of the tile");
        Assert.That(kept.Select(k => k.Fate).Distinct().Count(), Is.GreaterThanOrEqualTo(2));
        foreach (var (fate, row) in kept)
            Assert.That(row!["classification"], Is.EqualTo(fate), row["classification_why"]);
        var plates = PlainCsv.Read(drawn.Path("data", "otherplates", "look", tile.TileId + ".plates.csv")).Records().ToList();
        Assert.That(plates, Has.Count.EqualTo(candidates.Count * 4), "every candidate on the four other plates");
        Assert.That(plates.Select(p => p["status"]), Is.All.EqualTo("measured"));
        Assert.That(plates.Where(p => p["survey"] == "poss1_blue").Select(p => double.Parse(p["hours_from_red"], CultureInfo.InvariantCulture)), Is.All.InRange(0.5, 1.5),
            "the blue plate exposed just after the red one");
        var rms = plates.Select(p => double.Parse(p["registration_rms_arcsec"], CultureInfo.InvariantCulture)).Order().ToList();
        Assert.That(rms[^1], Is.LessThanOrEqualTo(2), "every plate registered within OtherPlatesMaxRmsArcsec");
        Assert.That(rms[rms.Count / 2], Is.LessThan(0.6), "most to a few tenths of an arcsec");
        Assert.That(File.Exists(drawn.Path("data", "otherplates", "look", plates[0]["stamp"])), plates[0]["stamp"]);
        // Each card's strip shows the other plates' stamps after the red plate and the modern sky.
        var report = File.ReadAllText(drawn.Path("data", "summaries", "look", "report.html"));
        foreach (var label in new[] { "POSS-I blue", "POSS-II red", "POSS-II blue", "POSS-II IR" })
            Assert.That(report, Does.Contain($"alt=\"{label} of {tile.TileId} #{candidates[0]["number"]}\""), label);

        // The same sky's plates from a loopback dss_search; its IR plates are missing (an HTML page, as STScI answers).
        var sky = SyntheticSky.For(tile, new SyntheticOptions());
        using var dss = new ScriptedHttpServer(line =>
        {
            var query = HttpUtility.ParseQueryString(new Uri("http://x" + line.Split(' ')[1]).Query);
            var survey = PlateSurvey.Find(query["v"]!)!;
            if (survey == PlateSurvey.PossIIInfrared) return ScriptedHttpServer.Html("<html><title>DSS: no plate</title></html>");
            double Q(string k) => double.Parse(query[k]!, CultureInfo.InvariantCulture);
            return ScriptedHttpServer.FitsAnswer(SyntheticOtherPlate.Cutout(sky, survey, Q("r"), Q("d"), Q("h")));
        });
        using var served = new RunFolder("look-served").WriteRunFile(Sky + $"<OtherPlates>stsci</OtherPlates><VascoStsciEndpoint>{dss.Endpoint}</VascoStsciEndpoint>", Target, testSteps: false);
        var online = served.Build();
        Assert.That(online.ExitCode, Is.EqualTo(0), online.Output);
        var surveys = dss.RequestLines.Select(l => HttpUtility.ParseQueryString(new Uri("http://x" + l.Split(' ')[1]).Query)["v"]).Distinct().Order().ToList();
        Assert.That(surveys, Is.EqualTo(new[] { "poss1_blue", "poss2ukstu_blue", "poss2ukstu_ir", "poss2ukstu_red" }));
        var servedRows = PlainCsv.Read(served.Path("data", "filter", "look", "candidates.csv")).Records().ToList();
        Assert.That(servedRows.Select(r => r["classification"]), Is.EqualTo(candidates.Select(r => r["classification"])), "the same plates, the same classes");
        Assert.That(servedRows.Select(r => r["poss2_ir_snr"]), Is.All.Empty, "no IR plate: not measured");
        var ir = PlainCsv.Read(served.Path("data", "otherplates", "look", tile.TileId + ".plates.csv")).Records().Where(p => p["survey"] == "poss2ukstu_ir").ToList();
        Assert.That(ir.Select(p => p["status"]), Is.All.StartWith("no_plate:STScI answered an HTML page instead of FITS: DSS: no plate"));
        Assert.That(File.ReadAllText(served.Path("data", "summaries", "look", "report.html")), Does.Contain("<b>POSS-II IR</b><br>no plate: STScI answered an HTML page"),
            "a plate without a stamp keeps its place in the strip, saying why");

        // Nothing changed: nothing is asked again.
        var before = dss.RequestLines.Count;
        var again = served.Build();
        Assert.That(again.ExitCode, Is.EqualTo(0), again.Output);
        Assert.That(again.Ran("VascoRunStep"), Is.False, again.Output);
        Assert.That(dss.RequestLines.Count, Is.EqualTo(before));
    }
}
