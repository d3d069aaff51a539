using System.Globalization;
using System.Text;
using Vasco.CrossMatch;
using Vasco.IO;
using Vasco.Preprocess;

namespace Vasco.Filtering;

/// <summary>
/// The run's candidates.csv and each tile's share of it: INTERFACE.md's columns first
/// (tile_id, number, ra, dec at the plate epoch, mag, snr_win, fwhm_image, elongation,
/// spread_model, flags, plate_id, plate_epoch), then what a reviewer wants next to them, the plate's label first, then the
/// magnitude calibrated on the modern catalog's band (<see cref="MagnitudeCalibration"/>) and its error.
/// </summary>
public static class Candidates
{
    public static readonly string[] Columns =
    [
        "tile_id", "number", "ra", "dec", "mag", "snr_win", "fwhm_image", "elongation", "spread_model", "flags", "plate_id", "plate_epoch",
        "plate_label", "mag_cal", "mag_cal_err", "magerr_auto", "x_image", "y_image", "imaflags_iso", "nearest_modern_arcsec", "nearest_bright_arcsec", "nearest_bright_mag",
    ];

    public static string Header => CsvText.PlainTable(Columns, []);

    /// <summary>One tile's kept sources as candidate rows (no header).</summary>
    /// <param name="calibration">The tile's; null when it has none (mag_cal and mag_cal_err are then empty).</param>
    public static string Rows(string tileId, PlateSources unmatched, TileSelection selection, IReadOnlyDictionary<int, double> spread, CleanPlate plate,
        MagnitudeCalibration? calibration) =>
        CsvText.PlainTable(null, selection.Kept.Select(i =>
        {
            string F(string column) => unmatched.Has(column) ? CsvText.Number(unmatched[column][i]) : "";
            var (magCal, magCalErr) = calibration?.Apply(unmatched["mag_auto"][i], unmatched.Has("magerr_auto") ? unmatched["magerr_auto"][i] : double.NaN)
                ?? (double.NaN, double.NaN);
            return new[]
            {
                tileId, F("number"), F("ra"), F("dec"), F("mag_auto"), F("snr_win"), F("fwhm_image"), F("elongation"),
                CsvText.Number(spread[i]), F("flags"), CsvText.PlainCell(plate.PlateId), plate.Epoch.ToString("0.000000", CultureInfo.InvariantCulture),
                CsvText.PlainCell(plate.Label), Round(magCal), Round(magCalErr), F("magerr_auto"), F("x_image"), F("y_image"), F("imaflags_iso"),
                Round(selection.NearestModernArcsec[i]), Round(selection.NearestBrightArcsec[i]), Round(selection.NearestBrightMag[i]),
            };
        }));

    /// <summary>Joins the tiles' candidate rows, in tile order, into the run's candidates.csv.</summary>
    public static int WriteRun(string path, IEnumerable<string> tileFiles)
    {
        var sb = new StringBuilder(Header);
        var count = 0;
        foreach (var file in tileFiles)
        {
            var lines = File.ReadAllLines(file);
            foreach (var line in lines.Skip(1).Where(l => l.Length > 0)) { sb.Append(line).Append('\n'); count++; }
        }
        AtomicFile.WriteAllText(path, sb.ToString());
        return count;
    }

    /// <summary>A distance or magnitude as the candidate files show it: three decimals, empty when unknown.</summary>
    public static string Round(double v) => double.IsFinite(v) ? v.ToString("0.000", CultureInfo.InvariantCulture) : "";
}
