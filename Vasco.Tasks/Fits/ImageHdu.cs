using System.Buffers.Binary;

namespace Vasco.Fits;

/// <summary>A primary HDU or IMAGE extension. Pixels are stored big-endian; readers return physical values (raw * BSCALE + BZERO).</summary>
public sealed class ImageHdu : FitsHdu
{
    internal ImageHdu(int index, FitsHeader header, ReadOnlyMemory<byte> data, int bitpix, int[] axes)
        : base(index, header, data)
    {
        Bitpix = bitpix;
        Axes = axes;
        BScale = header.TryGetDouble("BSCALE", out var scale) ? scale : 1.0;
        BZero = header.TryGetDouble("BZERO", out var zero) ? zero : 0.0;
        if (bitpix > 0 && header.TryGetLong("BLANK", out var blank))
            Blank = blank;
    }

    public int Bitpix { get; }

    /// <summary>NAXIS1, NAXIS2, ... (NAXIS1 varies fastest). Empty when the HDU has no data.</summary>
    public IReadOnlyList<int> Axes { get; }

    public double BScale { get; }

    public double BZero { get; }

    /// <summary>The raw value marking undefined pixels of an integer image (read as NaN), if any.</summary>
    public long? Blank { get; }

    public long PixelCount => Axes.Count == 0 ? 0 : Axes.Aggregate(1L, (n, a) => n * a);

    /// <summary>Physical pixel values in file order; BLANK pixels become NaN.</summary>
    public double[] ReadDoubles()
    {
        var result = new double[CheckedPixelCount()];
        Decode(result.Length, (i, v) => result[i] = v);
        return result;
    }

    /// <summary>Physical pixel values in file order as single precision; BLANK pixels become NaN.</summary>
    public float[] ReadFloats()
    {
        var result = new float[CheckedPixelCount()];
        Decode(result.Length, (i, v) => result[i] = (float)v);
        return result;
    }

    private int CheckedPixelCount() =>
        PixelCount <= Array.MaxLength
            ? (int)PixelCount
            : throw new FitsFormatException($"HDU {Index}: {PixelCount} pixels do not fit in one array");

    private void Decode(int count, Action<int, double> store)
    {
        var bytes = Data.Span;
        var scale = BScale;
        var zero = BZero;
        var blank = Blank;
        double Physical(long raw) => raw == blank ? double.NaN : raw * scale + zero;
        switch (Bitpix)
        {
            case 8:
                for (var i = 0; i < count; i++)
                    store(i, Physical(bytes[i]));
                break;
            case 16:
                for (var i = 0; i < count; i++)
                    store(i, Physical(BinaryPrimitives.ReadInt16BigEndian(bytes[(2 * i)..])));
                break;
            case 32:
                for (var i = 0; i < count; i++)
                    store(i, Physical(BinaryPrimitives.ReadInt32BigEndian(bytes[(4 * i)..])));
                break;
            case 64:
                for (var i = 0; i < count; i++)
                    store(i, Physical(BinaryPrimitives.ReadInt64BigEndian(bytes[(8 * i)..])));
                break;
            case -32:
                for (var i = 0; i < count; i++)
                    store(i, BinaryPrimitives.ReadSingleBigEndian(bytes[(4 * i)..]) * scale + zero);
                break;
            case -64:
                for (var i = 0; i < count; i++)
                    store(i, BinaryPrimitives.ReadDoubleBigEndian(bytes[(8 * i)..]) * scale + zero);
                break;
            default:
                throw new InvalidOperationException("unreachable: BITPIX is validated on read");
        }
    }
}
