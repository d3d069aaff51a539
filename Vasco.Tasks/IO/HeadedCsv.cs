using System.Globalization;
using CsvHelper;
using CsvHelper.Configuration;

namespace Vasco.IO;

/// <summary>What a kind of CSV input is called in messages, and its error codes and fixes.</summary>
/// <param name="What">"Target list", "Reference catalog", ...</param>
public sealed record CsvInputKind(string What, string UnreadableCode, string ColumnsCode, string MissingFix, string ColumnsFix, string UnreadableFix);

/// <summary>
/// The one way Vasco reads a CSV with a header line. <see cref="Read"/> reads a user's (targets, reference and
/// bright-star catalogs): header names matched without regard to case, blank lines
/// skipped, missing columns and unreadable files turned into the input's VASCO errors, a column named twice
/// into VASCO0110. <see cref="ReadWritten"/> reads back what Vasco wrote itself with <see cref="CsvText.Table"/>.
/// </summary>
public static class HeadedCsv
{
    /// <summary>Control characters (tabs included) as \uXXXX, so that a message stays one readable line.</summary>
    static string Printable(string s) => string.Concat(s.Select(c => char.IsControl(c) ? $"\\u{(int)c:X4}" : c.ToString()));

    /// <summary>
    /// Calls <paramref name="row"/> for each data row with a cell reader (by column name,
    /// null or empty when missing) and the row's line number. Returns false for a file with
    /// no header line at all.
    /// </summary>
    public static bool Read(string path, CsvInputKind kind, IEnumerable<string> requiredColumns, Action<Func<string, string?>, long> row)
    {
        if (!File.Exists(path))
            throw new VascoException(kind.UnreadableCode, $"{kind.What} '{path}' does not exist.", kind.MissingFix, path);
        var config = new CsvConfiguration(CultureInfo.InvariantCulture)
        {
            PrepareHeaderForMatch = a => a.Header.Trim().ToLowerInvariant(),
            TrimOptions = TrimOptions.Trim,
            IgnoreBlankLines = true,
            BadDataFound = null,
            DetectDelimiter = false,
        };
        try
        {
            using var reader = new StreamReader(path);
            using var csv = new CsvReader(reader, config);
            if (!csv.Read()) return false;
            csv.ReadHeader();
            var names = csv.HeaderRecord!.Select(h => h.Trim().ToLowerInvariant()).ToList();
            // CsvHelper reads the first of two same-named columns: which one the user meant is unknowable.
            var twice = names.Select((n, i) => (Name: n, Column: i + 1)).Where(c => c.Name.Length > 0)
                .GroupBy(c => c.Name).FirstOrDefault(g => g.Count() > 1);
            if (twice is not null)
                throw new VascoException(ErrorCodes.CsvColumnTwice,
                    $"{kind.What} '{path}' has the column '{Printable(csv.HeaderRecord![twice.First().Column - 1].Trim())}' more than once " +
                    $"(columns {string.Join(" and ", twice.Select(c => c.Column))} of its header line; names are compared without regard to case).",
                    "rename or remove the extra column(s), so that the file has one column of each name.", path);
            var header = names.ToHashSet();
            var missing = requiredColumns.Where(c => !header.Contains(c.ToLowerInvariant())).ToList();
            if (missing.Count > 0)
            {
                // A header read as one column holding tabs or semicolons is a file with another separator.
                var separator = csv.HeaderRecord!.Length == 1 && csv.HeaderRecord[0].Contains('\t') ? "tabs"
                    : csv.HeaderRecord.Length == 1 && csv.HeaderRecord[0].Contains(';') ? "semicolons" : null;
                throw new VascoException(kind.ColumnsCode,
                    $"{kind.What} '{path}' lacks the column(s) {string.Join(", ", missing)} (it has: {Printable(string.Join(", ", csv.HeaderRecord!))})" +
                    (separator == null ? "." : $"; its columns look separated by {separator}, and Vasco reads comma-separated files."),
                    separator == null ? kind.ColumnsFix : "save the file as comma-separated values (CSV) with a header line.", path);
            }
            while (csv.Read())
            {
                var line = csv.Parser.RawRow;
                row(column => header.Contains(column.ToLowerInvariant()) ? csv.GetField(column.ToLowerInvariant()) : null, line);
            }
            return true;
        }
        catch (IOException e)
        {
            throw new VascoException(kind.UnreadableCode, $"{kind.What} '{path}' cannot be read: {e.Message}",
                "check that the file exists and is readable.", path, e);
        }
        catch (CsvHelper.MissingFieldException e)
        {
            // CsvHelper's own text advises a setting of its API; the user needs the line.
            throw new VascoException(kind.UnreadableCode,
                $"{kind.What} '{path}' line {e.Context?.Parser?.RawRow}: the row has fewer cells than the header (a line cut short, or a quote that is not closed).",
                kind.UnreadableFix, path, e);
        }
        catch (CsvHelperException e)
        {
            throw new VascoException(kind.UnreadableCode, $"{kind.What} '{path}' is not a readable CSV: {Printable(e.Message.Split('\n')[0])}",
                kind.UnreadableFix, path, e);
        }
    }

    /// <summary>
    /// Reads back a CSV that Vasco wrote (<see cref="CsvText.Table"/>) as it was written: header names and cells as
    /// they are, blank lines skipped, anything else that is not CSV an exception of CsvHelper's (an unreadable file an
    /// <see cref="IOException"/>), which the caller turns into its own error. Calls <paramref name="header"/> with the
    /// header line's names, or null for a file without one (it throws to refuse the file; without a
    /// <paramref name="header"/> check, such a file throws CsvHelper's <see cref="ReaderException"/>), then
    /// <paramref name="row"/> for each data row.
    /// </summary>
    public static void ReadWritten(string path, Action<string[]?>? header, Action<WrittenRow> row)
    {
        using var reader = new StreamReader(path);
        using var csv = new CsvReader(reader, CultureInfo.InvariantCulture);
        if (header is null)
        {
            csv.Read();
            csv.ReadHeader();
        }
        else
            header(csv.Read() && csv.ReadHeader() ? csv.HeaderRecord : null);
        var current = new WrittenRow(csv);
        while (csv.Read())
            row(current);
    }
}

/// <summary>The data row <see cref="HeadedCsv.ReadWritten"/> is at: its cells by column name, and where it stands.</summary>
public sealed class WrittenRow
{
    readonly CsvReader _csv;

    internal WrittenRow(CsvReader csv) => _csv = csv;

    /// <summary>The cell of a column; a column the header lacks throws CsvHelper's MissingFieldException.</summary>
    public string? this[string column] => _csv.GetField(column);

    /// <summary>The cell of a column the file may lack (an optional column added later): null when it has none.</summary>
    public string? Optional(string column) => _csv.HeaderRecord?.Contains(column) == true ? _csv.GetField(column) : null;

    /// <summary>The cell of a column converted to <typeparamref name="T"/> as CsvHelper converts it (in the invariant culture).</summary>
    public T Get<T>(string column) => _csv.GetField<T>(column)!;

    /// <summary>The line of the file the row is on (the header is line 1).</summary>
    public long Line => _csv.Parser.RawRow;

    /// <summary>The row's number among the file's records (the header is record 1).</summary>
    public int Record => _csv.Parser.Row;
}
