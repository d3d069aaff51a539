using System.IO.Compression;
using Vasco.Fits;
using Vasco.IO;
using Vasco.Sky;

namespace Vasco.Download;

/// <summary>Which pixels of a plate a tile kept (1-based, inclusive), or the whole plate.</summary>
public sealed record Cutout(int X0, int Y0, int Width, int Height, bool WholePlate);

/// <summary>
/// The part of a local plate that a tile needs: the pixel box holding the tile's square (plus a margin of
/// <see cref="MarginPixels"/>), as STScI cuts a plate to the asked size. Without this, a tile smaller than
/// its plate would carry every source of the plate while its modern catalog covers only the tile, and the
/// sources outside the tile would all look vanished. The box keeps the plate's BITPIX, scaling and header;
/// its astrometry is shifted (CNPIX1/2 of a DSS plate solution, CRPIX1/2 of a FITS WCS). A tile that the
/// plate holds whole is copied byte for byte.
/// </summary>
public static class PlateCutout
{
    public const int MarginPixels = 10;

    /// <summary>Cuts one tile from a plate on disk (read for this tile alone).</summary>
    public static Cutout Write(string platePath, double raDeg, double decDeg, double sizeArcmin, string destination) =>
        Write(OpenPlate.Read(platePath), raDeg, decDeg, sizeArcmin, destination);

    /// <summary>Cuts one tile from a plate already read (<see cref="PlateCache"/>: once for all the tiles of a build).</summary>
    public static Cutout Write(OpenPlate plate, double raDeg, double decDeg, double sizeArcmin, string destination)
    {
        var (image, platePath) = (plate.Image, plate.Path);
        var (width, height) = (image.Axes[0], image.Axes[1]);
        var (x0, y0, x1, y1) = Box(plate.Wcs, raDeg, decDeg, sizeArcmin / 60.0, width, height);
        if (x0 <= 1 && y0 <= 1 && x1 >= width && y1 >= height)
        {
            AtomicFile.WriteAllBytes(destination, plate.Fits);
            return new Cutout(1, 1, width, height, true);
        }
        var header = image.Header.Clone();
        Shift(header, "CNPIX1", x0 - 1);
        Shift(header, "CNPIX2", y0 - 1);
        Shift(header, "CRPIX1", -(x0 - 1));
        Shift(header, "CRPIX2", -(y0 - 1));
        header.AddHistory($"Vasco step 1: pixels [{x0}:{x1}, {y0}:{y1}] of {Path.GetFileName(platePath)} ({width} x {height}), the tile's square plus {MarginPixels} px.");
        var writer = new FitsWriter();
        writer.AddImageCutout(image, x0, y0, x1 - x0 + 1, y1 - y0 + 1, header);
        writer.WriteTo(destination);
        return new Cutout(x0, y0, x1 - x0 + 1, y1 - y0 + 1, false);
    }

    /// <summary>The pixel box (1-based, inclusive, clipped to the image) of the tile's square, sampled along its edges.</summary>
    static (int X0, int Y0, int X1, int Y1) Box(IWcs wcs, double ra, double dec, double sizeDeg, int width, int height)
    {
        var plane = new TangentPlane(ra, dec);
        var (minX, minY, maxX, maxY) = (double.MaxValue, double.MaxValue, double.MinValue, double.MinValue);
        const int steps = 16;
        for (var i = 0; i <= steps; i++)
        {
            var t = sizeDeg * (i / (double)steps - 0.5);
            foreach (var (xi, eta) in new[] { (t, -sizeDeg / 2), (t, sizeDeg / 2), (-sizeDeg / 2, t), (sizeDeg / 2, t) })
            {
                var (r, d) = plane.Deproject(xi, eta);
                var (x, y) = wcs.SkyToPixel(r, d);
                if (!double.IsFinite(x) || !double.IsFinite(y)) return (1, 1, width, height);
                (minX, minY, maxX, maxY) = (Math.Min(minX, x), Math.Min(minY, y), Math.Max(maxX, x), Math.Max(maxY, y));
            }
        }
        int Clip(double v, int max) => (int)Math.Clamp(v, 1, max);
        return (Clip(Math.Floor(minX) - MarginPixels, width), Clip(Math.Floor(minY) - MarginPixels, height),
            Clip(Math.Ceiling(maxX) + MarginPixels, width), Clip(Math.Ceiling(maxY) + MarginPixels, height));
    }

    static void Shift(FitsHeader header, string keyword, double by)
    {
        if (header.TryGetDouble(keyword, out var value)) header.Set(keyword, value + by);
    }

    /// <summary>Copies a plate (gunzipping .gz plates) atomically.</summary>
    public static void CopyWhole(string source, string destination) =>
        AtomicFile.Write(destination, output =>
        {
            using var input = File.OpenRead(source);
            using var stream = IsGzip(source) ? new GZipStream(input, CompressionMode.Decompress) : (Stream)input;
            stream.CopyTo(output);
        });

    static bool IsGzip(string path)
    {
        using var f = File.OpenRead(path);
        return f.ReadByte() == 0x1f && f.ReadByte() == 0x8b;
    }
}
