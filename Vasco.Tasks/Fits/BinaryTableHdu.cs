using System.Buffers.Binary;
using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;

namespace Vasco.Fits;

/// <summary>One column of a binary table as described by TTYPEn/TFORMn/TDIMn/TUNITn/TSCALn/TZEROn.</summary>
/// <param name="Type">The TFORM type letter: L X B I J K A E D C M P Q.</param>
/// <param name="Repeat">Elements per cell (characters for A).</param>
/// <param name="Offset">Byte offset of the cell within a row.</param>
/// <param name="Width">Bytes per cell.</param>
/// <param name="Dims">TDIMn axes (fastest first), or null.</param>
public sealed record TableColumnInfo(
    string Name, char Type, int Repeat, int Offset, int Width, IReadOnlyList<int>? Dims, string? Unit, double Scale, double Zero);

/// <summary>A BINTABLE extension, such as SExtractor FITS_LDAC catalogs or PSFEx PSF files.</summary>
public sealed partial class BinaryTableHdu : FitsHdu
{
    internal BinaryTableHdu(int index, FitsHeader header, ReadOnlyMemory<byte> data, int rowWidth, int rowCount, string where)
        : base(index, header, data)
    {
        RowWidth = rowWidth;
        RowCount = rowCount;
        Columns = ParseColumns(header, rowWidth, where);
    }

    public int RowCount { get; }

    /// <summary>Bytes per row (NAXIS1).</summary>
    public int RowWidth { get; }

    public IReadOnlyList<TableColumnInfo> Columns { get; }

    /// <summary>The column whose TTYPE matches <paramref name="name"/> (case-insensitive, as the standard says).</summary>
    public TableColumnInfo GetColumn(string name) =>
        Columns.FirstOrDefault(c => c.Name == name)
        ?? Columns.FirstOrDefault(c => string.Equals(c.Name, name, StringComparison.OrdinalIgnoreCase))
        ?? throw new KeyNotFoundException($"HDU {Index}: no column '{name}' (columns: {string.Join(", ", Columns.Select(c => c.Name))})");

    /// <summary>A numeric column with one element per cell, as physical values (TSCAL/TZERO applied).</summary>
    public double[] ReadDoubles(string name)
    {
        var column = GetColumn(name);
        if (column.Repeat != 1)
            throw new InvalidOperationException($"column '{column.Name}' has {column.Repeat} elements per row; read it with ReadDoubleVectors");
        return ReadCells(column, (span, c) => Element(span, c, 0));
    }

    /// <summary>A numeric column as one array per row, physical values.</summary>
    public double[][] ReadDoubleVectors(string name)
    {
        var column = GetColumn(name);
        return ReadCells(column, (span, c) =>
        {
            var cell = new double[c.Repeat];
            for (var k = 0; k < cell.Length; k++)
                cell[k] = Element(span, c, k);
            return cell;
        });
    }

    /// <summary>A numeric column as one single-precision array per row (e.g. VIGNET or PSF_MASK), physical values.</summary>
    public float[][] ReadFloatVectors(string name)
    {
        var column = GetColumn(name);
        return ReadCells(column, (span, c) =>
        {
            var cell = new float[c.Repeat];
            for (var k = 0; k < cell.Length; k++)
                cell[k] = (float)Element(span, c, k);
            return cell;
        });
    }

    /// <summary>A character (A) column, trailing blanks and NULs removed.</summary>
    public string[] ReadStrings(string name)
    {
        var column = GetColumn(name);
        if (column.Type != 'A')
            throw new InvalidOperationException($"column '{column.Name}' has type {column.Type}, not A");
        return ReadCells(column, (span, c) => Encoding.Latin1.GetString(span).TrimEnd(' ', '\0'));
    }

    private delegate T CellReader<T>(ReadOnlySpan<byte> cell, TableColumnInfo column);

    private T[] ReadCells<T>(TableColumnInfo column, CellReader<T> read)
    {
        var data = Data.Span;
        var result = new T[RowCount];
        for (var row = 0; row < RowCount; row++)
            result[row] = read(data.Slice((int)((long)row * RowWidth) + column.Offset, column.Width), column);
        return result;
    }

    private static double Element(ReadOnlySpan<byte> cell, TableColumnInfo column, int k)
    {
        double raw = column.Type switch
        {
            'B' => cell[k],
            'I' => BinaryPrimitives.ReadInt16BigEndian(cell[(2 * k)..]),
            'J' => BinaryPrimitives.ReadInt32BigEndian(cell[(4 * k)..]),
            'K' => BinaryPrimitives.ReadInt64BigEndian(cell[(8 * k)..]),
            'E' => BinaryPrimitives.ReadSingleBigEndian(cell[(4 * k)..]),
            'D' => BinaryPrimitives.ReadDoubleBigEndian(cell[(8 * k)..]),
            _ => throw new NotSupportedException($"column '{column.Name}' of type {column.Type} cannot be read as numbers"),
        };
        return raw * column.Scale + column.Zero;
    }

    private static List<TableColumnInfo> ParseColumns(FitsHeader header, int rowWidth, string where)
    {
        var count = header.GetInt("TFIELDS");
        if (count is < 0 or > 999)
            throw new FitsFormatException($"{where}: TFIELDS = {count} is outside 0..999");
        var columns = new List<TableColumnInfo>(count);
        var offset = 0L;
        for (var n = 1; n <= count; n++)
        {
            if (!header.TryGetString($"TFORM{n}", out var form))
                throw new FitsFormatException($"{where}: TFORM{n} is missing");
            var match = FormPattern().Match(form.Trim());
            if (!match.Success)
                throw new FitsFormatException($"{where}: TFORM{n} = '{form}' is not a binary table format");
            var repeat = 1L;
            // Bounded before any multiplication: no cell can hold more than 8 elements per row byte (type X).
            if (match.Groups[1].Length > 0
                && (!long.TryParse(match.Groups[1].Value, CultureInfo.InvariantCulture, out repeat) || repeat > 8L * rowWidth + 7))
                throw new FitsFormatException($"{where}: TFORM{n} = '{form}' has a repeat count larger than the row");
            var type = match.Groups[2].Value[0];
            var width = type switch
            {
                'X' => (repeat + 7) / 8,
                'L' or 'A' or 'B' => repeat,
                'I' => 2 * repeat,
                'J' or 'E' => 4 * repeat,
                'K' or 'D' or 'C' or 'P' => 8 * repeat,
                _ => 16 * repeat, // M, Q
            };
            if (width > rowWidth)
                throw new FitsFormatException($"{where}: TFORM{n} = '{form}' is wider than the row ({rowWidth} bytes)");
            var name = header.TryGetString($"TTYPE{n}", out var ttype) ? ttype : "";
            var dims = header.TryGetString($"TDIM{n}", out var tdim) ? ParseDims(tdim, repeat, $"{where}: TDIM{n}") : null;
            columns.Add(new TableColumnInfo(
                name, type, (int)repeat, (int)offset, (int)width, dims,
                header.TryGetString($"TUNIT{n}", out var unit) ? unit : null,
                header.TryGetDouble($"TSCAL{n}", out var scale) ? scale : 1.0,
                header.TryGetDouble($"TZERO{n}", out var zero) ? zero : 0.0));
            offset += width;
        }
        if (offset != rowWidth)
            throw new FitsFormatException($"{where}: the columns take {offset} bytes per row but NAXIS1 = {rowWidth}");
        return columns;
    }

    private static int[] ParseDims(string text, long repeat, string where)
    {
        var match = DimPattern().Match(text.Trim());
        if (!match.Success)
            throw new FitsFormatException($"{where} = '{text}' is not of the form (n1,n2,...)");
        var dims = match.Groups[1].Value.Split(',')
            .Select(d => long.TryParse(d.Trim(), CultureInfo.InvariantCulture, out var axis) ? axis : long.MaxValue).ToArray();
        var product = 1L;
        foreach (var d in dims)
        {
            if (d <= 0 || d > repeat)
                throw new FitsFormatException($"{where} = '{text}' has an axis outside 1..{repeat}");
            product *= d;
            if (product > repeat)
                throw new FitsFormatException($"{where} = '{text}' needs more than the {repeat} elements of the column");
        }
        return dims.Select(d => (int)d).ToArray();
    }

    [GeneratedRegex("^([0-9]*)([LXBIJKAEDCMPQ])")]
    private static partial Regex FormPattern();

    [GeneratedRegex("^\\(\\s*([0-9]+(\\s*,\\s*[0-9]+)*)\\s*\\)$")]
    private static partial Regex DimPattern();
}
