using System.Globalization;

namespace Vasco.Catalogs;

/// <summary>
/// Which columns of a catalog hold a source's id, position (degrees, at <see cref="Epoch"/>), magnitude and proper
/// motion (mas/yr, pmRA as mu_alpha*). Column names are matched without regard to case.
/// </summary>
/// <param name="IdColumns">Joined with '-' into the id (Tycho-2 numbers its stars TYC1-TYC2-TYC3); none: the row number.</param>
/// <param name="MagColumns">Tried in order: the first non-empty one is the magnitude; all empty gives NaN, and the source is kept.</param>
/// <param name="PmRaColumn">None: the catalog has no proper motions (they count as 0).</param>
public sealed record CatalogColumns(
    IReadOnlyList<string> IdColumns,
    string RaColumn,
    string DecColumn,
    IReadOnlyList<string> MagColumns,
    string? PmRaColumn,
    string? PmDecColumn,
    double Epoch)
{
    /// <summary>Every column named, each once, in the order a query asks for them.</summary>
    // Computed on each use: a stored list would go stale in a copy made with `with`.
    public IReadOnlyList<string> Names =>
        IdColumns.Append(RaColumn).Append(DecColumn).Concat(MagColumns).Append(PmRaColumn).Append(PmDecColumn)
            .OfType<string>().Distinct(StringComparer.OrdinalIgnoreCase).ToList();

    /// <summary>
    /// The source in one row, or null when its position is missing (empty or NaN). <paramref name="cell"/> gives a
    /// named column's text (null or empty when missing). A cell that is neither missing nor a number throws
    /// <see cref="FormatException"/>: a catalog in an unexpected format is not silently half read.
    /// </summary>
    public ReferenceStar? ToStar(Func<string, string?> cell, long rowNumber)
    {
        double? Number(string column) => ParseNumber(cell(column)?.Trim(), column) is { } value && !double.IsNaN(value) ? value : null;

        var (ra, dec) = (Number(RaColumn), Number(DecColumn));
        if (ra == null || dec == null)
            return null;
        if (!double.IsFinite(ra.Value) || !(dec >= -90 && dec <= 90))
            throw new FormatException($"{RaColumn}, {DecColumn} = {ra}, {dec} is not a sky position");
        var mag = double.NaN;
        foreach (var column in MagColumns)
            if (Number(column) is { } value)
            {
                mag = value;
                break;
            }
        var id = IdColumns.Count == 0
            ? rowNumber.ToString(CultureInfo.InvariantCulture)
            : string.Join('-', IdColumns.Select(c => cell(c)?.Trim() ?? ""));
        return new ReferenceStar(id, ra.Value, dec.Value, mag,
            PmRaColumn == null ? 0 : Number(PmRaColumn) ?? 0, PmDecColumn == null ? 0 : Number(PmDecColumn) ?? 0, Epoch);
    }

    /// <summary>
    /// A catalog cell as a number, null when it is empty; one that is not a number (or, when <paramref name="finite"/>,
    /// not a finite one) throws <see cref="FormatException"/> "column = 'text' is not a number".
    /// </summary>
    internal static double? ParseNumber(string? text, string column, bool finite = false)
    {
        if (string.IsNullOrEmpty(text))
            return null;
        if (!double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var value) || finite && !double.IsFinite(value))
            throw new FormatException($"{column} = '{text}' is not a number");
        return value;
    }
}
