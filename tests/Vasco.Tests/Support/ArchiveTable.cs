using System.Globalization;
using CsvHelper;

namespace Vasco.Tests.Support;

/// <summary>
/// An archive's table held in memory by a stand-in (<see cref="XmatchServer"/>, <see cref="TapServer"/>): its columns,
/// named as the archive names them (e.g. 2MASS,RAJ2000,DEJ2000,Jmag for VizieR's II/246/out; raj2000,dej2000,objidr1
/// for GAVO's supercosmos.sources), and its rows as text; an empty cell is NULL.
/// </summary>
sealed class ArchiveTable
{
    public ArchiveTable(IReadOnlyList<string> columns, IEnumerable<IReadOnlyList<string>> rows)
    {
        Columns = columns;
        Rows = rows.ToList();
        foreach (var row in Rows)
            if (row.Count != columns.Count) throw new ArgumentException($"a row has {row.Count} cells for {columns.Count} columns: {string.Join(",", row)}");
    }

    public IReadOnlyList<string> Columns { get; }
    public IReadOnlyList<IReadOnlyList<string>> Rows { get; }

    /// <summary>A table from CSV text: a header line, then a line per row (quoted where a cell holds a comma).</summary>
    public static ArchiveTable Csv(string text)
    {
        var records = Records(text);
        return new ArchiveTable(records[0], records.Skip(1));
    }

    /// <summary>The records of CSV text, the header line first.</summary>
    public static List<string[]> Records(string text)
    {
        using var parser = new CsvParser(new StringReader(text), CultureInfo.InvariantCulture);
        var records = new List<string[]>();
        while (parser.Read()) records.Add(parser.Record!);
        return records;
    }

    /// <summary>A table from a CSV file (see <see cref="Csv"/>).</summary>
    public static ArchiveTable File(string path) => Csv(System.IO.File.ReadAllText(path));

    /// <summary>Where a column is (names compared without regard to case), or -1.</summary>
    public int IndexOf(string column)
    {
        for (var i = 0; i < Columns.Count; i++)
            if (string.Equals(Columns[i], column, StringComparison.OrdinalIgnoreCase)) return i;
        return -1;
    }

    /// <summary>A cell as a number; NaN for NULL.</summary>
    public static double Number(string cell) => cell.Length == 0 ? double.NaN : double.Parse(cell, NumberStyles.Float, CultureInfo.InvariantCulture);

    /// <summary>Great-circle distance, arcsec (haversine: the stand-ins' own arithmetic, not the client's).</summary>
    public static double DistanceArcsec(double ra1, double dec1, double ra2, double dec2)
    {
        const double rad = Math.PI / 180;
        var h = Math.Pow(Math.Sin((dec2 - dec1) * rad / 2), 2) + Math.Cos(dec1 * rad) * Math.Cos(dec2 * rad) * Math.Pow(Math.Sin((ra2 - ra1) * rad / 2), 2);
        return 2 * Math.Asin(Math.Min(1, Math.Sqrt(h))) / rad * 3600;
    }
}
