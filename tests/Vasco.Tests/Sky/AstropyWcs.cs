using System.Globalization;
using Vasco.Fits;
using Vasco.Sky;
using Vasco.Tests.Fits;

namespace Vasco.Tests.Sky;

/// <summary>astropy.wcs (WCSLIB underneath, including TPV and DSS) as the oracle: one python call per batch of points.</summary>
internal static class AstropyWcs
{
    private const string Script = """
        import sys
        import warnings
        import numpy as np
        from astropy.io import fits
        from astropy.wcs import WCS
        warnings.simplefilter('ignore')
        path, direction = sys.argv[1], sys.argv[2]
        points = np.array([[float(v) for v in p.split(',')] for p in sys.argv[3:]])
        wcs = WCS(fits.getheader(path))
        if direction == 'pix2world':
            out = wcs.all_pix2world(points, 1)
        else:
            out = wcs.all_world2pix(points, 1, tolerance=1e-12, maxiter=200)
        for a, b in out:
            print(repr(float(a)), repr(float(b)))
        """;

    public static (double A, double B)[] PixelToSky(string fitsPath, IReadOnlyList<(double X, double Y)> pixels) =>
        Run(fitsPath, "pix2world", pixels);

    public static (double A, double B)[] SkyToPixel(string fitsPath, IReadOnlyList<(double Ra, double Dec)> sky) =>
        Run(fitsPath, "world2pix", sky);

    /// <summary>Writes a header alone (no pixels) to a temporary FITS file for astropy to read; the caller deletes it.</summary>
    public static string WriteHeader(IEnumerable<FitsCard> cards)
    {
        var writer = new FitsWriter();
        writer.AddImage(Array.Empty<float>(), [], new FitsHeader(cards));
        var path = ExternalTools.TempPath(".fits");
        writer.WriteTo(path);
        return path;
    }

    /// <summary>A grid of n x n pixel positions spanning the pixel edges of a width x height image.</summary>
    public static List<(double X, double Y)> Grid(int width, int height, int n)
    {
        var points = new List<(double, double)>();
        for (var i = 0; i < n; i++)
            for (var k = 0; k < n; k++)
                points.Add((0.5 + width * (double)i / (n - 1), 0.5 + height * (double)k / (n - 1)));
        return points;
    }

    /// <summary>Largest separation in arcsec between our sky positions and astropy's.</summary>
    public static double MaxSkyErrorArcsec(IWcs wcs, string fitsPath, IReadOnlyList<(double X, double Y)> pixels)
    {
        var expected = PixelToSky(fitsPath, pixels);
        return pixels.Select((p, i) =>
        {
            var (ra, dec) = wcs.PixelToSky(p.X, p.Y);
            return WcsMath.SeparationDegrees(ra, dec, expected[i].A, expected[i].B) * WcsMath.ArcsecPerDegree;
        }).Max();
    }

    /// <summary>Largest pixel distance between our inverse and astropy's for the sky positions of <paramref name="pixels"/>.</summary>
    public static double MaxPixelError(IWcs wcs, string fitsPath, IReadOnlyList<(double X, double Y)> pixels)
    {
        var sky = pixels.Select(p => wcs.PixelToSky(p.X, p.Y)).ToList();
        var expected = SkyToPixel(fitsPath, sky);
        return sky.Select((s, i) =>
        {
            var (x, y) = wcs.SkyToPixel(s.Ra, s.Dec);
            return Math.Sqrt(Math.Pow(x - expected[i].A, 2) + Math.Pow(y - expected[i].B, 2));
        }).Max();
    }

    private static (double, double)[] Run(string fitsPath, string direction, IReadOnlyList<(double, double)> points)
    {
        var args = new List<string> { fitsPath, direction };
        args.AddRange(points.Select(p => string.Create(CultureInfo.InvariantCulture, $"{p.Item1:R},{p.Item2:R}")));
        var rows = ExternalTools.ParseRows(ExternalTools.RunPython(Script, [.. args]));
        if (rows.Length != points.Count)
            throw new InvalidOperationException($"astropy returned {rows.Length} points for {points.Count}");
        return rows.Select(r => (r[0], r[1])).ToArray();
    }
}
