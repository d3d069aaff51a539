using Vasco.Catalogs;
using Vasco.IO;

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

/// <summary>The bright stars read from a catalog file (a <see cref="LocalCatalog"/> file), and how many rows had to be left out.</summary>
public sealed record BrightStarCatalog(string Path, IReadOnlyList<BrightStar> Stars, int RowsWithoutMagnitude, int RowsWithoutPosition)
{
    static readonly LocalCatalogKind Kind = new(
        new CsvInputKind("Bright-star catalog", ErrorCodes.BrightStarsUnreadable, ErrorCodes.BrightStarsColumns,
            "check the bright-star catalog path, or fetch the catalog again (Tycho-2 is VizieR I/259/tyc2).",
            "fetch the catalog with those columns, or change the column mapping to name the columns it has.",
            "fetch the catalog again as a comma-separated file with a header line."),
        "fetch the catalog again; it needs a header line and one row per star.",
        ErrorCodes.BrightStarsValue, "fix or remove that row, or fetch the catalog again as plain CSV (decimal points, no units in the cells).");

    /// <summary>Reads a CSV with a header line; empty cells are missing values, other non-numbers are errors.</summary>
    public static BrightStarCatalog Read(string path, BrightStarColumns columns)
    {
        var stars = new List<BrightStar>();
        int withoutMagnitude = 0, withoutPosition = 0;
        LocalCatalog.ReadRows(path, Kind, columns.Named(), (cell, line) =>
        {
            double? Cell(string? column) => column == null ? null : CatalogColumns.ParseNumber(cell(column), column, finite: true);

            var mag = Cell(columns.MagColumn) ?? Cell(columns.FallbackMagColumn);
            if (mag == null)
            {
                withoutMagnitude++;
                return;
            }
            void CheckOnSky(string raColumn, string decColumn, double? dec)
            {
                // Like the reference catalogs (VASCO6006): any finite RA wraps, a Dec beyond the poles is a wrong column or unit.
                if (dec is < -90 or > 90)
                    throw Kind.ValueError(path, line, $"{decColumn} = {dec} is not a declination in [-90, 90]",
                        $"check that {raColumn} and {decColumn} hold degrees (not hours or radians), or fix that row.");
            }

            var (ra, dec) = (Cell(columns.RaColumn), Cell(columns.DecColumn));
            CheckOnSky(columns.RaColumn, columns.DecColumn, dec);
            if (ra != null && dec != null)
            {
                stars.Add(new BrightStar(ra.Value, dec.Value, mag.Value, Cell(columns.PmRaColumn) ?? 0, Cell(columns.PmDecColumn) ?? 0, columns.Epoch));
                return;
            }
            var (fallbackRa, fallbackDec) = (Cell(columns.RaFallbackColumn), Cell(columns.DecFallbackColumn));
            if (columns.RaFallbackColumn != null && columns.DecFallbackColumn != null)
                CheckOnSky(columns.RaFallbackColumn, columns.DecFallbackColumn, fallbackDec);
            if (fallbackRa != null && fallbackDec != null)
                stars.Add(new BrightStar(fallbackRa.Value, fallbackDec.Value, mag.Value, 0, 0, columns.Epoch));
            else
                withoutPosition++;
        });
        return new BrightStarCatalog(path, stars, withoutMagnitude, withoutPosition);
    }
}
