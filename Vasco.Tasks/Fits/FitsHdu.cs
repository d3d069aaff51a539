namespace Vasco.Fits;

/// <summary>
/// One header-data unit as read from a file. Extensions other than IMAGE and BINTABLE (e.g. ASCII TABLE)
/// are kept as plain <see cref="FitsHdu"/>s: header readable, data skipped.
/// </summary>
public class FitsHdu
{
    internal FitsHdu(int index, FitsHeader header, ReadOnlyMemory<byte> data)
    {
        Index = index;
        Header = header;
        Data = data;
    }

    /// <summary>Position in the file; 0 is the primary HDU.</summary>
    public int Index { get; }

    public FitsHeader Header { get; }

    /// <summary>The XTENSION value, or null for the primary HDU.</summary>
    public string? ExtensionType => Header.TryGetString("XTENSION", out var type) ? type : null;

    /// <summary>The EXTNAME value, or null.</summary>
    public string? ExtensionName => Header.TryGetString("EXTNAME", out var name) ? name : null;

    /// <summary>The raw big-endian data bytes (without padding).</summary>
    internal ReadOnlyMemory<byte> Data { get; }
}
