using System.Globalization;
using NUnit.Framework;
using Vasco.IO;
using Vasco.Pipeline;
using Vasco.Summaries;
using Vasco.Tests.Support;

namespace Vasco.Tests.Steps;

/// <summary>Step 9 on the M67 run: the seed's validations and the dashboard's schema and accumulation.</summary>
[TestFixture, NonParallelizable]
public class SummaryTests
{
    [Test]
    public void SummariesHistogramsAndTheDashboard()
    {
        using var run = M67Run.Create("summary");
        var build = run.Build();
        Assert.That(build.ExitCode, Is.EqualTo(0), build.Output);
        // What the console shows: the plan's work, then each step's summary, then the report's path (docs/terminal.md).
        Assert.That(build.Output, Does.Contain($"Vasco: run {run.RunId}: 1 tile(s); to do, in tiles per step: Download 1, Preprocess 1, Pass1 1"));
        Assert.That(build.Output, Does.Contain("Pass2: 1 tile(s) done, 0 failed, 0 skipped, in "));
        var dir = run.Path("data", "summaries", run.RunId);
        foreach (var file in new[] { "summary.md", "summary.csv", "histograms.csv", "hist_fwhm_image.png", "hist_mag_auto.png", "hist_snr_win.png", "manifest.json" })
            Assert.That(new FileInfo(Path.Combine(dir, file)).Length, Is.GreaterThan(0), file);
        foreach (var png in Directory.GetFiles(dir, "*.png"))
            Assert.That(File.ReadAllBytes(png)[1..4], Is.EqualTo("PNG"u8.ToArray()), png);

        // Histogram bins hold every pass-2 source, per quantity.
        var bins = File.ReadAllLines(Path.Combine(dir, "histograms.csv")).Skip(1).Select(l => l.Split(',')).ToList();
        foreach (var quantity in new[] { "FWHM_IMAGE", "MAG_AUTO", "SNR_WIN" })
        {
            var counts = bins.Where(b => b[0] == quantity).Select(b => int.Parse(b[3], CultureInfo.InvariantCulture)).ToList();
            Assert.That(counts, Has.Count.GreaterThan(0), quantity);
            Assert.That(counts.Sum(), Is.EqualTo(1353), quantity);
        }

        var csv = File.ReadAllLines(Path.Combine(dir, "summary.csv"));
        Assert.That(csv[0], Is.EqualTo("scope,tile_id,status," + string.Join(',', RunSummary.Columns) + ",failure"));
        Assert.That(csv.Single(l => l.StartsWith("tile,M67,ok,1353,1353,", StringComparison.Ordinal)), Is.Not.Null);
        Assert.That(File.ReadAllText(Path.Combine(dir, "summary.md")), Does.Contain("**1 candidate(s)**"));

        // Offline (as the tests are), the vetting says what it checked: the candidate's motion and shadow, and not_checked
        // for the four stages that need a service; the funnel sits beside the paper's, in the summary and the report.
        var candidate = PlainCsv.Read(run.Path("data", "filter", run.RunId, "candidates.csv")).Records().Single();
        Assert.That((candidate["plate_id"], candidate["plate_label"]), Is.EqualTo(("07HH", "E438")), "the DSS's id of the scan and the plate's own label");
        Assert.That(candidate["vet_motion"], Is.EqualTo("passed"));
        Assert.That(candidate["earth_shadow"], Is.EqualTo("sunlit"));
        foreach (var stage in new[] { "vet_archives", "vet_asteroids", "vet_variables", "vet_second_scan" })
            Assert.That(candidate[stage], Does.StartWith("not_checked:").And.Contain("offline"), stage);
        Assert.That(candidate["vetting"], Is.EqualTo("not_checked"));
        Assert.That(build.Output, Does.Contain("warning VASCO8504"));
        var funnel = PlainCsv.Read(run.Path("data", "vetting", run.RunId, "funnel.csv")).Records().ToDictionary(r => r["stage"]);
        Assert.That(funnel["remaining"]["out"], Is.EqualTo("1"));
        Assert.That(funnel["motion"]["paper_out"], Is.EqualTo("5399"));
        Assert.That(File.ReadAllText(Path.Combine(dir, "summary.md")), Does.Contain("## Vetting funnel").And.Contain("| archives | 1 | 0 | 1 |  | 1 | 298165 | 288770 | 9395 |"));

        // The report, in a real headless Chromium: it loads, and every image (a stamp per candidate, three plots) decodes.
        var report = Path.Combine(dir, "report.html");
        Assert.That(build.Output, Does.Contain("the report of run " + run.RunId + " is " + new Uri(report).AbsoluteUri));
        var dom = Chromium(run, "--dump-dom", new Uri(report).AbsoluteUri);
        Assert.That(dom, Does.Contain("data-loaded=\"yes\""));
        Assert.That(dom, Does.Contain("data-broken=\"0\""));
        Assert.That(dom, Does.Contain("data-errors=\"0\""), "no script or resource error while loading");
        Assert.That(dom, Does.Contain("data-images=\"4\""), "one stamp and three plots");
        Assert.That(dom, Does.Contain("class=\"stamp\"").And.Contain("M67 #344"));
        Assert.That(dom, Does.Contain("id=\"funnel\"").And.Contain("<th>vet_asteroids</th>"));
        // Step 8 made the stamp (a tile's stamps are made with its selection, in parallel and only for changed tiles); the report embeds that file.
        var stamp = Report.StampPath(run.Path("data", "filter", run.RunId), "M67", "344");
        Assert.That(File.ReadAllBytes(stamp)[1..4], Is.EqualTo("PNG"u8.ToArray()));
        Assert.That(File.ReadAllText(report), Does.Contain(Convert.ToBase64String(File.ReadAllBytes(stamp))));
        Assert.That(Manifest.Read(run.Path("data", "filter", run.RunId, "M67.tile.json")).Outputs.Select(o => o.Path), Does.Contain($"data/filter/{run.RunId}/M67.stamps/344.png"));
        var screenshot = run.Path("report.png");
        Chromium(run, $"--screenshot={screenshot}", "--window-size=1200,1400", new Uri(report).AbsoluteUri);
        Assert.That(new FileInfo(screenshot).Length, Is.GreaterThan(10_000));
        TestContext.AddTestAttachment(screenshot, "the M67 report in Chromium");
        Assert.That(File.ReadAllText(Path.Combine(dir, "candidates.reg")), Does.StartWith("# Region file format: DS9 version 4.1").And.Contain("circle(132.82043"));
        var ecsv = File.ReadAllLines(Path.Combine(dir, "candidates.ecsv"));
        Assert.That(ecsv[0], Is.EqualTo("# %ECSV 1.0"));
        Assert.That(ecsv.Count(l => !l.StartsWith('#')), Is.EqualTo(2), "a header line and the candidate");
        // STILTS (TOPCAT's table library) reads the VOTable with its types and units.
        var stilts = Vasco.Tools.ProcessRunner.Run("stilts", ["tpipe", $"in={Path.Combine(dir, "candidates.vot")}", "ifmt=votable", "omode=meta"], dir, TimeSpan.FromMinutes(2));
        Assert.That(stilts.ExitCode, Is.EqualTo(0), stilts.StdErr);
        Assert.That(stilts.StdOut, Does.Match(@"Rows:\s+1\b"));
        var ra = Vasco.Tools.ProcessRunner.Run("stilts", ["tpipe", $"in={Path.Combine(dir, "candidates.vot")}", "ifmt=votable", "cmd=keepcols 'tile_id number ra'", "ofmt=csv"], dir, TimeSpan.FromMinutes(2));
        Assert.That(ra.StdOut, Does.Contain("M67,344,132.8204312564246"));
        // Every column has a UCD, the units are VOUnit, and the positions name their frame and the plate's epoch: votlint is silent.
        var lint = Vasco.Tools.ProcessRunner.Run("stilts", ["votlint", $"votable={Path.Combine(dir, "candidates.vot")}", "ucd=true", "unit=true"], dir, TimeSpan.FromMinutes(2));
        Assert.That((lint.ExitCode, lint.StdOut + lint.StdErr), Is.EqualTo((0, "")));
        // astropy, warnings as errors: its VOTable parser checks the standard (verify='exception'), and the ECSV reads with its units.
        var astropy = Vasco.Tools.ProcessRunner.Run("/usr/bin/python3", ["-W", "error", "-c", """
            import sys
            from astropy.io.votable import parse
            from astropy.table import Table
            table = parse(sys.argv[1], verify='exception').get_first_table()
            ecsv = Table.read(sys.argv[2], format='ascii.ecsv')
            print(len(table.array), table.get_field_by_id('ra').unit, ecsv['plate_label'][0], ecsv['mag'].unit, table.get_field_by_id('mag_cal').unit, ecsv['mag_cal_err'].unit)
            """, Path.Combine(dir, "candidates.vot"), Path.Combine(dir, "candidates.ecsv")], dir, TimeSpan.FromMinutes(2));
        Assert.That((astropy.ExitCode, astropy.StdErr), Is.EqualTo((0, "")));
        Assert.That(astropy.StdOut.Trim(), Is.EqualTo("1 deg E438 mag mag mag"));
        var vot = File.ReadAllText(Path.Combine(dir, "candidates.vot"));
        var fields = System.Text.RegularExpressions.Regex.Matches(vot, "<FIELD [^>]*>").Select(m => m.Value).ToList();
        Assert.That(fields, Has.Count.GreaterThan(30), "step 8's and the vetting's columns");
        Assert.That(fields, Has.All.Contain(" ucd=\""));
        Assert.That(vot, Does.Contain("<COOSYS ID=\"plate\" system=\"ICRS\" epoch=\"J1951.911\"/>").And.Not.Contain("unit=\"pix\""));

        // The dashboard's schema is stable, and runs accumulate without duplicates.
        var dashboard = run.Path("dashboard", "anomalies_minimal.csv");
        Assert.That(File.ReadLines(dashboard).First(), Is.EqualTo("run_id,tile_id,number,ra,dec,mag,snr_win,fwhm_image,plate_id,plate_epoch"));
        Assert.That(run.Build("-p:RunId=again").ExitCode, Is.EqualTo(0));
        Assert.That(run.Build("-p:RunId=again", "-p:FromStep=8").ExitCode, Is.EqualTo(0), "a rebuilt run replaces its rows");
        var rows = File.ReadAllLines(dashboard).Skip(1).ToList();
        Assert.That(rows.Select(r => r.Split(',')[0]), Is.EquivalentTo(new[] { run.RunId, "again" }));
        Assert.That(rows.Distinct().Count(), Is.EqualTo(rows.Count));

        var manifest = Manifest.Read(Path.Combine(dir, "manifest.json"));
        Assert.That(manifest.Status, Is.EqualTo("ok"));
        Assert.That(manifest.Outputs.Select(o => Path.GetFileName(o.Path)), Does.Contain("summary.md").And.Contain("hist_snr_win.png"));
        Assert.That(run.Build().ExitCode, Is.EqualTo(0));
        var candidates = run.Path("data", "filter", run.RunId, "candidates.csv");
        var written = File.GetLastWriteTimeUtc(candidates);
        var noop = run.Build();
        Assert.That(noop.Ran("VascoSummarize"), Is.False, "an unchanged run does not summarize again");
        Assert.That(noop.Ran("VascoWriteCandidates"), Is.False);
        var messages = noop.Output.Split('\n').Select(l => l.Trim()).Where(l => l.StartsWith("Vasco", StringComparison.Ordinal)).ToList();
        Assert.That(messages[^1], Is.EqualTo($"Vasco: the report of run {run.RunId} is {new Uri(report).AbsoluteUri}"),
            "a build that had nothing to do still ends with where the report is");
        Assert.That(File.GetLastWriteTimeUtc(candidates), Is.EqualTo(written), "nothing of the run is rewritten by a no-op build");

        // A run filtered by an older Vasco has no stamps from step 8: the report makes the same one from the clean image.
        var stampBytes = File.ReadAllBytes(stamp);
        Directory.Delete(Path.GetDirectoryName(stamp)!, recursive: true);
        File.SetLastWriteTimeUtc(candidates, DateTime.UtcNow);
        var again = run.Build();
        Assert.That(again.Ran("VascoSummarize"), Is.True);
        Assert.That(File.ReadAllText(report), Does.Contain(Convert.ToBase64String(stampBytes)));

        // A rerun that keeps no candidate leaves no stamp of the old one, on disk or in the report.
        var strict = run.Build("-p:SnrWinMin=100000");
        Assert.That(strict.ExitCode, Is.EqualTo(0), strict.Output);
        Assert.That(File.ReadAllText(Path.Combine(dir, "summary.md")), Does.Contain("**0 candidate(s)**"));
        Assert.That(Directory.Exists(Path.GetDirectoryName(stamp)), Is.False);
        Assert.That(File.ReadAllText(report), Does.Not.Contain("class=\"stamp\""));
    }

    /// <summary>Debian's Chromium, headless, with nothing reaching out to the network (installed before the tests: Support.TestTools).</summary>
    static string Chromium(RunFolder run, params string[] args)
    {
        var profile = Directory.CreateTempSubdirectory("vasco-chromium-").FullName;
        try
        {
            var result = Vasco.Tools.ProcessRunner.Run("/usr/bin/chromium",
                ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", $"--user-data-dir={profile}", "--virtual-time-budget=5000", .. args],
                run.Dir, TimeSpan.FromMinutes(2));
            Assert.That(result.ExitCode, Is.EqualTo(0), result.StdErr);
            return result.StdOut;
        }
        finally
        {
            Directory.Delete(profile, recursive: true);
        }
    }
}
