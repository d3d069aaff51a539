using System.Globalization;
using System.Security.Cryptography;
using NUnit.Framework;
using Vasco.Preprocess;
using Vasco.Sky;
using Vasco.SolarSystem;
using Vasco.Synthetic;
using Vasco.Tests.Support;
using Vasco.Tiling;

namespace Vasco.Tests.Synthetic;

/// <summary>
/// The classes a vetting stage after step 8 must remove (asteroids, infrared-only sources, scan artefacts, variables):
/// on the plate where the truth says, without moving anything drawn before them, and named by the tile's archive answers.
/// </summary>
public class VettingClassesTests
{
    static readonly Tile Tile = new("syn-t", "syn-t", 150, 20, 30, 0, 0, 149.7, 150.3, 19.7, 20.3);
    static readonly SyntheticOptions Five = new() { AsteroidsPerTile = 5, InfraredPerTile = 5, ArtefactsPerTile = 5, VariablesPerTile = 5 };

    static string Sha(ReadOnlySpan<byte> bytes) => Convert.ToHexString(SHA256.HashData(bytes));

    static string PixelHash(short[] pixels)
    {
        var bytes = new byte[pixels.Length * 2];
        Buffer.BlockCopy(pixels, 0, bytes, 0, bytes.Length);
        return Sha(bytes);
    }

    static double Arcsec(double ra1, double dec1, double ra2, double dec2) => Angles.SeparationDeg(ra1, dec1, ra2, dec2) * 3600;

    /// <summary>A CSV the archives wrote, as rows of cells by column name.</summary>
    static List<Dictionary<string, string>> Csv(string text)
    {
        var lines = text.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        var header = lines[0].Split(',');
        return lines.Skip(1).Select(l => header.Zip(l.Split(',')).ToDictionary(p => p.First, p => p.Second.Trim('"'))).ToList();
    }

    static double D(Dictionary<string, string> row, string column) => double.Parse(row[column], CultureInfo.InvariantCulture);

    // The pixels and truth of two tiles as the generator drew them before the vetting classes existed (commit 2baf908).
    [TestCase("syn-t", 150, 20, 1, 20, 10, 4, "B108CE406F8858B762B2754C4B0A3119B2EC1148CFB6708131F67824CA5BED0E", "9E9FD72FB743E40C3B2892027E56E7374D6DB61195446D795A7AE53664BB0A4C")]
    [TestCase("syn-d", 165, 65, 3, 7, 2, 5, "693C65324C4C1BDB8C866F832505C9D0B272ECD1BF6A4F7D3C3CFA89A4251FBA", "6C8FEA595EFA38D2D57420FF06AB56D194C48AF3596C816FF29BF16C04770ED3")]
    public void Without_the_vetting_classes_a_tile_is_drawn_byte_for_byte_as_before(string id, double ra, double dec, long seed, int vanished, int movers, int defects,
        string pixels, string truth)
    {
        var tile = id == "syn-t" ? Tile : new Tile(id, id, ra, dec, 30, 0, 0, 164, 166, 64.7, 65.3);
        var sky = SyntheticSky.For(tile, new SyntheticOptions { Seed = seed, VanishedPerTile = vanished, MoversPerTile = movers, DefectsPerTile = defects });
        Assert.That(PixelHash(SyntheticPlate.Render(sky).Pixels), Is.EqualTo(pixels));
        var path = TestTemp.NewPath("truth-", ".csv");
        TruthCsv.Write(path, sky.Sources);
        // The second look's column (issue 19) came after: every column before it is as it was.
        var text = File.ReadAllText(path);
        Assert.That(text, Does.StartWith(string.Join(',', TruthCsv.Columns) + "," + TruthCsv.SecondLookColumn + "\n"));
        var before = string.Concat(text.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => l[..l.LastIndexOf(',')] + "\n"));
        Assert.That(Sha(System.Text.Encoding.UTF8.GetBytes(before)), Is.EqualTo(truth));
    }

    [Test]
    public void The_vetting_classes_move_no_source_drawn_before_them_and_change_no_catalog()
    {
        var before = SyntheticSky.For(Tile, new SyntheticOptions());
        var after = SyntheticSky.For(Tile, Five);
        Assert.That(after.Sources.Take(before.Sources.Count), Is.EqualTo(before.Sources));
        var added = after.Sources.Skip(before.Sources.Count).ToList();
        Assert.That(added.GroupBy(s => s.Kind).ToDictionary(g => g.Key, g => g.Count()),
            Is.EquivalentTo(SourceKind.Vetting.ToDictionary(k => k, _ => 5)));
        Assert.That(added.Select(s => s.InModern), Has.All.False);
        Assert.That(after.ModernCatalog(), Is.EqualTo(before.ModernCatalog()), "step 6 draws the catalog without them");
        Assert.That(after.BrightStars(), Is.EqualTo(before.BrightStars()), "steps 2 and 8 draw the bright stars without them");
        Assert.That(after.ObservedUtc, Is.EqualTo(before.ObservedUtc));
        Assert.That(after.Wcs.PixelToSky(1, 1), Is.EqualTo(before.Wcs.PixelToSky(1, 1)));
    }

    [Test]
    public void Each_vetting_source_is_an_isolated_point_source_drawn_where_the_truth_says()
    {
        var sky = SyntheticSky.For(Tile, Five);
        var added = sky.Sources.Where(s => SourceKind.Vetting.Contains(s.Kind)).ToList();
        var without = SyntheticPlate.Render(SyntheticSky.For(Tile, new SyntheticOptions())).Pixels;
        var with = SyntheticPlate.Render(sky).Pixels;
        var w = sky.Width;
        int Diff(int x, int y) => with[(y - 1) * w + x - 1] - without[(y - 1) * w + x - 1];

        foreach (var s in added)
        {
            Assert.That(s.Mag, Is.InRange(sky.Options.LimitMag - 5, sky.Options.LimitMag), s.Id);
            var (x, y) = sky.Wcs.SkyToPixel(s.Ra, s.Dec);
            Assert.That(x, Is.EqualTo(s.X).Within(1e-6), s.Id);
            Assert.That(y, Is.EqualTo(s.Y).Within(1e-6), s.Id);
            Assert.That(new[] { s.X, s.Y }, Has.All.InRange(40.5, w - 39.5), $"{s.Id}: 40 px inside the edges");
            // The light added around it is a point source centred where the truth puts it.
            double sum = 0, sx = 0, sy = 0;
            for (var py = (int)s.Y - 3; py <= (int)s.Y + 4; py++)
                for (var px = (int)s.X - 3; px <= (int)s.X + 4; px++)
                {
                    var d = Math.Max(0, Diff(px, py));
                    (sum, sx, sy) = (sum + d, sx + d * px, sy + d * py);
                }
            Assert.That(Diff((int)Math.Round(s.X), (int)Math.Round(s.Y)), Is.GreaterThan(600), $"{s.Id} (mag {s.Mag}) is over 4 sky sigma at its peak");
            Assert.That(Math.Sqrt(Math.Pow(sx / sum - s.X, 2) + Math.Pow(sy / sum - s.Y, 2)), Is.LessThan(0.5), $"{s.Id}: the light's centre");
            // Isolated: no star of the plate or the modern catalog within 10", no other planted source within 20" (90" around asteroids).
            foreach (var o in sky.Sources.Where(o => o != s))
            {
                var apart = Arcsec(s.Ra, s.Dec, o.Ra, o.Dec);
                var floor = o.Kind is SourceKind.Star or SourceKind.Faint ? 10 : s.Kind == SourceKind.Asteroid || o.Kind == SourceKind.Asteroid ? 90 : 20;
                Assert.That(apart, Is.GreaterThan(floor), $"{s.Id} and {o.Id} ({o.Kind})");
            }
        }
        // Nothing else on the plate changed: away from the added sources the pixels are the same.
        for (var py = 1; py <= w; py += 3)
            for (var px = 1; px <= w; px += 3)
                if (added.All(s => Math.Pow(px - s.X, 2) + Math.Pow(py - s.Y, 2) > 40 * 40))
                    Assert.That(Diff(px, py), Is.Zero, $"pixel ({px}, {py})");
    }

    [Test]
    public void The_header_gives_the_start_length_and_site_whose_mid_exposure_is_when_the_asteroids_are_drawn()
    {
        var sky = SyntheticSky.For(Tile, Five);
        var header = SyntheticPlate.Render(sky).Header;
        var exposure = PlateExposure.FromHeader(header);
        Assert.That(exposure.StartUtc, Is.EqualTo(sky.ObservedUtc));
        Assert.That(exposure.Duration, Is.EqualTo(TimeSpan.FromMinutes(50)));
        Assert.That(exposure.MidUtc, Is.EqualTo(sky.MidExposureUtc));
        Assert.That(exposure.Site!.LatitudeDeg, Is.EqualTo(ObservingSite.Palomar.LatitudeDeg).Within(1e-9));
        Assert.That(exposure.Site.EastLongitudeDeg, Is.EqualTo(ObservingSite.Palomar.EastLongitudeDeg).Within(1e-9));
        Assert.That(PlateEpoch.FromHeader(header).Year, Is.EqualTo(sky.PlateEpoch).Within(1e-9), "the plate epoch steps 7 and 8 read is the truth's");
    }

    [Test]
    public void The_SkyBoT_answer_reads_back_as_the_planted_asteroids_a_little_off_with_errors_and_rates()
    {
        var sky = SyntheticSky.For(Tile, Five);
        var answer = SkybotAnswer.Parse(SyntheticArchives.SkybotAnswer(sky));
        Assert.That(answer.Kind, Is.EqualTo(SkybotAnswerKind.Objects), answer.Message);
        var asteroids = sky.Sources.Where(s => s.Kind == SourceKind.Asteroid).ToList();
        Assert.That(answer.Objects, Has.Count.EqualTo(asteroids.Count));
        foreach (var o in answer.Objects)
        {
            var nearest = asteroids.MinBy(a => Arcsec(a.Ra, a.Dec, o.RaDeg, o.DecDeg))!;
            Assert.That(o.Name, Does.EndWith(" " + nearest.Id), "the nearest planted asteroid is the one predicted");
            Assert.That(Arcsec(nearest.Ra, nearest.Dec, o.RaDeg, o.DecDeg), Is.InRange(0.49, 2.01), $"{o.Name}: the ephemeris is 0.5-2\" off");
            Assert.That(o.ErrArcsec, Is.InRange(1.0, 5.0));
            Assert.That(o.RateArcsecPerHour, Is.InRange(19.999, 60.001));
            Assert.That(o.CentreDistanceArcsec, Is.EqualTo(Arcsec(sky.Tile.RaDeg, sky.Tile.DecDeg, o.RaDeg, o.DecDeg)).Within(0.01));
            Assert.That(o.Mv, Is.EqualTo(nearest.Mag + 0.4).Within(0.06));
        }
        Assert.That(answer.Objects.Select(o => o.Name).Distinct().Count(), Is.EqualTo(asteroids.Count));
    }

    [Test]
    public void Without_asteroids_the_SkyBoT_answer_is_its_empty_answer()
    {
        var answer = SkybotAnswer.Parse(SyntheticArchives.SkybotAnswer(SyntheticSky.For(Tile, Five with { AsteroidsPerTile = 0 })));
        Assert.That(answer.Kind, Is.EqualTo(SkybotAnswerKind.None), answer.Message);
    }

    [Test]
    public void The_second_scan_has_every_source_on_the_plate_but_the_scan_artefacts_and_defects()
    {
        var sky = SyntheticSky.For(Tile, Five);
        var rows = Csv(SyntheticArchives.SuperCosmos(sky));
        var index = new SkyIndex(rows.Select(r => D(r, "ra")).ToList(), rows.Select(r => D(r, "dec")).ToList());
        string[] onPlate = [SourceKind.Star, SourceKind.Vanished, SourceKind.Mover, SourceKind.Asteroid, SourceKind.Infrared, SourceKind.Variable];
        foreach (var s in sky.Sources.Where(s => onPlate.Contains(s.Kind)))
            Assert.That(index.Within(s.Ra, s.Dec, 1.5).Any(), Is.True, $"{s.Id} ({s.Kind}) at its plate-epoch position");
        foreach (var s in sky.Sources.Where(s => s.Kind is SourceKind.ScanArtefact or SourceKind.Defect))
            Assert.That(index.Within(s.Ra, s.Dec, 5).Any(), Is.False, $"{s.Id} ({s.Kind}) is on this scan alone");
        Assert.That(rows, Has.Count.EqualTo(sky.Sources.Count(s => onPlate.Contains(s.Kind))));
    }

    [Test]
    public void The_infrared_archive_lists_the_infrared_sources_and_some_stars_but_no_other_planted_source()
    {
        var sky = SyntheticSky.For(Tile, Five);
        var rows = Csv(SyntheticArchives.InfraredArchive(sky));
        var index = new SkyIndex(rows.Select(r => D(r, "ra")).ToList(), rows.Select(r => D(r, "dec")).ToList());
        foreach (var s in sky.Sources.Where(s => s.Kind == SourceKind.Infrared))
            Assert.That(index.Within(s.Ra, s.Dec, 0.6).Any(), Is.True, s.Id);
        foreach (var s in sky.Sources.Where(s => s.Kind is SourceKind.Vanished or SourceKind.Mover or SourceKind.Asteroid or SourceKind.ScanArtefact or SourceKind.Variable))
            Assert.That(index.Within(s.Ra, s.Dec, 10).Any(), Is.False, $"{s.Id} ({s.Kind})");
        var stars = sky.Sources.Count(s => s.Kind == SourceKind.Star && s.X >= 0.5 && s.X <= sky.Width + 0.5 && s.Y >= 0.5 && s.Y <= sky.Height + 0.5);
        Assert.That(rows.Count - 5, Is.InRange((int)(0.15 * stars), (int)(0.25 * stars)), "about a fifth of the stars on the image");
    }

    [Test]
    public void VSX_lists_the_planted_variables()
    {
        var sky = SyntheticSky.For(Tile, Five);
        var rows = Csv(SyntheticArchives.VariableStars(sky));
        var variables = sky.Sources.Where(s => s.Kind == SourceKind.Variable).ToList();
        Assert.That(rows, Has.Count.EqualTo(variables.Count));
        foreach (var (row, v) in rows.Zip(variables))
        {
            Assert.That(Arcsec(D(row, "ra"), D(row, "dec"), v.Ra, v.Dec), Is.LessThan(0.01));
            Assert.That(row["name"], Does.Contain(v.Id));
            Assert.That(row["type"], Is.AnyOf("M", "SR", "RRAB", "EA", "UG"));
        }
    }

    [Test]
    public void A_tiles_files_are_rewritten_only_when_their_content_changes()
    {
        var dir = TestTemp.NewPath("synthetic-archives-");
        var sky = SyntheticSky.For(Tile, Five);
        Assert.That(SyntheticArchives.Write(dir, sky), Is.EqualTo(4));
        var files = SyntheticArchives.Suffixes.Select(s => Path.Combine(dir, "syn-t" + s)).ToList();
        var old = new DateTime(2001, 1, 1, 0, 0, 0, DateTimeKind.Utc);
        foreach (var f in files) File.SetLastWriteTimeUtc(f, old);

        Assert.That(SyntheticArchives.Write(dir, SyntheticSky.For(Tile, Five)), Is.Zero);
        Assert.That(files.Select(File.GetLastWriteTimeUtc), Has.All.EqualTo(old), "the same sky: no file touched");

        Assert.That(SyntheticArchives.Write(dir, SyntheticSky.For(Tile, Five with { VariablesPerTile = 6 })), Is.InRange(2, 3), "one more variable: VSX, the second scan (and the infrared archive when a star is near it)");
        Assert.That(Csv(File.ReadAllText(files[3])), Has.Count.EqualTo(6));
        Assert.That(File.GetLastWriteTimeUtc(files[0]), Is.EqualTo(old), "SkyBoT's answer is the same");
        Assert.That(Directory.GetFiles(dir).Where(AtomicFileLeftovers), Is.Empty);
    }

    static bool AtomicFileLeftovers(string path) => Vasco.IO.AtomicFile.IsTempFile(path);
}
