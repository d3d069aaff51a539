using System.Globalization;
using Vasco.IO;

namespace Vasco.Recovery;

/// <summary>The rows of a CSV an earlier step wrote (or a catalog it read), through the project's <see cref="HeadedCsv"/>.</summary>
static class StepCsv
{
    public static List<T> Rows<T>(string path, CsvInputKind kind, IEnumerable<string> columns, Func<Func<string, string?>, T> make)
    {
        var rows = new List<T>();
        HeadedCsv.Read(path, kind, columns, (cell, _) => rows.Add(make(cell)));
        return rows;
    }

    /// <summary>A cell as a number; NaN when empty, missing or not a number.</summary>
    public static double Number(Func<string, string?> cell, string column) =>
        double.TryParse(cell(column), NumberStyles.Float, CultureInfo.InvariantCulture, out var v) ? v : double.NaN;
}
