using System.Globalization;
using Vasco.Download;
using Vasco.Fits;
using Vasco.SecondLook;
using Vasco.Sky;

namespace Vasco.Synthetic;

/// <summary>
/// Cutouts of a synthetic tile's other plates (issue 19), as STScI would serve them: the POSS-I blue plate exposed just after
/// the red one, and POSS-II plates of 1987-1998, at the DSS2 scans' 1.0"/px, each with its own depth (the survey table's
/// limits: O 21.0, J 22.5, F 20.8, N 19.5 against the red plate's 20) and a plate solution off by up to 2" and 0.05 degree,
/// which a registration must take out. The stars are the tile's, moved to the plate's epoch; a vanished source is drawn as
/// its fate says (<see cref="SyntheticSource.SecondLook"/>); defects, scan artefacts and asteroids are the red plate's alone.
/// </summary>
public static class SyntheticOtherPlate
{
    public const double PixelScaleArcsec = 1.0;
    const double FwhmArcsec = 3.5;

    /// <summary>How much deeper than the red plate each survey goes (the DSS survey table's limiting magnitudes less 20.0).</summary>
    static double Depth(PlateSurvey s) => s.DssName switch
    {
        "poss1_blue" => 1.0,
        "poss2ukstu_blue" => 2.5,
        "poss2ukstu_red" => 0.8,
        _ => -0.5,
    };

    static string SurveyKeyword(PlateSurvey s) => s.SurveyKeywords[0];

    /// <summary>When the survey's plate of this tile was exposed (start) and for how long (minutes).</summary>
    public static (DateTime Start, double Minutes) Exposure(SyntheticSky sky, PlateSurvey survey)
    {
        var r = SplitMix64.For(sky.Options.Seed, sky.Tile.TileId, "other-plate", survey.DssName);
        if (survey.FirstEpoch)
            // The POSS-I pair: the blue (103aO) plate right after the red one, about 10 minutes long.
            return (sky.ObservedUtc.AddMinutes(SyntheticSky.ExposureMinutes + Math.Round(r.Uniform(5, 20))), 12);
        var start = new DateTime(1987, 1, 1, 0, 0, 0, DateTimeKind.Utc).AddDays(Math.Floor(r.Uniform(0, 11 * 365))).AddMinutes(Math.Round(r.Uniform(3 * 60, 12 * 60)));
        return (start, 60);
    }

    /// <summary>A square cutout of <paramref name="sizeArcmin"/> centred on (ra, dec), as FITS bytes.</summary>
    public static byte[] Cutout(SyntheticSky sky, PlateSurvey survey, double ra, double dec, double sizeArcmin)
    {
        var size = (int)Math.Round(sizeArcmin * 60 / PixelScaleArcsec);
        var (start, minutes) = Exposure(sky, survey);
        var epoch = Preprocess.PlateEpoch.DecimalYear(start.AddMinutes(minutes / 2));
        var scale = PixelScaleArcsec / 3600;
        // The true sky of the cutout, north up.
        var truth = new TanWcs((size + 1) / 2.0, (size + 1) / 2.0, ra, dec, -scale, 0, 0, scale);
        var exposure = new double[size * size];
        Array.Fill(exposure, SyntheticPlate.SkyLevel);
        var fwhm = FwhmArcsec / PixelScaleArcsec;
        var limit = sky.Options.LimitMag + Depth(survey);
        var reach = sizeArcmin / 60 * 0.75 + 0.02;
        foreach (var s in sky.Sources)
        {
            if (!OnOtherPlates(s, survey)) continue;
            var (sra, sdec) = ProperMotion.Propagate(s.Ra, s.Dec, s.PmRa, s.PmDec, sky.PlateEpoch, epoch);
            if (Math.Abs(sdec - dec) > reach || Angles.SeparationDeg(sra, sdec, ra, dec) > reach) continue;
            var (x, y) = truth.SkyToPixel(sra, sdec);
            SyntheticPlate.AddRoundStar(exposure, size, size, x, y, SyntheticPlate.Flux(s.Mag, limit, fwhm), fwhm);
        }
        var pixels = SyntheticPlate.Scan(exposure, SplitMix64.For(sky.Options.Seed, sky.Tile.TileId, "other-noise", survey.DssName,
            ra.ToString("R", CultureInfo.InvariantCulture), dec.ToString("R", CultureInfo.InvariantCulture)));

        // The plate's solution: the whole plate's, off near this field by a shift and a twist of its own.
        var error = SplitMix64.For(sky.Options.Seed, sky.Tile.TileId, "other-solution", survey.DssName);
        var (dx, dy, twist) = (error.Uniform(-2, 2) / PixelScaleArcsec, error.Uniform(-2, 2) / PixelScaleArcsec, error.Uniform(-0.05, 0.05) * Math.PI / 180);
        var (c, s2) = (Math.Cos(twist), Math.Sin(twist));
        var solution = new TanWcs((size + 1) / 2.0 + dx, (size + 1) / 2.0 + dy, ra, dec, -scale * c, scale * s2, scale * s2, scale * c);

        var header = new FitsHeader();
        header.Set("ORIGIN", "Vasco synthetic plate", "not a scan: drawn from a seeded synthetic sky");
        header.Set("SURVEY", SurveyKeyword(survey), $"imitated: {survey.Label}");
        header.Set("TELESCOP", survey.FirstEpoch ? "Palomar 48-inch Schmidt" : "Palomar Oschin Schmidt");
        header.Set("PLTLABEL", (survey.FirstEpoch ? "O" : "S") + sky.Tile.TileId[..Math.Min(4, sky.Tile.TileId.Length)].ToUpperInvariant(), "synthetic");
        header.Set("PLATEID", "SYN" + survey.Short.ToUpperInvariant()[..Math.Min(5, survey.Short.Length)], "synthetic");
        header.Set("DATE-OBS", start.ToString("yyyy-MM-dd'T'HH:mm:ss", CultureInfo.InvariantCulture), "UT start of exposure");
        header.Set("EXPOSURE", minutes, "minutes");
        header.Set("SITELAT", "+33:24:24.00", "Palomar");
        header.Set("SITELONG", "-116:51:48.00", "Palomar (east positive)");
        header.Set("VSYNSEED", sky.Options.Seed, "Vasco synthetic sky seed");
        header.Set("VSYNLIM", limit, "magnitude whose peak is 5 sky sigma");
        foreach (var card in solution.ToHeaderCards()) header.Add(card);
        var writer = new FitsWriter();
        writer.AddImage(pixels, [size, size], header);
        return writer.ToBytes();
    }

    /// <summary>Whether a source of the tile shows on the survey's plate.</summary>
    static bool OnOtherPlates(SyntheticSource s, PlateSurvey survey) => s.Kind switch
    {
        SourceKind.Star or SourceKind.Faint or SourceKind.Mover or SourceKind.Infrared or SourceKind.Variable => true,
        SourceKind.Vanished => s.SecondLook == SecondLookClass.StillPresent || s.SecondLook == SecondLookClass.Vanished && survey.FirstEpoch,
        _ => false,
    };
}
