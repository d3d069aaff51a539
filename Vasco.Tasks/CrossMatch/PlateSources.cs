using System.Globalization;
using Vasco.Extraction;
using Vasco.IO;

namespace Vasco.CrossMatch;

/// <summary>
/// The plate's sources of one tile as the cross-match and the filters see them: named
/// numeric columns (SExtractor's, lower-cased; ALPHA_J2000/DELTA_J2000 become ra/dec).
/// </summary>
public sealed class PlateSources
{
    readonly Dictionary<string, double[]> _columns;

    public PlateSources(IReadOnlyList<string> names, IReadOnlyList<double[]> values)
    {
        Names = names;
        _columns = names.Zip(values).ToDictionary(p => p.First, p => p.Second, StringComparer.Ordinal);
        Count = values.Count == 0 ? 0 : values[0].Length;
    }

    public IReadOnlyList<string> Names { get; }
    public int Count { get; }
    public bool Has(string column) => _columns.ContainsKey(column);
    public double[] this[string column] => _columns.TryGetValue(column, out var v) ? v
        : throw new VascoException(ErrorCodes.CrossMatchInvalid, $"The plate sources have no column '{column}'.", "rebuild the cross-match with the current pass-2 columns.");

    /// <summary>The SExtractor columns carried from pass 2 to the filters, in output order.</summary>
    public static readonly string[] LdacColumns =
    [
        "NUMBER", "ALPHA_J2000", "DELTA_J2000", "X_IMAGE", "Y_IMAGE", "XMIN_IMAGE", "XMAX_IMAGE", "YMIN_IMAGE", "YMAX_IMAGE",
        "MAG_AUTO", "MAGERR_AUTO", "FLUX_MAX", "FLUX_RADIUS", "FWHM_IMAGE", "ELONGATION", "ELLIPTICITY", "SNR_WIN",
        "SPREAD_MODEL", "SPREADERR_MODEL", "CLASS_STAR", "FLAGS", "IMAFLAGS_ISO",
    ];

    public static string CsvName(string ldacName) => ldacName switch
    {
        "ALPHA_J2000" => "ra",
        "DELTA_J2000" => "dec",
        _ => ldacName.ToLowerInvariant(),
    };

    public static PlateSources FromLdac(string path)
    {
        var catalog = LdacCatalog.Read(path);
        var present = LdacColumns.Where(catalog.Has).ToList();
        return new PlateSources(present.Select(CsvName).ToList(), present.Select(catalog.Column).ToList());
    }

    public PlateSources Select(IReadOnlyList<int> rows) =>
        new(Names, Names.Select(n => rows.Select(r => _columns[n][r]).ToArray()).ToList());

    /// <summary>The rows of two tables with the same columns, one after the other.</summary>
    public static PlateSources Concat(PlateSources a, PlateSources b) =>
        new(a.Names, a.Names.Select(n => a[n].Concat(b[n]).ToArray()).ToList());

    /// <summary>Reads the plate columns of a cross-match table (local.csv, or the plate side of xmatch.csv).</summary>
    public static PlateSources ReadCsv(string path)
    {
        var csv = PlainCsv.Read(path);
        if (csv.Header.Count == 0) throw new InvalidDataException($"'{path}' is empty: not a Vasco cross-match table.");
        var plateColumns = LdacColumns.Select(CsvName).ToHashSet(StringComparer.Ordinal);
        var names = csv.Header.Where(plateColumns.Contains).ToList();
        return new PlateSources(names, names.Select(csv.Numbers).ToList());
    }

    public void WriteCsv(string path) => AtomicFile.WriteAllText(path, ToCsv(Enumerable.Range(0, Count).ToList(), null));

    /// <summary>CSV of some rows, optionally followed by extra columns per row (a <see cref="CsvText.PlainTable"/>).</summary>
    public string ToCsv(IReadOnlyList<int> rows, (string[] Header, Func<int, string[]> Cells)? extra) =>
        CsvText.PlainTable(extra is { } e ? Names.Concat(e.Header) : Names, rows.Select((r, k) =>
        {
            var cells = Names.Select(n => Format(_columns[n][r]));
            return extra is { } x ? cells.Concat(x.Cells(k)) : cells;
        }));

    public static string Format(double v) => CsvText.Number(v);
}
