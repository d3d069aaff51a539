using System.Globalization;
using Vasco.Fits;

namespace Vasco.Synthetic;

/// <summary>
/// Draws a synthetic sky as a DSS1-red-like scan: light is summed as exposure, then passed through a
/// photographic response that saturates near 13,000 (as the real plates do), with sky near 3,770 and grain
/// noise of about 150 (the M67 plate's figures), written as 16-bit integers with a TAN WCS and DATE-OBS.
/// The PSF is a Moffat (beta 3) whose FWHM grows from 2.4 px at the centre to 3.0 px in the corners and
/// stretches radially there; stars brighter than 14 get a halo and brighter than 11 diffraction spikes.
/// </summary>
public static class SyntheticPlate
{
    /// <summary>Changes whenever the same seed would draw a different plate (recorded in step 1's manifest and the header).</summary>
    /// <remarks>2: the header gives the site (SITELAT, SITELONG) and DATE-OBS is the exposure's start, as on POSS-I headers; the pixels are version 1's.</remarks>
    public const int Version = 2;

    // Photographic response: value = Fog + Range * (1 - exp(-exposure)); sky exposure 0.145 gives 3,770.
    const double Fog = 2300, Range = 10900, SkyExposure = 0.145, SkyNoise = 150;
    const double Beta = 3, CentreFwhm = 2.4, CornerFwhmGrowth = 0.6, CornerStretch = 0.12;

    /// <summary>Exposure of a star of magnitude <paramref name="mag"/> (the limit's peak is 5 sky sigma at the centre).</summary>
    public static double Flux(double mag, double limitMag)
    {
        var noiseInExposure = SkyNoise / (Range * Math.Exp(-SkyExposure));
        var alpha = Alpha(CentreFwhm);
        var peakPerFlux = (Beta - 1) / (Math.PI * alpha * alpha);
        return 5 * noiseInExposure / peakPerFlux * Math.Pow(10, -0.4 * (mag - limitMag));
    }

    static double Alpha(double fwhm) => fwhm / (2 * Math.Sqrt(Math.Pow(2, 1 / Beta) - 1));

    /// <summary>The FWHM (px) of the PSF at a pixel.</summary>
    public static double FwhmAt(double x, double y, int width, int height)
    {
        var (r2, _, _) = Radial(x, y, width, height);
        return CentreFwhm + CornerFwhmGrowth * r2;
    }

    /// <summary>Squared distance from the centre in units of the corner distance, and the radial direction.</summary>
    static (double R2, double Ux, double Uy) Radial(double x, double y, int width, int height)
    {
        var (dx, dy) = (x - (width + 1) / 2.0, y - (height + 1) / 2.0);
        var corner2 = (width * width + height * height) / 4.0;
        var r = Math.Sqrt(dx * dx + dy * dy);
        return ((dx * dx + dy * dy) / corner2, r > 0 ? dx / r : 1, r > 0 ? dy / r : 0);
    }

    /// <summary>The plate image (row-major, x fastest) and its header.</summary>
    public static (short[] Pixels, FitsHeader Header) Render(SyntheticSky sky)
    {
        var (w, h) = (sky.Width, sky.Height);
        var exposure = new double[w * h];
        // A gentle vignetting gradient, as across a Schmidt plate.
        for (var y = 0; y < h; y++)
            for (var x = 0; x < w; x++)
                exposure[y * w + x] = SkyExposure * (1 + 0.04 * (x - w / 2.0) / w - 0.03 * (y - h / 2.0) / h);

        foreach (var s in sky.Sources)
        {
            if (s.Kind == SourceKind.Defect) AddDefect(exposure, w, h, s, sky);
            else AddStar(exposure, w, h, s.X, s.Y, Flux(s.Mag, sky.Options.LimitMag), s.Mag);
        }

        return (Scan(exposure, SplitMix64.For(sky.Options.Seed, sky.Tile.TileId, "noise")), Header(sky));
    }

    /// <summary>The sky's exposure at the centre of a plate (other plates are drawn on the same response).</summary>
    internal const double SkyLevel = SkyExposure;

    /// <summary>Exposure through the photographic response, with grain noise, as 16-bit scan values.</summary>
    internal static short[] Scan(double[] exposure, SplitMix64 noise)
    {
        var pixels = new short[exposure.Length];
        var sky0 = Fog + Range * (1 - Math.Exp(-SkyExposure));
        var full = Fog + Range;
        for (var i = 0; i < pixels.Length; i++)
        {
            var value = Fog + Range * (1 - Math.Exp(-exposure[i]));
            // Grain noise is largest at middle densities; the scan of a saturated core is flat.
            var f = Math.Clamp((value - sky0) / (full - sky0), 0, 1);
            value += (SkyNoise + 600 * f * (1 - f)) * noise.Gaussian();
            pixels[i] = (short)Math.Clamp(Math.Round(value), 0, full);
        }
        return pixels;
    }

    /// <summary>Adds a round Moffat star of total exposure <paramref name="flux"/> and FWHM <paramref name="fwhm"/> px (another plate's stars).</summary>
    internal static void AddRoundStar(double[] exposure, int w, int h, double x0, double y0, double flux, double fwhm)
    {
        var alpha = Alpha(fwhm);
        var norm = flux * (Beta - 1) / (Math.PI * alpha * alpha);
        var reach = norm > 0.0003 ? Math.Min(Math.Max(alpha * Math.Sqrt(Math.Pow(norm / 0.0003, 1 / Beta) - 1), 4), 200) : 4;
        ForEachPixel(w, h, x0, y0, reach, (i, dx, dy) => exposure[i] += norm * Math.Pow(1 + (dx * dx + dy * dy) / (alpha * alpha), -Beta));
    }

    /// <summary>The exposure of magnitude <paramref name="mag"/> on a plate whose limit (peak 5 sky sigma) is <paramref name="limitMag"/> at FWHM <paramref name="fwhm"/> px.</summary>
    internal static double Flux(double mag, double limitMag, double fwhm) => Flux(mag, limitMag) * Math.Pow(Alpha(fwhm) / Alpha(CentreFwhm), 2);

    static void AddStar(double[] exposure, int w, int h, double x0, double y0, double flux, double mag)
    {
        var (r2, ux, uy) = Radial(x0, y0, w, h);
        var alpha = Alpha(CentreFwhm + CornerFwhmGrowth * r2);
        var stretch = 1 + CornerStretch * r2;
        var norm = flux * (Beta - 1) / (Math.PI * alpha * alpha * stretch);
        // Draw out to where the profile falls below a fiftieth of the sky noise.
        var floor = 0.0003;
        var reach = norm > floor ? alpha * Math.Sqrt(Math.Pow(norm / floor, 1 / Beta) - 1) * stretch : 0;
        reach = Math.Min(Math.Max(reach, 4), 200);
        ForEachPixel(w, h, x0, y0, reach, (i, dx, dy) =>
        {
            // Radial stretch: the distance along the radial direction is shrunk by the stretch factor.
            var along = (dx * ux + dy * uy) / stretch;
            var across = -dx * uy + dy * ux;
            exposure[i] += norm * Math.Pow(1 + (along * along + across * across) / (alpha * alpha), -Beta);
        });
        if (mag < 14)
        {
            // A halo: 4% of the light in a broad Gaussian (scattering in the emulsion).
            var sigma = 6.0 * (1 + (14 - mag) * 0.3);
            var peak = 0.04 * flux / (2 * Math.PI * sigma * sigma);
            ForEachPixel(w, h, x0, y0, 4 * sigma, (i, dx, dy) => exposure[i] += peak * Math.Exp(-(dx * dx + dy * dy) / (2 * sigma * sigma)));
        }
        if (mag < 11)
        {
            // Diffraction spikes along the plate axes (the Schmidt's plate-holder vanes).
            var length = 25 * Math.Pow(10, 0.2 * (11 - mag));
            var line = 0.01 * flux / length;
            for (var t = -length; t <= length; t++)
            {
                var fade = line * (1 - Math.Abs(t) / length);
                Add(exposure, w, h, (int)Math.Round(x0 + t), (int)Math.Round(y0), fade);
                Add(exposure, w, h, (int)Math.Round(x0), (int)Math.Round(y0 + t), fade);
            }
        }
    }

    static void AddDefect(double[] exposure, int w, int h, SyntheticSource s, SyntheticSky sky)
    {
        var r = SplitMix64.For(sky.Options.Seed, sky.Tile.TileId, s.Id);
        switch (s.Shape)
        {
            case "speck":
                // A dust speck or pinhole: sharper than any star.
                var peak = r.Uniform(0.8, 2.0);
                ForEachPixel(w, h, s.X, s.Y, 4, (i, dx, dy) => exposure[i] += peak * Math.Exp(-(dx * dx + dy * dy) / (2 * 0.45 * 0.45)));
                break;
            case "scratch":
                var (length, angle, depth) = (r.Uniform(20, 80), r.Uniform(0, Math.PI), r.Uniform(0.05, 0.12));
                for (var t = -length / 2; t <= length / 2; t += 0.5)
                    Add(exposure, w, h, (int)Math.Round(s.X + t * Math.Cos(angle)), (int)Math.Round(s.Y + t * Math.Sin(angle)), depth);
                break;
            default:
                // An emulsion blob: extended and elongated.
                var (sx, sy, amp) = (r.Uniform(4, 7), r.Uniform(1.5, 3), r.Uniform(0.1, 0.25));
                ForEachPixel(w, h, s.X, s.Y, 4 * sx, (i, dx, dy) => exposure[i] += amp * Math.Exp(-(dx * dx / (2 * sx * sx) + dy * dy / (2 * sy * sy))));
                break;
        }
    }

    static void Add(double[] exposure, int w, int h, int x, int y, double value)
    {
        if (x >= 1 && x <= w && y >= 1 && y <= h) exposure[(y - 1) * w + (x - 1)] += value;
    }

    /// <summary>Calls <paramref name="add"/> for the image pixels within <paramref name="reach"/> of (x0, y0) (FITS pixel centres are integers).</summary>
    static void ForEachPixel(int w, int h, double x0, double y0, double reach, Action<int, double, double> add)
    {
        for (var y = Math.Max(1, (int)Math.Floor(y0 - reach)); y <= Math.Min(h, (int)Math.Ceiling(y0 + reach)); y++)
            for (var x = Math.Max(1, (int)Math.Floor(x0 - reach)); x <= Math.Min(w, (int)Math.Ceiling(x0 + reach)); x++)
            {
                var (dx, dy) = (x - x0, y - y0);
                if (dx * dx + dy * dy <= reach * reach) add((y - 1) * w + (x - 1), dx, dy);
            }
    }

    static FitsHeader Header(SyntheticSky sky)
    {
        var header = new FitsHeader();
        header.Set("ORIGIN", "Vasco synthetic plate", "not a scan: drawn from a seeded synthetic sky");
        header.Set("SURVEY", "POSSI-E", "imitated: POSS-I red");
        header.Set("TELESCOP", "Palomar 48-inch Schmidt");
        header.Set("PLATEID", "SYN" + sky.Tile.TileId[..Math.Min(5, sky.Tile.TileId.Length)].ToUpperInvariant(), "synthetic");
        header.Set("REGION", "SYNTH");
        // As the POSS-I headers have them (the M67 plate's): the start, the length and the site, from which
        // PlateExposure finds the mid-exposure at which the asteroids are drawn.
        header.Set("DATE-OBS", sky.ObservedUtc.ToString("yyyy-MM-dd'T'HH:mm:ss", CultureInfo.InvariantCulture), "UT start of exposure");
        header.Set("EXPOSURE", SyntheticSky.ExposureMinutes, "minutes");
        header.Set("SITELAT", "+33:24:24.00", "Palomar 48-inch Schmidt");
        header.Set("SITELONG", "-116:51:48.00", "Palomar 48-inch Schmidt (east positive)");
        header.Set("VSYNSEED", sky.Options.Seed, "Vasco synthetic sky seed");
        header.Set("VSYNLIM", sky.Options.LimitMag, "magnitude whose peak is 5 sky sigma");
        header.Set("VSYNVER", Version, "Vasco synthetic plate generator version");
        foreach (var card in sky.Wcs.ToHeaderCards())
            header.Add(card);
        return header;
    }
}
