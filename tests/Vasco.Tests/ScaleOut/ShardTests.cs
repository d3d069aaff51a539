using NUnit.Framework;
using Vasco.Pipeline;
using Vasco.Sharding;
using Vasco.Tests.Support;

namespace Vasco.Tests.ScaleOut;

/// <summary>
/// Shard=K ShardCount=N without any scheduler (a plain loop of builds) and VascoMerge, on a
/// run of the two small real engine test steps: the merged run equals the unsharded one,
/// the merge is idempotent and refuses unfinished or unlike shards. The Slurm test does the
/// same with the real pipeline.
/// </summary>
[TestFixture, NonParallelizable]
public class ShardTests
{
    static readonly string[] Names = ["alpha", "beta", "gamma", "delta", "epsilon"];

    static RunFolder NewRun(string name)
    {
        var targets = string.Join("\n", Names.Select((n, i) => $"""<VascoTarget Include="{n}" Ra="{10 + 40 * i}" Dec="{5 + i}" />"""));
        var run = new RunFolder(name).WriteRunFile("<TilingMode>single</TilingMode><RunId>stars</RunId>", targets);
        for (var i = 0; i < Names.Length; i++)
            run.WriteFile($"stars/{Names[i]}.csv", $"ra,dec,mag\n{10 + 40 * i + 0.1},{5 + i + 0.1},9\n{10 + 40 * i},{5 + i},{11 + i}\n");
        return run;
    }

    static void Ok(BuildRun b) => Assert.That(b.ExitCode, Is.EqualTo(0), b.ToString());

    static string Read(RunFolder run, params string[] parts) => File.ReadAllText(run.Path(parts));

    [Test]
    public void ShardsBuiltInALoopAndMergedEqualTheUnshardedRun()
    {
        using var whole = NewRun("whole");
        Ok(whole.Build());
        using var run = NewRun("sharded");

        // Shard k of 3 gets the tiles k, k+3, ... of the frozen list.
        var shard0 = run.Build("-p:Shard=0", "-p:ShardCount=3");
        Ok(shard0);
        Assert.That(shard0.TilesRun("StarCount"), Is.EqualTo(new[] { "alpha", "delta" }));
        Ok(run.Build("-p:Shard=1", "-p:ShardCount=3"));
        var shard2 = run.Build("-p:Shard=2", "-p:ShardCount=3");
        Ok(shard2);
        Assert.That(shard2.TilesRun("StarCount"), Is.EqualTo(new[] { "gamma" }));
        Assert.That(Read(run, "data", "shards", "stars", "tiles.csv"), Is.EqualTo(Read(whole, "data", "tiles", "stars", "tiles.csv")));
        // Each shard wrote its run-scoped files in its own folder, and a completion record.
        Assert.That(File.Exists(run.Path("data", "starcount", "stars", "shards", "1-of-3", "manifest.json")));
        Assert.That(File.Exists(run.Path("data", "starcount", "stars", "manifest.json")), Is.False, "no shard writes the run's step manifest");
        Assert.That(ShardRecord.TryRead(run.Path("data", "shards", "stars", "1-of-3.json"))!.Tiles, Is.EqualTo(new[] { "beta", "epsilon" }));

        var merge = run.Build("-t:VascoMerge", "-p:ShardCount=3");
        Ok(merge);
        Assert.That(merge.Ran("StarCount") && merge.TilesRun("StarCount").Count > 0, Is.False, "the merge builds no tile");
        foreach (var name in Names)
        {
            Assert.That(Read(run, "data", "starcount", "stars", name + ".count.txt"), Is.EqualTo(Read(whole, "data", "starcount", "stars", name + ".count.txt")));
            Assert.That(Read(run, "data", "stardensity", "stars", name + ".density.txt"), Is.EqualTo(Read(whole, "data", "stardensity", "stars", name + ".density.txt")));
        }
        Assert.That(Read(run, "data", "tiles", "stars", "tiles.csv"), Is.EqualTo(Read(whole, "data", "tiles", "stars", "tiles.csv")));
        foreach (var step in new[] { "starcount", "stardensity" })
        {
            var merged = Manifest.Read(run.Path("data", step, "stars", "manifest.json"));
            var unsharded = Manifest.Read(whole.Path("data", step, "stars", "manifest.json"));
            Assert.That(merged.Tiles!.Select(t => (t.TileId, t.Status)), Is.EqualTo(unsharded.Tiles!.Select(t => (t.TileId, t.Status))));
            Assert.That(merged.Counts, Is.EqualTo(unsharded.Counts));
            Assert.That(merged.Outputs, Is.EqualTo(unsharded.Outputs), "same files, same bytes");
            Assert.That(merged.Status, Is.EqualTo("ok"));
        }

        // Merging again changes nothing; the merged run is an ordinary up-to-date run.
        var manifestPath = run.Path("data", "starcount", "stars", "manifest.json");
        var before = (File.ReadAllBytes(manifestPath), File.GetLastWriteTimeUtc(manifestPath));
        var again = run.Build("-t:VascoMerge", "-p:ShardCount=3");
        Ok(again);
        Assert.That(again.TilesRun("StarCount").Concat(again.TilesRun("StarDensity")), Is.Empty);
        Assert.That((File.ReadAllBytes(manifestPath), File.GetLastWriteTimeUtc(manifestPath)), Is.EqualTo(before));
        var plain = run.Build();
        Ok(plain);
        Assert.That(plain.Ran("StarCount") || plain.Ran("StarDensity") || plain.Ran("VascoWriteTiles"), Is.False, "after the merge a plain build runs nothing");
    }

    [Test]
    public void TheMergeRefusesUnfinishedFailedOrUnlikeShards()
    {
        using var run = NewRun("refuse");
        Ok(run.Build("-p:Shard=0", "-p:ShardCount=2"));
        var missing = run.Build("-t:VascoMerge", "-p:ShardCount=2");
        Assert.That(missing.ExitCode, Is.Not.EqualTo(0));
        Assert.That(missing.ErrorCodes(), Does.Contain("VASCO1203"));
        Assert.That(missing.Output, Does.Contain("shard 1 has no completion record"));

        // A failed tile fails its shard: the record says so and the merge refuses it.
        run.WriteFile("stars/beta.csv", "FAIL\n");
        var failed = run.Build("-p:Shard=1", "-p:ShardCount=2");
        Assert.That(failed.ExitCode, Is.Not.EqualTo(0));
        Assert.That(ShardRecord.TryRead(run.Path("data", "shards", "stars", "1-of-2.json"))!.Status, Is.EqualTo("failed"));
        Assert.That(ShardRecord.Unfinished(run.Path("data", "shards", "stars"), 2), Is.EqualTo(new[] { 1 }));
        var refused = run.Build("-t:VascoMerge", "-p:ShardCount=2");
        Assert.That(refused.ErrorCodes(), Does.Contain("VASCO1203"));
        Assert.That(refused.Output, Does.Contain("shard 1 failed (StarCount:beta"));

        // Fixed, but built with another parameter than shard 0: refused as unlike.
        run.WriteFile("stars/beta.csv", "ra,dec,mag\n50.1,6.1,9\n");
        Ok(run.Build("-p:Shard=1", "-p:ShardCount=2", "-p:StarMagLimit=14"));
        var unlike = run.Build("-t:VascoMerge", "-p:ShardCount=2");
        Assert.That(unlike.ErrorCodes(), Does.Contain("VASCO1204"));
        Assert.That(unlike.Output, Does.Contain("StarMagLimit=14 against StarMagLimit=12"));

        // Alike again: merged. A merge asked to rebuild tiles on its own is refused.
        Ok(run.Build("-p:Shard=1", "-p:ShardCount=2"));
        Ok(run.Build("-t:VascoMerge", "-p:ShardCount=2"));
        Assert.That(run.Build("-t:VascoMerge", "-p:ShardCount=2", "-p:FromStep=1").ErrorCodes(), Does.Contain("VASCO1201"));
        // A merge whose own plan differs from the shards' (another parameter here) would rebuild tiles: refused.
        Assert.That(run.Build("-t:VascoMerge", "-p:ShardCount=2", "-p:DensityUnit=arcmin2").ErrorCodes(), Does.Contain("VASCO1205"));
    }

    [Test]
    public void BadShardPropertiesAndAChangedTileListAreErrors()
    {
        using var run = NewRun("badshard");
        Assert.That(run.Build("-p:Shard=2", "-p:ShardCount=2").ErrorCodes(), Does.Contain("VASCO1201"));
        Assert.That(run.Build("-p:Shard=01", "-p:ShardCount=2").ErrorCodes(), Does.Contain("VASCO1201"));
        Assert.That(run.Build("-p:Shard=0").ErrorCodes(), Does.Contain("VASCO1201"));
        var tooMany = run.Build("-p:Shard=0", "-p:ShardCount=6");
        Assert.That(tooMany.ErrorCodes(), Does.Contain("VASCO1201"));
        Assert.That(tooMany.Output, Does.Contain("more than the run's 5 tile(s)"));
        Assert.That(Directory.Exists(run.Path("data", "starcount")), Is.False, "nothing ran");

        Ok(run.Build("-p:Shard=0", "-p:ShardCount=2"));
        // The run file changes under a sharded run: the next shard refuses to split another list.
        var text = File.ReadAllText(run.RunFile).Replace("""<VascoTarget Include="alpha" """, """<VascoTarget Include="zeta" Ra="300" Dec="1" /><VascoTarget Include="alpha" """);
        File.WriteAllText(run.RunFile, text);
        var changed = run.Build("-p:Shard=1", "-p:ShardCount=2");
        Assert.That(changed.ErrorCodes(), Does.Contain("VASCO1202"));
        Assert.That(changed.Output, Does.Contain("frozen"));
    }
}
