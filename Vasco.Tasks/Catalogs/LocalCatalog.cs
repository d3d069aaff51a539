using Vasco.IO;

namespace Vasco.Catalogs;

/// <summary>The sources read from a catalog, and how many rows were dropped for want of a position.</summary>
public sealed record CatalogRows(IReadOnlyList<ReferenceStar> Stars, int RowsWithoutPosition);

/// <summary>
/// What a kind of local catalog file is called in messages, and its errors: those of reading it as CSV
/// (<see cref="Csv"/>), then those of a file with no header line (<see cref="EmptyFix"/>) and of a cell that is not a
/// usable value (<see cref="ValueCode"/>, <see cref="ValueFix"/>).
/// </summary>
public sealed record LocalCatalogKind(CsvInputKind Csv, string EmptyFix, string ValueCode, string ValueFix)
{
    /// <summary>"What 'path' line N: detail.", with this kind's fix unless the caller names a better one.</summary>
    public VascoException ValueError(string path, long line, string detail, string? fix = null) =>
        new(ValueCode, $"{Csv.What} '{path}' line {line}: {detail}.", fix ?? ValueFix, path);
}

/// <summary>
/// A catalog kept as a local CSV file (a header line, then one row per source) whose columns the run file maps: a
/// reference catalog instead of one fetched from VizieR (<see cref="Read"/>: the M67 run reads its Gaia DR3 cone this
/// way), or the bright-star catalog of the masks (<see cref="Preprocess.BrightStarCatalog"/>). Both read their rows
/// through <see cref="ReadRows"/>.
/// </summary>
public static class LocalCatalog
{
    /// <summary>Gaia DR3 as the Gaia archive writes it (gaia_source column names), positions at epoch 2016.0.</summary>
    public static CatalogColumns GaiaArchiveColumns { get; } =
        new(["source_id"], "ra", "dec", ["phot_g_mean_mag"], "pmra", "pmdec", 2016.0);

    static readonly LocalCatalogKind Kind = new(
        new CsvInputKind("Reference catalog", ErrorCodes.CatalogUnreadable, ErrorCodes.CatalogColumns,
            "check the catalog path in the run file, or fetch the catalog from VizieR instead.",
            "write the catalog with those columns, or change the column mapping to name the columns it has.",
            "write the catalog again as a comma-separated file with a header line."),
        "write the catalog again with a header line and one row per source.",
        ErrorCodes.CatalogValue, "fix or remove that row, or write the catalog again as plain CSV (decimal points, no units in the cells).");

    /// <summary>Reads the CSV; empty cells are missing values, other non-numbers are errors (VASCO6006).</summary>
    public static CatalogRows Read(string path, CatalogColumns columns)
    {
        var stars = new List<ReferenceStar>();
        var withoutPosition = 0;
        long row = 0;
        ReadRows(path, Kind, columns.Names, (cell, _) =>
        {
            if (columns.ToStar(cell, ++row) is { } star) stars.Add(star);
            else withoutPosition++;
        });
        return new CatalogRows(stars, withoutPosition);
    }

    /// <summary>
    /// Calls <paramref name="row"/> for each data row of a local catalog file with a cell reader and the row's line
    /// number (see <see cref="HeadedCsv.Read"/>). A <see cref="FormatException"/> from <paramref name="row"/> becomes
    /// the kind's value error for that line; a file without a header line is an error too.
    /// </summary>
    public static void ReadRows(string path, LocalCatalogKind kind, IEnumerable<string> columns, Action<Func<string, string?>, long> row)
    {
        var headed = HeadedCsv.Read(path, kind.Csv, columns, (cell, line) =>
        {
            try
            {
                row(cell, line);
            }
            catch (FormatException e)
            {
                throw kind.ValueError(path, line, e.Message);
            }
        });
        if (!headed)
            throw new VascoException(kind.Csv.UnreadableCode, $"{kind.Csv.What} '{path}' is empty.", kind.EmptyFix, path);
    }
}
