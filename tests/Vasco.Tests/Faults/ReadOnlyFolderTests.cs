using System.Diagnostics;
using NUnit.Framework;
using Vasco.IO;
using Vasco.Tests.Support;

namespace Vasco.Tests.Faults;

/// <summary>
/// A run folder that refuses writes: a step's output folder (the step cannot start) or one tile's own folder (that tile
/// fails). Each must give VASCO0006 naming the folder and the fix, never VASCO0001 with a stack trace. Tests run as root
/// in CI, where chmod stops nothing: the folder is then made immutable (chattr +i, which stops root on ext4 and tmpfs).
/// </summary>
[TestFixture, NonParallelizable]
public class ReadOnlyFolderTests
{
    [Test]
    public void AccessDeniedIsRecognisedAndNamesTheFolder()
    {
        var chmod = new UnauthorizedAccessException("Access to the path '/runs/x/data/masks/x/M67.clean.fits' is denied.");
        var readOnlyMount = new IOException("Read-only file system : '/runs/x/data/masks/x/.M67.tmp-1'", 30);
        Assert.That(AtomicFile.IsAccessDenied(chmod) && AtomicFile.IsAccessDenied(readOnlyMount), Is.True);
        Assert.That(AtomicFile.IsAccessDenied(new AggregateException(chmod)), Is.True);
        Assert.That(AtomicFile.IsAccessDenied(new IOException("No space left on device", 28)), Is.False);
        Assert.That(AtomicFile.AccessDeniedMessage(chmod, null), Does.Contain("the folder /runs/x/data/masks/x refused access to M67.clean.fits").And.Contain("Fix: make /runs/x/data/masks/x writable"));
        Assert.That(AtomicFile.AccessDeniedMessage(new UnauthorizedAccessException("denied"), "/runs/x/out"), Does.Contain("the folder /runs/x/out"));
    }

    static RunFolder NewRun()
    {
        var run = new RunFolder("readonly").WriteRunFile("<TilingMode>single</TilingMode>", """
            <VascoTarget Include="alpha" Ra="10" Dec="5" />
            <VascoTarget Include="beta" Ra="120" Dec="-20" />
            """);
        run.WriteFile("stars/alpha.csv", "ra,dec,mag\n10.1,5.1,9\n");
        run.WriteFile("stars/beta.csv", "ra,dec,mag\n120.1,-20.1,8\n");
        return run;
    }

    /// <summary>Makes <paramref name="dir"/> refuse writes for this user; returns how it undoes that.</summary>
    static Action Lock(string dir)
    {
        Action unlock;
        if (Environment.UserName == "root")
        {
            if (DiskFullTests.Run("chattr", "+i", dir) != 0) Assert.Ignore($"running as root, and chattr +i is not available on the file system of {dir}: nothing else stops root from writing");
            unlock = () => DiskFullTests.Run("chattr", "-i", dir);
        }
        else
        {
            Assert.That(DiskFullTests.Run("chmod", "a-w", dir), Is.EqualTo(0), "chmod");
            unlock = () => DiskFullTests.Run("chmod", "u+w", dir);
        }
        try
        {
            File.WriteAllText(Path.Combine(dir, "probe"), "");
            File.Delete(Path.Combine(dir, "probe"));
            unlock();
            Assert.Ignore($"{dir} still accepts writes after it was locked");
        }
        catch (UnauthorizedAccessException) { }
        return unlock;
    }

    static void AssertDenied(BuildRun build, string folder)
    {
        TestContext.Out.WriteLine(string.Join("\n", build.Output.Split('\n').Where(l => l.Contains("error", StringComparison.Ordinal)).Distinct()));
        Assert.That(build.ExitCode, Is.Not.EqualTo(0));
        Assert.That(build.ErrorCodes(), Does.Contain("VASCO0006").And.Not.Contain("VASCO0001"), build.Output);
        Assert.That(build.Output, Does.Contain($"the folder {folder} refused access"));
        Assert.That(build.Output, Does.Contain($"Fix: make {folder} writable"));
        Assert.That(build.Output, Does.Not.Contain("   at "), "no stack trace");
    }

    [Test]
    public void AReadOnlyStepFolderStopsTheStepWithVasco0006()
    {
        using var run = NewRun();
        Assert.That(run.Build().ExitCode, Is.EqualTo(0));
        var folder = run.Path("data", "starcount", run.RunId);
        var unlock = Lock(folder);
        try
        {
            AssertDenied(run.Build("-p:FromStep=1"), folder);
        }
        finally
        {
            unlock();
        }
        var again = run.Build("-p:FromStep=1");
        Assert.That(again.ExitCode, Is.EqualTo(0), again.Output);
    }

    [Test]
    public void AReadOnlyTileFolderFailsThatTileWithVasco0006()
    {
        using var run = NewRun();
        Assert.That(run.Build().ExitCode, Is.EqualTo(0));
        var folder = run.Path("data", "starcount", run.RunId, "alpha.parts");
        var unlock = Lock(folder);
        BuildRun build;
        try
        {
            build = run.Build("-p:FromStep=1");
            AssertDenied(build, folder);
        }
        finally
        {
            unlock();
        }
        Assert.That(build.Output, Does.Contain("StarCount: tile alpha: "));
        Assert.That(build.ErrorCodes(), Does.Contain("VASCO0002"), "the build fails at its end, after the other tiles");
        Assert.That(File.Exists(run.Path("data", "starcount", run.RunId, "beta.tile.json")), Is.True, "the other tile went on");
    }
}
