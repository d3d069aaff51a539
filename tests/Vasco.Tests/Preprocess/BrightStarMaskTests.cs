using NUnit.Framework;
using Vasco.Pipeline;
using Vasco.Preprocess;
using Vasco.Sky;

namespace Vasco.Tests.Preprocess;

public class BrightStarMaskTests
{
    private const int Size = 200;
    private const double Scale = 1.7;

    /// <summary>A north-up, east-left TAN image at the POSS-I scale, centred at pixel (100.5, 100.5).</summary>
    internal static TanWcs Wcs(int size = Size) =>
        new((size + 1) / 2.0, (size + 1) / 2.0, 132.8, 11.8, -Scale / 3600, 0, 0, Scale / 3600);

    private static BrightStar StarAt(TanWcs wcs, double x, double y, double mag)
    {
        var (ra, dec) = wcs.PixelToSky(x, y);
        return new BrightStar(ra, dec, mag, 0, 0, 2000.0);
    }

    private static bool Masked(BrightStarMask mask, int x, int y) => (mask.Flags[(y - 1) * mask.Width + x - 1] & BrightStarMask.BrightStarFlag) != 0;

    [Test]
    public void DefaultRadiiGrowWithBrightness()
    {
        var options = new MaskOptions();

        Assert.That(options.RadiusArcsec(9), Is.EqualTo(40).Within(1e-9));
        Assert.That(options.RadiusArcsec(8), Is.EqualTo(40 * Math.Pow(10, 0.2)).Within(1e-9));
        Assert.That(options.RadiusArcsec(13), Is.EqualTo(40 * Math.Pow(10, -0.8)).Within(1e-9));
        Assert.That(options.RadiusArcsec(0), Is.EqualTo(300));
        Assert.That(options.RadiusArcsec(20), Is.EqualTo(5));
    }

    [Test]
    public void AStarGetsADiscAndFourSpikeArms()
    {
        var wcs = Wcs();
        var star = StarAt(wcs, 100, 100, 9);

        var mask = BrightStarMask.Build(Size, Size, wcs, [star], new MaskOptions());

        var radius = 40 / Scale; // 23.5 px
        Assert.That(Masked(mask, 100, 100), Is.True);
        Assert.That(Masked(mask, 100 + 23, 100), Is.True, "disc edge");
        Assert.That(Masked(mask, 100 + 17, 100 + 17), Is.False, "just outside the disc on the diagonal");
        Assert.That(Masked(mask, 100 + 16, 100 + 16), Is.True, "just inside the disc on the diagonal");
        foreach (var (dx, dy) in new[] { (40, 0), (-40, 0), (0, 40), (0, -40), (46, 2), (2, -46) })
            Assert.That(Masked(mask, 100 + dx, 100 + dy), Is.True, $"spike at ({dx}, {dy})");
        Assert.That(Masked(mask, 100 + 48, 100), Is.False, "beyond the spike's 2 r");
        Assert.That(Masked(mask, 100 + 40, 100 + 4), Is.False, "beside the spike (half-width 5\" = 2.9 px)");
        Assert.That(Masked(mask, 1, 1), Is.False);
        Assert.That(mask.StarsConsidered, Is.EqualTo(1));
        Assert.That(mask.StarsInImage, Is.EqualTo(1));
        Assert.That(mask.StarsMasked, Is.EqualTo(1));
        var disc = Math.PI * radius * radius;
        Assert.That(mask.MaskedPixels, Is.EqualTo(mask.Flags.Count(f => f == BrightStarMask.BrightStarFlag)));
        Assert.That(mask.MaskedPixels, Is.GreaterThan(disc).And.LessThan(disc + 4 * 2 * radius * 7));
    }

    [Test]
    public void AStarOffTheImageMasksThePartThatReachesIn()
    {
        var wcs = Wcs();
        // V = 8: r = 63" = 37 px; centred 20 px beyond the left edge, 20 px beyond the top.
        var halo = StarAt(wcs, -20, 100, 8);
        var spikeOnly = StarAt(wcs, 100, Size + 60, 8);
        var tooFar = StarAt(wcs, -120, 100, 8);

        var mask = BrightStarMask.Build(Size, Size, wcs, [halo, spikeOnly, tooFar], new MaskOptions());

        Assert.That(Masked(mask, 1, 100), Is.True);
        Assert.That(Masked(mask, 16, 100), Is.True);
        Assert.That(Masked(mask, 20, 100), Is.True, "the +x spike arm");
        Assert.That(Masked(mask, 16, 120), Is.False);
        Assert.That(Masked(mask, 100, Size), Is.True, "the -y spike arm of the star above the image");
        Assert.That(Masked(mask, 110, Size), Is.False);
        Assert.That(mask.StarsConsidered, Is.EqualTo(3));
        Assert.That(mask.StarsInImage, Is.Zero);
        Assert.That(mask.StarsMasked, Is.EqualTo(2));
    }

    [Test]
    public void StarsFainterThanTheLimitAreNotMasked()
    {
        var wcs = Wcs();

        var mask = BrightStarMask.Build(Size, Size, wcs, [StarAt(wcs, 100, 100, 13.0), StarAt(wcs, 50, 50, 14.2)], new MaskOptions());

        Assert.That(mask.StarsConsidered, Is.Zero);
        Assert.That(mask.MaskedPixels, Is.Zero);
    }

    [Test]
    public void NonsenseOptionsAreAParameterError()
    {
        var wcs = Wcs();

        var error = Assert.Throws<VascoException>(() =>
            BrightStarMask.Build(Size, Size, wcs, [], new MaskOptions { MaxRadiusArcsec = 2 }))!;

        Assert.That(error.Code, Is.EqualTo(ErrorCodes.ParameterInvalid));
        Assert.That(error.Cause, Does.Contain("MaxRadiusArcsec = 2"));
    }
}
