using System.Globalization;
using CsvHelper;
using Vasco.IO;

namespace Vasco.Catalogs;

/// <summary>
/// Step 6's per-tile output, data/ext/&lt;catalog&gt;/&lt;RunId&gt;/&lt;tile_id&gt;.csv, the same schema for every catalog:
/// id, ra, dec (degrees at epoch), mag (empty when the catalog gives none), pmra (mu_alpha*), pmdec (mas/yr), epoch.
/// Numbers are written in the invariant culture with the shortest text that reads back to the same double.
/// </summary>
public static class ReferenceCatalogCsv
{
    public static readonly string[] Columns = ["id", "ra", "dec", "mag", "pmra", "pmdec", "epoch"];

    /// <summary>Where a tile's rows of one catalog land, relative to the run folder.</summary>
    public static string RelativePath(string catalog, string runId, string tileId) => $"data/ext/{catalog}/{runId}/{tileId}.csv";

    public static void Write(string path, IEnumerable<ReferenceStar> stars) =>
        AtomicFile.WriteAllText(path, CsvText.Table(Columns, stars.Select(s =>
            new[] { s.Ra, s.Dec, s.Mag, s.PmRa, s.PmDec, s.Epoch }.Select(CsvText.NumberOrEmpty).Prepend(s.Id))));

    /// <summary>Reads a file written by <see cref="Write"/>; anything else is an error naming the file.</summary>
    public static IReadOnlyList<ReferenceStar> Read(string path)
    {
        try
        {
            var stars = new List<ReferenceStar>();
            HeadedCsv.ReadWritten(path, header =>
            {
                if (header is null || !header.SequenceEqual(Columns))
                    throw new VascoException(ErrorCodes.CatalogColumns,
                        $"Reference catalog '{path}' does not start with the header {string.Join(",", Columns)}.",
                        "delete it and rebuild: step 6 writes it again.", path);
            }, row =>
            {
                double Number(string column, bool missingIsNaN = false)
                {
                    var text = row[column];
                    if (missingIsNaN && string.IsNullOrEmpty(text))
                        return double.NaN;
                    return double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var value)
                        ? value
                        : throw new VascoException(ErrorCodes.CatalogValue,
                            $"Reference catalog '{path}' line {row.Line}: {column} = '{text}' is not a number.",
                            "delete it and rebuild: step 6 writes it again.", path);
                }
                stars.Add(new ReferenceStar(row["id"]!, Number("ra"), Number("dec"), Number("mag", missingIsNaN: true),
                    Number("pmra"), Number("pmdec"), Number("epoch")));
            });
            return stars;
        }
        catch (CsvHelper.MissingFieldException e)
        {
            throw new VascoException(ErrorCodes.CatalogUnreadable,
                $"Reference catalog '{path}' line {e.Context?.Parser?.RawRow}: the row has fewer cells than the header (the file was cut short).",
                "delete it and rebuild: step 6 writes it again.", path, e);
        }
        catch (Exception e) when (e is IOException or CsvHelperException)
        {
            throw new VascoException(ErrorCodes.CatalogUnreadable, $"Reference catalog '{path}' cannot be read: {e.Message.Split('\n')[0]}",
                "delete it and rebuild: step 6 writes it again.", path, e);
        }
    }
}
