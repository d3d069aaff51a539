using System.Globalization;
using System.Text.RegularExpressions;
using NUnit.Framework;
using Vasco.IO;
using Vasco.Summaries;
using Vasco.Tests.Support;

namespace Vasco.Tests.Steps;

/// <summary>The report's overview of several candidates, in headless Chromium: sorting by a column's header, and the columns a later step adds.</summary>
[TestFixture]
public class ReportPageTests
{
    static readonly ReportLinks Links = new("https://skybot.example/conesearch.php", "675");

    /// <summary>A candidate's candidates.csv cells; <paramref name="extra"/>: columns a later step adds.</summary>
    static ReportCandidate Candidate(string tile, int number, double ra, double dec, double mag, string vetting, params (string Column, string Value)[] extra)
    {
        var cells = new Dictionary<string, string>
        {
            ["tile_id"] = tile, ["number"] = number.ToString(CultureInfo.InvariantCulture), ["ra"] = ra.ToString("R", CultureInfo.InvariantCulture),
            ["dec"] = dec.ToString("R", CultureInfo.InvariantCulture), ["mag"] = mag.ToString("R", CultureInfo.InvariantCulture), ["magerr_auto"] = "0.0123456789",
            ["snr_win"] = "41.23456789", ["fwhm_image"] = "3.123456789", ["elongation"] = "1.0456789", ["spread_model"] = "0.00123456789", ["flags"] = "0",
            ["plate_id"] = "XX01", ["plate_epoch"] = "1953.123456", ["plate_label"] = "E100", ["x_image"] = "100.123456789", ["y_image"] = "200.987654321",
            ["imaflags_iso"] = "0", ["nearest_modern_arcsec"] = "12.345", ["nearest_bright_arcsec"] = "300.5", ["nearest_bright_mag"] = "11.25",
            ["vet_archives"] = vetting == "removed:counterpart" ? vetting : "passed", ["archive_matches"] = vetting == "removed:counterpart" ? "2mass:1.23" : "",
            ["vet_asteroids"] = vetting == "removed:asteroid" ? vetting : "passed", ["asteroid"] = vetting == "removed:asteroid" ? "(1234) Name" : "",
            ["vet_variables"] = "passed", ["vet_second_scan"] = "not_checked:supercosmos: south of -17.5", ["vet_motion"] = "passed", ["earth_shadow"] = "sunlit",
            ["vetting"] = vetting,
        };
        foreach (var (column, value) in extra) cells[column] = value;
        return new ReportCandidate(cells, [], null);
    }

    static string Page(IReadOnlyList<ReportCandidate> candidates) => Report.Html("several", "# Vasco run several\n\n## Selection\n\n| criterion | dropped |\n|---|---|\n| flags | 3 |\n", [], candidates, Links);

    /// <summary>Loads the page in Chromium, clicks the headers named, and returns the candidates' numbers in the overview's order after each click.</summary>
    static IReadOnlyList<string[]> OrderAfterClicks(string html, params string[] headers)
    {
        var script = "<script>window.addEventListener('load',function(){var t=document.getElementById('overview-table');var out=[];"
            + string.Concat(headers.Select(h => $"t.querySelector('th[data-col={h}]').click();out.push([].map.call(t.tBodies[0].rows,function(r){{return r.cells[1].textContent;}}).join(','));"))
            + "document.body.dataset.orders=out.join('|');});</script>";
        var file = TestTemp.NewPath("report-", ".html");
        File.WriteAllText(file, html.Replace("</body>", script + "</body>"));
        var dom = Chromium.Run(TestTemp.Dir, "--dump-dom", new Uri(file).AbsoluteUri);
        Assert.That(dom, Does.Contain("data-errors=\"0\""));
        return Regex.Match(dom, "data-orders=\"([^\"]*)\"").Groups[1].Value.Split('|').Select(o => o.Split(',')).ToList();
    }

    /// <summary>
    /// A page written with the last page's cards (PageCards) is the page made from nothing: a card whose digest is unchanged
    /// is copied from the page withdrawn before tiles reran, one whose digest changed is made again, and the header, the
    /// overview and the counts are always the new page's.
    /// </summary>
    [Test]
    public void APageMadeWithTheLastPagesCardsIsThePageMadeFromNothing()
    {
        var stamps = TestTemp.NewPath("report-cards-");
        var summaries = Directory.CreateDirectory(Path.Combine(TestTemp.NewPath("report-cards-"), "summaries")).FullName;
        var html = Path.Combine(summaries, "report.html");
        ReportCandidate With(ReportCandidate c, string madeFrom) => c with { Digest = PageCards.Digest(madeFrom) };
        int Write(IReadOnlyList<ReportCandidate> candidates)
        {
            using var cards = PageCards.Open(stamps, html);
            AtomicFile.Write(html, stream =>
            {
                using var page = new StreamWriter(stream, new System.Text.UTF8Encoding(false), 1 << 16, leaveOpen: true);
                Report.WriteHtml(page, "several", "# Vasco run several\n", [], candidates, Links, cards: cards);
            });
            cards.Save(html);
            return cards.Copied;
        }
        var a = Candidate("t1", 3, 149.9, 19.9, -9.25, "passed");
        var b = Candidate("t2", 7, 150.1, 20.2, -11.5, "removed:asteroid");
        Assert.That(Write([With(a, "a"), With(b, "b")]), Is.EqualTo(0));
        Assert.That(File.ReadAllText(html), Is.EqualTo(Report.Html("several", "# Vasco run several\n", [], [a, b], Links)));

        // Tiles rerun: the page is withdrawn into the stamps. Card a is as it was (even if what it would be made of now differs,
        // the digest says it is not: the copy is what shows it), b changed, c is new.
        Assert.That(RunPublication.Withdraw(summaries, "", "several", PageCards.WithdrawnIn(stamps)), Is.Null);
        Assert.That(File.Exists(html), Is.False, "withdrawn: no report stands for the run");
        var changed = Candidate("t2", 7, 150.1, 20.2, -11.5, "passed");
        var c = Candidate("t3", 40, 150.0, 20.0, -13.0, "not_checked");
        Assert.That(Write([With(a, "a"), With(changed, "b2"), With(c, "c")]), Is.EqualTo(1), "card a copied");
        Assert.That(File.ReadAllText(html), Is.EqualTo(Report.Html("several", "# Vasco run several\n", [], [a, changed, c], Links)));
        Assert.That(File.Exists(PageCards.WithdrawnIn(stamps)), Is.False, "the withdrawn page goes once replaced");

        // Step 9 alone again: every card from report.html itself; a page touched since is not trusted.
        Assert.That(Write([With(a, "a"), With(changed, "b2"), With(c, "c")]), Is.EqualTo(3));
        File.SetLastWriteTimeUtc(html, DateTime.UtcNow.AddMinutes(-3));
        Assert.That(Write([With(a, "a"), With(changed, "b2"), With(c, "c")]), Is.EqualTo(0));
    }

    [Test]
    public void TheOverviewSortsByTheClickedColumn()
    {
        var candidates = new[]
        {
            Candidate("t2", 7, 150.1, 20.2, -11.5, "passed", ("mag_cal", "18.42")),
            Candidate("t1", 12, 150.3, 20.1, -12.75, "removed:asteroid", ("mag_cal", "")),
            Candidate("t1", 3, 149.9, 19.9, -9.25, "removed:counterpart", ("mag_cal", "19.95")),
            Candidate("t3", 40, 150.0, 20.0, -13.0, "not_checked", ("mag_cal", "17.1")),
        };
        var orders = OrderAfterClicks(Page(candidates), "mag", "mag", "tile_id", "number", "mag_cal", "ra");
        Assert.That(orders[0], Is.EqualTo(new[] { "40", "12", "7", "3" }), "mag, brightest (most negative) first");
        Assert.That(orders[1], Is.EqualTo(new[] { "3", "7", "12", "40" }), "a second click: the other way");
        Assert.That(orders[2].Take(2), Is.EquivalentTo(new[] { "12", "3" }), "tile t1 first");
        Assert.That(orders[2].Skip(2), Is.EqualTo(new[] { "7", "40" }));
        Assert.That(orders[3], Is.EqualTo(new[] { "3", "7", "12", "40" }), "numbers as numbers, not as text (12 after 7)");
        Assert.That(orders[4], Is.EqualTo(new[] { "40", "7", "3", "12" }), "mag_cal, the one without a value last");
        Assert.That(orders[5], Is.EqualTo(new[] { "3", "40", "7", "12" }), "RA (sexagesimal on the page) sorts by degrees");
    }

    [Test]
    public void AColumnALaterStepAddsShowsOnlyWhenCandidatesHaveIt()
    {
        static IReadOnlyList<string> Headers(string html) => Regex.Matches(
            Regex.Match(html, "<table class=\"sortable\" id=\"overview-table\">(.*?)</thead>", RegexOptions.Singleline).Groups[1].Value, "<th[^>]*>([^<]*)</th>")
            .Select(m => m.Groups[1].Value).ToList();
        var plain = Page([Candidate("t1", 1, 10, 10, -12, "passed"), Candidate("t1", 2, 10.1, 10, -11, "passed")]);
        Assert.That(Headers(plain), Is.EqualTo(new[] { "tile", "#", "RA", "Dec", "mag", "archives", "asteroids", "variables", "second scan", "motion", "shadow", "vetting" }));
        var classified = Page([Candidate("t1", 1, 10, 10, -12, "passed", ("classification", "flare star?"), ("mag_cal", "18.123456")),
            Candidate("t1", 2, 10.1, 10, -11, "passed", ("classification", "plate defect"), ("mag_cal", "17.5"))]);
        Assert.That(Headers(classified), Does.Contain("classification").And.Contain("mag_cal"));
        Assert.That(classified, Does.Contain(">flare star?</td>").And.Contain(">plate defect</td>").And.Contain(">18.12"));
        // Every number to its precision: no cell of these candidates (16-digit, as candidates.csv holds them) is printed with more.
        Assert.That(Regex.Matches(classified, @"\d\.\d{7,}").Select(m => m.Value), Is.Empty);
        Assert.That(classified, Does.Contain("0:40:00.00").And.Contain("+10:00:00.0").And.Contain("41.2").And.Contain("0.0012"));
    }
}
