using NUnit.Framework;
using Vasco.Pipeline;
using Vasco.Preprocess;
using Vasco.Sky;
using Vasco.Tests.Fits;

namespace Vasco.Tests.Preprocess;

public class BrightStarCatalogTests
{
    internal static readonly string M67Tycho2Path = Path.Combine(Path.GetDirectoryName(FitsImageTests.M67Path)!, "tycho2_M67_r1deg.csv");

    [Test]
    public void ReadsTheM67Tycho2Extract()
    {
        var catalog = BrightStarCatalog.Read(M67Tycho2Path, BrightStarColumns.Tycho2);

        Assert.That(catalog.Stars, Has.Count.EqualTo(203));
        Assert.That(catalog.RowsWithoutMagnitude, Is.Zero);
        Assert.That(catalog.RowsWithoutPosition, Is.Zero);
        var first = catalog.Stars[0];
        Assert.That(first, Is.EqualTo(new BrightStar(132.55126753, 11.85679993, 9.039, -9.2, -3.6, 2000.0)));
        // 814-601-2 has no mean position (pflag X): its observed position stands in, without proper motion.
        Assert.That(catalog.Stars, Has.One.EqualTo(new BrightStar(132.86446944, 12.12799444, 10.170, 0, 0, 2000.0)));
    }

    [Test]
    public void RowsWithoutMagnitudeUseTheFallbackColumnOrAreCounted()
    {
        var path = ExternalTools.TempPath(".csv");
        File.WriteAllText(path, "ra,dec,v,b\n10,20,9.5,10.1\n11,21,,10.2\n12,22,,\n,,8,\n");
        try
        {
            var withFallback = BrightStarCatalog.Read(path, new BrightStarColumns("ra", "dec", "v", FallbackMagColumn: "b"));
            var without = BrightStarCatalog.Read(path, new BrightStarColumns("RA", "Dec", "V", Epoch: 2016.0));

            Assert.That(withFallback.Stars.Select(s => s.Mag), Is.EqualTo(new[] { 9.5, 10.2 }));
            Assert.That(withFallback.RowsWithoutMagnitude, Is.EqualTo(1));
            Assert.That(withFallback.RowsWithoutPosition, Is.EqualTo(1));
            Assert.That(without.Stars, Is.EqualTo(new[] { new BrightStar(10, 20, 9.5, 0, 0, 2016.0) }));
            Assert.That(without.RowsWithoutMagnitude, Is.EqualTo(2));
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Test]
    public void AMissingColumnNamesTheFileTheColumnAndTheFix()
    {
        var columns = BrightStarColumns.Tycho2 with { MagColumn = "Vmag", PmDecColumn = "pmDE" };

        var error = Assert.Throws<VascoException>(() => BrightStarCatalog.Read(M67Tycho2Path, columns))!;

        Assert.That(error.Code, Is.EqualTo(ErrorCodes.BrightStarsColumns));
        Assert.That(error.File, Is.EqualTo(M67Tycho2Path));
        Assert.That(error.Cause, Does.Contain("tycho2_M67_r1deg.csv").And.Contain("Vmag, pmDE").And.Contain("VTmag"));
        Assert.That(error.Fix, Does.Contain("column mapping"));
    }

    [Test]
    public void ATextCellIsAUserError()
    {
        var path = ExternalTools.TempPath(".csv");
        File.WriteAllText(path, "ra,dec,v\n10,20,9.5\n11,21,bright\n");
        try
        {
            var error = Assert.Throws<VascoException>(() => BrightStarCatalog.Read(path, new BrightStarColumns("ra", "dec", "v")))!;

            Assert.That(error.Code, Is.EqualTo(ErrorCodes.BrightStarsValue));
            Assert.That(error.Cause, Does.Contain("line 3").And.Contain("'bright'"));
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Test]
    public void AMissingFileIsAUserError()
    {
        var error = Assert.Throws<VascoException>(() => BrightStarCatalog.Read("/nonexistent/tycho2.csv", BrightStarColumns.Tycho2))!;

        Assert.That(error.Code, Is.EqualTo(ErrorCodes.BrightStarsUnreadable));
    }

    [TestCase(0.0)]
    [TestCase(60.0)]
    [TestCase(-70.0)]
    public void ProperMotionMovesRaByPmRaOverCosDec(double dec)
    {
        // 1"/yr east and 0.5"/yr north, 50 years back.
        var star = new BrightStar(200.0, dec, 9, 1000, 500, 2000.0);

        var moved = star.PropagatedTo(1950.0);

        var cosDec = Math.Cos(dec * Angles.DegToRad);
        Assert.That(moved.Epoch, Is.EqualTo(1950.0));
        Assert.That((moved.Ra - 200.0) * 3600 * cosDec, Is.EqualTo(-50.0).Within(0.05));
        Assert.That((moved.Dec - dec) * 3600, Is.EqualTo(-25.0).Within(0.05));
    }

    [TestCase(0.0)]
    [TestCase(-85.0)]
    [TestCase(89.99)]
    public void ProperMotionMovesAStarByItsTotalMotionEvenNearThePole(double dec)
    {
        var star = new BrightStar(200.0, dec, 9, 1000, 500, 2000.0);

        var moved = star.PropagatedTo(1950.0);

        Assert.That(Angles.SeparationDeg(star.Ra, star.Dec, moved.Ra, moved.Dec) * 3600, Is.EqualTo(Math.Sqrt(50 * 50 + 25 * 25)).Within(1e-4));
        Assert.That(star.PropagatedTo(2000.0), Is.EqualTo(star));
    }
}
