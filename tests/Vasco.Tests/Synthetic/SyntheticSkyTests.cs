using NUnit.Framework;
using Vasco.Fits;
using Vasco.Preprocess;
using Vasco.Sky;
using Vasco.Synthetic;
using Vasco.Tiling;

namespace Vasco.Tests.Synthetic;

public class SyntheticSkyTests
{
    static readonly Tile Tile = new("syn-t", "syn-t", 150, 20, 30, 0, 0, 149.7, 150.3, 19.7, 20.3);

    [Test]
    public void The_same_seed_and_tile_give_the_same_sky_and_another_seed_another()
    {
        var a = SyntheticSky.For(Tile, new SyntheticOptions { Seed = 7 });
        var b = SyntheticSky.For(Tile, new SyntheticOptions { Seed = 7 });
        var c = SyntheticSky.For(Tile, new SyntheticOptions { Seed = 8 });
        Assert.That(b.Sources, Is.EqualTo(a.Sources));
        Assert.That(b.PlateEpoch, Is.EqualTo(a.PlateEpoch));
        Assert.That(c.Sources.Select(s => s.Ra), Is.Not.EqualTo(a.Sources.Select(s => s.Ra)));
        Assert.That(SyntheticPlate.Render(b).Pixels, Is.EqualTo(SyntheticPlate.Render(a).Pixels));
    }

    [Test]
    public void A_tile_holds_the_asked_numbers_of_each_kind_and_the_star_density()
    {
        var sky = SyntheticSky.For(Tile, new SyntheticOptions { VanishedPerTile = 12, MoversPerTile = 5, DefectsPerTile = 3, StarDensity = 4000 });
        Assert.That(sky.Width, Is.EqualTo(1059), "30' at 1.7\"/px");
        Assert.That(sky.Sources.Count(s => s.Kind == SourceKind.Vanished), Is.EqualTo(12));
        Assert.That(sky.Sources.Count(s => s.Kind == SourceKind.Mover), Is.EqualTo(5));
        Assert.That(sky.Sources.Count(s => s.Kind == SourceKind.Defect), Is.EqualTo(3));
        // Stars brighter than the limit inside the image: 4000 per square degree over 0.25 deg^2 (Poisson, within 10%).
        var inside = sky.Sources.Count(s => s.Kind == SourceKind.Star && s.X >= 0.5 && s.X <= 1059.5 && s.Y >= 0.5 && s.Y <= 1059.5);
        Assert.That(inside, Is.InRange(900, 1100));
        Assert.That(sky.PlateEpoch, Is.InRange(1949.8, 1958.4), "POSS-I years");
    }

    [Test]
    public void The_modern_catalog_lists_stars_and_movers_but_not_vanished_sources_or_defects()
    {
        var sky = SyntheticSky.For(Tile, new SyntheticOptions());
        var modern = sky.ModernCatalog().ToDictionary(s => s.Id);
        foreach (var s in sky.Sources)
            Assert.That(modern.ContainsKey(s.Id), Is.EqualTo(s.Kind is SourceKind.Star or SourceKind.Faint or SourceKind.Mover), s.Id);
        foreach (var mover in sky.Sources.Where(s => s.Kind == SourceKind.Mover))
        {
            // It moved by its proper motion times the years since the plate: 150-600 mas/yr over 58-66 yr.
            var m = modern[mover.Id];
            var moved = Angles.SeparationDeg(mover.Ra, mover.Dec, m.Ra, m.Dec) * 3600;
            var expected = Math.Sqrt(mover.PmRa * mover.PmRa + mover.PmDec * mover.PmDec) / 1000 * (SyntheticOptions.ModernEpoch - sky.PlateEpoch);
            Assert.That(moved, Is.EqualTo(expected).Within(0.01), mover.Id);
            Assert.That(moved, Is.GreaterThan(5), "beyond the match radius unless propagated");
            // Carried back to the plate epoch it is where the plate has it.
            var back = m.PropagatedTo(sky.PlateEpoch);
            Assert.That(Angles.SeparationDeg(back.Ra, back.Dec, mover.Ra, mover.Dec) * 3600, Is.LessThan(0.01));
        }
    }

    [Test]
    public void The_plate_looks_like_a_DSS1_red_scan_and_its_header_gives_the_WCS_and_epoch()
    {
        var sky = SyntheticSky.For(Tile, new SyntheticOptions());
        var (pixels, header) = SyntheticPlate.Render(sky);
        var path = Path.Combine(Path.GetTempPath(), $"vasco-syn-{Guid.NewGuid():N}.fits");
        try
        {
            var writer = new FitsWriter();
            writer.AddImage(pixels, [sky.Width, sky.Height], header);
            writer.WriteTo(path);
            var image = FitsFile.Read(path).Primary;
            Assert.That(image.Bitpix, Is.EqualTo(16));
            var values = image.ReadDoubles();
            var sorted = values.Order().ToArray();
            var median = sorted[sorted.Length / 2];
            Assert.That(median, Is.InRange(3700, 3900), "sky level of the M67 plate (3,768)");
            Assert.That(sorted[^1], Is.EqualTo(13200), "photographic saturation (the M67 plate's brightest value is 13,374)");
            // Sky noise from pixels far from every source (the 25th-75th percentile spread of all pixels is close to it).
            var iqrSigma = (sorted[(int)(0.75 * sorted.Length)] - sorted[(int)(0.25 * sorted.Length)]) / 1.349;
            Assert.That(iqrSigma, Is.InRange(140, 200));

            Assert.That(PlateEpoch.FromHeader(image.Header, path).Year, Is.EqualTo(sky.PlateEpoch).Within(1e-6));
            var wcs = TanWcs.FromHeader(image.Header);
            foreach (var s in sky.Sources.Take(20))
            {
                var (x, y) = wcs.SkyToPixel(s.Ra, s.Dec);
                Assert.That(x, Is.EqualTo(s.X).Within(1e-6));
                Assert.That(y, Is.EqualTo(s.Y).Within(1e-6));
            }
        }
        finally { File.Delete(path); }
    }

    [Test]
    public void The_plate_limit_is_where_half_the_sources_are_found_counted_from_the_faint_end()
    {
        // 20 sources per 0.25-mag bin: all found to 18.0, then 80%, 40%, 0%; a bright bin of merged saturated stars at 12 is ignored.
        var sources = new List<(double, bool)>();
        void Bin(double mag, int found) { for (var i = 0; i < 20; i++) sources.Add((mag + 0.1, i < found)); }
        Bin(12.0, 5);
        for (var m = 12.25; m < 18; m += 0.25) Bin(m, 20);
        Bin(18.0, 16);
        Bin(18.25, 8);
        Bin(18.5, 0);
        // Bin centres 18.125 (80%) and 18.375 (40%): half at 18.125 + 0.3/0.4 * 0.25.
        Assert.That(Vasco.Recovery.TileRecovery.PlateLimit(sources), Is.EqualTo(18.3125).Within(1e-3));
    }

    [Test]
    public void Truth_files_read_back_as_written()
    {
        var sky = SyntheticSky.For(Tile, new SyntheticOptions());
        var path = Path.Combine(Path.GetTempPath(), $"vasco-truth-{Guid.NewGuid():N}.csv");
        try
        {
            TruthCsv.Write(path, sky.Sources);
            Assert.That(TruthCsv.Read(path), Is.EqualTo(sky.Sources));
        }
        finally { File.Delete(path); }
    }
}
