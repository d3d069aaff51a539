using System.Security.Cryptography;
using Vasco.Fits;
using Vasco.Sky;

namespace Vasco.Download;

/// <summary>
/// A local plate read into memory: its file's length and SHA-256 (for the manifests), its FITS bytes (gunzipped),
/// its image and its astrometry. Everything a tile's cutout needs that is the same for every tile of the plate.
/// </summary>
public sealed class OpenPlate
{
    OpenPlate(string path, long bytes, string sha256, byte[] fits, ImageHdu image, IWcs wcs) =>
        (Path, Bytes, Sha256, Fits, Image, Wcs) = (path, bytes, sha256, fits, image, wcs);

    public string Path { get; }

    /// <summary>Length of the file on disk (compressed, for a .gz plate).</summary>
    public long Bytes { get; }

    /// <summary>SHA-256 of the file on disk, lower-case hex, of the very bytes the cutouts were made from.</summary>
    public string Sha256 { get; }

    /// <summary>The FITS file, decompressed: a tile the plate holds whole is these bytes.</summary>
    public byte[] Fits { get; }

    public ImageHdu Image { get; }

    /// <summary>The plate's astrometry; a DSS plate solution wins over a CTYPE WCS in the same header.</summary>
    public IWcs Wcs { get; }

    /// <summary>Reads, gunzips and parses the file and makes its WCS: the whole per-plate cost of a cutout.</summary>
    public static OpenPlate Read(string path)
    {
        var file = File.ReadAllBytes(path);
        var fits = FitsFile.Decompressed(file, path);
        var image = FitsFile.Read(fits, path).Primary;
        var wcs = DssPlateWcs.IsPresent(image.Header) ? (IWcs)DssPlateWcs.FromHeader(image.Header) : TanWcs.FromHeader(image.Header);
        return new OpenPlate(path, file.LongLength, Convert.ToHexString(SHA256.HashData(file)).ToLowerInvariant(), fits, image, wcs);
    }
}

/// <summary>
/// The local plates of one build's tiles (step 1, ImageSource=local). Neighbouring tiles come from the same plate, so
/// each plate is read once, by the first of its tiles, and shared by the others, also those running at the same time.
/// A plate is let go after the last tile announced for it: a full plate is hundreds of MB, and a build over many
/// plates holds only those its running tiles use. A plate rewritten during the build (other size or modification
/// time) is read again.
/// </summary>
public sealed class PlateCache
{
    sealed class Entry
    {
        public int TilesLeft;
        public (long Size, long Ticks) Stamp;
        public Lazy<OpenPlate>? Plate;
    }

    readonly Dictionary<string, Entry> _plates = new(StringComparer.Ordinal);

    /// <param name="platePerTile">The plate of each tile the build will cut (a plate once per tile).</param>
    public PlateCache(IEnumerable<string> platePerTile)
    {
        foreach (var path in platePerTile)
            EntryOf(path).TilesLeft++;
    }

    /// <summary>
    /// Runs one tile's work on its plate. Returns true when this tile read the plate from disk, false when an earlier
    /// (or concurrent) tile of the build had: summed over the build's tiles, the number of times plates were read.
    /// </summary>
    public bool Use(string path, Action<OpenPlate> work)
    {
        Entry entry;
        Lazy<OpenPlate> plate;
        bool reads;
        lock (_plates)
        {
            entry = EntryOf(path);
            var info = new FileInfo(path);
            var stamp = (info.Length, info.LastWriteTimeUtc.Ticks);
            reads = entry.Plate is null || entry.Stamp != stamp;
            if (reads)
                (entry.Plate, entry.Stamp) = (new Lazy<OpenPlate>(() => OpenPlate.Read(path)), stamp);
            plate = entry.Plate!;
        }
        try
        {
            // Outside the lock: tiles of other plates do not wait for this one's read.
            work(plate.Value);
        }
        finally
        {
            lock (_plates)
                if (--entry.TilesLeft == 0)
                    entry.Plate = null;
        }
        return reads;
    }

    Entry EntryOf(string path) => _plates.TryGetValue(path, out var e) ? e : _plates[path] = new Entry();
}
