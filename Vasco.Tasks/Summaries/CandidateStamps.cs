using System.Globalization;
using System.Text.Json;
using System.Text.Json.Serialization;
using Vasco.Fits;
using Vasco.IO;
using Vasco.Preprocess;
using Vasco.Recovery;
using Vasco.Sky;

namespace Vasco.Summaries;

/// <summary>
/// The pixel grid of a candidate's stamps: 2 Half + 1 plate pixels a side around the plate pixel (CentreX, CentreY)
/// (1-based, FITS convention: a pixel's centre at integer coordinates), each drawn Scale x Scale PNG pixels, the plate's
/// row 1 at the bottom. Every stamp of a candidate on the plate's pixels shares it, so they overlay exactly.
/// </summary>
public sealed record StampGrid(int CentreX, int CentreY, int Half = 30, int Scale = 5)
{
    /// <summary>The grid of a stamp centred on the plate pixel that holds (x, y).</summary>
    public static StampGrid Around(double x, double y) => new((int)Math.Round(x), (int)Math.Round(y));

    /// <summary>Plate pixels a side.</summary>
    public int Size => 2 * Half + 1;

    /// <summary>PNG pixels a side.</summary>
    public int DisplaySize => Size * Scale;

    /// <summary>Where the plate position (x, y) falls on the PNG, in PNG pixels from its top-left corner.</summary>
    public (double U, double V) Display(double x, double y) => ((Half + 0.5 + x - CentreX) * Scale, (Half + 0.5 - (y - CentreY)) * Scale);

    /// <summary>Whether the plate position (x, y) falls on the stamp.</summary>
    public bool Contains(double x, double y) => Math.Abs(x - CentreX) < Half + 0.5 && Math.Abs(y - CentreY) < Half + 0.5;
}

/// <summary>A modern catalog source at the plate epoch (step 7 carried it back with its proper motion).</summary>
public sealed record ModernStar(string Catalog, string Id, double Ra, double Dec, double Mag);

/// <summary>A modern source near a candidate: its label on the stamps, where it is (plate epoch, plate pixels) and how far.</summary>
public sealed record Neighbour(int Label, string Catalog, string Id, double Ra, double Dec, double Mag, double SeparationArcsec, double PositionAngleDeg,
    double X, double Y);

/// <summary>
/// What a candidate's card shows beyond its candidates.csv row, written by step 8 beside its stamps
/// (&lt;number&gt;.json): the stamps' grid, north and east and the scale there (from the clean image's WCS), the plate's
/// mid-exposure, how the modern sky was drawn, and the nearest modern sources.
/// </summary>
public sealed record StampInfo
{
    public required StampGrid Grid { get; init; }
    public double X { get; init; }
    public double Y { get; init; }
    public double ArcsecPerPixel { get; init; }
    /// <summary>Unit vectors on the PNG (right, down) towards north and east.</summary>
    public required double[] North { get; init; }
    public required double[] East { get; init; }
    public double PlateEpoch { get; init; }
    /// <summary>The middle of the exposure (UTC, ISO 8601), or null; then <see cref="MidExposureUnknown"/> says why.</summary>
    public string? MidExposureUtc { get; init; }
    public string? MidExposureUnknown { get; init; }
    /// <summary>The catalog the modern sky and the neighbours come from; null when the tile has no modern source.</summary>
    public string? Catalog { get; init; }
    /// <summary>How the modern sky was drawn (its PSF), or why it was not.</summary>
    public required string ModernSky { get; init; }
    /// <summary>Whether &lt;number&gt;.modern.png was made.</summary>
    public bool ModernSkyDrawn { get; init; }
    /// <summary>How many modern sources the modern sky holds.</summary>
    public int Drawn { get; init; }
    /// <summary>The magnitude at which the stretch turns from linear to logarithmic (the plate's depth in the catalog's magnitudes), and why that one.</summary>
    public double StretchMag { get; init; }
    public string? StretchWhy { get; init; }
    public double NeighbourRadiusArcsec { get; init; }
    public required IReadOnlyList<Neighbour> Neighbours { get; init; }

    static readonly JsonSerializerOptions Options = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        WriteIndented = true,
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
        NumberHandling = JsonNumberHandling.AllowNamedFloatingPointLiterals,
        Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    };

    public byte[] ToJsonBytes() => JsonSerializer.SerializeToUtf8Bytes(this, Options);

    public static StampInfo? TryRead(string path)
    {
        try { return File.Exists(path) ? JsonSerializer.Deserialize<StampInfo>(File.ReadAllBytes(path), Options) : null; }
        catch (Exception e) when (e is JsonException or IOException) { return null; }
    }
}

/// <summary>
/// Step 8's stamps of a tile's candidates: the clean plate, the modern sky drawn on the same pixels, and the card's
/// facts (<see cref="StampInfo"/>). The modern sky is the run's first catalog with sources in the tile, at the plate
/// epoch (step 7's positions), each source a flux 10^(-0.4 mag) spread by the plate's PSF: step 4's PSFEx model at its
/// position, or, without one, a Gaussian of the median FWHM_IMAGE of the plate's matched stars.
/// </summary>
public sealed class TileStamps
{
    /// <summary>How far the neighbours are looked for: the stamps reach 51" from the candidate on a DSS plate.</summary>
    public const double NeighbourRadiusArcsec = 60;
    /// <summary>How many neighbours a card lists.</summary>
    public const int MaxNeighbours = 10;

    readonly (float[] Pixels, int Width, int Height) _plate;
    readonly IWcs _wcs;
    readonly double _epoch;
    readonly PlateExposure _exposure;
    readonly string? _catalog;
    readonly IReadOnlyList<(ModernStar Star, double X, double Y)> _stars;
    readonly Func<double, double, IReadOnlyList<(int X, int Y, double Fraction)>>? _psf;
    readonly string _psfText;
    readonly (double Mag, string Why) _stretch;

    TileStamps((float[], int, int) plate, IWcs wcs, double epoch, PlateExposure exposure, string? catalog, IReadOnlyList<(ModernStar, double, double)> stars,
        Func<double, double, IReadOnlyList<(int, int, double)>>? psf, string psfText, (double, string) stretch)
    {
        (_plate, _wcs, _epoch, _exposure, _catalog, _stars, _psf, _psfText, _stretch) = (plate, wcs, epoch, exposure, catalog, stars, psf, psfText, stretch);
    }

    /// <summary>
    /// A tile's plate (step 2's clean image: pixels, WCS, epoch, exposure), its PSF model (step 4's, when <paramref name="psfModel"/>
    /// exists) and its modern sources at the plate epoch (step 7's matched and unmatched files); <paramref name="catalogs"/>: the
    /// run's catalogs in order, the first with sources in the tile being drawn.
    /// </summary>
    public static TileStamps Open(string cleanFits, string psfModel, string xmatchCsv, string cdssCsv, IReadOnlyList<string> catalogs)
    {
        var image = FitsFile.Read(cleanFits).Primary;
        var plate = (image.ReadFloats(), image.Axes[0], image.Axes[1]);
        var wcs = WcsFactory.FromHeader(image.Header);
        var epoch = CleanPlate.Read(cleanFits).Epoch;
        var exposure = PlateExposure.FromHeader(image.Header, cleanFits);

        var matched = PlainCsv.Read(xmatchCsv);
        var all = Read(matched, "ref_catalog", "ref_id", "ref_ra", "ref_dec", "ref_mag").Concat(Read(PlainCsv.Read(cdssCsv), "catalog", "id", "ra", "dec", "mag"))
            .DistinctBy(s => (s.Catalog, s.Id)).ToList();
        var catalog = catalogs.FirstOrDefault(c => all.Any(s => s.Catalog == c)) ?? all.FirstOrDefault()?.Catalog;
        var stars = all.Where(s => s.Catalog == catalog).Select(s =>
        {
            var (x, y) = wcs.SkyToPixel(s.Ra, s.Dec);
            return (s, x, y);
        }).Where(s => double.IsFinite(s.x) && double.IsFinite(s.y)).ToList();

        // The plate's depth in the catalog's magnitudes: 90% of the catalog's stars the plate detected are brighter.
        var detected = Read(matched, "ref_catalog", "ref_id", "ref_ra", "ref_dec", "ref_mag").Where(s => s.Catalog == catalog && double.IsFinite(s.Mag))
            .Select(s => s.Mag).Order().ToList();
        var drawable = stars.Select(s => s.s.Mag).Where(double.IsFinite).ToList();
        var stretch = detected.Count >= 10 ? (detected[(int)Math.Round(0.9 * (detected.Count - 1))], $"the plate's depth: 90% of the {detected.Count} {catalog} sources it detected are brighter")
            : drawable.Count > 0 ? (drawable.Max(), $"the faintest {catalog} source of the tile: the plate detected too few ({detected.Count}) to tell its depth")
            : (double.NaN, "");

        var (psf, psfText) = Psf(psfModel, matched, plate.Item2, plate.Item3);
        return new TileStamps(plate, wcs, epoch, exposure, catalog, stars, psf, psfText, stretch);
    }

    static IEnumerable<ModernStar> Read(PlainCsv csv, string catalog, string id, string ra, string dec, string mag)
    {
        var (c, i, r, d, m) = (csv.IndexOf(catalog), csv.IndexOf(id), csv.IndexOf(ra), csv.IndexOf(dec), csv.IndexOf(mag));
        if (c < 0 || i < 0 || r < 0 || d < 0 || m < 0) yield break;
        foreach (var row in csv.Rows)
            yield return new ModernStar(row[c], row[i], Number(row[r]), Number(row[d]), Number(row[m]));
    }

    static double Number(string s) => double.TryParse(s, NumberStyles.Float, CultureInfo.InvariantCulture, out var v) ? v : double.NaN;

    /// <summary>The PSF to draw with: step 4's PSFEx model, else a Gaussian of the matched stars' median FWHM_IMAGE, else none; and what the card says of it.</summary>
    static (Func<double, double, IReadOnlyList<(int, int, double)>>?, string) Psf(string psfModel, PlainCsv matched, int width, int height)
    {
        string why;
        if (File.Exists(psfModel))
            try
            {
                var model = PsfexModel.Read(psfModel);
                var fwhm = double.IsFinite(model.FwhmPixels) ? string.Create(CultureInfo.InvariantCulture, $", FWHM {model.FwhmPixels:0.0} px") : "";
                return ((x, y) => RolledOff(model.Stamp(x, y, width, height), x, y), $"drawn with the plate's PSF (step 4's PSFEx model{fwhm})");
            }
            catch (VascoException e) { why = $"step 4's PSF model could not be read ({e.UserMessage})"; }
        else why = "the tile has no PSF model from step 4";
        var widths = matched.IndexOf("fwhm_image") < 0 ? [] : matched.Numbers("fwhm_image").Where(f => double.IsFinite(f) && f > 0).Order().ToList();
        if (widths.Count == 0) return (null, $"not drawn: {why}, and the plate has no matched star to measure its FWHM on");
        var median = widths[widths.Count / 2];
        return ((x, y) => Gaussian(x, y, median), string.Create(CultureInfo.InvariantCulture,
            $"drawn with a Gaussian of FWHM {median:0.0} px (the median FWHM_IMAGE of the plate's {widths.Count} matched stars): {why}"));
    }

    /// <summary>
    /// A PSFEx model's pixels with its wings rolled off to zero over the outer 40% of the circle its square footprint holds, summing to 1
    /// again: the model's wings do not quite reach zero at the footprint's edge, and under the asinh stretch a bright source showed that square.
    /// </summary>
    static IReadOnlyList<(int, int, double)> RolledOff(IReadOnlyList<(int X, int Y, double Fraction)> psf, double x0, double y0)
    {
        var reach = Math.Min(psf.Max(p => Math.Abs(p.X - x0)), psf.Max(p => Math.Abs(p.Y - y0)));
        var rolled = psf.Select(p =>
        {
            var r = Math.Sqrt((p.X - x0) * (p.X - x0) + (p.Y - y0) * (p.Y - y0)) / reach;
            var w = r <= 0.6 ? 1 : r >= 1 ? 0 : Math.Pow(Math.Cos(Math.PI / 2 * (r - 0.6) / 0.4), 2);
            return (p.X, p.Y, p.Fraction * w);
        }).ToList();
        var sum = rolled.Sum(p => p.Item3);
        return rolled.Select(p => (p.X, p.Y, p.Item3 / sum)).ToList();
    }

    /// <summary>A circular Gaussian of FWHM <paramref name="fwhm"/> pixels centred on (x0, y0), sampled at the pixels' centres out to 4 sigma, summing to 1.</summary>
    static IReadOnlyList<(int, int, double)> Gaussian(double x0, double y0, double fwhm)
    {
        var sigma = fwhm / (2 * Math.Sqrt(2 * Math.Log(2)));
        var reach = (int)Math.Ceiling(4 * sigma);
        var pixels = new List<(int, int, double)>();
        for (var y = (int)Math.Round(y0) - reach; y <= (int)Math.Round(y0) + reach; y++)
            for (var x = (int)Math.Round(x0) - reach; x <= (int)Math.Round(x0) + reach; x++)
                pixels.Add((x, y, Math.Exp(-((x - x0) * (x - x0) + (y - y0) * (y - y0)) / (2 * sigma * sigma))));
        var sum = pixels.Sum(p => p.Item3);
        return pixels.Select(p => (p.Item1, p.Item2, p.Item3 / sum)).ToList();
    }

    /// <summary>The file names of a candidate's stamps and facts in its tile's stamp folder (<see cref="Report.StampFolder"/>).</summary>
    public static string PlateFile(string number) => number + ".png";
    public static string ModernFile(string number) => number + ".modern.png";
    public static string InfoFile(string number) => number + ".json";

    /// <summary>The files of candidate <paramref name="number"/> at plate pixel (x, y), sky position (ra, dec): its plate stamp, modern sky and facts.</summary>
    public IReadOnlyList<(string Name, byte[] Bytes)> Make(string number, double x, double y, double ra, double dec)
    {
        var grid = StampGrid.Around(x, y);
        var files = new List<(string, byte[])> { (PlateFile(number), Report.Stamp(_plate.Pixels, _plate.Width, _plate.Height, x, y, grid.Half, grid.Scale)) };
        var (north, east, arcsecPerPixel) = Directions(x, y);
        var neighbours = _stars.Select(s => (s.Star, s.X, s.Y, Sep: Angles.SeparationDeg(ra, dec, s.Star.Ra, s.Star.Dec) * 3600))
            .Where(s => s.Sep <= NeighbourRadiusArcsec).OrderBy(s => s.Sep).ThenBy(s => s.Star.Id, StringComparer.Ordinal).Take(MaxNeighbours)
            .Select((s, i) => new Neighbour(i + 1, s.Star.Catalog, s.Star.Id, s.Star.Ra, s.Star.Dec, s.Star.Mag, s.Sep, Angles.PositionAngleDeg(ra, dec, s.Star.Ra, s.Star.Dec), s.X, s.Y))
            .ToList();
        var (modern, drawn, text) = TryDrawModernSky(grid);
        if (modern is not null) files.Add((ModernFile(number), modern));
        var info = new StampInfo
        {
            Grid = grid, X = x, Y = y, ArcsecPerPixel = arcsecPerPixel, North = [north.U, north.V], East = [east.U, east.V], PlateEpoch = _epoch,
            MidExposureUtc = _exposure.MidUnknown is null ? _exposure.MidUtc.ToString("yyyy-MM-dd'T'HH:mm:ss", CultureInfo.InvariantCulture) : null,
            MidExposureUnknown = _exposure.MidUnknown, Catalog = _catalog, ModernSky = text, ModernSkyDrawn = modern is not null, Drawn = drawn,
            StretchMag = _stretch.Mag, StretchWhy = _stretch.Why, NeighbourRadiusArcsec = NeighbourRadiusArcsec, Neighbours = neighbours,
        };
        files.Add((InfoFile(number), info.ToJsonBytes()));
        return files;
    }

    /// <summary>North and east on the stamp (unit vectors, PNG right and down) and the scale, from the WCS at (x, y): 10" steps on the sky.</summary>
    ((double U, double V) North, (double U, double V) East, double ArcsecPerPixel) Directions(double x, double y)
    {
        const double step = 10.0 / 3600;
        var (ra, dec) = _wcs.PixelToSky(x, y);
        var plane = new TangentPlane(ra, dec);
        (double U, double V) Towards(double xi, double eta)
        {
            var (r, d) = plane.Deproject(xi, eta);
            var (px, py) = _wcs.SkyToPixel(r, d);
            return (px - x, -(py - y));
        }
        var (n, e) = (Towards(0, step), Towards(step, 0));
        // The area of the 10" x 10" square in pixels gives the mean scale.
        var arcsecPerPixel = 10 / Math.Sqrt(Math.Abs(n.U * e.V - n.V * e.U));
        static (double, double) Unit((double U, double V) v) => (v.U / Math.Sqrt(v.U * v.U + v.V * v.V), v.V / Math.Sqrt(v.U * v.U + v.V * v.V));
        return (Unit(n), Unit(e), arcsecPerPixel);
    }

    (byte[]? Png, int Drawn, string Text) TryDrawModernSky(StampGrid grid)
    {
        try { return DrawModernSky(grid); }
        catch (VascoException e) { return (null, 0, $"not drawn: {e.UserMessage}"); }
    }

    /// <summary>
    /// The modern sky on the stamp's grid: every drawn source's flux spread by the PSF, shown with an asinh stretch whose linear
    /// part ends at a tenth of the peak of a source of <see cref="StampInfo.StretchMag"/> (the plate's depth) and whose top is the
    /// stamp's brightest pixel.
    /// </summary>
    (byte[]? Png, int Drawn, string Text) DrawModernSky(StampGrid grid)
    {
        if (_catalog is null) return (null, 0, "not drawn: the tile has no modern source");
        if (_psf is null) return (null, 0, _psfText);
        if (!double.IsFinite(_stretch.Mag)) return (null, 0, $"not drawn: no {_catalog} source of the tile has a magnitude");
        var size = grid.Size;
        var flux = new double[size * size];
        var (x0, y0) = (grid.CentreX - grid.Half, grid.CentreY - grid.Half);
        var drawn = 0;
        foreach (var (star, x, y) in _stars)
        {
            // Sources off the stamp still light its edge through the PSF's wings.
            if (!double.IsFinite(star.Mag) || Math.Abs(x - grid.CentreX) > grid.Half + 30 || Math.Abs(y - grid.CentreY) > grid.Half + 30) continue;
            var f = Math.Pow(10, -0.4 * (star.Mag - _stretch.Mag));
            var inside = false;
            foreach (var (px, py, fraction) in _psf(x, y))
            {
                var (i, j) = (px - x0, py - y0);
                if (i < 0 || j < 0 || i >= size || j >= size) continue;
                flux[j * size + i] += f * fraction;
                inside = true;
            }
            if (inside) drawn++;
        }
        // A tenth of the peak of a source at the plate's depth (at the stamp's centre): where the stretch turns logarithmic, so that
        // the faintest sources the plate shows are seen beside the brightest.
        var soft = _psf(grid.CentreX, grid.CentreY).Max(p => p.Item3) / 10;
        var top = Math.Max(flux.Max(), 10 * soft);
        var levels = flux.Select(v => (byte)Math.Round(255 * Math.Asinh(v / soft) / Math.Asinh(top / soft))).ToArray();
        return (Report.GreyPng(grid, levels), drawn, _psfText);
    }
}
