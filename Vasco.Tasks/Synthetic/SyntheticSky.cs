using System.Globalization;
using Vasco.Catalogs;
using Vasco.Preprocess;
using Vasco.Sky;
using Vasco.Tiling;

namespace Vasco.Synthetic;

/// <summary>What a synthetic sky holds per tile (the Synthetic* parameters).</summary>
public sealed record SyntheticOptions
{
    public long Seed { get; init; } = 1;
    /// <summary>Stars per square degree brighter than <see cref="LimitMag"/>.</summary>
    public double StarDensity { get; init; } = 4000;
    /// <summary>The magnitude whose peak is 5 times the sky noise (the faintest stars drawn are 1 mag fainter).</summary>
    public double LimitMag { get; init; } = 20;
    public int VanishedPerTile { get; init; } = 20;
    public int MoversPerTile { get; init; } = 10;
    public int DefectsPerTile { get; init; } = 4;
    /// <summary>
    /// The vetting classes (issue 17): point sources that pass step 8 like the vanished ones and that a later stage must
    /// remove. None by default, so a sky without them is drawn exactly as before they existed.
    /// </summary>
    public int AsteroidsPerTile { get; init; }
    public int InfraredPerTile { get; init; }
    public int ArtefactsPerTile { get; init; }
    public int VariablesPerTile { get; init; }

    public const double PixelScaleArcsec = 1.7;
    public const double ModernEpoch = 2016.0;
    /// <summary>Stars brighter than this are given to the masks and the halo rule as the bright-star list.</summary>
    public const double BrightStarMag = 13.5;
}

/// <summary>What a synthetic source is: the truth a recovery run compares candidates with.</summary>
public static class SourceKind
{
    /// <summary>A star on the plate and in the modern catalog (small proper motion).</summary>
    public const string Star = "star";
    /// <summary>On the plate, absent from the modern catalog: what the pipeline must find.</summary>
    public const string Vanished = "vanished";
    /// <summary>A high-proper-motion star: in the modern catalog 10-40" from its plate position.</summary>
    public const string Mover = "mover";
    /// <summary>An emulsion speck, scratch or blob: on the plate, in no catalog, not a star.</summary>
    public const string Defect = "defect";
    /// <summary>In the modern catalog, under the plate's limit.</summary>
    public const string Faint = "faint";
    /// <summary>A known minor planet on the plate at mid-exposure: in no catalog of stars; SkyBoT predicts it.</summary>
    public const string Asteroid = "asteroid";
    /// <summary>A source absent from the optical modern catalog that an infrared archive lists.</summary>
    public const string Infrared = "infrared";
    /// <summary>A star-like spot of this scan alone: the second scan of the same plate (SuperCOSMOS) does not have it.</summary>
    public const string ScanArtefact = "scan_artefact";
    /// <summary>A variable star bright on the plate and below the modern catalog's limit: VSX lists it.</summary>
    public const string Variable = "variable";

    /// <summary>The classes a vetting stage after step 8 must remove (each passes step 8 like a vanished source).</summary>
    public static readonly IReadOnlyList<string> Vetting = [Asteroid, Infrared, ScanArtefact, Variable];
}

/// <summary>
/// One source of a synthetic sky: its plate-epoch position (sky and pixel), magnitude, proper motion, and
/// whether the modern catalog lists it. Defects carry their shape in <see cref="Shape"/>.
/// </summary>
public sealed record SyntheticSource(string Id, string Kind, double Ra, double Dec, double X, double Y, double Mag,
    double PmRa, double PmDec, bool InModern, string Shape = "")
{
    /// <summary>
    /// A vanished source's fate on the other plates of its sky (issue 19): red_only (on the red plate alone), vanished (on the
    /// POSS-I blue plate too, on no later one) or still_present (on the later plates too); empty for every other kind.
    /// </summary>
    public string SecondLook { get; init; } = "";
}

/// <summary>
/// A synthetic DSS1-red tile: a north-up (slightly rotated) TAN plate at 1.7"/px with a plate epoch
/// between 1949.9 and 1958.3, its sources, and the matching modern catalog at epoch 2016.0. Every number
/// comes from <see cref="SplitMix64"/> seeded by the run's seed and the tile id, so a tile is the same on
/// every build and machine. Each tile has a sky of its own: overlapping tiles do not share stars.
/// </summary>
public sealed class SyntheticSky
{
    public Tile Tile { get; }
    public SyntheticOptions Options { get; }
    public int Width { get; }
    public int Height { get; }
    public TanWcs Wcs { get; }
    /// <summary>The start of the exposure (DATE-OBS, as on the POSS-I headers); the plate epoch is read from it.</summary>
    public DateTime ObservedUtc { get; }
    public double PlateEpoch { get; }
    /// <summary>The exposure's middle: where the asteroids are drawn and what SkyBoT is asked for.</summary>
    public DateTime MidExposureUtc => ObservedUtc.AddMinutes(ExposureMinutes / 2);

    /// <summary>A POSS-I red exposure (the M67 plate's 50 minutes).</summary>
    public const double ExposureMinutes = 50;
    public IReadOnlyList<SyntheticSource> Sources { get; }

    SyntheticSky(Tile tile, SyntheticOptions options, int size, TanWcs wcs, DateTime observed, IReadOnlyList<SyntheticSource> sources)
    {
        (Tile, Options, Width, Height, Wcs, ObservedUtc, Sources) = (tile, options, size, size, wcs, observed, sources);
        PlateEpoch = Preprocess.PlateEpoch.DecimalYear(observed);
    }

    public static SyntheticSky For(Tile tile, SyntheticOptions o)
    {
        var size = (int)Math.Round(tile.SizeArcmin * 60 / SyntheticOptions.PixelScaleArcsec);
        if (size < 64 || size > 8192)
            throw new VascoException(ErrorCodes.ParameterInvalid,
                string.Create(CultureInfo.InvariantCulture, $"A synthetic plate of a {tile.SizeArcmin}' tile would be {size} px wide."),
                "use a TileSizeArcmin between 2 and 232 for ImageSource=synthetic.");
        var plate = SplitMix64.For(o.Seed, tile.TileId, "plate");
        var observed = new DateTime(1949, 11, 20, 0, 0, 0, DateTimeKind.Utc).AddDays(Math.Floor(plate.Uniform(0, 3000)))
            .AddMinutes(Math.Round(plate.Uniform(3 * 60, 12 * 60)));
        var rotation = plate.Uniform(-1, 1) * Math.PI / 180;
        var scale = SyntheticOptions.PixelScaleArcsec / 3600;
        var wcs = new TanWcs((size + 1) / 2.0, (size + 1) / 2.0, tile.RaDeg, tile.DecDeg,
            -scale * Math.Cos(rotation), scale * Math.Sin(rotation), scale * Math.Sin(rotation), scale * Math.Cos(rotation));
        var epoch = Preprocess.PlateEpoch.DecimalYear(observed);
        return new SyntheticSky(tile, o, size, wcs, observed, DrawSources(tile, o, size, wcs, epoch));
    }

    static List<SyntheticSource> DrawSources(Tile tile, SyntheticOptions o, int size, TanWcs wcs, double epoch)
    {
        var sources = new List<SyntheticSource>();
        // Stars fill the image and a 2' margin, so the modern catalog's cone holds the stars just off the plate.
        var margin = 120 / SyntheticOptions.PixelScaleArcsec;
        var areaDeg2 = Math.Pow((size + 2 * margin) * SyntheticOptions.PixelScaleArcsec / 3600, 2);
        const double brightest = 9, slope = 0.3;
        var faintest = o.LimitMag + 1;
        double Cumulative(double m) => Math.Pow(10, slope * m) - Math.Pow(10, slope * brightest);
        var total = (int)Math.Round(o.StarDensity * areaDeg2 * Cumulative(faintest) / Cumulative(o.LimitMag));

        var stars = SplitMix64.For(o.Seed, tile.TileId, "stars");
        (double X, double Y) Anywhere(SplitMix64 r, double inset) => (r.Uniform(0.5 + inset, size + 0.5 - inset), r.Uniform(0.5 + inset, size + 0.5 - inset));
        SyntheticSource Make(string id, string kind, (double X, double Y) p, double mag, double pmRa, double pmDec, bool inModern, string shape = "")
        {
            var (ra, dec) = wcs.PixelToSky(p.X, p.Y);
            return new SyntheticSource(id, kind, ra, dec, p.X, p.Y, Math.Round(mag, 3), Math.Round(pmRa, 2), Math.Round(pmDec, 2), inModern, shape);
        }

        for (var i = 0; i < total; i++)
        {
            var mag = Math.Log10(stars.NextDouble() * Cumulative(faintest) + Math.Pow(10, slope * brightest)) / slope;
            var p = Anywhere(stars, -margin);
            sources.Add(Make($"s{i}", mag > o.LimitMag ? SourceKind.Faint : SourceKind.Star, p, mag, 8 * stars.Gaussian(), 8 * stars.Gaussian(), true));
        }

        // Injected sources are kept off bright-star masks (the survey's area excludes them) and 40 px inside the edges.
        var bright = sources.Where(s => s.Mag < SyntheticOptions.BrightStarMag).ToList();
        bool Clear((double X, double Y) p) => bright.All(b =>
            Math.Sqrt(Math.Pow(p.X - b.X, 2) + Math.Pow(p.Y - b.Y, 2)) * SyntheticOptions.PixelScaleArcsec > 2 * DefaultMask.RadiusArcsec(b.Mag));
        (double X, double Y) ClearSpot(SplitMix64 r)
        {
            for (var attempt = 0; ; attempt++)
            {
                var p = Anywhere(r, 40);
                if (Clear(p) || attempt > 1000) return p;
            }
        }

        var vanished = SplitMix64.For(o.Seed, tile.TileId, "vanished");
        for (var i = 0; i < o.VanishedPerTile; i++)
            sources.Add(Make($"v{i}", SourceKind.Vanished, ClearSpot(vanished), vanished.Uniform(o.LimitMag - 5, o.LimitMag), 0, 0, false));

        var movers = SplitMix64.For(o.Seed, tile.TileId, "movers");
        for (var i = 0; i < o.MoversPerTile; i++)
        {
            var (pm, angle) = (movers.Uniform(150, 600), movers.Uniform(0, 2 * Math.PI));
            sources.Add(Make($"m{i}", SourceKind.Mover, ClearSpot(movers), movers.Uniform(o.LimitMag - 5, o.LimitMag - 1.5), pm * Math.Sin(angle), pm * Math.Cos(angle), true));
        }

        var defects = SplitMix64.For(o.Seed, tile.TileId, "defects");
        string[] shapes = ["speck", "scratch", "blob"];
        for (var i = 0; i < o.DefectsPerTile; i++)
            sources.Add(Make($"d{i}", SourceKind.Defect, ClearSpot(defects), double.NaN, 0, 0, false, shapes[i % shapes.Length]));

        // The vetting classes come last, each from a stream of its own, so the sources above are drawn as before.
        // Each is isolated: no star (of the plate or the modern catalog) within 10", no other planted source within 20", and
        // nothing within 90" of an asteroid, whose allowed radius (its error and half its 50-minute trail) is wide.
        var planted = sources.Where(s => s.Kind is not (SourceKind.Star or SourceKind.Faint)).ToList();
        var pointStars = sources.Where(s => s.Kind is SourceKind.Star or SourceKind.Faint).ToList();
        bool Isolated((double X, double Y) p, string kind)
        {
            double Arcsec(SyntheticSource s) => Math.Sqrt(Math.Pow(p.X - s.X, 2) + Math.Pow(p.Y - s.Y, 2)) * SyntheticOptions.PixelScaleArcsec;
            return pointStars.All(s => Arcsec(s) > StarClearanceArcsec)
                && planted.All(s => Arcsec(s) > (kind == SourceKind.Asteroid || s.Kind == SourceKind.Asteroid ? AsteroidClearanceArcsec : PlantedClearanceArcsec));
        }
        void Plant(string kind, string prefix, int count)
        {
            var r = SplitMix64.For(o.Seed, tile.TileId, kind);
            for (var i = 0; i < count; i++)
            {
                var p = ClearSpot(r);
                for (var attempt = 0; !Isolated(p, kind) && attempt < 1000; attempt++) p = ClearSpot(r);
                var source = Make($"{prefix}{i}", kind, p, r.Uniform(o.LimitMag - 5, o.LimitMag), 0, 0, false);
                sources.Add(source);
                planted.Add(source);
            }
        }
        Plant(SourceKind.Asteroid, "a", o.AsteroidsPerTile);
        Plant(SourceKind.Infrared, "ir", o.InfraredPerTile);
        Plant(SourceKind.ScanArtefact, "sa", o.ArtefactsPerTile);
        Plant(SourceKind.Variable, "vr", o.VariablesPerTile);

        // What the other plates show of each vanished source, from a stream of its own (nothing above changes).
        var fate = SplitMix64.For(o.Seed, tile.TileId, "second-look");
        for (var i = 0; i < sources.Count; i++)
            if (sources[i].Kind == SourceKind.Vanished)
                sources[i] = sources[i] with { SecondLook = SecondLookFates[(int)(fate.NextDouble() * SecondLookFates.Count)] };
        return sources;
    }

    /// <summary>The fates of vanished sources on the other plates, drawn in equal shares (the second look's classes but undecided).</summary>
    public static readonly IReadOnlyList<string> SecondLookFates = [SecondLook.SecondLookClass.RedOnly, SecondLook.SecondLookClass.Vanished, SecondLook.SecondLookClass.StillPresent];

    /// <summary>How far (arcsec) a source of a vetting class is kept from the stars and from the other planted sources.</summary>
    public const double StarClearanceArcsec = 10, PlantedClearanceArcsec = 20, AsteroidClearanceArcsec = 90;

    /// <summary>Step 2's mask with its default parameters, to keep injections off masks.</summary>
    static readonly MaskOptions DefaultMask = new();

    /// <summary>The modern catalog: every source it lists, moved to epoch 2016.0, magnitudes with 0.05 mag scatter.</summary>
    public IReadOnlyList<ReferenceStar> ModernCatalog()
    {
        var scatter = SplitMix64.For(Options.Seed, Tile.TileId, "modern");
        return Sources.Where(s => s.InModern).Select(s =>
        {
            var (ra, dec) = ProperMotion.Propagate(s.Ra, s.Dec, s.PmRa, s.PmDec, PlateEpoch, SyntheticOptions.ModernEpoch);
            return new ReferenceStar(s.Id, ra, dec, Math.Round(s.Mag + 0.05 * scatter.Gaussian(), 3), s.PmRa, s.PmDec, SyntheticOptions.ModernEpoch);
        }).ToList();
    }

    /// <summary>The bright stars (for the masks and the halo rule), at epoch 2016.0 like a modern catalog.</summary>
    public IReadOnlyList<BrightStar> BrightStars() =>
        ModernCatalog().Where(s => s.Mag < SyntheticOptions.BrightStarMag).Select(s => new BrightStar(s.Ra, s.Dec, s.Mag, s.PmRa, s.PmDec, s.Epoch)).ToList();
}
