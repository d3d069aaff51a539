using NUnit.Framework;
using Vasco.IO;
using Vasco.Pipeline;
using Vasco.Tests.Support;

namespace Vasco.Tests.Faults;

/// <summary>
/// The crash windows that random kills seldom hit, set up exactly (with the engine's small test steps): what a build
/// killed at that moment leaves on disk, and what the next build must make of it.
/// </summary>
[TestFixture, NonParallelizable]
public class InterruptedStepTests
{
    static RunFolder NewRun()
    {
        var run = new RunFolder("interrupted").WriteRunFile("<TilingMode>single</TilingMode>", """
            <VascoTarget Include="alpha" Ra="10" Dec="5" />
            <VascoTarget Include="beta" Ra="120" Dec="-20" />
            """);
        run.WriteFile("stars/alpha.csv", "ra,dec,mag\n10.1,5.1,9\n10.2,5.0,13\n");
        run.WriteFile("stars/beta.csv", "ra,dec,mag\n120.1,-20.1,8\n");
        return run;
    }

    [Test]
    public void AStepKilledBeforeItsManifestRunsAgainForOneTileAndWritesIt()
    {
        using var run = NewRun();
        Assert.That(run.Build().ExitCode, Is.EqualTo(0));
        var dir = run.Path("data", "starcount", run.RunId);
        var manifest = Path.Combine(dir, StepManifests.FileName);
        var expected = Manifest.Read(manifest);

        // Killed after both tiles' manifests, before manifest.json: the marker is there and manifest.json is not.
        File.Delete(manifest);
        File.WriteAllText(StepRunner.RunningMarker(dir), "killed\n");
        var again = run.Build();

        Assert.Multiple(() =>
        {
            Assert.That(again.ExitCode, Is.EqualTo(0), again.Output);
            Assert.That(again.TilesRun("StarCount"), Has.Count.EqualTo(1), "one tile reruns so that the step aggregates");
            Assert.That(File.Exists(StepRunner.RunningMarker(dir)), Is.False);
            var written = Manifest.Read(manifest);
            Assert.That((written.Status, written.Counts["tiles_ok"]), Is.EqualTo((expected.Status, expected.Counts["tiles_ok"])));
            Assert.That(written.Outputs, Is.EquivalentTo(expected.Outputs));
        });
        var noop = run.Build();
        Assert.That(noop.Ran("StarCount"), Is.False, "and then nothing reruns");
    }

    [Test]
    public void TempFilesOfAKilledWriteAreRemovedByTheNextBuild()
    {
        using var run = NewRun();
        Assert.That(run.Build().ExitCode, Is.EqualTo(0));
        var note = RunLock.OwnerPath(run.Path("obj", "vasco", run.RunId, "build.lock"));
        Assert.That(File.Exists(note), Is.False, "a build that ended takes its note away");
        var dir = run.Path("data", "starcount", run.RunId);
        // A build killed in a write: a temp file beside the output, no manifest for the tile, and the build's note on the run's lock.
        var temp = Path.Combine(dir, ".alpha.count.txt.tmp-0123456789ab");
        File.WriteAllText(temp, "1");
        File.Delete(Path.Combine(dir, "alpha" + TileRecords.ManifestSuffix));
        File.WriteAllText(note, "process 1 on a machine, building since 2026-12-06 05:00:00Z: dotnet build\n");
        var again = run.Build();
        Assert.Multiple(() =>
        {
            Assert.That(again.ExitCode, Is.EqualTo(0), again.Output);
            Assert.That(again.Output, Does.Contain($"the last build of run {run.RunId} did not end; removed 1 temporary file(s)"));
            Assert.That(File.Exists(note), Is.False);
            Assert.That(again.TilesRun("StarCount"), Is.EqualTo(new[] { "alpha" }));
            Assert.That(File.Exists(temp), Is.False);
            Assert.That(Directory.EnumerateFiles(run.Dir, "*", SearchOption.AllDirectories).Where(AtomicFile.IsTempFile), Is.Empty);
        });
    }

    /// <summary>
    /// Step 0 stopped after its tiles and before its log (seen in CI: a kill in that moment): its manifest, the mark
    /// the next build trusts, must not be there yet, so that the next build does step 0 again and the log is written.
    /// </summary>
    [Test]
    public void StepZeroStoppedBeforeItsLogIsDoneAgainByTheNextBuild()
    {
        using var run = NewRun();
        // A file where step 0's log folder goes: the log cannot be written, as if the build had been stopped there.
        var logDir = run.Path("logs", "00_inputs_tiling");
        Directory.CreateDirectory(Path.GetDirectoryName(logDir)!);
        File.WriteAllText(logDir, "in the way\n");
        var stopped = run.Build("-t:VascoTiling");
        Assert.That(stopped.ExitCode, Is.Not.EqualTo(0), stopped.Output);
        Assert.That(File.Exists(run.Path("data", "tiles", run.RunId, StepManifests.FileName)), Is.False, "no manifest without the log");

        File.Delete(logDir);
        var again = run.Build("-t:VascoTiling");
        Assert.Multiple(() =>
        {
            Assert.That(again.ExitCode, Is.EqualTo(0), again.Output);
            Assert.That(File.Exists(Path.Combine(logDir, run.RunId + ".log")), Is.True);
            Assert.That(File.Exists(run.Path("data", "tiles", run.RunId, StepManifests.FileName)), Is.True);
        });
    }
}
