using System.Buffers.Binary;
using System.Text.RegularExpressions;
using Vasco.IO;

namespace Vasco.Fits;

/// <summary>
/// Builds a standard FITS file HDU by HDU. The structural keywords (SIMPLE/XTENSION, BITPIX, NAXISn, PCOUNT,
/// GCOUNT, EXTEND, BSCALE/BZERO, TFIELDS and column keywords) are generated from the data; any such keywords in a
/// header passed in are dropped, so a header read from another file can be reused as it is.
/// When the first HDU added is a table, an empty primary HDU is written before it.
/// </summary>
public sealed partial class FitsWriter
{
    private readonly List<PendingHdu> _hdus = [];

    private sealed record PendingHdu(bool IsImage, List<FitsCard> Structure, FitsHeader? Extra, byte[] Data);

    /// <summary>Adds a 32-bit float image (BITPIX -32). <paramref name="axes"/> is NAXIS1, NAXIS2, ...</summary>
    public void AddImage(float[] pixels, IReadOnlyList<int> axes, FitsHeader? header = null)
    {
        CheckShape(pixels.Length, axes);
        var data = new byte[4 * pixels.Length];
        for (var i = 0; i < pixels.Length; i++)
            BinaryPrimitives.WriteSingleBigEndian(data.AsSpan(4 * i), pixels[i]);
        AddImageHdu(-32, axes, 1, 0, header, data);
    }

    /// <summary>Adds a 16-bit integer image (BITPIX 16) with the values as given.</summary>
    public void AddImage(short[] pixels, IReadOnlyList<int> axes, FitsHeader? header = null)
    {
        CheckShape(pixels.Length, axes);
        var data = new byte[2 * pixels.Length];
        for (var i = 0; i < pixels.Length; i++)
            BinaryPrimitives.WriteInt16BigEndian(data.AsSpan(2 * i), pixels[i]);
        AddImageHdu(16, axes, 1, 0, header, data);
    }

    /// <summary>
    /// Adds an image of any BITPIX from physical values: stored = (physical - bzero) / bscale, rounded for
    /// integer BITPIX (e.g. unsigned 16-bit is BITPIX 16 with BZERO 32768). Values that do not fit throw.
    /// </summary>
    public void AddImage(double[] physical, IReadOnlyList<int> axes, int bitpix, double bscale = 1, double bzero = 0, FitsHeader? header = null)
    {
        CheckShape(physical.Length, axes);
        if (bscale == 0 || !double.IsFinite(bscale) || !double.IsFinite(bzero))
            throw new ArgumentException($"BSCALE = {bscale}, BZERO = {bzero} cannot be written");
        var size = bitpix switch
        {
            8 or 16 or 32 or 64 or -32 or -64 => Math.Abs(bitpix) / 8,
            _ => throw new ArgumentOutOfRangeException(nameof(bitpix), bitpix, "BITPIX must be 8, 16, 32, 64, -32 or -64"),
        };
        var data = new byte[size * physical.Length];
        for (var i = 0; i < physical.Length; i++)
        {
            var stored = (physical[i] - bzero) / bscale;
            var cell = data.AsSpan(size * i);
            switch (bitpix)
            {
                case 8: cell[0] = (byte)ToInteger(stored, byte.MinValue, byte.MaxValue, i); break;
                case 16: BinaryPrimitives.WriteInt16BigEndian(cell, (short)ToInteger(stored, short.MinValue, short.MaxValue, i)); break;
                case 32: BinaryPrimitives.WriteInt32BigEndian(cell, (int)ToInteger(stored, int.MinValue, int.MaxValue, i)); break;
                case 64: BinaryPrimitives.WriteInt64BigEndian(cell, ToInteger(stored, long.MinValue, long.MaxValue, i)); break;
                case -32: BinaryPrimitives.WriteSingleBigEndian(cell, (float)stored); break;
                default: BinaryPrimitives.WriteDoubleBigEndian(cell, stored); break;
            }
        }
        AddImageHdu(bitpix, axes, bscale, bzero, header, data);
    }

    /// <summary>Adds a BINTABLE extension; give it an EXTNAME through <paramref name="header"/> if needed.</summary>
    public void AddBinaryTable(IReadOnlyList<TableColumn> columns, FitsHeader? header = null)
    {
        if (columns.Count > 999)
            throw new ArgumentException("a binary table holds at most 999 columns", nameof(columns));
        var rows = columns.Count == 0 ? 0 : columns[0].RowCount;
        if (columns.Any(c => c.RowCount != rows))
            throw new ArgumentException("every column needs the same number of rows", nameof(columns));
        var rowWidth = columns.Sum(c => (long)c.Width);
        var data = new byte[checked(rowWidth * rows)];
        for (var row = 0; row < rows; row++)
        {
            var offset = (int)(row * rowWidth);
            foreach (var column in columns)
            {
                column.WriteCell(row, data.AsSpan(offset, column.Width));
                offset += column.Width;
            }
        }

        var structure = new List<FitsCard>
        {
            FitsCard.Create("XTENSION", "BINTABLE", "binary table extension"),
            FitsCard.Create("BITPIX", 8, "8-bit bytes"),
            FitsCard.Create("NAXIS", 2, "2-dimensional binary table"),
            FitsCard.Create("NAXIS1", rowWidth, "width of table in bytes"),
            FitsCard.Create("NAXIS2", rows, "number of rows in table"),
            FitsCard.Create("PCOUNT", 0, "size of special data area"),
            FitsCard.Create("GCOUNT", 1, "one data group"),
            FitsCard.Create("TFIELDS", columns.Count, "number of fields in each row"),
        };
        for (var n = 1; n <= columns.Count; n++)
        {
            var column = columns[n - 1];
            structure.Add(FitsCard.Create($"TTYPE{n}", column.Name));
            structure.Add(FitsCard.Create($"TFORM{n}", column.Format));
            if (column.Unit != null)
                structure.Add(FitsCard.Create($"TUNIT{n}", column.Unit));
            if (column.DimsText != null)
                structure.Add(FitsCard.Create($"TDIM{n}", column.DimsText));
        }
        _hdus.Add(new PendingHdu(false, structure, header, data));
    }

    /// <summary>The complete file.</summary>
    public byte[] ToBytes()
    {
        using var output = new MemoryStream();
        if (_hdus.Count == 0 || !_hdus[0].IsImage)
            WriteHdu(output, EmptyPrimary(), isPrimary: true, hasExtensions: _hdus.Count > 0);
        for (var i = 0; i < _hdus.Count; i++)
            WriteHdu(output, _hdus[i], isPrimary: output.Length == 0, hasExtensions: i + 1 < _hdus.Count);
        return output.ToArray();
    }

    /// <summary>
    /// Adds the pixels [x0, x0 + width) x [y0, y0 + height) (1-based) of a 2-D image as they are stored: BITPIX,
    /// BSCALE/BZERO and BLANK stay as they were, so the values are the same bits.
    /// </summary>
    public void AddImageCutout(ImageHdu source, int x0, int y0, int width, int height, FitsHeader? header = null)
    {
        if (source.Axes.Count != 2 || width < 1 || height < 1 || x0 < 1 || y0 < 1
            || x0 + width - 1 > source.Axes[0] || y0 + height - 1 > source.Axes[1])
            throw new ArgumentOutOfRangeException(nameof(x0), $"the box at ({x0}, {y0}) of {width} x {height} px is not inside the {string.Join(" x ", source.Axes)} image");
        var size = Math.Abs(source.Bitpix) / 8;
        var data = new byte[size * width * height];
        var pixels = source.Data.Span;
        for (var row = 0; row < height; row++)
            pixels.Slice(((y0 - 1 + row) * source.Axes[0] + x0 - 1) * size, width * size).CopyTo(data.AsSpan(row * width * size));
        AddImageHdu(source.Bitpix, [width, height], source.BScale, source.BZero, header, data, source.Blank);
    }

    /// <summary>Writes the file atomically: readers see the old file or the complete new one.</summary>
    public void WriteTo(string path) => AtomicFile.WriteAllBytes(path, ToBytes());

    private void AddImageHdu(int bitpix, IReadOnlyList<int> axes, double bscale, double bzero, FitsHeader? header, byte[] data, long? blank = null)
    {
        var structure = new List<FitsCard>
        {
            FitsCard.Create("BITPIX", bitpix, "array data type"),
            FitsCard.Create("NAXIS", axes.Count, "number of array dimensions"),
        };
        for (var n = 1; n <= axes.Count; n++)
            structure.Add(FitsCard.Create($"NAXIS{n}", axes[n - 1]));
        if (bscale != 1 || bzero != 0)
        {
            structure.Add(FitsCard.Create("BSCALE", bscale));
            structure.Add(FitsCard.Create("BZERO", bzero));
        }
        if (blank is long b && bitpix > 0)
            structure.Add(FitsCard.Create("BLANK", b));
        _hdus.Add(new PendingHdu(true, structure, header, data));
    }

    private static PendingHdu EmptyPrimary() =>
        new(true, [FitsCard.Create("BITPIX", 8, "array data type"), FitsCard.Create("NAXIS", 0, "number of array dimensions")], null, []);

    private static void WriteHdu(Stream output, PendingHdu hdu, bool isPrimary, bool hasExtensions)
    {
        var header = new FitsHeader();
        if (hdu.IsImage)
            header.Add(isPrimary
                ? FitsCard.Create("SIMPLE", true, "conforms to FITS standard")
                : FitsCard.Create("XTENSION", "IMAGE", "image extension"));
        var naxis = (long)hdu.Structure.First(c => c.Keyword == "NAXIS").Value!;
        var lastAxisKeyword = naxis == 0 ? "NAXIS" : $"NAXIS{naxis}";
        foreach (var card in hdu.Structure)
        {
            header.Add(card);
            // Mandatory order: EXTEND (primary) or PCOUNT/GCOUNT (image extension) right after the last NAXISn.
            if (card.Keyword == lastAxisKeyword)
            {
                if (isPrimary && hasExtensions)
                    header.Add(FitsCard.Create("EXTEND", true, "file may contain extensions"));
                if (hdu.IsImage && !isPrimary)
                {
                    header.Add(FitsCard.Create("PCOUNT", 0, "number of parameters"));
                    header.Add(FitsCard.Create("GCOUNT", 1, "number of groups"));
                }
            }
        }
        if (hdu.Extra != null)
        {
            var extra = hdu.Extra.Cards.Where(c => c.IsCommentary || !IsStructural(c.Keyword)).ToList();
            // fitsverify expects the long-string convention to be declared when CONTINUE cards are used.
            if (!hdu.Extra.Contains("LONGSTRN") && extra.Any(c => !c.IsCommentary && c.ToCardImages().Count > 1))
                header.Add(FitsCard.Create("LONGSTRN", "OGIP 1.0", "The OGIP long string convention may be used"));
            foreach (var card in extra)
                header.Add(card);
        }
        output.Write(header.ToBytes());
        output.Write(hdu.Data);
        var padding = (FitsHeader.BlockSize - hdu.Data.Length % FitsHeader.BlockSize) % FitsHeader.BlockSize;
        output.Write(new byte[padding]);
    }

    private static bool IsStructural(string keyword) => StructuralPattern().IsMatch(keyword);

    private static long ToInteger(double stored, long min, long max, int index)
    {
        var rounded = Math.Round(stored, MidpointRounding.AwayFromZero);
        // Compare as doubles: (double)long.MaxValue rounds up to 2^63, which is itself out of range.
        if (double.IsNaN(rounded) || rounded < min || rounded >= (double)max + 1)
            throw new ArgumentOutOfRangeException(nameof(stored), stored, $"pixel {index} does not fit the integer BITPIX range {min}..{max}");
        return (long)rounded;
    }

    private static void CheckShape(int length, IReadOnlyList<int> axes)
    {
        if (axes.Count > 999 || axes.Any(a => a < 0))
            throw new ArgumentException("an image has 0..999 axes of non-negative length", nameof(axes));
        var expected = axes.Count == 0 ? 0 : axes.Aggregate(1L, (p, a) => p * a);
        if (expected != length)
            throw new ArgumentException($"the axes ({string.Join("x", axes)}) describe {expected} pixels but {length} were given", nameof(axes));
    }

    [GeneratedRegex("^(SIMPLE|XTENSION|BITPIX|NAXIS[0-9]*|EXTEND|PCOUNT|GCOUNT|BSCALE|BZERO|BLANK|TFIELDS|THEAP|GROUPS|T(TYPE|FORM|DIM|UNIT|SCAL|ZERO|NULL|DISP)[0-9]+)$")]
    private static partial Regex StructuralPattern();
}
