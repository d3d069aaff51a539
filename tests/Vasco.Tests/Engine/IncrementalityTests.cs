using NUnit.Framework;
using Vasco.Tests.Support;

namespace Vasco.Tests.Engine;

/// <summary>
/// The per-tile incrementality rules, proven through real `dotnet build` runs of a run file
/// with two small real steps (StarCount reads each target's star list and StarMagLimit;
/// StarDensity reads StarCount's output and DensityUnit). What ran is read from binlogs.
/// </summary>
[TestFixture, NonParallelizable]
public class IncrementalityTests
{
    const string Targets = """
        <VascoTarget Include="alpha" Ra="10" Dec="5" />
        <VascoTarget Include="beta" Ra="120" Dec="-20" />
        <VascoTarget Include="gamma" Ra="250" Dec="60" />
        """;

    static RunFolder NewRun()
    {
        var run = new RunFolder("inc").WriteRunFile("<TilingMode>single</TilingMode>", Targets);
        run.WriteFile("stars/alpha.csv", "ra,dec,mag\n10.1,5.1,9\n10.2,5.0,13\n");
        run.WriteFile("stars/beta.csv", "ra,dec,mag\n120.1,-20.1,8\n");
        run.WriteFile("stars/gamma.csv", "ra,dec,mag\n250.1,60.1,11\n250.0,60.0,11.5\n");
        return run;
    }

    static readonly string[] AllTiles = ["alpha", "beta", "gamma"];

    [Test]
    public void RerunsExactlyWhatChanged()
    {
        using var run = NewRun();

        var first = run.Build();
        Assert.That(first.ExitCode, Is.EqualTo(0), first.ToString());
        Assert.That(first.TilesRun("StarCount"), Is.EqualTo(AllTiles));
        Assert.That(first.TilesRun("StarDensity"), Is.EqualTo(AllTiles));
        Assert.That(File.ReadAllText(run.Path("data", "starcount", run.RunId, "alpha.count.txt")).Trim(), Is.EqualTo("1"));

        var noop = run.Build();
        Assert.That(noop.ExitCode, Is.EqualTo(0), noop.ToString());
        Assert.That(noop.Ran("VascoWriteTiles"), Is.False, "a no-op build must not rewrite tiles");
        Assert.That(noop.Ran("StarCount") || noop.Ran("StarDensity"), Is.False, "a no-op build must run no step");

        // A parameter read only by the second step reruns only that step, for every tile.
        var density = run.Build("-p:DensityUnit=arcmin2");
        Assert.That(density.TilesRun("StarCount"), Is.Empty);
        Assert.That(density.TilesRun("StarDensity"), Is.EqualTo(AllTiles));
        Assert.That(density.Ran("VascoWriteTiles"), Is.False);

        // A parameter of the first step reruns it and what reads its output, not the tiling.
        var mag = run.Build("-p:DensityUnit=arcmin2", "-p:StarMagLimit=14");
        Assert.That(mag.TilesRun("StarCount"), Is.EqualTo(AllTiles));
        Assert.That(mag.TilesRun("StarDensity"), Is.EqualTo(AllTiles));
        Assert.That(mag.Ran("VascoWriteTiles"), Is.False);
        Assert.That(File.ReadAllText(run.Path("data", "starcount", run.RunId, "alpha.count.txt")).Trim(), Is.EqualTo("2"));

        // Editing one tile's input reruns that tile's steps only.
        File.AppendAllText(run.Path("stars", "beta.csv"), "120.2,-20.2,7\n");
        var edited = run.Build("-p:DensityUnit=arcmin2", "-p:StarMagLimit=14");
        Assert.That(edited.TilesRun("StarCount"), Is.EqualTo(new[] { "beta" }));
        Assert.That(edited.TilesRun("StarDensity"), Is.EqualTo(new[] { "beta" }));

        // A new timestamp with the same content reruns nothing: stamps hash content.
        File.SetLastWriteTimeUtc(run.Path("stars", "gamma.csv"), DateTime.UtcNow.AddMinutes(1));
        var touched = run.Build("-p:DensityUnit=arcmin2", "-p:StarMagLimit=14");
        Assert.That(touched.Ran("StarCount") || touched.Ran("StarDensity"), Is.False);
    }

    [Test]
    public void TilesAndFromStepSelectWhatReruns()
    {
        using var run = NewRun();
        Assert.That(run.Build().ExitCode, Is.EqualTo(0));

        var forced = run.Build("-p:Tiles=gamma", "-p:FromStep=2");
        Assert.That(forced.ExitCode, Is.EqualTo(0), forced.ToString());
        Assert.That(forced.TilesRun("StarCount"), Is.Empty);
        Assert.That(forced.TilesRun("StarDensity"), Is.EqualTo(new[] { "gamma" }));

        var all = run.Build("-p:FromStep=1", "-p:Tiles=alpha%3Bbeta");
        Assert.That(all.TilesRun("StarCount"), Is.EqualTo(new[] { "alpha", "beta" }));
        Assert.That(all.TilesRun("StarDensity"), Is.EqualTo(new[] { "alpha", "beta" }));

        // A parameter change under Tiles= reruns only the selected tile; the others stay stale
        // and run on the next unrestricted build.
        var one = run.Build("-p:StarMagLimit=20", "-p:Tiles=alpha");
        Assert.That(one.TilesRun("StarCount"), Is.EqualTo(new[] { "alpha" }));
        var rest = run.Build("-p:StarMagLimit=20");
        Assert.That(rest.TilesRun("StarCount"), Is.EqualTo(new[] { "beta", "gamma" }));

        var unknown = run.Build("-p:Tiles=delta");
        Assert.That(unknown.ExitCode, Is.Not.EqualTo(0));
        Assert.That(unknown.ErrorCodes(), Does.Contain("VASCO0105"));

        var badStep = run.Build("-p:FromStep=7");
        Assert.That(badStep.ErrorCodes(), Does.Contain("VASCO0106"));
    }

    [Test]
    public void RemovedTilesArePrunedAndOthersUntouched()
    {
        using var run = NewRun();
        Assert.That(run.Build().ExitCode, Is.EqualTo(0));
        var betaCount = run.Path("data", "starcount", run.RunId, "beta.count.txt");
        var alphaCount = run.Path("data", "starcount", run.RunId, "alpha.count.txt");
        Assert.That(File.Exists(betaCount));
        var alphaTime = File.GetLastWriteTimeUtc(alphaCount);

        run.WriteRunFile("<TilingMode>single</TilingMode>", Targets.Replace("""<VascoTarget Include="beta" Ra="120" Dec="-20" />""", ""));
        var pruned = run.Build();
        Assert.That(pruned.ExitCode, Is.EqualTo(0), pruned.ToString());
        Assert.That(pruned.Ran("VascoWriteTiles"), Is.True, "the tile list changed");
        Assert.That(pruned.TilesRun("StarCount"), Is.Empty, "the remaining tiles are unchanged");
        Assert.That(File.Exists(betaCount), Is.False);
        Assert.That(Directory.Exists(run.Path("data", "starcount", run.RunId, "beta.parts")), Is.False, "the tile's own folder of outputs");
        Assert.That(File.Exists(run.Path("data", "starcount", run.RunId, "alpha.parts", "count.txt")));
        Assert.That(File.Exists(run.Path("data", "starcount", run.RunId, "beta.tile.json")), Is.False);
        Assert.That(File.Exists(run.Path("data", "stardensity", run.RunId, "beta.density.txt")), Is.False);
        Assert.That(File.GetLastWriteTimeUtc(alphaCount), Is.EqualTo(alphaTime));
        var manifest = Vasco.Pipeline.Manifest.Read(run.Path("data", "starcount", run.RunId, "manifest.json"));
        Assert.That(manifest.Tiles!.Select(t => t.TileId), Is.EquivalentTo(new[] { "alpha", "gamma" }));
        Assert.That(File.ReadAllText(run.Path("data", "tiles", run.RunId, "tiles.csv")), Does.Not.Contain("beta"));
    }

    [Test]
    public void AFailedTileFailsTheBuildButNotTheOthersAndIsRetriedAlone()
    {
        using var run = NewRun();
        run.WriteFile("stars/beta.csv", "FAIL\n");
        var failed = run.Build();
        Assert.That(failed.ExitCode, Is.Not.EqualTo(0));
        Assert.That(failed.ErrorCodes(), Does.Contain("VASCO9002").And.Contain("VASCO0002"));
        Assert.That(failed.TilesRun("StarDensity"), Is.EqualTo(AllTiles), "the others go on to the next step");
        Assert.That(File.Exists(run.Path("data", "stardensity", run.RunId, "alpha.density.txt")));
        Assert.That(File.Exists(run.Path("data", "starcount", run.RunId, "beta.tile.json")), Is.False);
        var manifest = Vasco.Pipeline.Manifest.Read(run.Path("data", "starcount", run.RunId, "manifest.json"));
        Assert.That(manifest.Status, Is.EqualTo("partial"));
        Assert.That(manifest.FailedTiles.Single().TileId, Is.EqualTo("beta"));
        Assert.That(manifest.FailedTiles.Single().Code, Is.EqualTo("VASCO9002"));

        var again = run.Build();
        Assert.That(again.ExitCode, Is.Not.EqualTo(0), "still broken");
        Assert.That(again.TilesRun("StarCount"), Is.EqualTo(new[] { "beta" }));

        run.WriteFile("stars/beta.csv", "ra,dec,mag\n120.1,-20.1,8\n");
        var fixedRun = run.Build();
        Assert.That(fixedRun.ExitCode, Is.EqualTo(0), fixedRun.ToString());
        Assert.That(fixedRun.TilesRun("StarCount"), Is.EqualTo(new[] { "beta" }));
        Assert.That(fixedRun.TilesRun("StarDensity"), Is.EqualTo(new[] { "beta" }));
        Assert.That(Vasco.Pipeline.Manifest.Read(run.Path("data", "starcount", run.RunId, "manifest.json")).Status, Is.EqualTo("ok"));
    }

    [Test]
    public void FailFastStopsTheBuildAtTheFirstFailedTile()
    {
        using var run = NewRun();
        run.WriteFile("stars/alpha.csv", "FAIL\n");
        var failed = run.Build("-p:FailFast=true", "-p:MaxParallel=1");
        Assert.That(failed.ExitCode, Is.Not.EqualTo(0));
        Assert.That(failed.Output, Does.Match(@"StarDensity: \d+ tile\(s\) not run: an earlier step stopped at a failed tile \(FailFast=true\)"),
            "FailFast stops before the next step's tiles");
        Assert.That(Directory.Exists(run.Path("data", "stardensity", run.RunId)) ? Directory.GetFiles(run.Path("data", "stardensity", run.RunId), "*.tile.json") : [], Is.Empty,
            "no tile ran in the next step");
        // The next build runs the steps again: the marker of the stop is this build's only.
        run.WriteFile("stars/alpha.csv", "ra,dec,mag\n10.1,5.1,9\n");
        Assert.That(run.Build("-p:FailFast=true", "-p:MaxParallel=1").ExitCode, Is.EqualTo(0));
    }
}
