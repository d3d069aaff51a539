using NUnit.Framework;
using Vasco.Pipeline;
using Vasco.Tests.Support;
using Vasco.Tiling;

namespace Vasco.Tests.Engine;

/// <summary>Survey runs (TilingMode=footprint, random): a run file without targets, through real builds.</summary>
[NonParallelizable]
public class SurveyRunTests
{
    [Test]
    public void ARandomRunWithoutTargetsWritesItsTiles()
    {
        using var run = new RunFolder("random");
        run.WriteRunFile("<VascoBuiltInSteps>false</VascoBuiltInSteps><TilingMode>random</TilingMode><RandomTileCount>5</RandomTileCount><RandomSeed>11</RandomSeed>",
            testSteps: false);
        var build = run.Build();
        Assert.That(build.ExitCode, Is.EqualTo(0), build.ToString());
        var tiles = TilesCsv.Read(run.Path("data", "tiles", run.RunId, "tiles.csv"));
        Assert.That(tiles.Select(t => t.TileId), Is.EqualTo(new[] { "rnd_s11_00000", "rnd_s11_00001", "rnd_s11_00002", "rnd_s11_00003", "rnd_s11_00004" }));
        Assert.That(tiles.All(t => t.DecDeg >= -30 && t.SizeArcmin == 60 && t.Target == "random"), Is.True);
        // The CSV holds what the tiler draws for this seed (8 decimals).
        var drawn = RandomTiler.Tile(SkyBand.PossI, 60, 5, 11);
        Assert.That(tiles.Select(t => (Math.Round(t.RaDeg, 6), Math.Round(t.DecDeg, 6))), Is.EqualTo(drawn.Select(t => (Math.Round(t.RaDeg, 6), Math.Round(t.DecDeg, 6)))));
        var manifest = Manifest.Read(run.Path("data", "tiles", run.RunId, "manifest.json"));
        Assert.That(manifest.Fields["tiling_mode"]!.ToString(), Is.EqualTo("random"));
        Assert.That(manifest.Fields["tiles_count"]!.ToString(), Is.EqualTo("5"));
        Assert.That(manifest.Parameters["RandomSeed"], Is.EqualTo("11"));
        Assert.That(manifest.Fields["band"]!.ToString(), Is.EqualTo("Dec -30 to 90"));
        Assert.That(build.Output, Does.Contain("VascoTiling: band Dec -30 to 90 -> 5 tile(s)"));
    }

    [Test]
    public void ARunOfStep0AloneRewritesItsTilesOnlyWhenItsTilingChanges()
    {
        // No per-tile step: the plan makes no tile items, and step 0 reads the plan's tile list.
        using var run = new RunFolder("tiling-only");
        run.WriteRunFile("<VascoBuiltInSteps>false</VascoBuiltInSteps><TilingMode>random</TilingMode><RandomTileCount>5</RandomTileCount>",
            testSteps: false);
        var csv = run.Path("data", "tiles", run.RunId, "tiles.csv");
        Assert.That(run.Build().ExitCode, Is.EqualTo(0));
        var written = File.GetLastWriteTimeUtc(csv);

        var noop = run.Build("-p:Tiles=rnd_s1_00003");
        Assert.That(noop.ExitCode, Is.EqualTo(0), noop.ToString());
        Assert.That(noop.Ran("VascoWriteTiles"), Is.False, "nothing changed");
        Assert.That(File.GetLastWriteTimeUtc(csv), Is.EqualTo(written));

        var grown = run.Build("-p:RandomTileCount=7");
        Assert.That(grown.ExitCode, Is.EqualTo(0), grown.ToString());
        Assert.That(grown.Ran("VascoWriteTiles"), Is.True, "a tiling parameter changed");
        Assert.That(TilesCsv.Read(csv).Select(t => t.TileId), Is.EqualTo(Enumerable.Range(0, 7).Select(i => $"rnd_s1_{i:00000}")));
        Assert.That(Manifest.Read(run.Path("data", "tiles", run.RunId, "manifest.json")).Counts["tiles"], Is.EqualTo(7));
    }

    [Test]
    public void GrowingARandomRunKeepsItsTilesAndRunsOnlyTheNewOnes()
    {
        using var run = new RunFolder("grow");
        run.WriteRunFile("<TilingMode>random</TilingMode><FootprintDecMin>0</FootprintDecMin><FootprintDecMax>40</FootprintDecMax>");
        run.WriteFile("stars/random.csv", "ra,dec,mag\n");
        var first = run.Build("-p:RandomTileCount=5");
        Assert.That(first.ExitCode, Is.EqualTo(0), first.ToString());
        Assert.That(first.TilesRun("StarCount"), Has.Count.EqualTo(5));
        var csv = run.Path("data", "tiles", run.RunId, "tiles.csv");
        var before = File.ReadAllLines(csv);

        var grown = run.Build("-p:RandomTileCount=8");
        Assert.That(grown.ExitCode, Is.EqualTo(0), grown.ToString());
        Assert.That(grown.TilesRun("StarCount"), Is.EqualTo(new[] { "rnd_s1_00005", "rnd_s1_00006", "rnd_s1_00007" }), "only the new tiles run");
        var after = File.ReadAllLines(csv);
        Assert.That(after, Has.Length.EqualTo(9));
        Assert.That(after.Take(6), Is.EqualTo(before), "the first five tiles are unchanged");
    }

    [Test]
    public void AFootprintRunTilesItsBand()
    {
        using var run = new RunFolder("footprint");
        run.WriteRunFile("<VascoBuiltInSteps>false</VascoBuiltInSteps><TilingMode>footprint</TilingMode><TileSizeArcmin>30</TileSizeArcmin>" +
            "<FootprintDecMin>20</FootprintDecMin><FootprintDecMax>22</FootprintDecMax><FootprintRaMin>355</FootprintRaMin><FootprintRaMax>5</FootprintRaMax>",
            testSteps: false);
        var build = run.Build();
        Assert.That(build.ExitCode, Is.EqualTo(0), build.ToString());
        var tiles = TilesCsv.Read(run.Path("data", "tiles", run.RunId, "tiles.csv"));
        Assert.That(tiles.Select(t => t.TileId), Is.EqualTo(FootprintTiler.Tile(new SkyBand(20, 22, 355, 5), 30, 0).Select(t => t.TileId)));
        Assert.That(tiles, Has.Count.InRange(4 * 20, 6 * 24), "about 5 rings of 20-odd 30' tiles for 10 deg of RA");
        Assert.That(tiles.Any(t => t.RaDeg > 355) && tiles.Any(t => t.RaDeg < 5), Is.True, "the band runs through RA 0");
    }

    [Test]
    public void TargetsInASurveyRunAreAnError()
    {
        using var run = new RunFolder("survey-targets");
        run.WriteRunFile("<VascoBuiltInSteps>false</VascoBuiltInSteps><TilingMode>footprint</TilingMode>",
            """<VascoTarget Include="M67" Ra="132.8" Dec="11.8" />""", testSteps: false);
        var build = run.Build();
        Assert.That(build.ExitCode, Is.Not.EqualTo(0));
        Assert.That(build.ErrorCodes(), Is.EqualTo(new[] { "VASCO0209" }), build.Output);
        Assert.That(build.Output, Does.Contain("M67").And.Contain("Fix:"));
        Assert.That(Directory.Exists(run.Path("data")), Is.False, "nothing is written for a run that cannot start");
    }
}
