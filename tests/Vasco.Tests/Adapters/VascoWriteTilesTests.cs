using System.Text.Json.Nodes;
using NUnit.Framework;
using Vasco.MSBuild;
using static Vasco.Tests.Adapters.Adapter;

namespace Vasco.Tests.Adapters;

/// <summary>VascoWriteTiles, step 0: tiles.csv, its manifest and the run log, from the plan's tile list.</summary>
public class VascoWriteTilesTests
{
    /// <summary>The task as _VascoTiling calls it, after a plan that listed <paramref name="tiles"/> beside the stamp.</summary>
    static VascoWriteTiles Task(string runDir, params Microsoft.Build.Framework.ITaskItem[] tiles)
    {
        var stamp = Path.Combine(runDir, "obj", "Tiling.stamp");
        Directory.CreateDirectory(Path.GetDirectoryName(stamp)!);
        Vasco.Tiling.TileList.Write(Vasco.Steps.TilingStep.PlannedTilesPath(stamp), tiles.Select(Items.ToTile));
        return new()
        {
            RunDir = runDir,
            RunId = "m67",
            StampFile = stamp,
            Step = TilingStep(runDir),
            Parameters = Resolved(("TilingMode", "single"), ("TileSizeArcmin", "30")),
        };
    }

    static string TilesDir(string runDir) => Path.Combine(runDir, "data", "Tiling");

    [Test]
    public void WritesTilesCsvItsManifestAndTheRunLog()
    {
        var runDir = NewRunDir();
        Directory.CreateDirectory(Path.Combine(runDir, "obj"));
        File.WriteAllText(Path.Combine(runDir, "obj", "Tiling.stamp"), "d1g3st\nparam TileSizeArcmin=30\n");

        var (ok, engine) = Run(Task(runDir, Tile("M67", 132.825, 11.8), Tile("M44", 130.1, 19.67, target: "M44")));

        Assert.That(ok, Is.True, engine.Log);
        var csv = File.ReadAllLines(Path.Combine(TilesDir(runDir), "tiles.csv"));
        Assert.That(csv[0], Is.EqualTo("tile_id,ra,dec,ra_min,ra_max,dec_min,dec_max,target,size_arcmin,row,col"));
        Assert.That(csv.Skip(1).Select(l => l.Split(',')[0]), Is.EqualTo(new[] { "M67", "M44" }));
        var manifest = JsonNode.Parse(File.ReadAllText(Path.Combine(TilesDir(runDir), "manifest.json")))!;
        Assert.That((string?)manifest["step"], Is.EqualTo("Tiling"));
        Assert.That((string?)manifest["stamp"], Is.EqualTo("d1g3st"));
        Assert.That((double?)manifest["counts"]!["tiles"], Is.EqualTo(2));
        Assert.That((double?)manifest["counts"]!["targets"], Is.EqualTo(2));
        Assert.That((string?)manifest["parameters"]!["TileSizeArcmin"], Is.EqualTo("30"));
        Assert.That((string?)manifest["tile_size"], Is.EqualTo("30x30 arcmin"));
        Assert.That((string?)manifest["source_list"], Is.EqualTo("run file"));
        Assert.That(File.ReadAllText(Path.Combine(runDir, "logs", "Tiling", "m67.log")), Does.Contain("tiling: 2 target(s) -> 2 tile(s), mode single"));
        Assert.That(engine.Messages.Select(m => m.Message), Does.Contain("VascoTiling: 2 target(s) -> 2 tile(s) in data/Tiling/tiles.csv"));
    }

    [Test]
    public void TheManifestNamesTheTargetListsAsItsInputs()
    {
        var runDir = NewRunDir();
        var list = Path.Combine(runDir, "input", "targets.csv");
        Directory.CreateDirectory(Path.GetDirectoryName(list)!);
        File.WriteAllText(list, "name,ra,dec\nM67,132.825,11.8\n");
        var task = Task(runDir, Tile("M67"));
        task.TargetLists = [Item(list)];

        var (ok, engine) = Run(task);

        Assert.That(ok, Is.True, engine.Log);
        var manifest = Vasco.Pipeline.Manifest.Read(Path.Combine(TilesDir(runDir), "manifest.json"));
        Assert.That(manifest.Fields["source_list"]!.ToString(), Is.EqualTo("input/targets.csv"));
        Assert.That(manifest.Inputs.Single().Path, Is.EqualTo("input/targets.csv"));
        Assert.That(manifest.Inputs.Single().Sha256, Is.EqualTo(Vasco.Pipeline.FileRecord.Sha256Of(list)));
    }

    [Test]
    public void NoTilesIsVasco0206AskingForTargets()
    {
        var runDir = NewRunDir();

        var (ok, engine) = Run(Task(runDir));

        Assert.That(ok, Is.False);
        OneError(engine, "VASCO0206", "Tiling produced no tiles", "add targets to the run file");
        Assert.That(File.Exists(Path.Combine(TilesDir(runDir), "tiles.csv")), Is.False);
    }

    [Test]
    public void TwoTilesWithOneIdIsAnInternalError()
    {
        var (ok, engine) = Run(Task(NewRunDir(), Tile("M67"), Tile("m67")));

        Assert.That(ok, Is.False);
        OneError(engine, "VASCO0001", "Tiling produced an invalid tile m67", "report this with the run file");
    }

    [Test]
    public void WithoutThePlansTileListItIsAnInternalErrorAndWritesNothing()
    {
        var runDir = NewRunDir();
        var task = Task(runDir, Tile("M67"));
        File.Delete(Vasco.Steps.TilingStep.PlannedTilesPath(task.StampFile));

        var (ok, engine) = Run(task);

        Assert.That(ok, Is.False);
        OneError(engine, "VASCO0001", "Step 0 found no tile list of the plan", "build again");
        Assert.That(File.Exists(Path.Combine(TilesDir(runDir), "tiles.csv")), Is.False);
    }

    [Test]
    public void AFullDiskIsVasco0004()
    {
        // The run log is appended to; here it is /dev/full, whose writes fail as on a full disk (ENOSPC).
        if (!File.Exists("/dev/full")) Assert.Ignore("no /dev/full on this system");
        var runDir = NewRunDir();
        Directory.CreateDirectory(Path.Combine(runDir, "logs", "Tiling"));
        File.CreateSymbolicLink(Path.Combine(runDir, "logs", "Tiling", "m67.log"), "/dev/full");

        var (ok, engine) = Run(Task(runDir, Tile("M67")));

        Assert.That(ok, Is.False);
        OneError(engine, "VASCO0004", "VascoWriteTiles: a file could not be written, the disk is full", "free space on the disk that holds the run folder");
    }
}
