using System.Globalization;
using CsvHelper;
using CsvHelper.Configuration;
using Vasco.Pipeline;

namespace Vasco.Preprocess;

/// <summary>
/// Which CSV columns hold a bright-star catalog's positions (degrees), magnitude and proper motion (mas/yr,
/// pmRA as mu_alpha*), and the epoch of the positions. Optional columns may be null. A row with an empty
/// <see cref="MagColumn"/> uses <see cref="FallbackMagColumn"/>; one with an empty position uses
/// <see cref="RaFallbackColumn"/>/<see cref="DecFallbackColumn"/> as they are, without proper motion.
/// Column names are matched without regard to case.
/// </summary>
public sealed record BrightStarColumns(
    string RaColumn,
    string DecColumn,
    string MagColumn,
    string? PmRaColumn = null,
    string? PmDecColumn = null,
    double Epoch = 2000.0,
    string? FallbackMagColumn = null,
    string? RaFallbackColumn = null,
    string? DecFallbackColumn = null)
{
    /// <summary>
    /// Tycho-2 as VizieR serves it (I/259): mean J2000 positions at epoch 2000 with proper motions, VT
    /// magnitudes (BT where VT is missing), and the observed positions for the stars that have no mean
    /// position (pflag X).
    /// </summary>
    public static BrightStarColumns Tycho2 { get; } = new(
        "RAmdeg_J2000", "DEmdeg_J2000", "VTmag", "pmRA_masyr", "pmDE_masyr", 2000.0,
        FallbackMagColumn: "BTmag", RaFallbackColumn: "RAdeg_obs", DecFallbackColumn: "DEdeg_obs");

    internal IEnumerable<string> Named() =>
        new[] { RaColumn, DecColumn, MagColumn, PmRaColumn, PmDecColumn, FallbackMagColumn, RaFallbackColumn, DecFallbackColumn }
            .OfType<string>();
}

/// <summary>The bright stars read from a catalog file, and how many rows had to be left out.</summary>
public sealed record BrightStarCatalog(string Path, IReadOnlyList<BrightStar> Stars, int RowsWithoutMagnitude, int RowsWithoutPosition)
{
    /// <summary>Reads a CSV with a header line; empty cells are missing values, other non-numbers are errors.</summary>
    public static BrightStarCatalog Read(string path, BrightStarColumns columns)
    {
        if (!File.Exists(path))
            throw new VascoException(ErrorCodes.BrightStarsUnreadable,
                $"Bright-star catalog '{path}' does not exist.",
                "check the bright-star catalog path, or fetch the catalog again (Tycho-2 is VizieR I/259/tyc2).", path);
        var config = new CsvConfiguration(CultureInfo.InvariantCulture)
        {
            PrepareHeaderForMatch = a => a.Header.Trim().ToLowerInvariant(),
            TrimOptions = TrimOptions.Trim,
            IgnoreBlankLines = true,
            BadDataFound = null,
            DetectDelimiter = false,
        };
        var stars = new List<BrightStar>();
        int withoutMagnitude = 0, withoutPosition = 0;
        try
        {
            using var reader = new StreamReader(path);
            using var csv = new CsvReader(reader, config);
            if (!csv.Read())
                throw new VascoException(ErrorCodes.BrightStarsUnreadable, $"Bright-star catalog '{path}' is empty.",
                    "fetch the catalog again; it needs a header line and one row per star.", path);
            csv.ReadHeader();
            var header = csv.HeaderRecord!.Select(h => h.Trim().ToLowerInvariant()).ToHashSet();
            var missing = columns.Named().Where(c => !header.Contains(c.ToLowerInvariant())).ToList();
            if (missing.Count > 0)
                throw new VascoException(ErrorCodes.BrightStarsColumns,
                    $"Bright-star catalog '{path}' lacks the column(s) {string.Join(", ", missing)} (it has: {string.Join(", ", csv.HeaderRecord!)}).",
                    "fetch the catalog with those columns, or change the column mapping to name the columns it has.", path);

            while (csv.Read())
            {
                var line = csv.Parser.RawRow;
                double? Cell(string? column)
                {
                    if (column == null)
                        return null;
                    var text = csv.GetField(column.ToLowerInvariant());
                    if (string.IsNullOrEmpty(text))
                        return null;
                    if (double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var value) && double.IsFinite(value))
                        return value;
                    throw new VascoException(ErrorCodes.BrightStarsValue,
                        $"Bright-star catalog '{path}' line {line}: {column} = '{text}' is not a number.",
                        "fix or remove that row, or fetch the catalog again as plain CSV (decimal points, no units in the cells).", path);
                }

                var mag = Cell(columns.MagColumn) ?? Cell(columns.FallbackMagColumn);
                if (mag == null)
                {
                    withoutMagnitude++;
                    continue;
                }
                var (ra, dec) = (Cell(columns.RaColumn), Cell(columns.DecColumn));
                if (ra != null && dec != null)
                {
                    stars.Add(new BrightStar(ra.Value, dec.Value, mag.Value,
                        Cell(columns.PmRaColumn) ?? 0, Cell(columns.PmDecColumn) ?? 0, columns.Epoch));
                    continue;
                }
                var (fallbackRa, fallbackDec) = (Cell(columns.RaFallbackColumn), Cell(columns.DecFallbackColumn));
                if (fallbackRa != null && fallbackDec != null)
                    stars.Add(new BrightStar(fallbackRa.Value, fallbackDec.Value, mag.Value, 0, 0, columns.Epoch));
                else
                    withoutPosition++;
            }
        }
        catch (IOException e)
        {
            throw new VascoException(ErrorCodes.BrightStarsUnreadable, $"Bright-star catalog '{path}' cannot be read: {e.Message}",
                "check that the file exists and is readable.", path, e);
        }
        catch (CsvHelperException e)
        {
            throw new VascoException(ErrorCodes.BrightStarsUnreadable, $"Bright-star catalog '{path}' is not a readable CSV: {e.Message.Split('\n')[0]}",
                "fetch the catalog again as a comma-separated file with a header line.", path, e);
        }
        return new BrightStarCatalog(path, stars, withoutMagnitude, withoutPosition);
    }
}
