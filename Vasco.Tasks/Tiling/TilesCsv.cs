using System.Globalization;
using Vasco.IO;

namespace Vasco.Tiling;

/// <summary>The tiles.csv of step 0: tile_id, ra, dec, ra_min, ra_max, dec_min, dec_max, then target, size_arcmin, row, col.</summary>
public static class TilesCsv
{
    public static readonly string[] Columns =
        ["tile_id", "ra", "dec", "ra_min", "ra_max", "dec_min", "dec_max", "target", "size_arcmin", "row", "col"];

    public static void Write(string path, IEnumerable<Tile> tiles) => AtomicFile.WriteAllText(path, ToText(tiles));

    public static string ToText(IEnumerable<Tile> tiles) =>
        CsvText.Table(Columns, tiles.Select(t => new[] { t.TileId }
            .Concat(new[] { t.RaDeg, t.DecDeg, t.RaMin, t.RaMax, t.DecMin, t.DecMax }.Select(v => v.ToString("0.########", CultureInfo.InvariantCulture)))
            .Concat([t.Target, Tile.Format(t.SizeArcmin), t.Row.ToString(CultureInfo.InvariantCulture), t.Col.ToString(CultureInfo.InvariantCulture)])));

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
