using System.Globalization;
using CsvHelper;
using CsvHelper.Configuration;
using Vasco.Net;

namespace Vasco.Archives;

/// <summary>CDS XMatch's CSV answer read: its matches (Ok), or why it is not a whole answer (damaged: to be asked again).</summary>
public sealed record XmatchAnswer(bool Ok, IReadOnlyList<ArchiveMatch> Matches, string Message);

/// <summary>
/// The CSV answer of CDS XMatch (RESPONSEFORMAT=csv), in the format of astroquery's test data
/// (astroquery/xmatch/tests/data/query_res.csv): a header line, then one line per match, fields separated by commas and
/// quoted where they hold one. Column 1 is angDist (arcsec); then come the uploaded table's columns, in the order they
/// were uploaded; then the VizieR table's. Uploaded rows without a match are absent, so an empty answer is the header
/// alone. Whatever is not that (no header, angDist not first, a row with another number of fields, numbers that are
/// not numbers, an id that was not uploaded, a last line without its line end) is damaged, never "no match".
/// </summary>
public static class XmatchCsv
{
    /// <summary>
    /// The column pairs taken as the archive source's J2000 position, in this order (names compared without regard to
    /// case): RAJ2000/DEJ2000 (what VizieR computes for most tables, 2MASS's II/246/out among them), ra/dec,
    /// RAdeg/DEdeg (VSX's B/vsx/vsx), RA_ICRS/DE_ICRS (Gaia). A table with none of them gives NaN positions: the
    /// match and its distance still stand.
    /// </summary>
    public static readonly IReadOnlyList<(string Ra, string Dec)> PositionColumns = [("RAJ2000", "DEJ2000"), ("ra", "dec"), ("RAdeg", "DEdeg"), ("RA_ICRS", "DE_ICRS")];

    /// <param name="uploadedColumns">The uploaded table's columns, in upload order.</param>
    /// <param name="idColumn">Which of them holds the ids.</param>
    /// <param name="uploadedIds">The ids uploaded, when known: an answer naming another is damaged.</param>
    public static XmatchAnswer Parse(string body, IReadOnlyList<string> uploadedColumns, string idColumn, IReadOnlySet<string>? uploadedIds = null)
    {
        var idIndex = IndexOf(uploadedColumns, idColumn);
        if (idIndex < 0) throw new ArgumentException($"{idColumn} is not among the uploaded columns", nameof(idColumn));
        if (body.Length == 0) return Damaged("the answer is empty (not even a header line)");
        if (!body.EndsWith('\n')) return Damaged($"the answer's last line has no line end: cut short (\"{HttpRetry.Excerpt(body[Math.Max(0, body.Length - 80)..])}\")");

        List<string[]> records;
        try
        {
            using var reader = new StringReader(body);
            using var parser = new CsvParser(reader, new CsvConfiguration(CultureInfo.InvariantCulture) { BadDataFound = null, DetectDelimiter = false });
            records = [];
            while (parser.Read())
                if (parser.Record is { } record && !(record.Length == 1 && record[0].Length == 0))
                    records.Add(record);
        }
        catch (CsvHelperException e)
        {
            return Damaged($"not CSV: {e.Message.Split('\n')[0]}");
        }
        if (records.Count == 0) return Damaged("the answer has no header line");
        var header = records[0];
        if (header[0].Trim() != "angDist")
            return Damaged($"not CDS XMatch's CSV: the first column is not angDist (\"{HttpRetry.Excerpt(string.Join(',', header))}\")");
        var tableStart = 1 + uploadedColumns.Count;
        // CDS may rename an uploaded column that clashes with the table's (ra as ra_in): its place is what counts.
        if (header.Length < tableStart || !header[1 + idIndex].Trim().StartsWith(idColumn, StringComparison.OrdinalIgnoreCase))
            return Damaged($"the header does not hold the uploaded columns {string.Join(",", uploadedColumns)} after angDist (\"{HttpRetry.Excerpt(string.Join(',', header))}\")");
        var tableColumns = header[tableStart..].Select(h => h.Trim()).ToArray();
        var (raAt, decAt) = FindPosition(tableColumns);

        var matches = new List<ArchiveMatch>(records.Count - 1);
        for (var r = 1; r < records.Count; r++)
        {
            var cells = records[r];
            if (cells.Length != header.Length)
                return Damaged($"row {r} has {cells.Length} fields where the header has {header.Length}: cut short or garbled (\"{HttpRetry.Excerpt(string.Join(',', cells))}\")");
            if (!TryNumber(cells[0], out var dist) || dist < 0)
                return Damaged($"row {r}: angDist \"{HttpRetry.Excerpt(cells[0])}\" is not a distance");
            var id = cells[1 + idIndex];
            if (uploadedIds is not null && !uploadedIds.Contains(id))
                return Damaged($"row {r} names the id \"{HttpRetry.Excerpt(id)}\", which was not uploaded");
            var row = new Dictionary<string, string>(tableColumns.Length, StringComparer.Ordinal);
            for (var c = 0; c < tableColumns.Length; c++)
                row.TryAdd(tableColumns[c], cells[tableStart + c]);
            double ra = double.NaN, dec = double.NaN;
            if (raAt >= 0 && (!TryNumber(cells[tableStart + raAt], out ra) || !TryNumber(cells[tableStart + decAt], out dec)))
                return Damaged($"row {r}: the position ({tableColumns[raAt]}, {tableColumns[decAt]}) is not numbers");
            matches.Add(new ArchiveMatch(id, dist, ra, dec, row));
        }
        var where = raAt >= 0 ? $"positions from {tableColumns[raAt]}/{tableColumns[decAt]}" : "no position columns in the table";
        return new XmatchAnswer(true, matches, $"{matches.Count} match(es); {where}");
    }

    static (int Ra, int Dec) FindPosition(IReadOnlyList<string> columns)
    {
        foreach (var (ra, dec) in PositionColumns)
            if (IndexOf(columns, ra) is >= 0 and var r && IndexOf(columns, dec) is >= 0 and var d)
                return (r, d);
        return (-1, -1);
    }

    static int IndexOf(IReadOnlyList<string> columns, string name)
    {
        for (var i = 0; i < columns.Count; i++)
            if (string.Equals(columns[i], name, StringComparison.OrdinalIgnoreCase))
                return i;
        return -1;
    }

    static bool TryNumber(string text, out double value) =>
        double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out value) && double.IsFinite(value);

    static XmatchAnswer Damaged(string message) => new(false, [], message);
}
