using System.Text.Json;
using Microsoft.Build.Framework;
using NUnit.Framework;
using Vasco.MSBuild;
using Vasco.Pipeline;
using Vasco.Sharding;
using static Vasco.Tests.Adapters.Adapter;

namespace Vasco.Tests.Adapters;

/// <summary>The scale-out tasks: VascoShardDone (a shard's completion record), VascoMergeShards and VascoMergeManifests (VascoMerge).</summary>
public class ShardTasksTests
{
    string _runDir = "", _shardsDir = "", _stateDir = "";
    static readonly string[] TileIds = ["a", "b", "c"];

    [SetUp]
    public void NewRun()
    {
        _runDir = NewRunDir();
        _shardsDir = Path.Combine(_runDir, "data", "shards", "m67") + "/";
        _stateDir = Path.Combine(_runDir, "obj", "vasco", "m67") + "/";
    }

    ITaskItem[] Steps => [TilingStep(_runDir), Step(_runDir, "Filter", 8, after: "Tiling", reads: "MatchRadiusArcsec", tools: "stilts")];

    VascoShardDone Done(int shard, string matchRadius = "5", params string[] failed) => new()
    {
        RunDir = _runDir,
        ShardsDir = _shardsDir,
        Shard = shard.ToString(),
        ShardCount = "2",
        Tiles = new Shard(shard, 2).Select(TileIds).Select(t => Tile(t)).ToArray(),
        Steps = Steps,
        Parameters = Resolved(("MatchRadiusArcsec", matchRadius)),
        Tools = [Item("stilts", ("Version", "3.5-1"))],
        FailedTiles = failed.Select(f => Item(f)).ToArray(),
    };

    VascoMergeShards Merge(string shardCount = "2") => new()
    {
        RunDir = _runDir, RunId = "m67", ShardsDir = _shardsDir, StateDir = _stateDir, Steps = Steps, ShardCount = shardCount,
    };

    /// <summary>The frozen tile list, and each shard's stamps as its build leaves them.</summary>
    void ShardsRan()
    {
        FrozenTiles.FreezeOrCheck(_shardsDir, "m67", TileIds.Select(t => Items.ToTile(Tile(t))).ToList());
        for (var i = 0; i < TileIds.Length; i++)
        {
            var stamp = StampPlanner.StampPath(Path.Combine(_stateDir, "shards", $"{i % 2}-of-2", "stamps"), "Filter", TileIds[i]);
            Directory.CreateDirectory(Path.GetDirectoryName(stamp)!);
            File.WriteAllText(stamp, $"digest-{TileIds[i]}\nparam MatchRadiusArcsec=5\n");
        }
    }

    [Test]
    public void AShardThatFinishedRecordsItsTilesParametersAndTools()
    {
        var (ok, engine) = Run(Done(1));

        Assert.That(ok, Is.True, engine.Log);
        var record = ShardRecord.TryRead(Path.Combine(_shardsDir, "1-of-2.json"))!;
        Assert.That((record.Shard, record.ShardCount, record.Status), Is.EqualTo((1, 2, "ok")));
        Assert.That(record.Tiles, Is.EqualTo(new[] { "b" }));
        Assert.That(record.Parameters["MatchRadiusArcsec"], Is.EqualTo("5"));
        Assert.That(record.Parameters, Does.ContainKey("TileSizeArcmin"), "what step 0 reads too");
        Assert.That(record.Parameters, Does.Not.ContainKey("DownloadRetries"), "only what the steps read");
        Assert.That(record.Tools["stilts"], Is.EqualTo("3.5-1"));
        Assert.That(engine.Messages.Select(m => m.Message), Does.Contain("Vasco: shard 1 of 2 finished: data/shards/m67/1-of-2.json"));
    }

    [Test]
    public void AShardWithFailedTilesRecordsThemOnce()
    {
        var (ok, engine) = Run(Done(0, "5", "Filter:a", "Filter:a", "Pass1:c"));

        Assert.That(ok, Is.True, engine.Log);
        var record = ShardRecord.TryRead(Path.Combine(_shardsDir, "0-of-2.json"))!;
        Assert.That(record.Status, Is.EqualTo("failed"));
        Assert.That(record.FailedTiles, Is.EqualTo(new[] { "Filter:a", "Pass1:c" }));
        Assert.That(engine.Messages.Select(m => m.Message), Does.Contain("Vasco: shard 0 of 2 failed: data/shards/m67/0-of-2.json"));
    }

    [TestCase("Shard", "takes no Shard=, Tiles= or FromStep=")]
    [TestCase("Tiles", "takes no Shard=, Tiles= or FromStep=")]
    [TestCase("FromStep", "takes no Shard=, Tiles= or FromStep=")]
    [TestCase("NoCount", "VascoMerge needs ShardCount=")]
    public void AMergeOfPartOfTheShardsIsVasco1201(string given, string says)
    {
        var merge = Merge(shardCount: given == "NoCount" ? "" : "2");
        if (given == "Shard") merge.Shard = "0";
        if (given == "Tiles") merge.Tiles = "a";
        if (given == "FromStep") merge.FromStep = "8";

        var (ok, engine) = Run(merge);

        Assert.That(ok, Is.False);
        OneError(engine, "VASCO1201", says, "-t:VascoMerge -p:ShardCount=N");
    }

    [Test]
    public void AMergeBeforeAnyShardRanIsVasco1203NamingTheMissingList()
    {
        var (ok, engine) = Run(Merge());

        Assert.That(ok, Is.False);
        var error = OneError(engine, "VASCO1203", "Run m67 has no frozen tile list (data/shards/m67/tiles.csv)", "run the shards first");
        Assert.That(error.File, Is.EqualTo(Path.Combine(_shardsDir, "tiles.csv")));
    }

    [Test]
    public void AMergeWithAShardUnfinishedIsVasco1203NamingIt()
    {
        ShardsRan();
        Run(Done(0));

        var (ok, engine) = Run(Merge());

        Assert.That(ok, Is.False);
        OneError(engine, "VASCO1203", "1 of its 2 shards did not finish: shard 1 has no completion record", "-p:Shard=K -p:ShardCount=2 for K = 1");
    }

    [Test]
    public void AMergeWithAFailedShardIsVasco1203NamingItsFailedTiles()
    {
        ShardsRan();
        Run(Done(0));
        Run(Done(1, "5", "Filter:b"));

        var (ok, engine) = Run(Merge());

        Assert.That(ok, Is.False);
        OneError(engine, "VASCO1203", "shard 1 failed (Filter:b)", "for K = 1");
    }

    [Test]
    public void AMergeOfShardsBuiltWithOtherParametersIsVasco1204()
    {
        ShardsRan();
        Run(Done(0, matchRadius: "5"));
        Run(Done(1, matchRadius: "4"));

        var (ok, engine) = Run(Merge());

        Assert.That(ok, Is.False);
        OneError(engine, "VASCO1204", "shard 1 and shard 0 were built differently: MatchRadiusArcsec=4 against MatchRadiusArcsec=5", "build the odd shards again");
    }

    [Test]
    public void AMergeAdoptsTheShardsStampsOnce()
    {
        ShardsRan();
        Run(Done(0));
        Run(Done(1));

        var (ok, engine) = Run(Merge());

        Assert.That(ok, Is.True, engine.Log);
        foreach (var t in TileIds)
            Assert.That(StampPlanner.ReadDigest(StampPlanner.StampPath(Path.Combine(_stateDir, "stamps"), "Filter", t)), Is.EqualTo($"digest-{t}"));
        Assert.That(File.ReadAllText(Path.Combine(_stateDir, "stamps", "Filter.index")), Is.EqualTo("a\tdigest-a\nb\tdigest-b\nc\tdigest-c\n"));
        Assert.That(engine.Messages.Single().Message, Does.Contain("2 shard(s) of run m67 finished alike").And.Contain("stilts 3.5-1").And.EndWith("3 tile(s); 3 stamp(s) adopted"));

        var (again, second) = Run(Merge());
        Assert.That(again, Is.True, second.Log);
        Assert.That(second.Messages.Single().Message, Does.EndWith("0 stamp(s) adopted"));
    }

    [Test]
    public void MergeManifestsWritesEachPerTileStepsManifestOverAllTilesWithTheShardsFields()
    {
        var filter = Path.Combine(_runDir, "data", "Filter");
        Directory.CreateDirectory(filter);
        foreach (var t in new[] { "a", "b" })
            new Manifest { Step = "Filter", RunId = "m67", TileId = t, Counts = { ["candidates"] = 2 } }.Write(TileRecords.ManifestPath(filter, t));
        var shardManifest = new Manifest { Step = "Filter", RunId = "m67", Fields = { ["validator"] = "within5" } };
        Directory.CreateDirectory(Path.Combine(filter, "shards", "1-of-2"));
        shardManifest.Write(Path.Combine(filter, "shards", "1-of-2", "manifest.json"));
        var task = new VascoMergeManifests
        {
            RunDir = _runDir, RunId = "m67", ShardCount = "2", AllTiles = TileIds.Select(t => Tile(t)).ToArray(),
            Steps = Steps, Parameters = Resolved(("MatchRadiusArcsec", "5")), Tools = [Item("stilts", ("Version", "3.5-1"))],
        };

        var (ok, engine) = Run(task);

        Assert.That(ok, Is.True, engine.Log);
        var m = Manifest.Read(Path.Combine(filter, "manifest.json"));
        Assert.That(m.Status, Is.EqualTo("partial"), "tile c has no manifest");
        Assert.That(m.Tiles!.Select(t => (t.TileId, t.Status)), Is.EqualTo(new[] { ("a", "ok"), ("b", "ok"), ("c", "not built") }));
        Assert.That(m.Counts["candidates"], Is.EqualTo(4));
        Assert.That(((JsonElement)m.Fields["validator"]!).GetString(), Is.EqualTo("within5"));
        Assert.That(m.Tools["stilts"], Is.EqualTo("3.5-1"));
        Assert.That(File.Exists(Path.Combine(_runDir, "data", "Tiling", "manifest.json")), Is.False, "step 0 is not per tile: VascoWriteTiles writes its manifest");
    }
}
