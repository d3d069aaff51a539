using System.Globalization;
using NUnit.Framework;
using Vasco.IO;
using Vasco.Tests.Support;
using Vasco.Tiling;

namespace Vasco.Tests.Tiling;

/// <summary>tiles.csv (what users read) and the plan's tile list (what step 0 reads): their text and what reads back.</summary>
public class TileFilesTests
{
    static readonly string[] OddNames = ["a,b", "say \"M67\"", " lead", "trail ", "two\nlines", "cr\rlf", "tab\tbed", "back\\slash\\", "", "Ünï 星"];

    /// <summary>Footprint tiles (RA 350 to 10, through 0) and single tiles with names CSV and TSV must escape.</summary>
    static List<Tile> Tiles()
    {
        var tiles = FootprintTiler.Tile(new SkyBand(-5, 5, 350, 10), 30, 0).ToList();
        tiles.AddRange(OddNames.Select((name, i) => tiles[i] with { TileId = $"odd{i}", Target = name, RaDeg = 359.99999999999, Row = -i, Col = i * 1000 }));
        return tiles;
    }

    /// <summary>How tiles.csv was written before it was made a line at a time: every cell through CsvHelper.</summary>
    static string ThroughCsvHelper(IEnumerable<Tile> tiles) =>
        CsvText.Table(TilesCsv.Columns, tiles.Select(t => new[] { t.TileId }
            .Concat(new[] { t.RaDeg, t.DecDeg, t.RaMin, t.RaMax, t.DecMin, t.DecMax }.Select(v => v.ToString("0.########", CultureInfo.InvariantCulture)))
            .Concat([t.Target, Tile.Format(t.SizeArcmin), t.Row.ToString(CultureInfo.InvariantCulture), t.Col.ToString(CultureInfo.InvariantCulture)])));

    [Test]
    public void TilesCsvIsTheTextCsvHelperWrites()
    {
        var tiles = Tiles();

        Assert.That(TilesCsv.ToText(tiles), Is.EqualTo(ThroughCsvHelper(tiles)));
    }

    [Test]
    public void TilesCsvReadsBackItsNamesAndEightDecimals()
    {
        // CsvHelper leaves a lone carriage return unquoted (it always has), which no CSV reader reads back.
        var tiles = Tiles().Where(t => !t.Target.Contains('\r')).ToList();
        var path = Path.Combine(TestTemp.NewPath("tiles-csv-"), "tiles.csv");
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);

        TilesCsv.Write(path, tiles);
        var read = TilesCsv.Read(path);

        Assert.That(read.Select(t => (t.TileId, t.Target, t.Row, t.Col)), Is.EqualTo(tiles.Select(t => (t.TileId, t.Target, t.Row, t.Col))));
        Assert.That(read.Select(t => t.RaDeg), Is.EqualTo(tiles.Select(t => Math.Round(t.RaDeg, 8))).Within(1e-12));
    }

    [Test]
    public void ThePlansTileListReadsBackTheSameTiles()
    {
        var tiles = Tiles();
        var path = Path.Combine(TestTemp.NewPath("tile-list-"), "Tiling.tiles.tsv");
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);

        TileList.Write(path, tiles);

        Assert.That(TileList.Read(path), Is.EqualTo(tiles), "every field, to the last bit of each double (a Tile is a record)");
        Assert.That(File.ReadLines(path).Count(), Is.EqualTo(tiles.Count + 1), "one line per tile: names with line ends are escaped");
    }

    [Test]
    public void AFileThatIsNoTileListIsAnInternalError()
    {
        var path = Path.Combine(TestTemp.NewPath("tile-list-"), "Tiling.tiles.tsv");
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllText(path, TilesCsv.ToText(Tiles()));

        var e = Assert.Throws<VascoException>(() => TileList.Read(path))!;

        Assert.That(e.Code, Is.EqualTo("VASCO0001"));
    }
}
