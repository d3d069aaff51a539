using NUnit.Framework;
using Vasco.Fits;
using Vasco.Sky;
using Vasco.Tests.Fits;

namespace Vasco.Tests.Sky;

public class DssPlateWcsTests
{
    private static FitsHeader M67Header() => FitsFile.Read(FitsImageTests.M67Path).Primary.Header;

    /// <summary>astropy on the committed plate itself, over a 21 x 21 grid spanning it.</summary>
    private static AstropyWcs M67Astropy()
    {
        var astropy = AstropyWcs.Load("m67_dss_wcs.json");
        Assert.That(astropy.Header, Is.EqualTo("runs/m67/input/dss1-red_M67_XE486.fits"));
        Assert.That(astropy.Pixels, Is.EqualTo(AstropyWcs.Grid(1059, 1059, 21)));
        return astropy;
    }

    [Test]
    public void PixelToSkyMatchesAstropyOverTheWholeM67Plate()
    {
        var wcs = DssPlateWcs.FromHeader(M67Header());
        var astropy = M67Astropy();

        var error = astropy.MaxSkyErrorArcsec(wcs);

        TestContext.Out.WriteLine($"DSS pixel->sky max error vs astropy: {error:E2} arcsec");
        Assert.That(error, Is.LessThan(1e-6));
    }

    [Test]
    public void SkyToPixelMatchesAstropyOverTheWholeM67Plate()
    {
        var wcs = DssPlateWcs.FromHeader(M67Header());
        var astropy = M67Astropy();

        var error = astropy.MaxPixelError(wcs);

        TestContext.Out.WriteLine($"DSS sky->pixel max error vs astropy: {error:E2} px");
        Assert.That(error, Is.LessThan(1e-6));
    }

    [Test]
    public void RoundTripsAndReadsThePlateCentre()
    {
        var wcs = DssPlateWcs.FromHeader(M67Header());

        // PLTRAH/M/S = 8 55 55.04834, PLTDEC = +11 26 58.31554
        Assert.That(wcs.PlateCenterRa, Is.EqualTo(15 * (8 + 55 / 60.0 + 55.04834 / 3600)).Within(1e-12));
        Assert.That(wcs.PlateCenterDec, Is.EqualTo(11 + 26 / 60.0 + 58.31554 / 3600).Within(1e-12));
        foreach (var (x, y) in AstropyWcs.Grid(1059, 1059, 5))
        {
            var (ra, dec) = wcs.PixelToSky(x, y);
            var (bx, by) = wcs.SkyToPixel(ra, dec);
            Assert.That(bx, Is.EqualTo(x).Within(1e-8));
            Assert.That(by, Is.EqualTo(y).Within(1e-8));
        }
        Assert.That(wcs.SkyToPixel(wcs.PlateCenterRa + 180, -wcs.PlateCenterDec).X, Is.NaN, "the far hemisphere has no pixel");
    }

    [Test]
    public void SouthernSignAppliesToTheWholeDeclination()
    {
        var header = M67Header();
        header.Set("PLTDECSN", "-");
        header.Set("PLTDECD", 0L);

        var wcs = DssPlateWcs.FromHeader(header);

        Assert.That(wcs.PlateCenterDec, Is.EqualTo(-(26 / 60.0 + 58.31554 / 3600)).Within(1e-12));
        header.Set("PLTDECSN", "?");
        Assert.That(() => DssPlateWcs.FromHeader(header), Throws.TypeOf<WcsException>().With.Message.Contains("PLTDECSN"));
    }

    [Test]
    public void RecognisesAPlateSolution()
    {
        Assert.That(DssPlateWcs.IsPresent(M67Header()), Is.True);
        Assert.That(DssPlateWcs.IsPresent(new FitsHeader()), Is.False);
        var header = M67Header();
        header.Set("AMDX1", 0.0);
        header.Set("AMDX2", 0.0);
        Assert.That(() => DssPlateWcs.FromHeader(header), Throws.TypeOf<WcsException>().With.Message.Contains("singular"));
    }
}
