using System.Globalization;
using System.Text;
using CsvHelper;
using Vasco.Fits;
using Vasco.IO;
using Vasco.Sky;
using Vasco.Synthetic;

namespace Vasco.Recovery;

/// <summary>How many sources to inject into a real plate and remove from its reference catalog.</summary>
public sealed record InjectionOptions(long Seed = 1, int Count = 150, double MagMin = 14.5, double MagMax = 21, int RemoveCount = 20);

/// <summary>What one injection wrote.</summary>
public sealed record InjectionResult(int Injected, int Removed, double ZeroPoint, int CalibrationStars);

/// <summary>
/// Injection into a real plate. Sources shaped by the plate's own PSFEx model (from a base run of the
/// pipeline on the same plate) are added to the plate's pixels at known positions and magnitudes, and real
/// detected stars are taken out of the reference catalog; both are "vanished" in the truth file. Magnitudes
/// are on the reference catalog's scale through a zero point fitted to the base run's matched stars
/// (ref_mag - MAG_AUTO, median over 15 &lt; ref_mag &lt; 19, FLAGS 0). Light is added through a saturating
/// photographic response (<see cref="PhotographicResponse"/>), so faint sources add linearly and bright ones
/// flatten towards the plate's saturation as real stars do.
/// Injected sources avoid masked pixels, 40 px of the edges and 8" of any detected source, so the figure is
/// the recall of isolated sources.
/// </summary>
public static class PlateInjector
{
    public static InjectionResult Run(string platePath, string psfPath, string maskPath, string matchedCsv, string unmatchedCsv,
        string catalogPath, string idColumn, string outPlate, string outCatalog, string outTruth, InjectionOptions o)
    {
        var psf = PsfexModel.Read(psfPath);
        var plate = FitsFile.Read(platePath).Primary;
        var (w, h) = (plate.Axes[0], plate.Axes[1]);
        var pixels = plate.ReadDoubles();
        var response = PhotographicResponse.Of(pixels);
        // The mask carries the clean image's TAN-TPV WCS, so injected positions match the pipeline's.
        var mask = FitsFile.Read(maskPath).Primary;
        var flags = mask.ReadDoubles();
        var wcs = TanWcs.FromHeader(mask.Header);

        var matched = ReadSources(matchedCsv, ["ra", "dec", "x_image", "y_image", "flags", "imaflags_iso", "mag_auto", "ref_mag", "ref_id"]);
        var detections = matched.Concat(ReadSources(unmatchedCsv, ["x_image", "y_image"])).Select(r => (r.X, r.Y)).ToList();
        var calibration = matched.Where(r => r.Flags == 0 && r.RefMag is > 15 and < 19)
            .Select(r => r.RefMag - r.MagAuto).Where(double.IsFinite).Order().ToList();
        if (calibration.Count < 10)
            throw new VascoException(ErrorCodes.InjectionFailed, $"Only {calibration.Count} matched stars with 15 < mag < 19 in '{matchedCsv}' to fit a zero point.",
                "inject into a plate with a deeper reference catalog.", matchedCsv);
        var zeroPoint = calibration[calibration.Count / 2];

        var random = SplitMix64.For(o.Seed, Path.GetFileName(platePath), "inject");
        var truth = new List<SyntheticSource>();
        var placed = new List<(double X, double Y)>();
        const double pixelArcsec = 1.7, isolationArcsec = 8;
        bool Free(double x, double y) =>
            detections.Concat(placed).All(d => Math.Sqrt(Math.Pow(d.X - x, 2) + Math.Pow(d.Y - y, 2)) * pixelArcsec > isolationArcsec)
            && Unmasked(flags, w, h, x, y, 3);
        for (var i = 0; i < o.Count; i++)
        {
            var (x, y) = (0.0, 0.0);
            for (var attempt = 0; ; attempt++)
            {
                (x, y) = (random.Uniform(40, w - 40), random.Uniform(40, h - 40));
                if (Free(x, y)) break;
                if (attempt > 10000)
                    throw new VascoException(ErrorCodes.InjectionFailed, $"No free spot for injected source {i + 1} of {o.Count} on '{platePath}'.",
                        "inject fewer sources (the plate is crowded or mostly masked).", platePath);
            }
            var mag = random.Uniform(o.MagMin, o.MagMax);
            var flux = Math.Pow(10, -0.4 * (mag - zeroPoint));
            foreach (var (px, py, fraction) in psf.Stamp(x, y, w, h))
                pixels[(py - 1) * w + (px - 1)] = response.Add(pixels[(py - 1) * w + (px - 1)], flux * fraction);
            placed.Add((x, y));
            var (ra, dec) = wcs.PixelToSky(x, y);
            truth.Add(new SyntheticSource($"i{i}", SourceKind.Vanished, ra, dec, x, y, Math.Round(mag, 3), 0, 0, false, "injected"));
        }

        // Stars to take out of the catalog: well measured, unflagged, and alone (no other detection or catalog star within 10").
        var catalog = ReadCatalog(catalogPath, idColumn);
        var catalogIndex = new SkyIndex(catalog.Select(c => c.Ra).ToList(), catalog.Select(c => c.Dec).ToList());
        var removable = matched
            .Where(r => r.Flags == 0 && r.ImaFlags == 0 && r.RefMag is > 15 and < 19)
            .Where(r => catalogIndex.Within(r.Ra, r.Dec, 10).Count() == 1)
            .Where(r => detections.Count(d => Math.Sqrt(Math.Pow(d.X - r.X, 2) + Math.Pow(d.Y - r.Y, 2)) * pixelArcsec <= 10) == 1)
            .OrderBy(r => random.Next()).Take(o.RemoveCount).ToList();
        var removedIds = removable.Select(r => r.RefId).ToHashSet(StringComparer.Ordinal);
        foreach (var r in removable)
            truth.Add(new SyntheticSource("r" + r.RefId, SourceKind.Vanished, r.Ra, r.Dec, r.X, r.Y, r.RefMag, 0, 0, false, "removed"));

        WriteCatalogWithout(catalogPath, idColumn, removedIds, outCatalog);
        var writer = new FitsWriter();
        var header = plate.Header.Clone();
        header.AddHistory($"Vasco injection: {o.Count} PSF-shaped sources added (seed {o.Seed}, zero point {zeroPoint.ToString("0.000", CultureInfo.InvariantCulture)}); truth in {Path.GetFileName(outTruth)}.");
        writer.AddImage(pixels.Select(v => Math.Round(v)).ToArray(), plate.Axes, plate.Bitpix, plate.BScale, plate.BZero, header);
        writer.WriteTo(outPlate);
        TruthCsv.Write(outTruth, truth);
        return new InjectionResult(o.Count, removable.Count, Math.Round(zeroPoint, 4), calibration.Count);
    }

    static bool Unmasked(double[] flags, int w, int h, double x, double y, int reach)
    {
        for (var py = (int)y - reach; py <= (int)y + reach; py++)
            for (var px = (int)x - reach; px <= (int)x + reach; px++)
                if (px >= 1 && px <= w && py >= 1 && py <= h && flags[(py - 1) * w + (px - 1)] != 0) return false;
        return true;
    }

    /// <summary>A pass-2 source of the base run's cross-match (ref_* empty for unmatched ones).</summary>
    sealed record PlateSource(double Ra, double Dec, double X, double Y, double Flags, double ImaFlags, double MagAuto, double RefMag, string RefId);

    static readonly CsvInputKind BaseRunOutput = new("Base run output", ErrorCodes.InjectionFailed, ErrorCodes.InjectionFailed,
        "build steps 1-7 of the base run first.", "rebuild the base run's step 7: it writes these columns.", "rebuild the base run's step 7.");

    static List<PlateSource> ReadSources(string path, string[] columns) =>
        StepCsv.Rows(path, BaseRunOutput, columns, row => new PlateSource(StepCsv.Number(row, "ra"), StepCsv.Number(row, "dec"),
            StepCsv.Number(row, "x_image"), StepCsv.Number(row, "y_image"), StepCsv.Number(row, "flags"), StepCsv.Number(row, "imaflags_iso"),
            StepCsv.Number(row, "mag_auto"), StepCsv.Number(row, "ref_mag"), row("ref_id") ?? ""));

    static List<(string Id, double Ra, double Dec)> ReadCatalog(string path, string idColumn) =>
        StepCsv.Rows(path, BaseRunOutput with { What = "Reference catalog" }, [idColumn, "ra", "dec"],
            row => (row(idColumn) ?? "", StepCsv.Number(row, "ra"), StepCsv.Number(row, "dec")));

    /// <summary>The catalog with the removed ids' rows left out; every other row is copied as it was.</summary>
    static void WriteCatalogWithout(string path, string idColumn, HashSet<string> removed, string outPath)
    {
        using var reader = new StreamReader(path);
        using var csv = new CsvReader(reader, CultureInfo.InvariantCulture);
        csv.Read();
        csv.ReadHeader();
        var text = new StringBuilder(csv.Parser.RawRecord);
        while (csv.Read())
            if (!removed.Contains(csv.GetField(idColumn) ?? ""))
                text.Append(csv.Parser.RawRecord);
        AtomicFile.WriteAllText(outPath, text.ToString());
    }
}

/// <summary>
/// A plate's scanned value against exposure: V = S + (Vmax - S) (1 - exp(-E)) above the sky S (the median),
/// linear below it, with Vmax the plate's brightest value. Adding light in E and converting back keeps faint
/// sources linear and makes bright ones saturate smoothly, keeping the grain noise under them.
/// </summary>
public sealed record PhotographicResponse(double Sky, double Saturation)
{
    public static PhotographicResponse Of(double[] pixels)
    {
        var sorted = pixels.Where(double.IsFinite).Order().ToArray();
        return new PhotographicResponse(sorted[sorted.Length / 2], sorted[^1]);
    }

    double Range => Saturation - Sky;

    double Exposure(double value) =>
        value <= Sky ? (value - Sky) / Range : -Math.Log(Math.Max(1e-9, 1 - Math.Min(value - Sky, Range * (1 - 1e-9)) / Range));

    double Value(double exposure) => exposure <= 0 ? Sky + Range * exposure : Sky + Range * (1 - Math.Exp(-exposure));

    /// <summary>The value of a pixel after <paramref name="light"/> (in plate units near the sky) falls on it.</summary>
    public double Add(double value, double light) => Value(Exposure(value) + light / Range);
}
