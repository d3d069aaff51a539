using System.IO.Compression;

namespace Vasco.Fits;

/// <summary>
/// A whole FITS file read into memory, strictly: every size is checked against the bytes actually present
/// before anything is allocated, and any departure from the standard throws <see cref="FitsFormatException"/>.
/// Gzip-compressed input is recognised by its magic bytes and decompressed transparently.
/// </summary>
public sealed class FitsFile
{
    private FitsFile(IReadOnlyList<FitsHdu> hdus) => Hdus = hdus;

    public IReadOnlyList<FitsHdu> Hdus { get; }

    /// <summary>The primary HDU, which is always an image (possibly with no data).</summary>
    public ImageHdu Primary => (ImageHdu)Hdus[0];

    public static FitsFile Read(string path)
    {
        var length = new FileInfo(path).Length;
        if (length > Array.MaxLength)
            throw new FitsFormatException($"{path}: {length} bytes is more than Vasco reads into memory");
        return Read(File.ReadAllBytes(path), path);
    }

    /// <param name="source">Names the input in error messages.</param>
    public static FitsFile Read(byte[] bytes, string source = "<memory>")
    {
        bytes = Decompressed(bytes, source);
        if (bytes.Length == 0)
            throw new FitsFormatException($"{source}: empty file");
        if (bytes.Length % FitsHeader.BlockSize != 0)
            throw new FitsFormatException(
                $"{source}: length {bytes.Length} is not a multiple of {FitsHeader.BlockSize} (truncated or padded wrongly)");

        var hdus = new List<FitsHdu>();
        var offset = 0;
        while (offset < bytes.Length)
        {
            var (hdu, next) = ReadHdu(bytes, offset, hdus.Count, source);
            hdus.Add(hdu);
            offset = next;
        }
        return new FitsFile(hdus);
    }

    /// <summary>
    /// The primary header alone, read block by block up to its END card without touching the data, so that
    /// thousands of plates can be indexed cheaply. Gzip-compressed files are recognised by their magic bytes.
    /// </summary>
    public static FitsHeader ReadPrimaryHeader(string path)
    {
        using var stream = File.OpenRead(path);
        return ReadPrimaryHeader(stream, path, out _);
    }

    /// <summary>
    /// The primary header from the start of a seekable <paramref name="stream"/> (plain or gzip);
    /// <paramref name="headerLength"/> is its length in the decompressed file, padding included.
    /// </summary>
    public static FitsHeader ReadPrimaryHeader(Stream stream, string source, out long headerLength)
    {
        var start = stream.Position;
        var magic = new byte[2];
        var isGzip = stream.ReadAtLeast(magic, 2, throwOnEndOfStream: false) == 2 && magic[0] == 0x1F && magic[1] == 0x8B;
        stream.Position = start;
        using var input = isGzip ? new GZipStream(stream, CompressionMode.Decompress, leaveOpen: true) : null;

        var headerBytes = new MemoryStream();
        var block = new byte[FitsHeader.BlockSize];
        try
        {
            do
            {
                var read = (input ?? stream).ReadAtLeast(block, block.Length, throwOnEndOfStream: false);
                if (read == 0 && headerBytes.Length == 0)
                    throw new FitsFormatException($"{source}: empty file");
                if (read < block.Length)
                    throw new FitsFormatException(
                        $"{source}: the file ends inside the primary header, at byte {headerBytes.Length + read} (truncated or not FITS)");
                // Checked on the first block so that a large file of another kind is not read to its end.
                if (headerBytes.Length == 0 && !block.AsSpan().StartsWith("SIMPLE  ="u8))
                    throw new FitsFormatException($"{source}: does not start with SIMPLE = (not a FITS file)");
                headerBytes.Write(block);
            }
            while (!HasEndCard(block));
        }
        catch (InvalidDataException e)
        {
            throw new FitsFormatException($"{source}: corrupt gzip data ({e.Message})", e);
        }

        var header = new FitsHeader();
        header.ParseCards(headerBytes.ToArray(), $"{source}: primary header", 0, requireEnd: true);
        headerLength = headerBytes.Length;
        return header;
    }

    private static bool HasEndCard(ReadOnlySpan<byte> block)
    {
        for (var offset = 0; offset < block.Length; offset += FitsCard.Length)
            if (block.Slice(offset, FitsCard.Length).StartsWith("END     "u8))
                return true;
        return false;
    }

    public FitsHdu this[int index] => Hdus[index];

    public ImageHdu GetImage(int index) =>
        Hdus[index] as ImageHdu ?? throw new FitsFormatException($"HDU {index} is {Hdus[index].ExtensionType}, not an image");

    public BinaryTableHdu GetTable(int index) =>
        Hdus[index] as BinaryTableHdu ?? throw new FitsFormatException($"HDU {index} is {Hdus[index].ExtensionType ?? "the primary image"}, not a BINTABLE");

    /// <summary>The first binary table with this EXTNAME (e.g. LDAC_OBJECTS).</summary>
    public BinaryTableHdu GetTable(string extensionName) =>
        Hdus.OfType<BinaryTableHdu>().FirstOrDefault(h => h.ExtensionName == extensionName)
        ?? throw new FitsFormatException($"no BINTABLE named {extensionName}");

    private static (FitsHdu Hdu, int Next) ReadHdu(byte[] bytes, int offset, int index, string source)
    {
        var where = $"{source}: HDU {index}";
        var header = new FitsHeader();
        var headerLength = header.ParseCards(bytes.AsSpan(offset), $"{where} header", offset, requireEnd: true);
        var dataStart = offset + (int)Padded(headerLength);
        for (var i = offset + headerLength; i < dataStart; i++)
            if (bytes[i] != (byte)' ')
                throw new FitsFormatException($"{where} header: byte {i} after the END card is not a blank");

        var isPrimary = index == 0;
        var cards = header.Cards;
        ExpectKeyword(cards, 0, isPrimary ? "SIMPLE" : "XTENSION", where);
        if (isPrimary && !header.GetBool("SIMPLE"))
            throw new FitsFormatException($"{where}: SIMPLE = F, the file does not claim to conform to FITS");
        var extension = isPrimary ? null : header.GetString("XTENSION").Trim();
        ExpectKeyword(cards, 1, "BITPIX", where);
        var bitpix = header.GetInt("BITPIX");
        if (bitpix is not (8 or 16 or 32 or 64 or -32 or -64))
            throw new FitsFormatException($"{where}: BITPIX = {bitpix} is not one of 8, 16, 32, 64, -32, -64");
        ExpectKeyword(cards, 2, "NAXIS", where);
        var naxis = header.GetInt("NAXIS");
        if (naxis is < 0 or > 999)
            throw new FitsFormatException($"{where}: NAXIS = {naxis} is outside 0..999");
        var axes = new int[naxis];
        for (var n = 1; n <= naxis; n++)
        {
            ExpectKeyword(cards, 2 + n, $"NAXIS{n}", where);
            var size = header.GetLong($"NAXIS{n}");
            if (size is < 0 or > int.MaxValue)
                throw new FitsFormatException($"{where}: NAXIS{n} = {size} is negative or absurdly large");
            axes[n - 1] = (int)size;
        }

        long pcount = 0, gcount = 1;
        if (!isPrimary)
        {
            ExpectKeyword(cards, 3 + naxis, "PCOUNT", where);
            ExpectKeyword(cards, 4 + naxis, "GCOUNT", where);
            pcount = header.GetLong("PCOUNT");
            gcount = header.GetLong("GCOUNT");
            if (pcount is < 0 or > int.MaxValue || gcount is < 0 or > int.MaxValue)
                throw new FitsFormatException($"{where}: PCOUNT = {pcount} or GCOUNT = {gcount} is negative or absurdly large");
        }
        else if (naxis > 0 && axes[0] == 0 && header.TryGetBool("GROUPS", out var groups) && groups)
            throw new FitsFormatException($"{where}: random-groups files are not supported");

        // Data size = |BITPIX|/8 * GCOUNT * (PCOUNT + NAXIS1 * ... * NAXISn), checked against what the file holds.
        var remaining = bytes.Length - dataStart;
        long dataLength;
        try
        {
            var elements = naxis == 0 ? 0L : axes.Aggregate(1L, (product, axis) => checked(product * axis));
            dataLength = naxis == 0 ? 0 : checked(Math.Abs(bitpix) / 8 * gcount * (pcount + elements));
        }
        catch (OverflowException)
        {
            throw new FitsFormatException($"{where}: the NAXISn values give an absurd data size");
        }
        if (dataLength > remaining)
            throw new FitsFormatException(
                $"{where}: the header promises {dataLength} data bytes but only {Math.Max(remaining, 0)} remain (truncated file or absurd NAXISn)");
        var data = new ReadOnlyMemory<byte>(bytes, dataStart, (int)dataLength);
        var next = dataStart + (int)Padded(dataLength);

        FitsHdu hdu = extension switch
        {
            null => new ImageHdu(index, header, data, bitpix, axes),
            "IMAGE" => pcount == 0 && gcount == 1
                ? new ImageHdu(index, header, data, bitpix, axes)
                : throw new FitsFormatException($"{where}: an IMAGE extension needs PCOUNT = 0 and GCOUNT = 1"),
            "BINTABLE" => bitpix == 8 && naxis == 2 && gcount == 1
                ? new BinaryTableHdu(index, header, data, axes[0], axes[1], where)
                : throw new FitsFormatException($"{where}: a BINTABLE needs BITPIX = 8, NAXIS = 2 and GCOUNT = 1"),
            _ => new FitsHdu(index, header, data),
        };
        return (hdu, next);
    }

    private static void ExpectKeyword(IReadOnlyList<FitsCard> cards, int position, string keyword, string where)
    {
        if (position >= cards.Count || cards[position].Keyword != keyword || cards[position].IsCommentary)
            throw new FitsFormatException(
                $"{where}: card {position + 1} must be {keyword} but is '{(position < cards.Count ? cards[position].Keyword : "(none)")}'");
    }

    private static long Padded(long length) => (length + FitsHeader.BlockSize - 1) / FitsHeader.BlockSize * FitsHeader.BlockSize;

    /// <summary>The FITS bytes of a file as read: gunzipped when it is gzip, else the same array.</summary>
    public static byte[] Decompressed(byte[] bytes, string source) =>
        bytes.Length >= 2 && bytes[0] == 0x1F && bytes[1] == 0x8B ? Gunzip(bytes, source) : bytes;

    private static byte[] Gunzip(byte[] compressed, string source)
    {
        try
        {
            using var input = new GZipStream(new MemoryStream(compressed), CompressionMode.Decompress);
            using var output = new MemoryStream();
            var buffer = new byte[81920];
            int read;
            while ((read = input.Read(buffer)) > 0)
            {
                // Guards against decompression bombs: stop before the output outgrows an array.
                if (output.Length + read > Array.MaxLength)
                    throw new FitsFormatException($"{source}: decompressed data exceeds {Array.MaxLength} bytes");
                output.Write(buffer, 0, read);
            }
            return output.ToArray();
        }
        catch (InvalidDataException e)
        {
            throw new FitsFormatException($"{source}: corrupt gzip data ({e.Message})", e);
        }
    }
}
