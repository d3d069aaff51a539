using System.Text.Json;
using Vasco.Fits;
using Vasco.IO;
using Vasco.Sky;

namespace Vasco.Download;

/// <summary>A plate in the local folder and where it lies on the sky.</summary>
/// <param name="RadiusDeg">Distance from the image centre to its farthest corner or edge midpoint.</param>
public sealed record LocalPlate(string Path, PlateInfo Plate, double CentreRa, double CentreDec, double RadiusDeg)
{
    internal IWcs Wcs { get; init; } = null!;
}

/// <summary>A file in the local folder that is not a usable POSS-I red plate, and why.</summary>
public sealed record SkippedPlate(string Path, string Reason);

/// <summary>The plate chosen for a tile, or why there is none.</summary>
/// <param name="CoveredFraction">Fraction of the tile's area that falls on the image (0..1).</param>
public sealed record LocalPlateChoice(string? Path, double CoveredFraction, PlateInfo? Plate, string? Reason);

/// <summary>
/// The POSS-I plates in a folder (ImageSource=local), with their footprints, so that each tile can be given the
/// plate that covers it best. Headers are read once and remembered in an index file keyed by path, size and
/// modification time, so a folder of thousands of plates is not re-read by every build.
/// </summary>
public sealed class LocalPlateIndex
{
    static readonly string[] Extensions = [".fits", ".fit", ".fts"];

    /// <summary>Tile coverage is estimated on a grid of this many points per side.</summary>
    const int CoverageGrid = 20;

    LocalPlateIndex(string directory, IReadOnlyList<LocalPlate> plates, IReadOnlyList<SkippedPlate> skipped, int headersRead)
    {
        Directory = directory;
        Plates = plates;
        Skipped = skipped;
        HeadersRead = headersRead;
    }

    public string Directory { get; }

    public IReadOnlyList<LocalPlate> Plates { get; }

    public IReadOnlyList<SkippedPlate> Skipped { get; }

    /// <summary>Headers read from the plate files by <see cref="Open"/> (the others came from the index file).</summary>
    public int HeadersRead { get; }

    /// <summary>
    /// Lists the FITS files under <paramref name="directory"/> (.fits, .fit, .fts, optionally .gz), taking what is
    /// known of unchanged files from <paramref name="indexFile"/> and rewriting it when anything changed.
    /// </summary>
    public static LocalPlateIndex Open(string directory, string indexFile)
    {
        if (!System.IO.Directory.Exists(directory))
            throw new VascoException(ErrorCodes.ParameterInvalid, $"LocalImageDir '{directory}' is not a folder.",
                "Set LocalImageDir to the folder that holds the POSS-I plate FITS files (relative to the run file), or use ImageSource=stsci.", directory);

        var known = ReadIndex(indexFile);
        var entries = new List<IndexEntry>();
        var headersRead = 0;
        foreach (var path in PlateFiles(directory, indexFile))
        {
            var info = new FileInfo(path);
            var entry = known.GetValueOrDefault(path);
            if (entry == null || entry.Size != info.Length || entry.ModifiedTicks != info.LastWriteTimeUtc.Ticks)
            {
                entry = ReadEntry(path, info);
                headersRead++;
            }
            entries.Add(entry);
        }
        if (entries.Count != known.Count || headersRead > 0)
            AtomicFile.WriteAllText(indexFile, JsonSerializer.Serialize(new IndexFile(IndexVersion, entries)));

        var plates = new List<LocalPlate>();
        var skipped = new List<SkippedPlate>();
        foreach (var entry in entries)
        {
            if (entry.Header == null)
            {
                skipped.Add(new SkippedPlate(entry.Path, entry.SkipReason ?? "not a POSS-I red plate"));
                continue;
            }
            // Re-checking the remembered header is cheap and rebuilds the WCS the footprint needs.
            var check = PlateValidator.CheckHeader(FitsHeader.Parse(entry.Header), entry.Path, out var wcs);
            if (check.IsPlate)
                // The remembered cards were written back as standard ones: the warnings come from the first read.
                plates.Add(Footprint(entry.Path, check.Plate! with { HeaderWarnings = entry.HeaderWarnings ?? [] }, wcs!));
            else
                skipped.Add(new SkippedPlate(entry.Path, check.Reason!));
        }
        return new LocalPlateIndex(directory, plates, skipped, headersRead);
    }

    /// <summary>
    /// The plate for a north-up gnomonic square tile of side <paramref name="sizeArcmin"/> centred on (ra, dec):
    /// among the plates whose image holds the tile centre, the one covering most of the tile, then the one whose
    /// centre is nearest (less distortion and vignetting near the plate centre).
    /// </summary>
    public LocalPlateChoice Choose(double raDeg, double decDeg, double sizeArcmin)
    {
        var sizeDeg = sizeArcmin / 60.0;
        var tile = new TangentPlane(raDeg, decDeg);
        var best = (Plate: (LocalPlate?)null, Fraction: 0.0, Distance: double.MaxValue);
        foreach (var plate in Plates)
        {
            var distance = Angles.SeparationDeg(raDeg, decDeg, plate.CentreRa, plate.CentreDec);
            // The tile centre must be on the image: a cheap distance test first (5% of room for plate
            // distortion between the rim points), then the exact one through the WCS.
            if (distance > plate.RadiusDeg * 1.05 || !OnImage(plate, raDeg, decDeg))
                continue;
            var fraction = CoveredFraction(plate, tile, sizeDeg);
            const double sameFraction = 1e-9;
            if (fraction > best.Fraction + sameFraction
                || (Math.Abs(fraction - best.Fraction) <= sameFraction && distance < best.Distance))
                best = (plate, fraction, distance);
        }
        if (best.Plate is { } chosen)
            return new LocalPlateChoice(chosen.Path, best.Fraction, chosen.Plate, null);

        var reason = Plates.Count == 0
            ? $"{Directory} holds no usable POSS-I red plate{SkippedNote()}"
            : $"none of the {Plates.Count} POSS-I red plate(s) in {Directory} covers the tile centre RA {raDeg:0.#####}, Dec {decDeg:+0.#####;-0.#####}{SkippedNote()}";
        return new LocalPlateChoice(null, 0, null, reason);
    }

    /// <summary>At most this many skipped files are named in an error message (the failure record lists them all).</summary>
    public const int SkippedListedInMessage = 20;

    // Each skipped file with its reason: a count alone leaves the user to guess which file is wrong and why.
    string SkippedNote()
    {
        if (Skipped.Count == 0) return "";
        // The reasons name the file by its full path; the folder is already in the message.
        var listed = Skipped.Take(SkippedListedInMessage).Select(s => s.Reason.Replace(s.Path, System.IO.Path.GetFileName(s.Path), StringComparison.Ordinal));
        var more = Skipped.Count > SkippedListedInMessage ? $"; and {Skipped.Count - SkippedListedInMessage} more" : "";
        return $"; {Skipped.Count} file(s) skipped as not usable POSS-I red plates: {string.Join("; ", listed)}{more}";
    }

    static double CoveredFraction(LocalPlate plate, TangentPlane tile, double sizeDeg)
    {
        var inside = 0;
        for (var i = 0; i < CoverageGrid; i++)
            for (var j = 0; j < CoverageGrid; j++)
            {
                var (ra, dec) = tile.Deproject(sizeDeg * ((i + 0.5) / CoverageGrid - 0.5), sizeDeg * ((j + 0.5) / CoverageGrid - 0.5));
                if (OnImage(plate, ra, dec))
                    inside++;
            }
        return inside / (double)(CoverageGrid * CoverageGrid);
    }

    /// <summary>Inside the outer edges of the edge pixels (pixel centres run from 1 to N).</summary>
    static bool OnImage(LocalPlate plate, double ra, double dec)
    {
        var (x, y) = plate.Wcs.SkyToPixel(ra, dec);
        return x >= 0.5 && x <= plate.Plate.Width + 0.5 && y >= 0.5 && y <= plate.Plate.Height + 0.5;
    }

    static LocalPlate Footprint(string path, PlateInfo plate, IWcs wcs)
    {
        double w = plate.Width, h = plate.Height;
        var (ra0, dec0) = wcs.PixelToSky((w + 1) / 2, (h + 1) / 2);
        (double X, double Y)[] rim = [(0.5, 0.5), (w + 0.5, 0.5), (0.5, h + 0.5), (w + 0.5, h + 0.5),
                                      ((w + 1) / 2, 0.5), ((w + 1) / 2, h + 0.5), (0.5, (h + 1) / 2), (w + 0.5, (h + 1) / 2)];
        var radius = rim.Select(p => wcs.PixelToSky(p.X, p.Y)).Max(s => Angles.SeparationDeg(ra0, dec0, s.Ra, s.Dec));
        return new LocalPlate(path, plate, ra0, dec0, radius) { Wcs = wcs };
    }

    static IEnumerable<string> PlateFiles(string directory, string indexFile)
    {
        var index = Path.GetFullPath(indexFile);
        return System.IO.Directory.EnumerateFiles(Path.GetFullPath(directory), "*", SearchOption.AllDirectories)
            .Where(p => p != index && !AtomicFile.IsTempFile(p) && IsPlateFileName(p))
            .Order(StringComparer.Ordinal);
    }

    static bool IsPlateFileName(string path)
    {
        var name = path.EndsWith(".gz", StringComparison.OrdinalIgnoreCase) ? path[..^3] : path;
        return Extensions.Any(e => name.EndsWith(e, StringComparison.OrdinalIgnoreCase));
    }

    static IndexEntry ReadEntry(string path, FileInfo info)
    {
        var check = PlateValidator.CheckFile(path, out var header, out _);
        // Commentary (the DSS acknowledgement, history) is most of a header and none of its meaning.
        var cards = header == null ? null : new FitsHeader(header.Cards.Where(c => !c.IsCommentary)).ToCardText();
        return new IndexEntry(path, info.Length, info.LastWriteTimeUtc.Ticks, cards, check.Reason, check.Plate?.HeaderWarnings.ToList());
    }

    // 2: header warnings are remembered, and plates with a non-standard card (refused by version 1) are read again.
    const int IndexVersion = 2;

    static Dictionary<string, IndexEntry> ReadIndex(string indexFile)
    {
        try
        {
            var index = JsonSerializer.Deserialize<IndexFile>(File.ReadAllText(indexFile));
            var entries = new Dictionary<string, IndexEntry>(StringComparer.Ordinal);
            if (index?.Version == IndexVersion && index.Entries != null)
                foreach (var entry in index.Entries.Where(e => e.Path != null))
                    entries[entry.Path] = entry;
            return entries;
        }
        catch (Exception e) when (e is IOException or JsonException or UnauthorizedAccessException)
        {
            // A missing or damaged index only costs reading the headers again.
        }
        return new Dictionary<string, IndexEntry>(StringComparer.Ordinal);
    }

    /// <summary>What the index file remembers of one file: its header cards when it is a plate, else why it is not.</summary>
    sealed record IndexEntry(string Path, long Size, long ModifiedTicks, string? Header, string? SkipReason, List<string>? HeaderWarnings = null);

    sealed record IndexFile(int Version, List<IndexEntry> Entries);
}
