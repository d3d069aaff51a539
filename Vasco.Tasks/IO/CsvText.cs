using System.Globalization;
using System.Text;
using CsvHelper;
using CsvHelper.Configuration;

namespace Vasco.IO;

/// <summary>
/// The one way Vasco writes CSV: a header line, then a line per row, comma-separated, each line ended by "\n",
/// numbers in the invariant culture. <see cref="Table"/> quotes a cell where CSV needs it (a comma, a quote, a line
/// end, a space at either end); <see cref="PlainTable"/> writes every cell as it is, for the tables that Vasco (and
/// the user's scripts) read back by splitting lines at commas: their cells are numbers, names, text made comma-free
/// by <see cref="PlainCell"/>, or text quoted whole by <see cref="QuotedCell"/>. What <see cref="Table"/> wrote,
/// Vasco reads back with <see cref="HeadedCsv.ReadWritten"/>.
/// </summary>
public static class CsvText
{
    /// <summary>The header line (none when <paramref name="header"/> is null), then the rows, each cell quoted where CSV needs it.</summary>
    public static string Table(IEnumerable<string>? header, IEnumerable<IEnumerable<string>> rows) => Write(header, rows, quote: true);

    /// <summary>The header line (none when <paramref name="header"/> is null), then the rows, every cell as it is.</summary>
    public static string PlainTable(IEnumerable<string>? header, IEnumerable<IEnumerable<string>> rows) => Write(header, rows, quote: false);

    /// <summary>One cell as <see cref="Table"/> writes it: most need no quotes, and are given back without a CSV writer.</summary>
    public static string Cell(string text) =>
        text.AsSpan().IndexOfAny(",\"\r\n") < 0 && (text.Length == 0 || (text[0] != ' ' && text[^1] != ' ')) ? text : Table(null, [[text, ""]])[..^2];

    /// <summary>A number as the shortest text that reads back to the same double ("NaN", "Infinity" as they are).</summary>
    public static string Number(double value) => value.ToString("R", CultureInfo.InvariantCulture);

    /// <summary>A number as <see cref="Number"/> writes it, NaN (a missing value) as an empty cell.</summary>
    public static string NumberOrEmpty(double value) => double.IsNaN(value) ? "" : Number(value);

    /// <summary>Text for a <see cref="PlainTable"/> cell: a comma would split it, so it becomes ';'.</summary>
    public static string PlainCell(string text) => text.Replace(',', ';');

    /// <summary>Text for a <see cref="PlainTable"/> cell, quoted whole (quotes doubled, line ends as spaces) whatever it holds.</summary>
    public static string QuotedCell(string text) => "\"" + text.Replace("\"", "\"\"").Replace('\n', ' ') + "\"";

    static string Write(IEnumerable<string>? header, IEnumerable<IEnumerable<string>> rows, bool quote)
    {
        var lines = header is null ? rows : rows.Prepend(header);
        if (!quote)
        {
            var text = new StringBuilder();
            foreach (var row in lines)
                text.AppendJoin(',', row).Append('\n');
            return text.ToString();
        }
        using var quoted = new StringWriter(CultureInfo.InvariantCulture) { NewLine = "\n" };
        using (var csv = new CsvWriter(quoted, new CsvConfiguration(CultureInfo.InvariantCulture) { NewLine = "\n" }))
        {
            foreach (var row in lines)
            {
                foreach (var cell in row)
                    csv.WriteField(cell);
                csv.NextRecord();
            }
        }
        return quoted.ToString();
    }
}
