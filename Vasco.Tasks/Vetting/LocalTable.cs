using System.Globalization;
using Vasco.Archives;
using Vasco.Catalogs;
using Vasco.IO;
using Vasco.Sky;

namespace Vasco.Vetting;

/// <summary>Which columns of a local vetting file hold the position and the id (metadata RaColumn, DecColumn, IdColumn of its item).</summary>
public sealed record TableColumns(string Ra = "ra", string Dec = "dec", string Id = "id");

/// <summary>
/// An archive's rows kept in a local CSV file instead of asked of a service (VascoArchive or VascoVettingFile with
/// File=): J2000 positions in degrees, an id, and the columns a stage reports (a variable's name and type). Matched to
/// candidates as the service would: the nearest row within the radius.
/// </summary>
public sealed class LocalTable
{
    static readonly LocalCatalogKind Kind = new(
        new CsvInputKind("Vetting file", ErrorCodes.VettingFileUnreadable, ErrorCodes.VettingFileUnreadable,
            "check the File= path of the VascoArchive or VascoVettingFile item, or leave File= out to ask the service.",
            "write the file with those columns, or name its columns with RaColumn, DecColumn and IdColumn on the item.",
            "write the file again as a comma-separated file with a header line."),
        "write the file again with a header line and one row per source.",
        ErrorCodes.VettingFileUnreadable, "fix or remove that row (ra and dec in decimal degrees).");

    readonly List<ArchiveRow> _rows;
    readonly SkyIndex _index;

    sealed record ArchiveRow(string Id, double Ra, double Dec, IReadOnlyDictionary<string, string> Cells);

    LocalTable(List<ArchiveRow> rows)
    {
        _rows = rows;
        _index = new SkyIndex(rows.Select(r => r.Ra).ToList(), rows.Select(r => r.Dec).ToList());
    }

    public int Count => _rows.Count;

    /// <summary>A table of sources fetched otherwise (VizieR cones): their ids and J2000 positions.</summary>
    public static LocalTable Of(IEnumerable<(string Id, double Ra, double Dec)> sources) =>
        new(sources.Select(s => new ArchiveRow(s.Id, s.Ra, s.Dec, new Dictionary<string, string>())).ToList());

    /// <summary>
    /// Reads <paramref name="path"/>; <paramref name="keep"/> names further columns to report (absent ones are empty), and
    /// <paramref name="rows"/> keeps the rows that count (as a service's query would: PTF objects with a good observation).
    /// </summary>
    public static LocalTable Read(string path, TableColumns columns, IReadOnlyList<string> keep, Func<IReadOnlyDictionary<string, string>, bool>? rows = null)
    {
        var read = new List<ArchiveRow>();
        LocalCatalog.ReadRows(path, Kind, [columns.Ra, columns.Dec], (cell, line) =>
        {
            var ra = Degrees(cell(columns.Ra), columns.Ra, 0, 360);
            var dec = Degrees(cell(columns.Dec), columns.Dec, -90, 90);
            var id = cell(columns.Id) is { Length: > 0 } given ? given : "line " + line;
            var cells = keep.ToDictionary(k => k, k => cell(k) ?? "", StringComparer.Ordinal);
            if (rows is null || rows(cells)) read.Add(new ArchiveRow(id, ra, dec, cells));
        });
        return new LocalTable(read);
    }

    static double Degrees(string? text, string column, double min, double max) =>
        double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var v) && v >= min && v <= max ? v
            : throw new FormatException($"{column} '{text}' is not degrees in [{min}, {max}]");

    /// <summary>The nearest row within <paramref name="radiusArcsec"/> of each point that has one.</summary>
    public IReadOnlyDictionary<string, ArchiveMatch> Match(IEnumerable<SkyPoint> points, double radiusArcsec)
    {
        var best = new Dictionary<string, ArchiveMatch>(StringComparer.Ordinal);
        foreach (var p in points)
        {
            var (i, sep) = _index.Nearest(p.Ra, p.Dec, radiusArcsec);
            if (i < 0) continue;
            var r = _rows[i];
            var cells = new Dictionary<string, string>(r.Cells, StringComparer.Ordinal) { ["id"] = r.Id };
            best[p.Id] = new ArchiveMatch(p.Id, sep, r.Ra, r.Dec, cells);
        }
        return best;
    }
}
