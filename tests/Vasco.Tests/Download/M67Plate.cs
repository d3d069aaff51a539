using System.IO.Compression;
using Vasco.Fits;
using Vasco.Tests.Support;

namespace Vasco.Tests.Download;

/// <summary>The real M67 POSS-I cutout of the embedded default run, and variants of it made by editing its header.</summary>
static class M67Plate
{
    public static readonly string PathOnDisk = Repo.Path("runs", "m67", "input", "dss1-red_M67_XE486.fits");

    public const string Sha256 = "b213e11a44a23d09ff48a42165479d21ef63620531c917020b8ff6afb0997418";

    public const double CentreRa = 132.834, CentreDec = 11.812;

    static readonly Lazy<byte[]> Cached = new(() => File.ReadAllBytes(PathOnDisk));

    public static byte[] Bytes => (byte[])Cached.Value.Clone();

    /// <summary>The M67 file with its primary header edited; the pixels are untouched.</summary>
    public static byte[] WithHeader(Action<FitsHeader> edit)
    {
        var bytes = Cached.Value;
        var header = FitsFile.ReadPrimaryHeader(new MemoryStream(bytes), "M67", out var headerLength);
        edit(header);
        return [.. header.ToBytes(), .. bytes.AsSpan((int)headerLength)];
    }

    /// <summary>A UK Schmidt plate as the archive serves south of Dec -30: SERC survey and region, no E plate label.</summary>
    public static byte[] AsSercPlate() => WithHeader(h =>
    {
        h.Set("SURVEY", "SERC-ER");
        h.Set("REGION", "S123");
        h.Remove("PLTLABEL");
    });

    /// <summary>A rectangle of the M67 cutout (1-based first pixel, size), with CNPIX moved so its plate solution still holds.</summary>
    public static byte[] Crop(int x0, int y0, int width, int height)
    {
        var file = FitsFile.Read(Cached.Value);
        var pixels = file.Primary.ReadDoubles();
        var fullWidth = file.Primary.Axes[0];
        var crop = new short[width * height];
        for (var y = 0; y < height; y++)
            for (var x = 0; x < width; x++)
                crop[y * width + x] = (short)pixels[(y0 - 1 + y) * fullWidth + x0 - 1 + x];
        var header = file.Primary.Header.Clone();
        header.Set("CNPIX1", header.GetLong("CNPIX1") + x0 - 1);
        header.Set("CNPIX2", header.GetLong("CNPIX2") + y0 - 1);
        var writer = new FitsWriter();
        writer.AddImage(crop, [width, height], header);
        return writer.ToBytes();
    }

    /// <summary>
    /// The M67 file with one raw 80-character card added before END, as written (so it may be a card our own writer
    /// would never make, like the unquoted "SKEW    = a, b" of some DSS scans). <paramref name="fits"/> defaults to M67.
    /// </summary>
    public static byte[] WithRawCard(string cardImage, byte[]? fits = null)
    {
        var bytes = fits ?? Cached.Value;
        var end = 0;
        while (!System.Text.Encoding.ASCII.GetString(bytes, end, 8).Equals("END     ", StringComparison.Ordinal))
            end += FitsCard.Length;
        var dataStart = (end / FitsHeader.BlockSize + 1) * FitsHeader.BlockSize;
        var cards = System.Text.Encoding.ASCII.GetBytes(cardImage.PadRight(FitsCard.Length) + "END".PadRight(FitsCard.Length));
        var headerLength = (end + cards.Length + FitsHeader.BlockSize - 1) / FitsHeader.BlockSize * FitsHeader.BlockSize;
        var header = Enumerable.Repeat((byte)' ', headerLength).ToArray();
        bytes.AsSpan(0, end).CopyTo(header);
        cards.CopyTo(header, end);
        return [.. header, .. bytes.AsSpan(dataStart)];
    }

    /// <summary>
    /// The M67 file with the pixels of each box (1-based, inclusive) undefined: BLANK in the 16-bit data, which
    /// readers take as NaN, as in a damaged scan.
    /// </summary>
    public static byte[] WithBlankPixels(params (int X0, int Y0, int X1, int Y1)[] boxes)
    {
        const short blank = short.MinValue;
        var bytes = WithHeader(h => h.Set("BLANK", (long)blank, "undefined pixel"));
        FitsFile.ReadPrimaryHeader(new MemoryStream(bytes), "M67", out var headerLength);
        var width = (int)FitsFile.Read(Cached.Value).Primary.Axes[0];
        foreach (var (x0, y0, x1, y1) in boxes)
            for (var y = y0; y <= y1; y++)
                for (var x = x0; x <= x1; x++)
                    System.Buffers.Binary.BinaryPrimitives.WriteInt16BigEndian(bytes.AsSpan((int)headerLength + 2 * ((y - 1) * width + x - 1)), blank);
        return bytes;
    }

    public static byte[] Gzip(byte[] bytes)
    {
        using var output = new MemoryStream();
        using (var gzip = new GZipStream(output, CompressionLevel.Fastest))
            gzip.Write(bytes);
        return output.ToArray();
    }
}
