using System.Buffers.Binary;
using System.Globalization;
using System.Text;

namespace Vasco.Fits;

/// <summary>A column to write into a binary table: its name, TFORM, optional unit and TDIM, and the values of every row.</summary>
public sealed class TableColumn
{
    private readonly CellWriter _write;

    private delegate void CellWriter(int row, Span<byte> cell);

    private TableColumn(string name, char type, int repeat, int elementSize, int rowCount, string? unit, IReadOnlyList<int>? dims, CellWriter write)
    {
        if (string.IsNullOrWhiteSpace(name))
            throw new ArgumentException("a column needs a name", nameof(name));
        if (dims != null && (dims.Count == 0 || dims.Any(d => d <= 0) || dims.Aggregate(1L, (p, d) => p * d) != repeat))
            throw new ArgumentException($"column '{name}': dimensions ({string.Join(",", dims)}) do not multiply to {repeat} elements", nameof(dims));
        Name = name;
        Format = $"{repeat}{type}";
        Width = repeat * elementSize;
        RowCount = rowCount;
        Unit = unit;
        Dims = dims;
        _write = write;
    }

    public string Name { get; }

    /// <summary>The TFORM value, e.g. "1E", "10D", "16A".</summary>
    public string Format { get; }

    public string? Unit { get; }

    /// <summary>The TDIM axes (fastest first), or null.</summary>
    public IReadOnlyList<int>? Dims { get; }

    public int RowCount { get; }

    internal int Width { get; }

    internal string? DimsText => Dims == null ? null : "(" + string.Join(",", Dims.Select(d => d.ToString(CultureInfo.InvariantCulture))) + ")";

    internal void WriteCell(int row, Span<byte> cell) => _write(row, cell);

    public static TableColumn Create(string name, byte[] values, string? unit = null) =>
        new(name, 'B', 1, 1, values.Length, unit, null, (row, cell) => cell[0] = values[row]);

    public static TableColumn Create(string name, short[] values, string? unit = null) =>
        new(name, 'I', 1, 2, values.Length, unit, null, (row, cell) => BinaryPrimitives.WriteInt16BigEndian(cell, values[row]));

    public static TableColumn Create(string name, int[] values, string? unit = null) =>
        new(name, 'J', 1, 4, values.Length, unit, null, (row, cell) => BinaryPrimitives.WriteInt32BigEndian(cell, values[row]));

    public static TableColumn Create(string name, long[] values, string? unit = null) =>
        new(name, 'K', 1, 8, values.Length, unit, null, (row, cell) => BinaryPrimitives.WriteInt64BigEndian(cell, values[row]));

    public static TableColumn Create(string name, float[] values, string? unit = null) =>
        new(name, 'E', 1, 4, values.Length, unit, null, (row, cell) => BinaryPrimitives.WriteSingleBigEndian(cell, values[row]));

    public static TableColumn Create(string name, double[] values, string? unit = null) =>
        new(name, 'D', 1, 8, values.Length, unit, null, (row, cell) => BinaryPrimitives.WriteDoubleBigEndian(cell, values[row]));

    /// <summary>A vector column (nE); every row must have the same length; <paramref name="dims"/> becomes TDIM.</summary>
    public static TableColumn Create(string name, float[][] values, IReadOnlyList<int>? dims = null, string? unit = null) =>
        new(name, 'E', VectorLength(name, values), 4, values.Length, unit, dims, (row, cell) =>
        {
            for (var k = 0; k < values[row].Length; k++)
                BinaryPrimitives.WriteSingleBigEndian(cell[(4 * k)..], values[row][k]);
        });

    /// <summary>A vector column (nD); every row must have the same length; <paramref name="dims"/> becomes TDIM.</summary>
    public static TableColumn Create(string name, double[][] values, IReadOnlyList<int>? dims = null, string? unit = null) =>
        new(name, 'D', VectorLength(name, values), 8, values.Length, unit, dims, (row, cell) =>
        {
            for (var k = 0; k < values[row].Length; k++)
                BinaryPrimitives.WriteDoubleBigEndian(cell[(8 * k)..], values[row][k]);
        });

    /// <summary>A character column (nA) of <paramref name="width"/> characters, blank-padded; <paramref name="dims"/> becomes TDIM.</summary>
    public static TableColumn CreateStrings(string name, string[] values, int width, IReadOnlyList<int>? dims = null, string? unit = null)
    {
        if (width <= 0)
            throw new ArgumentOutOfRangeException(nameof(width), "a character column needs at least one character");
        foreach (var value in values)
            if (value.Length > width || value.Any(c => c < ' ' || c > '~'))
                throw new ArgumentException($"column '{name}': '{value}' is not printable ASCII of at most {width} characters", nameof(values));
        return new(name, 'A', width, 1, values.Length, unit, dims, (row, cell) =>
        {
            cell.Fill((byte)' ');
            Encoding.ASCII.GetBytes(values[row], cell);
        });
    }

    private static int VectorLength<T>(string name, T[][] values)
    {
        // A table without rows cannot tell the vector length; one element keeps the TFORM valid.
        var length = values.Length == 0 ? 1 : values[0].Length;
        if (length == 0 || values.Any(v => v.Length != length))
            throw new ArgumentException($"column '{name}': every row needs the same, non-zero number of elements", nameof(values));
        return length;
    }
}
