using System.Globalization;
using System.Text;
using Vasco.IO;

namespace Vasco.Tiling;

/// <summary>The tiles.csv of step 0: tile_id, ra, dec, ra_min, ra_max, dec_min, dec_max, then target, size_arcmin, row, col.</summary>
public static class TilesCsv
{
    public static readonly string[] Columns =
        ["tile_id", "ra", "dec", "ra_min", "ra_max", "dec_min", "dec_max", "target", "size_arcmin", "row", "col"];

    public static void Write(string path, IEnumerable<Tile> tiles) => AtomicFile.WriteAllText(path, ToText(tiles));

    /// <summary>
    /// The text <see cref="CsvText.Table"/> writes for these tiles, made a line at a time (a whole survey's 143,686 tiles
    /// in about a tenth of the time): ids and numbers never need quoting, and target names are quoted as
    /// <see cref="CsvText.Cell"/> says.
    /// </summary>
    public static string ToText(IEnumerable<Tile> tiles)
    {
        var culture = CultureInfo.InvariantCulture;
        var text = new StringBuilder().AppendJoin(',', Columns).Append('\n');
        foreach (var t in tiles)
        {
            text.Append(t.TileId);
            foreach (var v in (ReadOnlySpan<double>)[t.RaDeg, t.DecDeg, t.RaMin, t.RaMax, t.DecMin, t.DecMax])
                text.Append(',').Append(culture, $"{v:0.########}");
            text.Append(',').Append(CsvText.Cell(t.Target)).Append(',').Append(Tile.Format(t.SizeArcmin))
                .Append(',').Append(culture, $"{t.Row}").Append(',').Append(culture, $"{t.Col}").Append('\n');
        }
        return text.ToString();
    }

    public static List<Tile> Read(string path)
    {
        var tiles = new List<Tile>();
        HeadedCsv.ReadWritten(path, null, row =>
        {
            double D(string name) => double.Parse(row[name]!, CultureInfo.InvariantCulture);
            tiles.Add(new Tile(row["tile_id"]!, row["target"]!, D("ra"), D("dec"), D("size_arcmin"),
                row.Get<int>("row"), row.Get<int>("col"), D("ra_min"), D("ra_max"), D("dec_min"), D("dec_max")));
        });
        return tiles;
    }
}
