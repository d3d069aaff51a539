using NUnit.Framework;
using Vasco.Sky;

namespace Vasco.Tests.Sky;

public class ProperMotionTests
{
    [Test]
    public void AStarMovesByItsProperMotionTimesTheYears()
    {
        // Barnard's star: about 10.4"/yr, mostly north.
        var (ra, dec) = ProperMotion.Propagate(269.452, 4.6934, -801.6, 10362.4, 2016.0, 1951.91);
        var moved = Angles.SeparationDeg(269.452, 4.6934, ra, dec) * 3600;
        Assert.That(moved, Is.EqualTo(Math.Sqrt(801.6 * 801.6 + 10362.4 * 10362.4) / 1000 * 64.09).Within(0.05));
        Assert.That(dec, Is.LessThan(4.6934), "going back in time, a star moving north was further south");
    }

    [Test]
    public void MuAlphaStarIsScaledByCosDec()
    {
        var (ra, _) = ProperMotion.Propagate(10, 60, 1000, 0, 2000, 2100);
        Assert.That((ra - 10) * Math.Cos(60 * Angles.DegToRad) * 3600, Is.EqualTo(100).Within(0.01));
    }

    [Test]
    public void NearThePoleAndAcrossRaZeroItStaysOnTheSphere()
    {
        var (ra, dec) = ProperMotion.Propagate(359.9999, 89.9999, 5000, 5000, 2016, 1950);
        Assert.That(ra, Is.InRange(0, 360));
        Assert.That(dec, Is.InRange(-90, 90));
        Assert.That(Angles.SeparationDeg(359.9999, 89.9999, ra, dec) * 3600, Is.EqualTo(Math.Sqrt(2) * 5 * 66).Within(0.01));
    }

    [Test]
    public void MissingMotionsCountAsZero() =>
        Assert.That(ProperMotion.Propagate(1, 2, double.NaN, double.NaN, 2016, 1950), Is.EqualTo((1.0, 2.0)));
}
