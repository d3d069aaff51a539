using System.Globalization;
using CsvHelper;
using CsvHelper.Configuration;
using Vasco.Pipeline;

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

    /// <summary>Reads the CSV; empty cells are missing values, other non-numbers are errors (VASCO6006).</summary>
    public static CatalogRows Read(string path, CatalogColumns columns)
    {
        if (!File.Exists(path))
            throw new VascoException(ErrorCodes.CatalogUnreadable, $"Reference catalog '{path}' does not exist.",
                "check the catalog path in the run file, or fetch the catalog from VizieR instead.", path);
        var config = new CsvConfiguration(CultureInfo.InvariantCulture)
        {
            PrepareHeaderForMatch = a => a.Header.Trim().ToLowerInvariant(),
            TrimOptions = TrimOptions.Trim,
            IgnoreBlankLines = true,
            BadDataFound = null,
            DetectDelimiter = false,
        };
        var stars = new List<ReferenceStar>();
        var withoutPosition = 0;
        try
        {
            using var reader = new StreamReader(path);
            using var csv = new CsvReader(reader, config);
            if (!csv.Read())
                throw new VascoException(ErrorCodes.CatalogUnreadable, $"Reference catalog '{path}' is empty.",
                    "write the catalog again with a header line and one row per source.", path);
            csv.ReadHeader();
            var header = csv.HeaderRecord!.Select(h => h.Trim().ToLowerInvariant()).ToHashSet();
            var missing = columns.Names.Where(c => !header.Contains(c.ToLowerInvariant())).ToList();
            if (missing.Count > 0)
                throw new VascoException(ErrorCodes.CatalogColumns,
                    $"Reference catalog '{path}' lacks the column(s) {string.Join(", ", missing)} (it has: {string.Join(", ", csv.HeaderRecord!)}).",
                    "write the catalog with those columns, or change the column mapping to name the columns it has.", path);

            long row = 0;
            while (csv.Read())
            {
                row++;
                ReferenceStar? star;
                try
                {
                    star = columns.ToStar(column => csv.GetField(column.ToLowerInvariant()), row);
                }
                catch (FormatException e)
                {
                    throw new VascoException(ErrorCodes.CatalogValue, $"Reference catalog '{path}' line {csv.Parser.RawRow}: {e.Message}.",
                        "fix or remove that row, or write the catalog again as plain CSV (decimal points, no units in the cells).", path);
                }
                if (star == null)
                    withoutPosition++;
                else
                    stars.Add(star);
            }
        }
        catch (IOException e)
        {
            throw new VascoException(ErrorCodes.CatalogUnreadable, $"Reference catalog '{path}' cannot be read: {e.Message}",
                "check that the file exists and is readable.", path, e);
        }
        catch (CsvHelperException e)
        {
            throw new VascoException(ErrorCodes.CatalogUnreadable, $"Reference catalog '{path}' is not a readable CSV: {e.Message.Split('\n')[0]}",
                "write the catalog again as a comma-separated file with a header line.", path, e);
        }
        return new CatalogRows(stars, withoutPosition);
    }
}
