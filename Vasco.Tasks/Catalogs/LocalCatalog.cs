using System.Globalization;
using Vasco.IO;

namespace Vasco.Catalogs;

/// <summary>The sources read from a catalog, and how many rows were dropped for want of a position.</summary>
public sealed record CatalogRows(IReadOnlyList<ReferenceStar> Stars, int RowsWithoutPosition);

/// <summary>
/// A reference catalog kept as a local CSV file (a header line, then one row per source) instead of fetched from
/// VizieR: the M67 run reads its Gaia DR3 cone this way.
/// </summary>
public static class LocalCatalog
{
    /// <summary>Gaia DR3 as the Gaia archive writes it (gaia_source column names), positions at epoch 2016.0.</summary>
    public static CatalogColumns GaiaArchiveColumns { get; } =
        new(["source_id"], "ra", "dec", ["phot_g_mean_mag"], "pmra", "pmdec", 2016.0);

    static readonly CsvInputKind Kind = new("Reference catalog", ErrorCodes.CatalogUnreadable, ErrorCodes.CatalogColumns,
        "check the catalog path in the run file, or fetch the catalog from VizieR instead.",
        "write the catalog with those columns, or change the column mapping to name the columns it has.",
        "write the catalog again as a comma-separated file with a header line.");

    /// <summary>Reads the CSV; empty cells are missing values, other non-numbers are errors (VASCO6006).</summary>
    public static CatalogRows Read(string path, CatalogColumns columns)
    {
        var stars = new List<ReferenceStar>();
        var withoutPosition = 0;
        long row = 0;
        var headed = HeadedCsv.Read(path, Kind, columns.Names, (cell, line) =>
        {
            row++;
            ReferenceStar? star;
            try
            {
                star = columns.ToStar(cell, row);
            }
            catch (FormatException e)
            {
                throw new VascoException(ErrorCodes.CatalogValue, $"Reference catalog '{path}' line {line}: {e.Message}.",
                    "fix or remove that row, or write the catalog again as plain CSV (decimal points, no units in the cells).", path);
            }
            if (star == null) withoutPosition++;
            else stars.Add(star);
        });
        if (!headed)
            throw new VascoException(ErrorCodes.CatalogUnreadable, $"Reference catalog '{path}' is empty.",
                "write the catalog again with a header line and one row per source.", path);
        return new CatalogRows(stars, withoutPosition);
    }
}
