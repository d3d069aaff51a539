using System.Globalization;

namespace Vasco.IO;

/// <summary>
/// A table <see cref="CsvText.PlainTable"/> wrote, read back: its header and the cells of its rows (blank lines skipped).
/// Its cells hold no comma and no quote to undo, so lines split at commas.
/// </summary>
public sealed class PlainCsv
{
    PlainCsv(string[] header, IReadOnlyList<string[]> rows) => (Header, Rows) = (header, rows);

    public IReadOnlyList<string> Header { get; }
    public IReadOnlyList<string[]> Rows { get; }

    /// <summary>Reads <paramref name="path"/>; an empty file has no header and no rows.</summary>
    public static PlainCsv Read(string path) => Parse(File.ReadAllText(path));

    /// <summary>A table from its text.</summary>
    public static PlainCsv Parse(string text)
    {
        if (text.Length == 0) return new([], []);
        var lines = text.Split('\n');
        return new(lines[0].TrimEnd('\r').Split(','), lines.Skip(1).Select(l => l.TrimEnd('\r')).Where(l => l.Length > 0).Select(l => l.Split(',')).ToList());
    }

    /// <summary>Where the column is, or -1.</summary>
    public int IndexOf(string column) => Array.IndexOf((string[])Header, column);

    /// <summary>A column's cells as numbers (invariant culture).</summary>
    public double[] Numbers(string column)
    {
        var i = IndexOf(column);
        return Rows.Select(r => double.Parse(r[i], NumberStyles.Float, CultureInfo.InvariantCulture)).ToArray();
    }

    /// <summary>Each row as column name to cell.</summary>
    public IReadOnlyList<IReadOnlyDictionary<string, string>> Records() =>
        Rows.Select(r => (IReadOnlyDictionary<string, string>)Header.Zip(r).ToDictionary(p => p.First, p => p.Second)).ToList();
}
