using System.Text.Json;
using NUnit.Framework;
using Vasco.Sky;
using Vasco.Tests.Support;

namespace Vasco.Tests.Sky;

/// <summary>
/// astropy.wcs (WCSLIB underneath, including TPV and DSS) as the oracle, from committed data: for one header,
/// a pixel grid, astropy's all_pix2world of it (origin 1), and astropy's all_world2pix of those sky positions
/// (tolerance 1e-12, maxiter 200). Made by tests/Vasco.Tests/Data/astropy/generate.py.
/// </summary>
internal sealed class AstropyWcs
{
    private AstropyWcs(string header, (double X, double Y)[] pixels, (double Ra, double Dec)[] sky, (double X, double Y)[] pixelsBack)
    {
        Header = header;
        Pixels = pixels;
        Sky = sky;
        PixelsBack = pixelsBack;
    }

    /// <summary>The file astropy read the header from, relative to the repository root: the real plate, or a file in the data folder.</summary>
    public string Header { get; }

    public (double X, double Y)[] Pixels { get; }

    /// <summary>astropy's sky position of each of <see cref="Pixels"/>.</summary>
    public (double Ra, double Dec)[] Sky { get; }

    /// <summary>astropy's pixel position of each of <see cref="Sky"/>.</summary>
    public (double X, double Y)[] PixelsBack { get; }

    /// <summary>Reads one expectation: <paramref name="element"/> is an object with header, grid, pixels, sky and pixels_back.</summary>
    public static AstropyWcs From(JsonElement element)
    {
        var grid = element.GetProperty("grid");
        var pixels = AstropyData.Pairs(element.GetProperty("pixels"));
        // The grid the data were made on is the one the tests mean.
        Assert.That(pixels, Is.EqualTo(Grid(grid.GetProperty("width").GetInt32(), grid.GetProperty("height").GetInt32(), grid.GetProperty("n").GetInt32())));
        var header = element.GetProperty("header").GetString()!;
        AstropyData.AssertInputUnchanged(header, element.GetProperty("header_sha256").GetString()!);
        var expectation = new AstropyWcs(header, pixels,
            AstropyData.Pairs(element.GetProperty("sky")), AstropyData.Pairs(element.GetProperty("pixels_back")));
        Assert.That(expectation.Sky, Has.Length.EqualTo(pixels.Length));
        Assert.That(expectation.PixelsBack, Has.Length.EqualTo(pixels.Length));
        return expectation;
    }

    /// <summary>The expectation in a JSON file whose root is one expectation.</summary>
    public static AstropyWcs Load(string jsonName) => From(AstropyData.Json(jsonName));

    /// <summary>A grid of n x n pixel positions spanning the pixel edges of a width x height image (generate.py makes the same one).</summary>
    public static List<(double X, double Y)> Grid(int width, int height, int n)
    {
        var points = new List<(double, double)>();
        for (var i = 0; i < n; i++)
            for (var k = 0; k < n; k++)
                points.Add((0.5 + width * (double)i / (n - 1), 0.5 + height * (double)k / (n - 1)));
        return points;
    }

    /// <summary>Largest separation in arcsec between our sky positions of the grid and astropy's.</summary>
    public double MaxSkyErrorArcsec(IWcs wcs) => Pixels.Select((p, i) =>
    {
        var (ra, dec) = wcs.PixelToSky(p.X, p.Y);
        return WcsMath.SeparationDegrees(ra, dec, Sky[i].Ra, Sky[i].Dec) * WcsMath.ArcsecPerDegree;
    }).Select(NaNAsInfinite).Max();

    /// <summary>Largest pixel distance between our inverse and astropy's, for astropy's sky positions of the grid.</summary>
    public double MaxPixelError(IWcs wcs) => Sky.Select((s, i) =>
    {
        var (x, y) = wcs.SkyToPixel(s.Ra, s.Dec);
        return Math.Sqrt(Math.Pow(x - PixelsBack[i].X, 2) + Math.Pow(y - PixelsBack[i].Y, 2));
    }).Select(NaNAsInfinite).Max();

    // Enumerable.Max ranks NaN below every number; a point we cannot map is the worst error, not none.
    private static double NaNAsInfinite(double error) => double.IsNaN(error) ? double.PositiveInfinity : error;
}
