using NUnit.Framework;
using Vasco.Sky;

namespace Vasco.Tests.Sky;

/// <summary>The Sun, sidereal time, precession and Earth's umbra, on cases with known answers.</summary>
public class EarthShadowTests
{
    static (double Ra, double Dec) RaDec(Vector v)
    {
        var u = v.Unit;
        return (Angles.WrapRa(Math.Atan2(u.Y, u.X) * Angles.RadToDeg), Math.Asin(u.Z) * Angles.RadToDeg);
    }

    static double SeparationDeg(Vector a, Vector b) => Math.Acos(Math.Clamp(a.Unit.Dot(b.Unit), -1, 1)) * Angles.RadToDeg;

    [Test]
    public void TheSunIsWhereMeeusPutsIt()
    {
        // Meeus, Astronomical Algorithms, example 25.a: 1992 October 13.0 TD, apparent RA 198.38083, Dec -7.78507 (of date).
        var utc = new DateTime(1992, 10, 13, 0, 0, 0, DateTimeKind.Utc);
        var meeus = Sun.ToJ2000(Vector.Direction(198.38083, -7.78507), utc);
        Assert.That(SeparationDeg(Sun.Position(utc), meeus), Is.LessThan(0.02));
        Assert.That(Sun.Position(utc).Length / 149_597_870.7, Is.EqualTo(0.99766).Within(0.0002), "Meeus: R = 0.99766 AU");
    }

    [Test]
    public void SiderealTimeIsMeeus()
    {
        // Meeus example 12.a: 1987 April 10, 0h UT: mean sidereal time 13h10m46.3668s.
        var gmst = Sun.SiderealTimeDeg(new DateTime(1987, 4, 10, 0, 0, 0, DateTimeKind.Utc));
        Assert.That(gmst / 15, Is.EqualTo(13 + 10 / 60.0 + 46.3668 / 3600).Within(0.1 / 3600));
    }

    [Test]
    public void FiftyYearsOfPrecessionMoveTheEquinoxAsTheTablesSay()
    {
        // RA 0, Dec 0 of the equinox of 1950 is about RA 0.641, Dec +0.278 in J2000 (m = 3.075 s/yr, n = 20.04"/yr).
        var (ra, dec) = RaDec(Sun.ToJ2000(Vector.Direction(0, 0), new DateTime(1950, 1, 1, 0, 0, 0, DateTimeKind.Utc)));
        Assert.That(ra, Is.EqualTo(0.641).Within(0.01));
        Assert.That(dec, Is.EqualTo(0.278).Within(0.01));
    }

    [Test]
    public void FromEarthsCentreTheShadowAtGeostationaryDistanceIsAbout8Point4DegreesInRadius()
    {
        // Earth seen from 42,164 km is 8.70 degrees in radius; the umbra there is narrower by about 190 km: 8.44 degrees.
        Assert.That(Math.Asin(EarthShadow.EarthRadiusKm / EarthShadow.GeostationaryKm) * Angles.RadToDeg, Is.EqualTo(8.70).Within(0.005));
        var utc = new DateTime(1951, 11, 29, 12, 32, 0, DateTimeKind.Utc);
        var (ra, dec) = RaDec(-1 * Sun.Position(utc));
        bool InShadowAt(double offDeg) => EarthShadow.InUmbra(ObservingSite.Geocentre, utc, ra, dec + offDeg, EarthShadow.GeostationaryKm);
        Assert.That(InShadowAt(0), Is.True, "the antisolar point");
        Assert.That(InShadowAt(8.40), Is.True);
        Assert.That(InShadowAt(-8.40), Is.True);
        Assert.That(InShadowAt(8.48), Is.False);
        Assert.That(InShadowAt(30), Is.False);
        var (sunRa, sunDec) = RaDec(Sun.Position(utc));
        Assert.That(EarthShadow.InUmbra(ObservingSite.Geocentre, utc, sunRa, sunDec, EarthShadow.GeostationaryKm), Is.False, "towards the Sun");
    }

    [Test]
    public void FromPalomarTheShadowIsWhereParallaxPutsIt()
    {
        // The M67 plate's mid-exposure (12:07 UT plus 25 min), before dawn at Palomar.
        var utc = new DateTime(1951, 11, 29, 12, 32, 0, DateTimeKind.Utc);
        var site = ObservingSite.Palomar;
        var observer = site.Position(utc);
        Assert.That(observer.Length, Is.EqualTo(6373).Within(3), "Palomar is about 6,373 km from Earth's centre");
        // The point of the shadow's axis at geostationary distance, seen from Palomar, is in the umbra; seen from Earth's centre
        // it is more than 5 degrees away (parallax), and that direction from Palomar is not.
        var axisPoint = EarthShadow.GeostationaryKm * (-1 * Sun.Position(utc)).Unit;
        var (ra, dec) = RaDec(axisPoint - observer);
        var (geoRa, geoDec) = RaDec(axisPoint);
        Assert.That(EarthShadow.InUmbra(site, utc, ra, dec, EarthShadow.GeostationaryKm), Is.True);
        Assert.That(SeparationDeg(Vector.Direction(ra, dec), Vector.Direction(geoRa, geoDec)), Is.GreaterThan(5));
        // M67 (RA 132.8, Dec +11.8) was some 70 degrees from the antisolar point: lit at any distance.
        Assert.That(EarthShadow.InUmbra(site, utc, 132.83, 11.81, EarthShadow.GeostationaryKm), Is.False);
        Assert.That(EarthShadow.InUmbra(site, utc, 132.83, 11.81, 400_000), Is.False);
    }

    [TestCase(57.5774, 17.4644, true)]    // the umbra's centre at 42,164 km as seen from Palomar (astropy 5.2.1)
    [TestCase(57.5774, 26.4644, false)]   // 8.50 deg from it: inside Earth's disc as seen from there, outside the narrower umbra
    [TestCase(57.5774, 27.4644, false)]   // 9.44 deg
    [TestCase(65.3319, 21.5099, true)]    // the antisolar direction (J2000), 7.9 deg from the centre by Palomar's parallax
    public void FromPalomarAstropysShadowGeometryAgrees(double ra, double dec, bool inUmbra)
    {
        // docs/research/skybot-and-earth-shadow.md: astropy's Sun (GCRS), GMST and Palomar's position at the M67 plate's mid-exposure.
        var utc = new DateTime(1951, 11, 29, 12, 32, 0, DateTimeKind.Utc);
        Assert.That(EarthShadow.InUmbra(ObservingSite.Palomar, utc, ra, dec, EarthShadow.GeostationaryKm), Is.EqualTo(inUmbra));
        var (sunRa, sunDec) = RaDec(Sun.Position(utc));
        Assert.That(sunRa, Is.EqualTo(245.3319).Within(0.01), "astropy: the Sun in J2000 axes");
        Assert.That(sunDec, Is.EqualTo(-21.5099).Within(0.01));
        Assert.That(Sun.SiderealTimeDeg(utc), Is.EqualTo(255.5868).Within(0.001), "astropy's GMST");
    }
}
