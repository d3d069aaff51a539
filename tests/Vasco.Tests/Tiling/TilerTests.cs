using NUnit.Framework;
using Vasco.Pipeline;
using Vasco.Sky;
using Vasco.Tiling;

namespace Vasco.Tests.Tiling;

public class TilerTests
{
    static Target Field(double ra, double dec, double sizeArcmin, string name = "f") => new(name, ra, dec, sizeArcmin, sizeArcmin, "test");

    [Test]
    public void TheSeedsSmokeFieldIsExactlyOneTile()
    {
        var tiles = Tiler.Tile([Field(150, 20, 60)], TilingMode.Hex30, 60);
        Assert.That(tiles, Has.Count.EqualTo(1));
        Assert.That(tiles[0].RaDeg, Is.EqualTo(150).Within(1e-9));
        Assert.That(tiles[0].DecDeg, Is.EqualTo(20).Within(1e-9));
        Assert.That(tiles[0].TileId, Is.EqualTo("f_r0c0"));
    }

    // A 3x3 deg field, at the equator, mid-latitude, across RA 0, and one holding the pole.
    [TestCase(150, 20)]
    [TestCase(0.2, 0)]
    [TestCase(359.5, -25)]
    [TestCase(45, 75)]
    [TestCase(10, 89)]
    [TestCase(200, -88.9)]
    public void AHexTessellationCoversTheWholeField(double ra, double dec)
    {
        const double fieldArcmin = 180, tileArcmin = 60;
        var tiles = Tiler.Tile([Field(ra, dec, fieldArcmin)], TilingMode.Hex30, tileArcmin);
        var planes = tiles.Select(t => new TangentPlane(t.RaDeg, t.DecDeg)).ToList();
        var field = new TangentPlane(ra, dec);

        // Independent check: random points of the field (a gnomonic square about the target), edges included.
        var random = new Random(12345);
        for (var i = 0; i < 20000; i++)
        {
            var xi = (random.NextDouble() - 0.5) * fieldArcmin / 60;
            var eta = (random.NextDouble() - 0.5) * fieldArcmin / 60;
            if (i % 4 == 0) xi = Math.Sign(xi) * fieldArcmin / 120 * 0.999999;
            var (pra, pdec) = field.Deproject(xi, eta);
            Assert.That(planes.Any(p => p.SquareContains(tileArcmin / 60, pra, pdec)), Is.True,
                $"point ({pra:F5}, {pdec:F5}) of the field at ({ra}, {dec}) is on no tile");
        }

        // Hex rows: consecutive rows are offset by half a column.
        var rows = tiles.GroupBy(t => t.Row).OrderBy(g => g.Key).ToList();
        Assert.That(rows, Has.Count.EqualTo(4), "ceil((180-60)/(60 sqrt3/2)) + 1 rows");
        Assert.That(tiles.Select(t => t.TileId).Distinct().Count(), Is.EqualTo(tiles.Count));
        Assert.That(tiles.All(t => t.RaDeg is >= 0 and < 360 && t.DecDeg is >= -90 and <= 90));
        // Not absurdly many: a 3x3 deg field needs about 12-20 one-degree tiles.
        Assert.That(tiles.Count, Is.InRange(12, 40));
    }

    [Test]
    public void AFieldAcrossRaZeroHasTilesOnBothSidesAndWrappedBounds()
    {
        var tiles = Tiler.Tile([Field(0.1, 10, 180)], TilingMode.Hex30, 60);
        Assert.That(tiles.Any(t => t.RaDeg > 358), Is.True);
        Assert.That(tiles.Any(t => t.RaDeg < 2), Is.True);
        var straddling = tiles.Where(t => t.RaMin > t.RaMax).ToList();
        Assert.That(straddling, Is.Not.Empty, "a tile crossing RA 0 has ra_min > ra_max");
    }

    [Test]
    public void ATileHoldingThePoleSpansAllRa()
    {
        var tiles = Tiler.Tile([Field(123, 89.8, 60)], TilingMode.Single, 60);
        Assert.That(tiles.Single().RaMin, Is.EqualTo(0));
        Assert.That(tiles.Single().RaMax, Is.EqualTo(360));
        Assert.That(tiles.Single().DecMax, Is.EqualTo(90));
    }

    [Test]
    public void BoundsOfAnEquatorialTileAreItsHalfSize()
    {
        var (raMin, raMax, decMin, decMax) = Tiler.Bounds(150, 0, 1);
        Assert.That(raMax - raMin, Is.EqualTo(1).Within(0.001));
        Assert.That(decMax - decMin, Is.EqualTo(1).Within(0.001));
    }

    [Test]
    public void SingleModeMakesOneTilePerTargetNamedAfterIt()
    {
        var tiles = Tiler.Tile([Field(10, 10, 60, "NGC 2682"), Field(20, 20, 60, "M67")], TilingMode.Single, 30);
        Assert.That(tiles.Select(t => t.TileId), Is.EqualTo(new[] { "NGC_2682", "M67" }));
        Assert.That(tiles.All(t => t.SizeArcmin == 30));
    }

    [Test]
    public void NamesThatCollideAsTileIdsAreRejected()
    {
        var e = Assert.Throws<VascoException>(() => Tiler.Tile([Field(10, 10, 60, "a b"), Field(20, 20, 60, "a/b")], TilingMode.Single, 60));
        Assert.That(e!.Code, Is.EqualTo("VASCO0205"));
    }

    [TestCase("../../etc")]
    [TestCase("a/b\\c")]
    [TestCase("x\u0007y")]
    public void HostileNamesBecomeSafeTileIds(string name)
    {
        var id = TileIds.FromName(name, "test");
        Assert.That(TileIds.IsValid(id), Is.True, id);
        Assert.That(id, Does.Not.Contain("/").And.Not.Contain("..").And.Not.Contain("\\"));
    }

    [Test]
    public void ANameWithNothingUsableIsRejected()
    {
        var e = Assert.Throws<VascoException>(() => TileIds.FromName("../..", "targets.csv line 4"));
        Assert.That(e!.Code, Is.EqualTo("VASCO0207"));
        Assert.That(e.Message, Does.Contain("targets.csv line 4"));
    }
}
