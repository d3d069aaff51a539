using NUnit.Framework;
using Vasco.Catalogs;
using Vasco.Pipeline;
using Vasco.Sky;
using Vasco.Tiling;
using static Vasco.Tests.Catalogs.VizierStandIn;

namespace Vasco.Tests.Catalogs;

/// <summary>Local reference catalogs, the per-tile output CSV, and the cone of a tile.</summary>
public class CatalogFilesTests
{
    string _dir = null!;

    [SetUp]
    public void SetUp() => Directory.CreateDirectory(_dir = Path.Combine(Path.GetTempPath(), "vasco-tests", "catalogs-" + Guid.NewGuid().ToString("N")[..8]));

    [TearDown]
    public void TearDown() => Directory.Delete(_dir, recursive: true);

    string WriteCsv(string text)
    {
        var path = Path.Combine(_dir, "catalog.csv");
        File.WriteAllText(path, text);
        return path;
    }

    [Test]
    public void TheM67GaiaConeReadsThroughItsColumnMapping()
    {
        var rows = LocalCatalog.Read(GaiaCsv, LocalCatalog.GaiaArchiveColumns);

        Assert.Multiple(() =>
        {
            Assert.That((rows.Stars.Count, rows.RowsWithoutPosition), Is.EqualTo((3795, 0)));
            Assert.That(rows.Stars[0], Is.EqualTo(new ReferenceStar("598885257595111296", 132.84573169404388, 11.4493714430574, 20.85874,
                2.005728280403797, -8.001040572583394, 2016.0)));
            Assert.That(rows.Stars.Select(s => s.Id).Distinct().Count(), Is.EqualTo(3795));
            var twoParameter = rows.Stars.Single(s => s.Id == "598886322746985088");
            Assert.That((twoParameter.PmRa, twoParameter.PmDec, double.IsNaN(twoParameter.Mag)), Is.EqualTo((0.0, 0.0, true)));
        });
    }

    [Test]
    public void AnyColumnsCanBeMappedAndRowsWithoutAPositionAreCounted()
    {
        var path = WriteCsv("name,RA,DEC,r,pm_a,pm_d\nA,10.5,-20.25,15.5,12,-3\nB,,-20.3,16,,\nC,10.6,-20.2,,nan,\n");
        var columns = new CatalogColumns(["name"], "ra", "dec", ["r"], "pm_a", "pm_d", 2000.0);

        var rows = LocalCatalog.Read(path, columns);

        Assert.That(rows.RowsWithoutPosition, Is.EqualTo(1));
        Assert.That(rows.Stars, Is.EqualTo(new[]
        {
            new ReferenceStar("A", 10.5, -20.25, 15.5, 12, -3, 2000.0),
            new ReferenceStar("C", 10.6, -20.2, double.NaN, 0, 0, 2000.0),
        }));
    }

    [Test]
    public void WithoutAnIdColumnTheRowNumberIsTheId()
    {
        var path = WriteCsv("ra,dec,mag\n1,2,3\n4,5,6\n");

        var rows = LocalCatalog.Read(path, new CatalogColumns([], "ra", "dec", ["mag"], null, null, 2016.0));

        Assert.That(rows.Stars.Select(s => s.Id), Is.EqualTo(new[] { "1", "2" }));
    }

    [Test]
    public void AMissingColumnIsAnErrorNamingTheFileAndTheColumn()
    {
        var columns = LocalCatalog.GaiaArchiveColumns with { MagColumns = ["phot_rp_mean_mag"] };

        var e = Assert.Throws<VascoException>(() => LocalCatalog.Read(GaiaCsv, columns))!;

        Assert.Multiple(() =>
        {
            Assert.That(e.Code, Is.EqualTo(ErrorCodes.CatalogColumns));
            Assert.That(e.File, Is.EqualTo(GaiaCsv));
            Assert.That(e.Cause, Does.Contain(GaiaCsv).And.Contain("lacks the column(s) phot_rp_mean_mag"));
        });
    }

    [Test]
    public void ACellThatIsNotANumberIsAnErrorNamingTheLine()
    {
        var path = WriteCsv("source_id,ra,dec,phot_g_mean_mag,pmra,pmdec\n1,132.8,11.8,12.5,1,2\n2,132.9,11.8,12.5 mag,1,2\n");

        var e = Assert.Throws<VascoException>(() => LocalCatalog.Read(path, LocalCatalog.GaiaArchiveColumns))!;

        Assert.That(e.Code, Is.EqualTo(ErrorCodes.CatalogValue));
        Assert.That(e.Cause, Does.Contain("line 3: phot_g_mean_mag = '12.5 mag' is not a number"));
    }

    [Test]
    public void AMissingFileIsAnErrorNamingIt()
    {
        var path = Path.Combine(_dir, "nope.csv");

        var e = Assert.Throws<VascoException>(() => LocalCatalog.Read(path, LocalCatalog.GaiaArchiveColumns))!;

        Assert.That((e.Code, e.File), Is.EqualTo((ErrorCodes.CatalogUnreadable, path)));
    }

    [Test]
    public void ThePerTileCsvReadsBackExactly()
    {
        var stars = LocalCatalog.Read(GaiaCsv, LocalCatalog.GaiaArchiveColumns).Stars.Take(500)
            .Append(new ReferenceStar("813-1032-1", 132.55126753, 11.85679993, double.NaN, -9.2, -3.6, 2000.0)).ToList();
        var path = Path.Combine(_dir, ReferenceCatalogCsv.RelativePath("gaia", "m67", "M67"));

        ReferenceCatalogCsv.Write(path, stars);

        Assert.Multiple(() =>
        {
            Assert.That(path.Replace('\\', '/'), Does.EndWith("data/ext/gaia/m67/M67.csv"));
            Assert.That(File.ReadLines(path).Take(2), Is.EqualTo(new[]
            {
                "id,ra,dec,mag,pmra,pmdec,epoch",
                "598885257595111296,132.84573169404388,11.4493714430574,20.85874,2.005728280403797,-8.001040572583394,2016",
            }));
            Assert.That(File.ReadLines(path).Last(), Is.EqualTo("813-1032-1,132.55126753,11.85679993,,-9.2,-3.6,2000"));
            Assert.That(ReferenceCatalogCsv.Read(path), Is.EqualTo(stars));
            Assert.That(Directory.GetFiles(Path.GetDirectoryName(path)!), Has.Length.EqualTo(1), "no temp file left behind");
        });
    }

    [Test]
    public void AFileWithAnotherSchemaIsRefused()
    {
        var e = Assert.Throws<VascoException>(() => ReferenceCatalogCsv.Read(GaiaCsv))!;

        Assert.That(e.Code, Is.EqualTo(ErrorCodes.CatalogColumns));
    }

    [Test]
    public void AGaiaSourceIsCarriedBackToThePlateEpoch()
    {
        var star = new ReferenceStar("604918934986017536", 132.8, 11.8, 12.0, 0, -1000, 2016.0);

        var onPlate = star.PropagatedTo(1951.911);

        Assert.That(onPlate.Epoch, Is.EqualTo(1951.911));
        Assert.That(onPlate.Ra, Is.EqualTo(132.8).Within(1e-9));
        // 1"/yr southward for 64.089 yr: the plate saw it 64.089" further north.
        Assert.That((onPlate.Dec - star.Dec) * 3600, Is.EqualTo(64.089).Within(1e-4), "to 0.1 mas: the motion runs along the tangent plane");
    }

    [Test]
    public void ATilesConeReachesItsCornersPlusTheMargin()
    {
        var tile = new Tile("M67", "M67", 132.834, 11.812, 30, 0, 0, 132.579, 133.089, 11.562, 12.062);

        var cone = Cone.ForTile(tile);

        Assert.That((cone.Ra, cone.Dec), Is.EqualTo((132.834, 11.812)));
        Assert.That(cone.RadiusArcmin, Is.EqualTo(30 / Math.Sqrt(2) + 1).Within(1e-12));
        var plane = new TangentPlane(tile.RaDeg, tile.DecDeg);
        foreach (var (x, y) in new[] { (-1, -1), (-1, 1), (1, -1), (1, 1) })
        {
            var (ra, dec) = plane.Deproject(x * 0.25, y * 0.25);
            Assert.That(Angles.SeparationDeg(cone.Ra, cone.Dec, ra, dec) * 60, Is.LessThan(cone.RadiusArcmin - 0.99), "corner inside by the margin");
        }
    }

    [TestCase(132.834, 11.812, 22.2)]
    [TestCase(359.99, 0, 60)]
    [TestCase(45, 88.5, 120)]
    public void FourSubConesCoverTheCone(double ra, double dec, double radius)
    {
        var cone = new Cone(ra, dec, radius);
        var parts = cone.Split();
        var plane = new TangentPlane(ra, dec);
        var r = Math.Tan(radius / 60 * Math.PI / 180) * 180 / Math.PI;

        var uncovered = 0;
        for (var i = -40; i <= 40; i++)
        for (var j = -40; j <= 40; j++)
        {
            var (pra, pdec) = plane.Deproject(i / 40.0 * r, j / 40.0 * r);
            if (cone.Contains(pra, pdec) && !parts.Any(p => p.Contains(pra, pdec)))
                uncovered++;
        }
        Assert.That(parts, Has.Count.EqualTo(4));
        Assert.That(parts.Select(p => p.RadiusArcmin), Has.All.EqualTo(radius / Math.Sqrt(2) * 1.02).Within(1e-9));
        Assert.That(uncovered, Is.Zero);
    }
}
