using System.Globalization;
using System.Text;
using Vasco.IO;
using Vasco.Sky;

namespace Vasco.Synthetic;

/// <summary>What SkyBoT predicts for one planted asteroid at the plate's mid-exposure.</summary>
/// <param name="OffsetArcsec">How far the prediction is from where the asteroid is drawn (the ephemeris' error).</param>
public sealed record PredictedAsteroid(SyntheticSource Source, double Ra, double Dec, double OffsetArcsec, double ErrArcsec,
    double RaRateArcsecPerHour, double DecRateArcsecPerHour, double Mv, string Class, double DistanceAu);

/// <summary>
/// What other archives say of a synthetic tile, for the vetting stages after step 8 to read in place of the services:
/// SkyBoT's text answer at the plate's mid-exposure (the planted asteroids), an infrared archive (the planted infrared
/// sources and some ordinary stars), the second digitisation of the same plate (SuperCOSMOS: every source on the
/// plate but the planted scan artefacts and the emulsion defects) and VSX (the planted variables). Every number comes
/// from the run's seed and the tile id, each file from a stream of its own, so a tile's files are the same on every build.
/// </summary>
public static class SyntheticArchives
{
    public const string SkybotSuffix = ".skybot.txt", InfraredSuffix = ".infrared.csv", SuperCosmosSuffix = ".scos.csv", VsxSuffix = ".vsx.csv";

    /// <summary>The file suffixes, in the order <see cref="Files"/> gives them.</summary>
    public static readonly IReadOnlyList<string> Suffixes = [SkybotSuffix, InfraredSuffix, SuperCosmosSuffix, VsxSuffix];

    /// <summary>2MASS's epoch, to which the ordinary stars of the infrared archive are moved.</summary>
    public const double InfraredEpoch = 2000.0;
    /// <summary>The share of the tile's stars the infrared archive lists.</summary>
    public const double InfraredStarFraction = 0.2;
    /// <summary>Positional scatter (arcsec, per axis) of the infrared archive and of the second scan.</summary>
    public const double InfraredScatterArcsec = 0.1, SuperCosmosScatterArcsec = 0.2;

    const string SkybotHeader = "# Num | Name | RA(h) | DE(deg) | Class | Mv | Err(arcsec) | d(arcsec) | dRA(arcsec/h) | dDEC(arcsec/h) | Dg(ua) | Dh(ua)";

    /// <summary>The planted asteroids as SkyBoT predicts them: 0.5-2" from where they are drawn, errors of 1-5", moving 20-60"/h.</summary>
    public static IReadOnlyList<PredictedAsteroid> Predictions(SyntheticSky sky)
    {
        var r = SplitMix64.For(sky.Options.Seed, sky.Tile.TileId, "skybot");
        string[] classes = ["MB>Inner", "MB>Middle", "MB>Outer"];
        return sky.Sources.Where(s => s.Kind == SourceKind.Asteroid).Select(s =>
        {
            var (offset, angle) = (r.Uniform(0.5, 2), r.Uniform(0, 2 * Math.PI));
            var (ra, dec) = Offset(s.Ra, s.Dec, offset * Math.Sin(angle), offset * Math.Cos(angle));
            var err = r.Uniform(1, 5);
            var (rate, direction) = (r.Uniform(20, 60), r.Uniform(0, 2 * Math.PI));
            // Main-belt asteroids are about 0.4 mag fainter in V than in the red.
            return new PredictedAsteroid(s, ra, dec, offset, err, rate * Math.Sin(direction), rate * Math.Cos(direction),
                s.Mag + 0.4, classes[(int)(r.NextDouble() * classes.Length)], r.Uniform(1.2, 3.5));
        }).ToList();
    }

    /// <summary>SkyBoT's text answer for a cone on the tile at its mid-exposure: flag 1 and a row per asteroid, or its empty answer.</summary>
    public static string SkybotAnswer(SyntheticSky sky)
    {
        var predictions = Predictions(sky);
        // SkyBoT's tickets are request times in milliseconds; this one is fixed by the tile, so the file is too.
        var ticket = 1_700_000_000_000L + (long)(SplitMix64.For(sky.Options.Seed, sky.Tile.TileId, "skybot-ticket").Next() % 100_000_000_000UL);
        var text = new StringBuilder();
        if (predictions.Count == 0)
            return text.Append("# Flag: 0\n# Ticket: ").Append(ticket.ToString(CultureInfo.InvariantCulture))
                .Append("\nNo solar system object was found in the requested FOV\n").ToString();
        text.Append("# Flag: 1\n# Ticket: ").Append(ticket.ToString(CultureInfo.InvariantCulture)).Append('\n').Append(SkybotHeader).Append('\n');
        foreach (var p in predictions)
        {
            var centre = Angles.SeparationDeg(sky.Tile.RaDeg, sky.Tile.DecDeg, p.Ra, p.Dec) * 3600;
            text.Append(string.Create(CultureInfo.InvariantCulture,
                $" - | {sky.Tile.TileId} {p.Source.Id} | {Sexagesimal(p.Ra / 15, 4, signed: false)} | {Sexagesimal(p.Dec, 2, signed: true)} | {p.Class} | {p.Mv:0.0} | {p.ErrArcsec:0.000} | {centre:0.000} | {p.RaRateArcsecPerHour:0.0000} | {p.DecRateArcsecPerHour:0.0000} | {p.DistanceAu:0.000000000} | {p.DistanceAu + 0.9:0.000000000}\n"));
        }
        return text.ToString();
    }

    /// <summary>An infrared archive (id,ra,dec; J2000 at epoch 2000.0): the planted infrared sources and a fifth of the tile's stars.</summary>
    public static string InfraredArchive(SyntheticSky sky)
    {
        var r = SplitMix64.For(sky.Options.Seed, sky.Tile.TileId, "infrared-archive");
        var rows = new List<string[]>();
        foreach (var s in sky.Sources.Where(s => s.Kind == SourceKind.Infrared))
            rows.Add(Row(s.Id, Scatter(r, s.Ra, s.Dec, InfraredScatterArcsec)));
        // Ordinary stars on the image, none near a planted source: a star there would make the archive's verdict on that
        // source a coincidence of the sky, not the stage's logic.
        var planted = sky.Sources.Where(s => s.Kind is not (SourceKind.Star or SourceKind.Faint)).ToList();
        foreach (var s in sky.Sources.Where(s => s.Kind == SourceKind.Star && OnImage(sky, s)))
        {
            var listed = r.NextDouble() < InfraredStarFraction;
            if (!listed || planted.Any(p => Angles.SeparationDeg(p.Ra, p.Dec, s.Ra, s.Dec) * 3600 < SyntheticSky.PlantedClearanceArcsec)) continue;
            var (ra, dec) = ProperMotion.Propagate(s.Ra, s.Dec, s.PmRa, s.PmDec, sky.PlateEpoch, InfraredEpoch);
            rows.Add(Row(s.Id, Scatter(r, ra, dec, InfraredScatterArcsec)));
        }
        return CsvText.Table(["id", "ra", "dec"], rows);
    }

    /// <summary>
    /// The second digitisation of the same plate (SuperCOSMOS; id,ra,dec at the plate epoch): every source on the plate
    /// brighter than its limit (stars, vanished sources, movers, asteroids, infrared sources, variables), but not the
    /// planted scan artefacts, which are this scan's alone, nor the emulsion defects.
    /// </summary>
    public static string SuperCosmos(SyntheticSky sky)
    {
        var r = SplitMix64.For(sky.Options.Seed, sky.Tile.TileId, "supercosmos");
        return CsvText.Table(["id", "ra", "dec"], sky.Sources.Where(OnSecondScan).Select(s => Row(s.Id, Scatter(r, s.Ra, s.Dec, SuperCosmosScatterArcsec))));
    }

    /// <summary>Whether the second scan has <paramref name="s"/>: a point source on the plate that is not a scan artefact of the first.</summary>
    public static bool OnSecondScan(SyntheticSource s) => s.Kind is not (SourceKind.ScanArtefact or SourceKind.Defect or SourceKind.Faint);

    /// <summary>VSX (id,ra,dec,name,type): the planted variables.</summary>
    public static string VariableStars(SyntheticSky sky)
    {
        var r = SplitMix64.For(sky.Options.Seed, sky.Tile.TileId, "vsx");
        // Types whose stars can be bright on a 1950s plate and below a modern catalog's limit now.
        string[] types = ["M", "SR", "RRAB", "EA", "UG"];
        return CsvText.Table(["id", "ra", "dec", "name", "type"], sky.Sources.Where(s => s.Kind == SourceKind.Variable).Select(s =>
            new[] { s.Id, Degrees(s.Ra), Degrees(s.Dec), $"SYN {sky.Tile.TileId} {s.Id}", types[(int)(r.NextDouble() * types.Length)] }));
    }

    /// <summary>The four files of a tile in <paramref name="dir"/>: &lt;tile_id&gt;.skybot.txt, .infrared.csv, .scos.csv, .vsx.csv.</summary>
    public static IReadOnlyList<(string Path, string Text)> Files(string dir, SyntheticSky sky)
    {
        string P(string suffix) => Path.Combine(dir, sky.Tile.TileId + suffix);
        return [(P(SkybotSuffix), SkybotAnswer(sky)), (P(InfraredSuffix), InfraredArchive(sky)), (P(SuperCosmosSuffix), SuperCosmos(sky)), (P(VsxSuffix), VariableStars(sky))];
    }

    /// <summary>
    /// Writes a tile's four files (atomically), each only when its content differs from what is there: what reads them
    /// hashes them, and an unchanged file must look unchanged. Returns how many it wrote.
    /// </summary>
    public static int Write(string dir, SyntheticSky sky)
    {
        Directory.CreateDirectory(dir);
        var written = 0;
        foreach (var (path, text) in Files(dir, sky))
        {
            if (File.Exists(path) && File.ReadAllText(path) == text) continue;
            AtomicFile.WriteAllText(path, text);
            written++;
        }
        return written;
    }

    static bool OnImage(SyntheticSky sky, SyntheticSource s) => s.X >= 0.5 && s.X <= sky.Width + 0.5 && s.Y >= 0.5 && s.Y <= sky.Height + 0.5;

    static string[] Row(string id, (double Ra, double Dec) p) => [id, Degrees(p.Ra), Degrees(p.Dec)];

    static string Degrees(double v) => CsvText.Number(Math.Round(v, 7));

    static (double Ra, double Dec) Scatter(SplitMix64 r, double ra, double dec, double sigmaArcsec) =>
        Offset(ra, dec, sigmaArcsec * r.Gaussian(), sigmaArcsec * r.Gaussian());

    /// <summary>A position moved by (east, north) arcsec on the sky.</summary>
    static (double Ra, double Dec) Offset(double ra, double dec, double eastArcsec, double northArcsec) =>
        (Angles.WrapRa(ra + eastArcsec / 3600 / Math.Cos(dec * Math.PI / 180)), dec + northArcsec / 3600);

    /// <summary>"hh mm ss.ssss" or "+dd mm ss.ss" as SkyBoT writes them.</summary>
    static string Sexagesimal(double value, int decimals, bool signed)
    {
        var sign = value < 0 ? "-" : "+";
        var scale = Math.Pow(10, decimals);
        var total = Math.Round(Math.Abs(value) * 3600 * scale);
        if (!signed && total >= 24 * 3600 * scale) total -= 24 * 3600 * scale; // 23 59 59.99999 h is 00 00 00.0000
        var (whole, fraction) = ((long)(total / scale), total % scale);
        var text = string.Create(CultureInfo.InvariantCulture, $"{whole / 3600:00} {whole / 60 % 60:00} {whole % 60:00}.{((long)fraction).ToString(new string('0', decimals), CultureInfo.InvariantCulture)}");
        return signed ? sign + text : text;
    }
}
