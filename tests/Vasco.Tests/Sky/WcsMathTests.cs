using NUnit.Framework;
using Vasco.Fits;
using Vasco.Sky;
using Vasco.Tests.Fits;

namespace Vasco.Tests.Sky;

public class WcsMathTests
{
    [TestCase(10, 20, 10, 21, 1.0)]
    [TestCase(0, 0, 90, 0, 90.0)]
    [TestCase(359.5, 0, 0.5, 0, 1.0)]
    [TestCase(0, 89, 180, 89, 2.0)]
    [TestCase(0, -30, 180, 30, 180.0)]
    [TestCase(132.8, 11.8, 132.8, 11.8, 0.0)]
    public void SeparationOfKnownPairs(double ra1, double dec1, double ra2, double dec2, double expected) =>
        Assert.That(WcsMath.SeparationDegrees(ra1, dec1, ra2, dec2), Is.EqualTo(expected).Within(1e-12));

    [Test]
    public void SeparationStaysAccurateForTinyAngles()
    {
        // 1 milliarcsecond in declination; the tolerance is the rounding of 11.8 degrees to a double (6e-12 arcsec).
        var separation = WcsMath.SeparationDegrees(132.8, 11.8, 132.8, 11.8 + 1e-3 / 3600);

        Assert.That(separation * 3600, Is.EqualTo(1e-3).Within(1e-10));
    }

    [Test]
    public void GnomonicProjectionRoundTrips()
    {
        var (xi, eta) = WcsMath.GnomonicProject(133.0, 12.0, 132.8, 11.8);
        var (ra, dec) = WcsMath.GnomonicDeproject(xi, eta, 132.8, 11.8);

        Assert.That(xi, Is.GreaterThan(0), "east is positive xi");
        Assert.That(eta, Is.GreaterThan(0), "north is positive eta");
        Assert.That(ra, Is.EqualTo(133.0).Within(1e-12));
        Assert.That(dec, Is.EqualTo(12.0).Within(1e-12));
        Assert.That(WcsMath.GnomonicProject(0, 0, 0, 0), Is.EqualTo((0.0, 0.0)));
        Assert.That(WcsMath.GnomonicProject(180, 0, 0, 0).Xi, Is.NaN);
        Assert.That(WcsMath.GnomonicDeproject(-1, 0, 0.1, 0).Ra, Is.GreaterThan(359).And.LessThan(360), "RA wraps into [0, 360)");
    }

    [TestCase(370.0, 10.0)]
    [TestCase(-10.0, 350.0)]
    [TestCase(360.0, 0.0)]
    [TestCase(0.0, 0.0)]
    public void NormalizesRa(double ra, double expected) => Assert.That(WcsMath.NormalizeRa(ra), Is.EqualTo(expected).Within(1e-12));

    [TestCase("08:51:18.0", 132.825)]
    [TestCase("08 51 18", 132.825)]
    [TestCase("8h51m18s", 132.825)]
    [TestCase("8h51m18.0s", 132.825)]
    [TestCase("132.825", 132.825)]
    [TestCase("00:00:00", 0.0)]
    public void ParsesRightAscension(string text, double degrees) =>
        Assert.That(WcsMath.ParseRightAscension(text), Is.EqualTo(degrees).Within(1e-10));

    [TestCase("+11:48:00", 11.8)]
    [TestCase("11:48:00", 11.8)]
    [TestCase("-00:30:00", -0.5)]
    [TestCase("-0 30 0", -0.5)]
    [TestCase("11d48m00s", 11.8)]
    [TestCase("-11d48m", -11.8)]
    [TestCase("-12.5", -12.5)]
    public void ParsesDeclination(string text, double degrees) =>
        Assert.That(WcsMath.ParseDeclination(text), Is.EqualTo(degrees).Within(1e-10));

    [TestCase("25:00:00")]
    [TestCase("08:61:00")]
    [TestCase("08:5.5:00")]
    [TestCase("eight")]
    [TestCase("")]
    public void RejectsBadRightAscension(string text) => Assert.That(() => WcsMath.ParseRightAscension(text), Throws.TypeOf<FormatException>());

    [TestCase("+91:00:00")]
    [TestCase("+11:48:60")]
    [TestCase("11 48 00 12")]
    public void RejectsBadDeclination(string text) => Assert.That(() => WcsMath.ParseDeclination(text), Throws.TypeOf<FormatException>());

    [TestCase(132.825, 2, "08:51:18.00")]
    [TestCase(359.99999999, 2, "00:00:00.00")]
    [TestCase(0.0, 0, "00:00:00")]
    [TestCase(-15.0, 1, "23:00:00.0")]
    public void FormatsRightAscension(double ra, int decimals, string expected) =>
        Assert.That(WcsMath.FormatRightAscension(ra, decimals), Is.EqualTo(expected));

    [TestCase(11.8, 1, "+11:48:00.0")]
    [TestCase(-0.5, 1, "-00:30:00.0")]
    [TestCase(-1e-9, 1, "+00:00:00.0")]
    [TestCase(-89.99999999, 0, "-90:00:00")]
    public void FormatsDeclination(double dec, int decimals, string expected) =>
        Assert.That(WcsMath.FormatDeclination(dec, decimals), Is.EqualTo(expected));

    [Test]
    public void FormattedAnglesParseBack()
    {
        // Half of the last digit: 0.0005 s of time, 0.005 arcsec.
        Assert.That(WcsMath.ParseRightAscension(WcsMath.FormatRightAscension(123.456789, 3)), Is.EqualTo(123.456789).Within(0.0005 * 15 / 3600));
        Assert.That(WcsMath.ParseDeclination(WcsMath.FormatDeclination(-7.654321, 2)), Is.EqualTo(-7.654321).Within(0.005 / 3600));
    }
}

public class WcsFactoryTests
{
    [Test]
    public void PicksTheDssPlateSolutionForTheM67Plate() =>
        Assert.That(WcsFactory.FromHeader(FitsFile.Read(FitsImageTests.M67Path).Primary.Header), Is.TypeOf<DssPlateWcs>());

    [Test]
    public void PrefersCtypeOverAPlateSolution()
    {
        var header = FitsFile.Read(FitsImageTests.M67Path).Primary.Header;
        foreach (var card in new TanWcs(530, 530, 132.8, 11.8, -4.7e-4, 0, 0, 4.7e-4).ToHeaderCards())
            header.Add(card);

        Assert.That(WcsFactory.FromHeader(header), Is.TypeOf<TanWcs>());
    }

    [Test]
    public void SaysSoWhenThereIsNoWcs() =>
        Assert.That(() => WcsFactory.FromHeader(new FitsHeader()), Throws.TypeOf<WcsException>().With.Message.Contains("no usable WCS"));
}
