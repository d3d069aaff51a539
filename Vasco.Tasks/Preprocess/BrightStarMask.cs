using Vasco.Sky;

namespace Vasco.Preprocess;

/// <summary>
/// A per-pixel flag image (FITS order: x fastest, row 1 first) marking bright-star halos and spikes, for
/// SExtractor's FLAG_IMAGE. Flags are bits so that they combine: <see cref="BrightStarFlag"/>, and
/// <see cref="RepairedPixelFlag"/> set by the preprocessor on pixels it filled in.
/// </summary>
public sealed class BrightStarMask
{
    public const short BrightStarFlag = 1;
    public const short RepairedPixelFlag = 2;

    private BrightStarMask(int width, int height, short[] flags, int starsConsidered, int starsInImage, int starsMasked, long maskedPixels)
    {
        Width = width;
        Height = height;
        Flags = flags;
        StarsConsidered = starsConsidered;
        StarsInImage = starsInImage;
        StarsMasked = starsMasked;
        MaskedPixels = maskedPixels;
    }

    public int Width { get; }
    public int Height { get; }

    /// <summary>Width x Height flags; callers may OR further flags in.</summary>
    public short[] Flags { get; }

    /// <summary>Stars brighter than the magnitude limit.</summary>
    public int StarsConsidered { get; }

    /// <summary>Considered stars whose centre falls on the image.</summary>
    public int StarsInImage { get; }

    /// <summary>Considered stars that mask at least one pixel (including stars off the image whose halo reaches in).</summary>
    public int StarsMasked { get; }

    /// <summary>Pixels carrying <see cref="BrightStarFlag"/>.</summary>
    public long MaskedPixels { get; }

    /// <summary>
    /// Masks every star of <paramref name="stars"/> (positions at the plate epoch) brighter than
    /// <see cref="MaskOptions.MaskMagLimit"/> on a <paramref name="width"/> x <paramref name="height"/> image.
    /// Sizes in arcsec become pixels through the WCS scale at the image centre.
    /// </summary>
    public static BrightStarMask Build(int width, int height, IWcs wcs, IEnumerable<BrightStar> stars, MaskOptions options)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(width, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(height, 1);
        options.Validate();
        var flags = new short[checked(width * height)];
        var (centerX, centerY) = ((width + 1) / 2.0, (height + 1) / 2.0);
        var (centerRa, centerDec) = wcs.PixelToSky(centerX, centerY);
        var arcsecPerPixel = PixelScaleArcsec(wcs, centerX, centerY);
        // Every pixel lies within this distance of the centre (corners of the outer pixel edges).
        var halfDiagonalArcsec = new[] { (0.5, 0.5), (width + 0.5, 0.5), (0.5, height + 0.5), (width + 0.5, height + 0.5) }
            .Max(c =>
            {
                var (ra, dec) = wcs.PixelToSky(c.Item1, c.Item2);
                return Angles.SeparationDeg(centerRa, centerDec, ra, dec) * 3600;
            });

        int considered = 0, inImage = 0, starsMasked = 0;
        foreach (var star in stars)
        {
            if (!(star.Mag < options.MaskMagLimit))
                continue;
            considered++;
            // Far stars are skipped before SkyToPixel: a plate solution's inverse is not meant for points off the plate.
            if (Angles.SeparationDeg(centerRa, centerDec, star.Ra, star.Dec) * 3600 > halfDiagonalArcsec + options.ReachArcsec(star.Mag))
                continue;
            var (x, y) = wcs.SkyToPixel(star.Ra, star.Dec);
            if (double.IsNaN(x) || double.IsNaN(y))
                continue;
            if (x >= 0.5 && x <= width + 0.5 && y >= 0.5 && y <= height + 0.5)
                inImage++;
            var radius = options.RadiusArcsec(star.Mag) / arcsecPerPixel;
            var spikeLength = options.SpikeLengthFactor * radius;
            // Half a pixel at least, so a thin spike still covers the row or column through the star.
            var spikeHalfWidth = Math.Max(options.SpikeHalfWidthArcsec / arcsecPerPixel, 0.5);
            var painted = PaintDisc(flags, width, height, x, y, radius);
            if (spikeLength > radius)
            {
                painted |= PaintBox(flags, width, height, x - spikeLength, x + spikeLength, y - spikeHalfWidth, y + spikeHalfWidth);
                painted |= PaintBox(flags, width, height, x - spikeHalfWidth, x + spikeHalfWidth, y - spikeLength, y + spikeLength);
            }
            if (painted)
                starsMasked++;
        }
        var maskedPixels = flags.LongCount(f => (f & BrightStarFlag) != 0);
        return new BrightStarMask(width, height, flags, considered, inImage, starsMasked, maskedPixels);
    }

    /// <summary>The geometric mean of the sizes of one pixel along x and y, arcsec.</summary>
    private static double PixelScaleArcsec(IWcs wcs, double x, double y)
    {
        double Step(double dx, double dy)
        {
            var (ra1, dec1) = wcs.PixelToSky(x - dx / 2, y - dy / 2);
            var (ra2, dec2) = wcs.PixelToSky(x + dx / 2, y + dy / 2);
            return Angles.SeparationDeg(ra1, dec1, ra2, dec2) * 3600;
        }
        return Math.Sqrt(Step(1, 0) * Step(0, 1));
    }

    private static bool PaintDisc(short[] flags, int width, int height, double x, double y, double radius)
    {
        var painted = false;
        var (yFirst, yLast) = (Math.Max(1, (int)Math.Ceiling(y - radius)), Math.Min(height, (int)Math.Floor(y + radius)));
        for (var j = yFirst; j <= yLast; j++)
        {
            var half = Math.Sqrt(radius * radius - (j - y) * (j - y));
            var (xFirst, xLast) = (Math.Max(1, (int)Math.Ceiling(x - half)), Math.Min(width, (int)Math.Floor(x + half)));
            for (var i = xFirst; i <= xLast; i++)
            {
                flags[(j - 1) * width + i - 1] |= BrightStarFlag;
                painted = true;
            }
        }
        return painted;
    }

    private static bool PaintBox(short[] flags, int width, int height, double xMin, double xMax, double yMin, double yMax)
    {
        var painted = false;
        var (xFirst, xLast) = (Math.Max(1, (int)Math.Ceiling(xMin)), Math.Min(width, (int)Math.Floor(xMax)));
        var (yFirst, yLast) = (Math.Max(1, (int)Math.Ceiling(yMin)), Math.Min(height, (int)Math.Floor(yMax)));
        for (var j = yFirst; j <= yLast; j++)
            for (var i = xFirst; i <= xLast; i++)
            {
                flags[(j - 1) * width + i - 1] |= BrightStarFlag;
                painted = true;
            }
        return painted;
    }
}
