using System.Globalization;
using NUnit.Framework;
using Vasco.IO;
using SkiaSharp;
using Vasco.Pipeline;
using Vasco.Steps;
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

        // The report, in a real headless Chromium: it loads, and every image (the candidate's plate and modern-sky stamps, three plots) decodes.
        var report = Path.Combine(dir, "report.html");
        Assert.That(build.Output, Does.Contain("the report of run " + run.RunId + " is " + new Uri(report).AbsoluteUri));
        var dom = Chromium.Run(run.Dir, "--dump-dom", new Uri(report).AbsoluteUri);
        Assert.That(dom, Does.Contain("data-loaded=\"yes\""));
        Assert.That(dom, Does.Contain("data-broken=\"0\""));
        Assert.That(dom, Does.Contain("data-errors=\"0\""), "no script or resource error while loading");
        // Offline, the other plates keep their places in the strip and say why they are missing; the candidate is undecided.
        Assert.That(dom, Does.Contain("<b>POSS-I blue</b><br>not fetched: offline").And.Contain("<b>POSS-II IR</b><br>not fetched: offline"));
        Assert.That(candidate["classification"], Is.EqualTo("undecided"));
        Assert.That(dom, Does.Contain("data-images=\"5\""), "two stamps and three plots");
        Assert.That(dom, Does.Contain("class=\"stamp\"").And.Contain("M67 #344"));
        Assert.That(dom, Does.Contain("id=\"funnel\"").And.Contain("<th>known minor planets</th>"));
        // Step 8 made the stamp (a tile's stamps are made with its selection, in parallel and only for changed tiles); the report embeds that file.
        var stamp = Report.StampPath(run.Path("data", "filter", run.RunId), "M67", "344");
        Assert.That(File.ReadAllBytes(stamp)[1..4], Is.EqualTo("PNG"u8.ToArray()));
        Assert.That(File.ReadAllText(report), Does.Contain(Convert.ToBase64String(File.ReadAllBytes(stamp))));
        Assert.That(Manifest.Read(run.Path("data", "filter", run.RunId, "M67.tile.json")).Outputs.Select(o => o.Path), Does.Contain($"data/filter/{run.RunId}/M67.stamps/344.png"));
        var screenshot = run.Path("report.png");
        Chromium.Run(run.Dir, $"--screenshot={screenshot}", "--window-size=1200,1400", new Uri(report).AbsoluteUri);
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

        // Every file step 9 records is that file, byte for byte.
        foreach (var output in Manifest.Read(Path.Combine(dir, "manifest.json")).Outputs)
            Assert.That((output.Bytes, output.Sha256), Is.EqualTo((new FileInfo(run.Path(output.Path)).Length, FileRecord.Sha256Of(run.Path(output.Path)))), output.Path);

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

    /// <summary>
    /// Step 9 run again copies each card whose row, links and tile records are as they were from the last page
    /// (report-cards.index) and writes the same page; a page changed since is not trusted, and a card whose links changed
    /// (another observatory for SkyBoT) is made again.
    /// </summary>
    [Test]
    public void TheReportMadeAgainCopiesUnchangedCardsFromTheLastPageAndMakesChangedOnesAgain()
    {
        using var run = M67Run.Create("cards");
        var build = run.Build();
        Assert.That(build.ExitCode, Is.EqualTo(0), build.Output);
        var report = run.Path("data", "summaries", run.RunId, "report.html");
        var first = File.ReadAllText(report);
        Assert.That(File.Exists(PageCards.IndexIn(run.Path("obj", "vasco", run.RunId, "stamps"))), Is.True);
        Assert.That(first, Does.Contain("seen from observatory 675"));

        // Its stamps but the plate's set aside, a card made again would lack the modern sky and step 8's facts.
        var number = PlainCsv.Read(run.Path("data", "filter", run.RunId, "candidates.csv")).Records().Single()["number"];
        var folder = Report.StampFolder(run.Path("data", "filter", run.RunId), "M67");
        var away = Directory.CreateDirectory(run.Path("away")).FullName;
        var others = Directory.GetFiles(folder).Where(f => Path.GetFileName(f) != TileStamps.PlateFile(number)).ToList();
        Assert.That(others, Is.Not.Empty);
        BuildRun StepNineWithoutThem()
        {
            foreach (var f in others) File.Move(f, Path.Combine(away, Path.GetFileName(f)));
            try { return run.Build("-t:VascoSummarize", "-p:FromStep=9"); }
            finally { foreach (var f in others) File.Move(Path.Combine(away, Path.GetFileName(f)), f); }
        }
        var written = File.GetLastWriteTimeUtc(report);
        var again = StepNineWithoutThem();
        Assert.That(again.ExitCode, Is.EqualTo(0), again.Output);
        Assert.That(File.GetLastWriteTimeUtc(report), Is.GreaterThan(written), "step 9 wrote the report again");
        Assert.That(File.ReadAllText(report), Is.EqualTo(first), "the card copied from the last page");
        // The manifest's record of the page is the page, copied card and all (its digest is taken as it is written).
        var recorded = Manifest.Read(run.Path("data", "summaries", run.RunId, "manifest.json")).Outputs.Single(o => o.Path.EndsWith("/report.html", StringComparison.Ordinal));
        Assert.That((recorded.Bytes, recorded.Sha256), Is.EqualTo((new FileInfo(report).Length, FileRecord.Sha256Of(report))));

        // The page touched since it was written: its index is not used, and the card is made from what is there.
        File.SetLastWriteTimeUtc(report, DateTime.UtcNow.AddMinutes(-5));
        var touched = StepNineWithoutThem();
        Assert.That(touched.ExitCode, Is.EqualTo(0), touched.Output);
        Assert.That(File.ReadAllText(report), Is.Not.EqualTo(first).And.Contain("(step 8 made no record)"));

        var other = run.Build("-p:SkybotObserver=I41");
        Assert.That(other.ExitCode, Is.EqualTo(0), other.Output);
        var page = File.ReadAllText(report);
        Assert.That(page, Does.Contain("seen from observatory I41").And.Not.Contain("seen from observatory 675"));
        Assert.That(page, Does.Not.Contain("(step 8 made no record)"), "the card made again, with step 8's facts");
    }

    /// <summary>
    /// What an astronomer asks of a candidate's card, checked against astropy (Debian's, reading the clean plate's WCS and the Gaia
    /// file the run used): the modern sky has the neighbours' light where the WCS puts them, the neighbour table lists the nearest
    /// Gaia sources at their separations, the compass points where the WCS says, and the links ask SkyBoT at mid-exposure from
    /// Palomar and Aladin Lite on the position.
    /// </summary>
    [Test]
    public void TheReportShowsTheModernSkyTheNeighboursAndWhereToAsk()
    {
        using var run = M67Run.Create("report");
        var build = run.Build();
        Assert.That(build.ExitCode, Is.EqualTo(0), build.Output);
        var csv = PlainCsv.Read(run.Path("data", "filter", run.RunId, "candidates.csv"));
        var c = csv.Records().Single();
        double N(string k) => double.Parse(c[k], CultureInfo.InvariantCulture);
        var clean = run.Path("data", "masks", run.RunId, "M67.clean.fits");
        var gaia = Repo.Path("runs", "m67", "input", "gaia-dr3_M67_r22arcmin.csv");
        var truth = Astropy(gaia, clean, N("ra"), N("dec"));

        var report = run.Path("data", "summaries", run.RunId, "report.html");
        var dom = Chromium.Run(run.Dir, "--dump-dom", new Uri(report).AbsoluteUri);
        Assert.That(dom, Does.Contain("data-loaded=\"yes\"").And.Contain("data-broken=\"0\"").And.Contain("data-errors=\"0\""));
        Assert.That(dom, Does.Contain("data-images=\"5\""), "the plate's and the modern sky's stamps, three plots");

        // The overview: one row, the candidate with its position, magnitude and every vetting status; a classification column only when candidates.csv has one.
        var overview = Table(dom, "overview-table");
        Assert.That(overview.Rows, Has.Count.EqualTo(1));
        var row = overview.Header.Zip(overview.Rows[0]).ToDictionary(p => p.First, p => p.Second);
        Assert.That((row["tile"], row["#"], row["RA"], row["Dec"], row["mag"]), Is.EqualTo(("M67", "344", "08:51:16.90", "+11:54:48.1", "-11.38")));
        // Offline, four stages could not look (candidates.csv: not_checked:<why>), so neither could the vetting as a whole.
        foreach (var (header, column) in new[] { ("archives", "vet_archives"), ("asteroids", "vet_asteroids"), ("variables", "vet_variables"), ("second scan", "vet_second_scan"), ("vetting", "vetting") })
            Assert.That((row[header], c[column].Split(':')[0]), Is.EqualTo(("not checked", "not_checked")), header);
        Assert.That((row["motion"], row["shadow"], c["vet_motion"], c["earth_shadow"]), Is.EqualTo(("passed", "sunlit", "passed", "sunlit")));
        Assert.That(overview.Header.Contains("classification"), Is.EqualTo(csv.Header.Contains("classification")));

        // The modern sky: a 305 px PNG of the same 61 plate pixels; the brightest neighbour peaks within 1 px of where the WCS puts it, and where
        // the plate shows the candidate the modern sky is dark.
        var folder = Report.StampFolder(run.Path("data", "filter", run.RunId), "M67");
        var grid = StampGrid.Around(N("x_image"), N("y_image"));
        var brightest = truth.Neighbours.Where(n => grid.Contains(n.X, n.Y)).MinBy(n => n.Mag)!;
        AssertPeak(Path.Combine(folder, "344.modern.png"), grid, brightest);
        using (var modern = SKBitmap.Decode(Path.Combine(folder, "344.modern.png")))
            Assert.That(modern.GetPixel(152, 152).Red, Is.LessThan(20), "no modern light on the candidate");

        // The neighbour table: the nearest Gaia sources within 60" at the plate epoch, nearest first, their separations to the hundredth of an arcsecond.
        var neighbours = Table(dom, "neighbours");
        Assert.That(neighbours.Rows.Select(r => r[1]), Is.EqualTo(truth.Neighbours.Select(n => n.Id)));
        foreach (var (r, n) in neighbours.Rows.Zip(truth.Neighbours))
        {
            Assert.That(double.Parse(r[2], CultureInfo.InvariantCulture), Is.EqualTo(n.Sep).Within(0.006), n.Id);
            Assert.That(double.Parse(r[4], CultureInfo.InvariantCulture), Is.EqualTo(n.Mag).Within(0.006), n.Id);
        }

        // The compass: north and east as the WCS has them (on this plate north is up to within half a degree, east left).
        var compass = System.Text.RegularExpressions.Regex.Match(dom, "data-north=\"([^\"]+)\" data-east=\"([^\"]+)\"");
        double[] Vector(int g) => compass.Groups[g].Value.Split(' ').Select(v => double.Parse(v, CultureInfo.InvariantCulture)).ToArray();
        Assert.That(Vector(1), Is.EqualTo(truth.North).Within(0.001));
        Assert.That(Vector(2), Is.EqualTo(truth.East).Within(0.001));

        // The links: SkyBoT at the middle of the exposure (DATE-OBS, UT and EXPOSURE of the plate header) from Palomar, on the candidate; Aladin Lite there.
        var links = System.Text.RegularExpressions.Regex.Matches(dom, "<a class=\"(\\w+)\" href=\"([^\"]+)\"").Select(m => (m.Groups[1].Value, System.Net.WebUtility.HtmlDecode(m.Groups[2].Value))).ToList();
        var skybot = new Uri(links.Single(l => l.Item1 == "skybot").Item2);
        Assert.That(skybot.GetLeftPart(UriPartial.Path), Is.EqualTo(VetArchivesStep.SkybotUrl.Default));
        var query = skybot.Query.TrimStart('?').Split('&').Select(p => p.Split('=', 2)).ToDictionary(p => p[0], p => Uri.UnescapeDataString(p[1]));
        Assert.That(double.Parse(query["-ep"], CultureInfo.InvariantCulture), Is.EqualTo(truth.MidExposureJd).Within(1e-5));
        Assert.That((query["-loc"], query["-ra"], query["-dec"]), Is.EqualTo(("675", N("ra").ToString("0.000000", CultureInfo.InvariantCulture), N("dec").ToString("0.000000", CultureInfo.InvariantCulture))));
        var aladin = links.First(l => l.Item1 == "aladin").Item2;
        var position = N("ra").ToString("0.000000", CultureInfo.InvariantCulture) + " +" + N("dec").ToString("0.000000", CultureInfo.InvariantCulture);
        Assert.That(aladin, Does.StartWith("https://aladin.cds.unistra.fr/AladinLite/?target=" + Uri.EscapeDataString(position) + "&fov=0.05&survey="));

        // Sane precision everywhere: no number of more than 6 decimals (candidates.csv holds 16 digits), none of the raw values.
        var text = System.Text.RegularExpressions.Regex.Replace(dom, "data:image/png;base64,[A-Za-z0-9+/=]+|<script>.*?</script>", "", System.Text.RegularExpressions.RegexOptions.Singleline);
        Assert.That(System.Text.RegularExpressions.Regex.Matches(text, @"\d\.\d{7,}").Select(m => m.Value), Is.Empty);
        Assert.That(text, Does.Not.Contain(c["mag"]).And.Not.Contain(c["ra"]));
        // The summary as HTML: its headings and tables, not a block of Markdown.
        var summary = dom[dom.IndexOf("<div class=\"summary\">", StringComparison.Ordinal)..];
        Assert.That(summary, Does.Contain("<h3>Selection</h3>").And.Contain("<th>criterion</th>").And.Not.Contain("<pre>").And.Not.Contain("|---"));

        // Without step 4's PSF model the modern sky is drawn with a Gaussian of the plate's measured FWHM, and says so; the light is where it was.
        var xmatch = run.Path("data", "xmatch", run.RunId);
        var files = TileStamps.Open(clean, run.Path("no-such.psf"), Path.Combine(xmatch, "M67_xmatch.csv"), Path.Combine(xmatch, "M67_cdss.csv"), ["gaia"])
            .Make("344", N("x_image"), N("y_image"), N("ra"), N("dec"));
        var gaussian = Path.Combine(run.Dir, "gaussian.png");
        File.WriteAllBytes(gaussian, files.Single(f => f.Name == "344.modern.png").Bytes);
        AssertPeak(gaussian, grid, brightest);
        var info = System.Text.Json.JsonDocument.Parse(files.Single(f => f.Name == "344.json").Bytes).RootElement;
        Assert.That(info.GetProperty("modern_sky").GetString(), Does.StartWith("drawn with a Gaussian of FWHM ").And.Contain("no PSF model"));
    }

    /// <summary>The brightest PNG block within 3 plate pixels of the source is within 1 plate pixel of where astropy puts it.</summary>
    static void AssertPeak(string png, StampGrid grid, (string Id, double Sep, double Mag, double X, double Y) source)
    {
        using var bitmap = SKBitmap.Decode(png);
        Assert.That((bitmap.Width, bitmap.Height), Is.EqualTo((grid.DisplaySize, grid.DisplaySize)));
        var best = (X: 0, Y: 0, Grey: -1);
        for (var y = (int)Math.Round(source.Y) - 3; y <= (int)Math.Round(source.Y) + 3; y++)
            for (var x = (int)Math.Round(source.X) - 3; x <= (int)Math.Round(source.X) + 3; x++)
            {
                // The block of plate pixel (x, y): north (the plate's rows upwards) is up.
                var (u, v) = ((x - grid.CentreX + grid.Half) * grid.Scale + 2, (grid.Half - (y - grid.CentreY)) * grid.Scale + 2);
                var grey = (int)bitmap.GetPixel(u, v).Red;
                if (grey > best.Grey) best = (x, y, grey);
            }
        Assert.That(Math.Sqrt((best.X - source.X) * (best.X - source.X) + (best.Y - source.Y) * (best.Y - source.Y)), Is.LessThanOrEqualTo(1),
            $"{png}: the brightest neighbour {source.Id} (mag {source.Mag}) is at plate pixel ({source.X:0.00}, {source.Y:0.00}); the modern sky peaks at ({best.X}, {best.Y})");
        Assert.That(best.Grey, Is.GreaterThan(200));
    }

    /// <summary>The header and body rows of an HTML table (by id or class), each cell's text.</summary>
    static (IReadOnlyList<string> Header, IReadOnlyList<string[]> Rows) Table(string html, string name)
    {
        var table = System.Text.RegularExpressions.Regex.Match(html, $"<table[^>]*(id|class)=\"{name}\"[^>]*>(.*?)</table>", System.Text.RegularExpressions.RegexOptions.Singleline).Groups[2].Value;
        static string Text(string cell) => System.Net.WebUtility.HtmlDecode(System.Text.RegularExpressions.Regex.Replace(cell, "<[^>]+>", "")).Trim();
        var rows = System.Text.RegularExpressions.Regex.Matches(table, "<tr>(.*?)</tr>", System.Text.RegularExpressions.RegexOptions.Singleline)
            .Select(r => System.Text.RegularExpressions.Regex.Matches(r.Groups[1].Value, "<t([hd])[^>]*>(.*?)</t[hd]>", System.Text.RegularExpressions.RegexOptions.Singleline)
                .Select(m => (m.Groups[1].Value, Text(m.Groups[2].Value))).ToList()).ToList();
        return (rows[0].Select(c => c.Item2).ToList(), rows.Skip(1).Select(r => r.Select(c => c.Item2).ToArray()).ToList());
    }

    /// <summary>What astropy (Debian's /usr/bin/python3) says of the candidate at (ra, dec) on the clean plate, from the Gaia file the run read.</summary>
    static (IReadOnlyList<(string Id, double Sep, double Mag, double X, double Y)> Neighbours, double[] North, double[] East, double MidExposureJd) Astropy(string gaia, string clean, double ra, double dec)
    {
        var result = Vasco.Tools.ProcessRunner.Run("/usr/bin/python3", ["-c", """
            import sys, json, warnings
            import numpy as np
            import astropy.units as u
            from astropy.io import fits
            from astropy.wcs import WCS, FITSFixedWarning
            from astropy.coordinates import SkyCoord
            from astropy.time import Time
            warnings.simplefilter('ignore', FITSFixedWarning)
            gaia, clean, ra, dec = sys.argv[1], sys.argv[2], float(sys.argv[3]), float(sys.argv[4])
            h = fits.getheader(clean)
            w = WCS(h)
            t = np.genfromtxt(gaia, delimiter=',', names=True, dtype=None, encoding='utf-8')
            # Gaia DR3 carried back to the plate epoch along its proper motions (none: no motion).
            dt = h['EPOCHPLT'] - t['ref_epoch']
            dec_p = t['dec'] + np.nan_to_num(t['pmdec']) * dt / 3.6e6
            ra_p = t['ra'] + np.nan_to_num(t['pmra']) * dt / 3.6e6 / np.cos(np.radians(t['dec']))
            c = SkyCoord(ra * u.deg, dec * u.deg)
            sep = c.separation(SkyCoord(ra_p * u.deg, dec_p * u.deg)).arcsec
            near = [i for i in np.argsort(sep, kind='stable')[:10] if sep[i] <= 60]
            x, y = w.all_world2pix(ra_p[near], dec_p[near], 1)
            # North and east: 10" steps on the sky, as PNG directions (right, down: the plate's y runs up).
            def towards(angle):
                o = c.directional_offset_by(angle * u.deg, 10 * u.arcsec)
                (px, py), (cx, cy) = w.all_world2pix([[o.ra.deg, o.dec.deg], [ra, dec]], 1)
                v = np.array([px - cx, -(py - cy)])
                return list(v / np.hypot(*v))
            day, month, year = h['DATE-OBS'].split('/')
            # The Julian date of the UTC calendar time (as SkyBoT's -ep takes it), without astropy's UTC, which warns before 1960.
            mid = Time(f"19{year}-{month}-{day}T{h['UT']}", scale='tt') + h['EXPOSURE'] / 2 * u.min
            print(json.dumps({'neighbours': [[str(t['source_id'][i]), sep[i], float(t['phot_g_mean_mag'][i]), x[k], y[k]] for k, i in enumerate(near)],
                              'north': towards(0), 'east': towards(90), 'mid_jd': mid.jd}))
            """, gaia, clean, ra.ToString("R", CultureInfo.InvariantCulture), dec.ToString("R", CultureInfo.InvariantCulture)], Path.GetTempPath(), TimeSpan.FromMinutes(2));
        Assert.That((result.ExitCode, result.StdErr), Is.EqualTo((0, "")));
        var json = System.Text.Json.JsonDocument.Parse(result.StdOut).RootElement;
        return (json.GetProperty("neighbours").EnumerateArray().Select(n => (n[0].GetString()!, n[1].GetDouble(), n[2].GetDouble(), n[3].GetDouble(), n[4].GetDouble())).ToList(),
            json.GetProperty("north").EnumerateArray().Select(v => v.GetDouble()).ToArray(), json.GetProperty("east").EnumerateArray().Select(v => v.GetDouble()).ToArray(),
            json.GetProperty("mid_jd").GetDouble());
    }
}
