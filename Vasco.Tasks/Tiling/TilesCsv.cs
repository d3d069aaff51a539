using System.Globalization;
using CsvHelper;
using CsvHelper.Configuration;
using Vasco.IO;

namespace Vasco.Tiling;

/// <summary>The tiles.csv of step 0: tile_id, ra, dec, ra_min, ra_max, dec_min, dec_max, then target, size_arcmin, row, col.</summary>
public static class TilesCsv
{
    public static readonly string[] Columns =
        ["tile_id", "ra", "dec", "ra_min", "ra_max", "dec_min", "dec_max", "target", "size_arcmin", "row", "col"];

    public static void Write(string path, IEnumerable<Tile> tiles) => AtomicFile.WriteAllText(path, ToText(tiles));

    public static string ToText(IEnumerable<Tile> tiles)
    {
        using var text = new StringWriter(CultureInfo.InvariantCulture) { NewLine = "\n" };
        using (var csv = new CsvWriter(text, new CsvConfiguration(CultureInfo.InvariantCulture) { NewLine = "\n" }))
        {
            foreach (var c in Columns) csv.WriteField(c);
            csv.NextRecord();
            foreach (var t in tiles)
            {
                csv.WriteField(t.TileId);
                foreach (var v in new[] { t.RaDeg, t.DecDeg, t.RaMin, t.RaMax, t.DecMin, t.DecMax })
                    csv.WriteField(v.ToString("0.########", CultureInfo.InvariantCulture));
                csv.WriteField(t.Target);
                csv.WriteField(Tile.Format(t.SizeArcmin));
                csv.WriteField(t.Row);
                csv.WriteField(t.Col);
                csv.NextRecord();
            }
        }
        return text.ToString();
    }

    public static List<Tile> Read(string path)
    {
        using var reader = new StreamReader(path);
        using var csv = new CsvReader(reader, CultureInfo.InvariantCulture);
        var tiles = new List<Tile>();
        csv.Read();
        csv.ReadHeader();
        while (csv.Read())
        {
            double D(string name) => double.Parse(csv.GetField(name)!, CultureInfo.InvariantCulture);
            tiles.Add(new Tile(csv.GetField("tile_id")!, csv.GetField("target")!, D("ra"), D("dec"), D("size_arcmin"),
                csv.GetField<int>("row"), csv.GetField<int>("col"), D("ra_min"), D("ra_max"), D("dec_min"), D("dec_max")));
        }
        return tiles;
    }
}
