using NUnit.Framework;
using Vasco.Pipeline;
using Vasco.Tests.Support;
using Vasco.Tiling;

namespace Vasco.Tests.Engine;

/// <summary>Step 0 and the run file's contract, through real builds.</summary>
[NonParallelizable]
public class RunFileTests
{
    [Test]
    public void TheSeedsExampleRunIsOneTileAndASecondBuildRunsNothing()
    {
        var runFile = Repo.Path("runs", "ra150-dec20", "run.vascoproj");
        var runDir = Path.GetDirectoryName(runFile)!;
        try
        {
            var first = DotNet.Build(runFile, "-t:VascoTiling");
            Assert.That(first.ExitCode, Is.EqualTo(0), first.Output);
            var tiles = TilesCsv.Read(Path.Combine(runDir, "data", "tiles", "ra150-dec20", "tiles.csv"));
            Assert.That(tiles, Has.Count.EqualTo(1));
            Assert.That(tiles[0].RaDeg, Is.EqualTo(150).Within(1e-9));
            Assert.That(tiles[0].DecDeg, Is.EqualTo(20).Within(1e-9));
            Assert.That(tiles[0].SizeArcmin, Is.EqualTo(60));
            var manifest = Manifest.Read(Path.Combine(runDir, "data", "tiles", "ra150-dec20", "manifest.json"));
            Assert.That(manifest.RunId, Is.EqualTo("ra150-dec20"));
            Assert.That(manifest.Fields["tiles_count"]!.ToString(), Is.EqualTo("1"));
            Assert.That(manifest.Fields["tiling_mode"]!.ToString(), Is.EqualTo("hex30"));
            Assert.That(manifest.Fields["tile_size"]!.ToString(), Is.EqualTo("60x60 arcmin"));

            var second = DotNet.Build(runFile, "-t:VascoTiling");
            Assert.That(second.ExitCode, Is.EqualTo(0));
            Assert.That(second.Ran("VascoWriteTiles"), Is.False);
        }
        finally
        {
            DotNet.Build(runFile, "-t:Clean");
        }
        Assert.That(Directory.Exists(Path.Combine(runDir, "data", "tiles", "ra150-dec20")), Is.False, "Clean removes the run's outputs");
    }

    [Test]
    public void TargetsComeFromItemsAndCsvAndParametersFollowPrecedence()
    {
        using var run = new RunFolder("runfile");
        run.WriteFile("targets.csv", "name,ra,dec\nNGC 188,00:47:28,+85:15:18\nM45,03:47:24,+24:07:00\n");
        run.WriteFile("my.yaml", "TileSizeArcmin: 45\nMatchRadiusArcsec: 4\n");
        run.WriteRunFile("<VascoConfigFile>my.yaml</VascoConfigFile><MatchRadiusArcsec>3</MatchRadiusArcsec><TilingMode>single</TilingMode>",
            """<VascoTarget Include="M67" Ra="08:51:20.1" Dec="+11:48:43" /><VascoTargetList Include="targets.csv" />""", testSteps: false);
        var build = run.Build("-t:VascoTiling", "-p:TileSizeArcmin=50");
        Assert.That(build.ExitCode, Is.EqualTo(0), build.ToString());
        var tiles = TilesCsv.Read(run.Path("data", "tiles", run.RunId, "tiles.csv"));
        Assert.That(tiles.Select(t => t.TileId), Is.EqualTo(new[] { "M67", "NGC_188", "M45" }));
        Assert.That(tiles.All(t => t.SizeArcmin == 50), "the command line beats the config file");
        var manifest = Manifest.Read(run.Path("data", "tiles", run.RunId, "manifest.json"));
        Assert.That(manifest.Fields["source_list"]!.ToString(), Is.EqualTo("targets.csv"));
        Assert.That(manifest.Inputs.Single().Path, Is.EqualTo("targets.csv"));

        // Editing the target list reruns the tiling.
        File.AppendAllText(run.Path("targets.csv"), "Pleiades2,56.75,24.1167\n");
        var again = run.Build("-t:VascoTiling", "-p:TileSizeArcmin=50");
        Assert.That(again.Ran("VascoWriteTiles"), Is.True);
        Assert.That(TilesCsv.Read(run.Path("data", "tiles", run.RunId, "tiles.csv")), Has.Count.EqualTo(4));
    }

    // Through a real build: a run-file item, a config file named relative to the run file, and a RunId the lock refuses
    // before the plan. Every other plan error (VASCO0204-0206, 0201, 0103, ...) is checked on the task itself, in Adapters/VascoPlanTests.
    [TestCase("""<VascoTarget Include="bad" Ra="361" Dec="0" />""", "", "VASCO0203")]
    [TestCase("""<VascoTarget Include="a" Ra="10" Dec="0" />""", "<VascoConfigFile>nope.yaml</VascoConfigFile>", "VASCO0101")]
    [TestCase("""<VascoTarget Include="a" Ra="10" Dec="0" />""", "<RunId>../escape</RunId>", "VASCO0107")]
    public void BadInputGivesACodedErrorAndANonZeroExit(string items, string properties, string code)
    {
        using var run = new RunFolder("bad");
        run.WriteRunFile(properties, items, testSteps: false);
        var build = run.Build("-t:VascoTiling");
        Assert.That(build.ExitCode, Is.Not.EqualTo(0));
        Assert.That(build.ErrorCodes(), Is.EqualTo(new[] { code }), build.Output);
        Assert.That(build.Output, Does.Contain("Fix:"));
        Assert.That(Directory.Exists(run.Path("data")), Is.False, "nothing is written for a run that cannot start");
    }

    /// <summary>An error about a run file's property or item points at its line there (editors and CI annotate it), not at Vasco's targets.</summary>
    [TestCase("<TileSizeArcmin>-5</TileSizeArcmin>", """<VascoTarget Include="a" Ra="10" Dec="0" />""", "<TileSizeArcmin>", "VASCO0103")]
    [TestCase("", "<VascoTarget Include=\"a\" Ra=\"10\" Dec=\"0\" />\n<VascoTarget Include=\"far\" Ra=\"10\" Dec=\"95\" />", "Include=\"far\"", "VASCO0204")]
    public void AnErrorInTheRunFilePointsAtItsLine(string properties, string items, string element, string code)
    {
        using var run = new RunFolder("where");
        run.WriteRunFile(properties, items, testSteps: false);
        var lines = File.ReadAllLines(run.RunFile);
        var line = Array.FindIndex(lines, l => l.Contains(element, StringComparison.Ordinal)) + 1;
        var column = lines[line - 1].IndexOf('<', StringComparison.Ordinal) + 1;
        var build = run.Build("-t:VascoTiling");
        Assert.That(build.ExitCode, Is.Not.EqualTo(0));
        Assert.That(build.Output, Does.Contain($"{run.RunFile}({line},{column}): error {code}:"), build.Output);
    }

    [Test]
    public void ABadInputLeavesEarlierOutputsIntact()
    {
        using var run = new RunFolder("intact");
        run.WriteRunFile("", """<VascoTarget Include="a" Ra="10" Dec="0" />""", testSteps: false);
        Assert.That(run.Build("-t:VascoTiling").ExitCode, Is.EqualTo(0));
        var csv = run.Path("data", "tiles", run.RunId, "tiles.csv");
        var before = File.ReadAllText(csv);
        run.WriteRunFile("", """<VascoTarget Include="a" Ra="10" Dec="95" />""", testSteps: false);
        var bad = run.Build("-t:VascoTiling");
        Assert.That(bad.ExitCode, Is.Not.EqualTo(0));
        Assert.That(File.ReadAllText(csv), Is.EqualTo(before));
    }
}
