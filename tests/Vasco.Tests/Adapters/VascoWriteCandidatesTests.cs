using NUnit.Framework;
using Vasco.Filtering;
using Vasco.MSBuild;
using Vasco.Pipeline;
using static Vasco.Tests.Adapters.Adapter;

namespace Vasco.Tests.Adapters;

/// <summary>VascoWriteCandidates: the run's candidates.csv from the tiles whose step-8 result is current, the others listed as failed.</summary>
public class VascoWriteCandidatesTests
{
    string _runDir = "", _filterDir = "", _stampDir = "";

    [SetUp]
    public void NewRun()
    {
        _runDir = NewRunDir();
        _filterDir = Path.Combine(_runDir, "data", "Filter") + "/";
        _stampDir = Path.Combine(_runDir, "obj", "stamps") + "/";
        Directory.CreateDirectory(_filterDir);
    }

    VascoWriteCandidates Task(params string[] tiles) => new()
    {
        RunDir = _runDir,
        RunId = "m67",
        FilterDir = _filterDir,
        AllTiles = tiles.Select(t => Tile(t)).ToArray(),
        Steps = [TilingStep(_runDir), Step(_runDir, "Filter", 8, after: "Tiling")],
        StampDir = _stampDir,
    };

    /// <summary>A tile that step 8 built under stamp <paramref name="madeUnder"/>, with <paramref name="rows"/> candidates; its stamp is now <paramref name="stampNow"/>.</summary>
    void Built(string tile, int rows, string madeUnder = "s1", string stampNow = "s1")
    {
        var csv = Path.Combine(_filterDir, tile + "_candidates.csv");
        File.WriteAllText(csv, Candidates.Header + string.Concat(Enumerable.Range(1, rows).Select(i => $"{tile},{i},1,2,17,9,3,1.1,0.01,0,P1,1953.1,,,,,,,\n")));
        var m = new Manifest { Step = "Filter", StepNumber = 8, RunId = "m67", TileId = tile, Stamp = madeUnder };
        m.Counts["candidates"] = rows;
        m.Outputs.Add(FileRecord.Of(csv, _runDir));
        m.Write(TileRecords.ManifestPath(_filterDir, tile));
        Stamp(tile, stampNow);
    }

    void Stamp(string tile, string digest)
    {
        var path = StampPlanner.StampPath(_stampDir, "Filter", tile);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllText(path, digest + "\n");
    }

    Manifest RunManifest() => Manifest.Read(Path.Combine(_filterDir, "filter.manifest.json"));

    [Test]
    public void JoinsTheCurrentTilesCandidatesInTileOrder()
    {
        Built("b", rows: 1);
        Built("a", rows: 2);

        var (ok, engine) = Run(Task("a", "b"));

        Assert.That(ok, Is.True, engine.Log);
        var lines = File.ReadAllLines(Path.Combine(_filterDir, "candidates.csv"));
        Assert.That(lines[0] + "\n", Is.EqualTo(Candidates.Header));
        Assert.That(lines.Skip(1).Select(l => l[..3]), Is.EqualTo(new[] { "a,1", "a,2", "b,1" }));
        var manifest = RunManifest();
        Assert.That(manifest.Status, Is.EqualTo("ok"));
        Assert.That(manifest.Counts["candidates"], Is.EqualTo(3));
        Assert.That(manifest.Outputs.Single().Path, Is.EqualTo("data/Filter/candidates.csv"));
        Assert.That(engine.Messages.Select(m => m.Message), Does.Contain("VascoFilter: 3 candidate(s) in data/Filter/candidates.csv"));
        // candidates.csv moved the folder's time, but no record: the records' listing is kept for the next look, and right.
        var kept = TileRecords.Snapshot("Filter", _filterDir, _stampDir);
        Assert.That(kept.Reused, Is.True, "the listing kept after candidates.csv was written");
        Assert.That(kept.Files.Keys.Order(), Is.EqualTo(new[] { "a.tile.json", "b.tile.json" }));
    }

    [Test]
    public void FailedUnbuiltAndStaleTilesContributeNothingAndAreListedWithTheirReasons()
    {
        Built("a", rows: 2);
        // b: step 8 never ran for it; c: its stamp changed since it was built; d: it failed with a code.
        Built("c", rows: 5, madeUnder: "s1", stampNow: "s2");
        new Manifest { Step = "Filter", RunId = "m67", TileId = "d", Status = "failed", FailedTiles = [new FailedTile("d", "VASCO8001", "the validator found a match beyond 5\"")] }
            .Write(TileRecords.FailedPath(_filterDir, "d"));

        var (ok, engine) = Run(Task("a", "b", "c", "d"));

        Assert.That(ok, Is.True, "the failed tiles were reported by their own step: " + engine.Log);
        Assert.That(engine.Errors, Is.Empty);
        Assert.That(File.ReadAllLines(Path.Combine(_filterDir, "candidates.csv")).Skip(1).Select(l => l[..2]), Is.EqualTo(new[] { "a,", "a," }));
        var manifest = RunManifest();
        Assert.That(manifest.Status, Is.EqualTo("partial"));
        Assert.That(manifest.FailedTiles.Select(f => (f.TileId, f.Code)), Is.EqualTo(new[] { ("b", "VASCO0003"), ("c", "VASCO0003"), ("d", "VASCO8001") }));
        Assert.That(manifest.FailedTiles[0].Reason, Does.StartWith("Filter: not built"));
        Assert.That(manifest.FailedTiles[1].Reason, Does.StartWith("Filter: not rebuilt since its inputs or parameters changed"));
        Assert.That(manifest.FailedTiles[2].Reason, Is.EqualTo("Filter: the validator found a match beyond 5\""));
        Assert.That(engine.Messages.Select(m => m.Message),
            Does.Contain("VascoFilter: 2 candidate(s) in data/Filter/candidates.csv from 1 of 4 tile(s); 3 tile(s) failed or out of date contribute none"));
    }

    [Test]
    public void AShardWritesIntoItsOwnFolder()
    {
        Built("a", rows: 1);
        var task = Task("a");
        task.OutputDir = Path.Combine(_filterDir, "shards", "0-of-2") + "/";

        var (ok, engine) = Run(task);

        Assert.That(ok, Is.True, engine.Log);
        Assert.That(File.ReadAllLines(Path.Combine(task.OutputDir, "candidates.csv")), Has.Length.EqualTo(2));
        Assert.That(File.Exists(Path.Combine(task.OutputDir, "filter.manifest.json")), Is.True);
        Assert.That(File.Exists(Path.Combine(_filterDir, "candidates.csv")), Is.False);
    }
}
