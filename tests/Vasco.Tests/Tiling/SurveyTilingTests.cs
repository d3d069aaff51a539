using NUnit.Framework;
using Vasco.Pipeline;
using Vasco.Steps;
using Vasco.Sky;
using Vasco.Tiling;

namespace Vasco.Tests.Tiling;

/// <summary>TilingMode=footprint and TilingMode=random, checked against independent samples of the sky.</summary>
public class SurveyTilingTests
{
    // ---- footprint ----

    // POSS-I at 60'; the whole sphere with coarse tiles (both poles; the largest tile and
    // overlap allowed); a band across the
    // equator and RA 0; a polar band with overlap; a band ending just short of the north
    // pole and one holding the south pole.
    [TestCase(-30, 90, 0, 360, 60, 0)]
    [TestCase(-90, 90, 0, 360, 600, 0)]
    [TestCase(-90, 90, 0, 360, 1200, 590)]
    [TestCase(-5, 5, 350, 10, 30, 0)]
    [TestCase(80, 90, 0, 360, 45, 3)]
    [TestCase(60, 89.8, 0, 360, 60, 0)]
    [TestCase(-90, -75, 100, 200, 60, 0)]
    public void TheFootprintCoversEveryPointOfItsBand(double decMin, double decMax, double raMin, double raMax, double sizeArcmin, double overlapArcmin)
    {
        var band = new SkyBand(decMin, decMax, raMin, raMax);
        var tiles = FootprintTiler.Tile(band, sizeArcmin, overlapArcmin);
        var size = sizeArcmin / 60;
        var cover = new Cover(tiles, size);

        // Points uniform on the sphere inside the band, then its edges, corners, RA 0/360 and the poles.
        var random = new Random(20261124);
        var points = new List<(double Ra, double Dec)>();
        for (var i = 0; i < 20000; i++) points.Add(UniformIn(band, random));
        for (var i = 0; i <= 720; i++)
        {
            var ra = band.RaMin + band.RaSpan * i / 720;
            points.Add((Angles.WrapRa(ra), decMin));
            points.Add((Angles.WrapRa(ra), decMax));
            var dec = decMin + (decMax - decMin) * i / 720;
            points.Add((band.RaMin, dec));
            points.Add((Angles.WrapRa(band.RaMax), dec));
            if (band.ContainsRa(0)) { points.Add((0, dec)); points.Add((359.9999999, dec)); }
        }
        foreach (var (ra, dec) in points)
            Assert.That(cover.Contains(ra, dec), Is.True, $"({ra:F6}, {dec:F6}) of {band} is on no tile");

        Assert.That(tiles.All(t => t.DecDeg >= decMin && t.DecDeg <= decMax), Is.True, "every tile is centred inside the band's Dec range");
        Assert.That(tiles.Select(t => t.TileId).Distinct().Count(), Is.EqualTo(tiles.Count));
        Assert.That(tiles.All(t => TileIds.IsValid(t.TileId) && t.RaDeg is >= 0 and < 360 && t.Target == "footprint"), Is.True);
        // Each tile covers at most S^2, and the hex spacing needs about 1/0.866 of that.
        var ideal = band.AreaSqDeg / (size * size);
        Assert.That(tiles.Count, Is.GreaterThanOrEqualTo((int)ideal));
        if (band == SkyBand.PossI)
            Assert.That(tiles.Count, Is.InRange(ideal / 0.866, ideal / 0.866 * 1.05), "POSS-I at 60': hex spacing plus a few per cent for whole tiles per ring");
    }

    [Test]
    public void FootprintTileBoundsAreThoseOfEachTile()
    {
        var tiles = FootprintTiler.Tile(new SkyBand(-30, 90), 60, 0);
        foreach (var t in tiles.Where((_, i) => i % 97 == 0).Append(tiles[0]).Append(tiles[^1]))
        {
            var (raMin, raMax, decMin, decMax) = Tiler.Bounds(t.RaDeg, t.DecDeg, 1);
            Assert.That(new[] { t.RaMin, t.RaMax, t.DecMin, t.DecMax }, Is.EqualTo(new[] { raMin, raMax, decMin, decMax }).Within(1e-7), t.TileId);
        }
        Assert.That(tiles[0].TileId, Is.EqualTo("fp_r000c0000"));
        Assert.That(tiles[0].DecDeg, Is.EqualTo(90), "ring 0 is one tile on the pole");
    }

    [Test]
    public void ShrinkingTheBandKeepsTheIdsAndCentresOfTheTilesAwayFromItsEdges()
    {
        var all = FootprintTiler.Tile(SkyBand.PossI, 60, 0).ToDictionary(t => t.TileId);
        var part = FootprintTiler.Tile(new SkyBand(10, 40, 100, 160), 60, 0);
        var inner = part.Where(t => t.DecDeg > 11 && t.DecDeg < 39).ToList();
        Assert.That(inner, Is.Not.Empty);
        foreach (var t in inner)
        {
            Assert.That(all.ContainsKey(t.TileId), Is.True, t.TileId);
            Assert.That((t.RaDeg, t.DecDeg), Is.EqualTo((all[t.TileId].RaDeg, all[t.TileId].DecDeg)), t.TileId);
        }
        Assert.That(part.All(t => Angles.WrapRa(t.RaDeg - 100) < 62 || Angles.WrapRa(t.RaDeg - 100) > 358), Is.True,
            "an RA band keeps only the tiles whose share of the ring meets it");
    }

    // ---- random ----

    [Test]
    public void RandomTilesAreReproducibleFromTheSeedAndGrowingTheCountKeepsTheFirstTiles()
    {
        var a = RandomTiler.Tile(SkyBand.PossI, 60, 50, 7);
        var b = RandomTiler.Tile(SkyBand.PossI, 60, 50, 7);
        var more = RandomTiler.Tile(SkyBand.PossI, 60, 80, 7);
        var other = RandomTiler.Tile(SkyBand.PossI, 60, 50, 8);
        Assert.That(b, Is.EqualTo(a));
        Assert.That(more.Take(50), Is.EqualTo(a), "RandomTileCount 50 -> 80 keeps tiles 0-49 exactly");
        Assert.That(more.Select(t => t.TileId).Distinct().Count(), Is.EqualTo(80));
        Assert.That(other.Select(t => (t.RaDeg, t.DecDeg)).Intersect(a.Select(t => (t.RaDeg, t.DecDeg))), Is.Empty, "another seed draws other tiles");
        Assert.That(a[0].TileId, Is.EqualTo("rnd_s7_00000"));
        Assert.That(a.All(t => TileIds.IsValid(t.TileId) && t.Target == "random" && SkyBand.PossI.Contains(t.RaDeg, t.DecDeg)), Is.True);
    }

    [Test]
    public void RandomTilesAreUniformOnTheSphereNotInDec()
    {
        const int n = 2000;
        var tiles = RandomTiler.Tile(SkyBand.PossI, 60, n, 2026);
        var sinMin = Math.Sin(-30 * Angles.DegToRad);
        // Kolmogorov-Smirnov at the 1% level: D < 1.63 / sqrt(n).
        var critical = 1.63 / Math.Sqrt(n);
        var sinDec = tiles.Select(t => (Math.Sin(t.DecDeg * Angles.DegToRad) - sinMin) / (1 - sinMin));
        Assert.That(KsDistanceFromUniform(sinDec), Is.LessThan(critical), "sin(Dec) is uniform");
        Assert.That(KsDistanceFromUniform(tiles.Select(t => t.RaDeg / 360)), Is.LessThan(critical), "RA is uniform");

        // The same check rejects centres uniform in Dec (what a naive draw gives).
        var naive = new Random(2026);
        var uniformInDec = Enumerable.Range(0, n).Select(_ => -30 + 120 * naive.NextDouble())
            .Select(d => (Math.Sin(d * Angles.DegToRad) - sinMin) / (1 - sinMin));
        Assert.That(KsDistanceFromUniform(uniformInDec), Is.GreaterThan(critical));
    }

    [Test]
    public void RandomTilesNeverOverlap()
    {
        // Dense enough that many draws are rejected: 400 one-degree tiles in 30 x 30 degrees.
        var band = new SkyBand(20, 50, 100, 140);
        var tiles = RandomTiler.Tile(band, 60, 400, 3);
        var cover = new Cover(tiles, 1);
        // Independent of the separating-axis test: no sample of a tile (edges, inside) lies strictly inside another.
        foreach (var t in tiles)
        {
            var plane = new TangentPlane(t.RaDeg, t.DecDeg);
            for (var i = 0; i <= 20; i++)
            for (var j = 0; j <= 20; j++)
            {
                var (ra, dec) = plane.Deproject((i / 20.0 - 0.5) * 0.999, (j / 20.0 - 0.5) * 0.999);
                var holders = cover.Holders(ra, dec, 0.998).Where(o => o.TileId != t.TileId).Select(o => o.TileId).ToList();
                Assert.That(holders, Is.Empty, $"{t.TileId} overlaps {string.Join(", ", holders)}");
            }
        }
    }

    [Test]
    public void TileSquaresTellTouchingFromOverlapping()
    {
        var squares = new TileSquares(1);
        squares.Add(0.2, 0);
        Assert.That(squares.Overlaps(1.2, 0), Is.False, "side by side at the equator: touching only");
        Assert.That(squares.Overlaps(1.19, 0.5), Is.True);
        Assert.That(squares.Overlaps(359.4, 0), Is.True, "across RA 0");
        Assert.That(squares.Overlaps(359.1, 0), Is.False);
        Assert.That(squares.Overlaps(1.15, 0.95), Is.True, "corners");
        Assert.That(squares.Overlaps(1.21, 1.01), Is.False);
        squares.Add(45, 89.6);
        Assert.That(squares.Overlaps(225, 89.6), Is.True, "both hold the pole");
        Assert.That(squares.Overlaps(225, 88.5), Is.False);
    }

    [Test]
    public void MoreRandomTilesThanTheBandCanHoldIsAnError()
    {
        // More tile area than the band has: refused before drawing.
        var e = Assert.Throws<VascoException>(() => RandomTiler.Tile(SkyBand.PossI, 60, 40000, 1));
        Assert.That(e!.Code, Is.EqualTo("VASCO0210"));
        Assert.That(e.Message, Does.Contain("RandomTileCount=40000"));

        // Area enough, but a 1-degree strip jams long before 600 one-degree tiles fit.
        e = Assert.Throws<VascoException>(() => RandomTiler.Tile(new SkyBand(0, 1), 60, 600, 1));
        Assert.That(e!.Code, Is.EqualTo("VASCO0210"));
        Assert.That(e.Message, Does.Match(@"placed \d+ of RandomTileCount=600"));
        Assert.That(e.Fix, Does.Contain("RandomTileCount"));
    }

    [Test]
    public void TheGeneratorIsXoshiro256StarStarSeededBySplitMix64()
    {
        // The reference implementation's sequence from the state (1, 2, 3, 4).
        var g = Xoshiro256.FromState(1, 2, 3, 4);
        Assert.That(new[] { g.NextUInt64(), g.NextUInt64(), g.NextUInt64(), g.NextUInt64() },
            Is.EqualTo(new ulong[] { 11520, 0, 1509978240, 1215971899390074240 }));
        // Seed 42 through SplitMix64, as computed by an independent (Python) implementation.
        var s = new Xoshiro256(42);
        Assert.That(new[] { s.NextUInt64(), s.NextUInt64(), s.NextUInt64() },
            Is.EqualTo(new ulong[] { 1546998764402558742, 6990951692964543102, 12544586762248559009 }));
    }

    // ---- the run's choice ----

    [Test]
    public void SurveyModesTakeNoTargets()
    {
        var target = new Target("M67", 132.8, 11.8, 60, 60, "run file");
        var e = Assert.Throws<VascoException>(() => Tiler.Plan([target], Tiling(("TilingMode", "footprint"))));
        Assert.That(e!.Code, Is.EqualTo("VASCO0209"));
        Assert.That(e.Message, Does.Contain("M67"));
        var tiles = Tiler.Plan([], Tiling(("TilingMode", "random"), ("RandomTileCount", "3"), ("FootprintDecMin", "0")));
        Assert.That(tiles, Has.Count.EqualTo(3));
        Assert.That(tiles.All(t => t.DecDeg >= 0));
    }

    [TestCase("FootprintDecMin", "40", "FootprintDecMax", "20")]
    [TestCase("FootprintRaMin", "30", "FootprintRaMax", "30")]
    public void AnEmptyBandIsAnError(string p1, string v1, string p2, string v2)
    {
        var e = Assert.Throws<VascoException>(() => Tiler.Plan([], Tiling(("TilingMode", "footprint"), (p1, v1), (p2, v2))));
        Assert.That(e!.Code, Is.EqualTo("VASCO0103"));
        Assert.That(e.Message, Does.Contain(p1));
    }

    static TilingOptions Tiling(params (string Name, string Value)[] given) => TilingStep.Options(Parameters(given));

    static ParameterSet Parameters(params (string Name, string Value)[] given) =>
        ParameterSet.Resolve(ParameterCatalog.BuiltIn.Select(p => (p.Name, given.FirstOrDefault(g => g.Name == p.Name).Value ?? "", false)), null, ParameterCatalog.BuiltIn);

    static (double Ra, double Dec) UniformIn(SkyBand band, Random random)
    {
        var sinMin = Math.Sin(band.DecMin * Angles.DegToRad);
        var sinMax = Math.Sin(band.DecMax * Angles.DegToRad);
        var dec = Math.Asin(sinMin + random.NextDouble() * (sinMax - sinMin)) * Angles.RadToDeg;
        return (Angles.WrapRa(band.RaMin + random.NextDouble() * band.RaSpan), dec);
    }

    static double KsDistanceFromUniform(IEnumerable<double> values)
    {
        var sorted = values.OrderBy(v => v).ToArray();
        var d = 0.0;
        for (var i = 0; i < sorted.Length; i++)
            d = Math.Max(d, Math.Max((i + 1.0) / sorted.Length - sorted[i], sorted[i] - (double)i / sorted.Length));
        return d;
    }

    /// <summary>Which tiles hold a point, by their centres' distance and each tile's own square.</summary>
    sealed class Cover(IReadOnlyList<Tile> tiles, double sizeDeg)
    {
        readonly SkyIndex _index = new(tiles.Select(t => t.RaDeg).ToList(), tiles.Select(t => t.DecDeg).ToList());
        readonly TangentPlane[] _planes = tiles.Select(t => new TangentPlane(t.RaDeg, t.DecDeg)).ToArray();

        public bool Contains(double ra, double dec) => Holders(ra, dec, 1).Any();

        public IEnumerable<Tile> Holders(double ra, double dec, double shrink) =>
            _index.Within(ra, dec, sizeDeg * 0.75 * 3600).Where(i => _planes[i].SquareContains(sizeDeg * shrink, ra, dec)).Select(i => tiles[i]);
    }
}
