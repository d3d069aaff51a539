using NUnit.Framework;
using Vasco.MSBuild;
using Vasco.Tests.Support;
using static Vasco.Tests.Adapters.Adapter;

namespace Vasco.Tests.Adapters;

/// <summary>VascoLockRun: one build of a run at a time (each <see cref="FakeBuildEngine"/> is one build).</summary>
public class VascoLockRunTests
{
    static VascoLockRun Lock(string lockFile, string runId = "m67") => new() { LockFile = lockFile, RunId = runId };

    [Test]
    public void ASecondBuildOfTheRunStopsWithVasco0007NamingTheFirst()
    {
        var lockFile = Path.Combine(NewRunDir(), "obj", "vasco", "m67", "build.lock");
        var first = new FakeBuildEngine();
        try
        {
            Assert.That(Run(Lock(lockFile), first).Ok, Is.True, first.Log);

            var (ok, second) = Run(Lock(lockFile));

            Assert.That(ok, Is.False);
            var error = OneError(second, "VASCO0007", "run m67 is being built by another build",
                $"process {Environment.ProcessId} on {Environment.MachineName}", "wait for that build to finish", "-p:RunId=");
            Assert.That(error.File, Is.EqualTo(lockFile));
        }
        finally { first.EndBuild(); }
    }

    [Test]
    public void TheLockIsReleasedWhenTheBuildEnds()
    {
        var lockFile = Path.Combine(NewRunDir(), "build.lock");
        var first = new FakeBuildEngine();
        Run(Lock(lockFile), first);

        first.EndBuild();
        var (ok, next) = Run(Lock(lockFile));

        Assert.That(ok, Is.True, next.Log);
        next.EndBuild();
    }

    [Test]
    public void TakingTheLockAgainInTheSameBuildIsANoOp()
    {
        var lockFile = Path.Combine(NewRunDir(), "build.lock");
        var build = new FakeBuildEngine();
        try
        {
            Assert.That(Run(Lock(lockFile), build).Ok, Is.True);
            // Another target of the same build, with the path written differently.
            var (ok, _) = Run(Lock(Path.Combine(Path.GetDirectoryName(lockFile)!, ".", "build.lock")), build);

            Assert.That(ok, Is.True, build.Log);
            Assert.That(build.Errors, Is.Empty);
            Assert.That(build.RegisteredTaskObjects, Is.EqualTo(1));
        }
        finally { build.EndBuild(); }
    }

    [Test]
    public void AnUnsafeRunIdIsVasco0107BeforeAnyFolderIsMade()
    {
        var runDir = NewRunDir();
        var lockFile = Path.Combine(runDir, "obj", "vasco", "..", "..", "escape", "build.lock");

        var (ok, engine) = Run(Lock(lockFile, runId: "../escape"));

        Assert.That(ok, Is.False);
        OneError(engine, "VASCO0107", "RunId '../escape' is not a safe folder name", "letters, digits, '-' and '_' only");
        Assert.That(Directory.Exists(Path.Combine(runDir, "escape")), Is.False);
        Assert.That(engine.RegisteredTaskObjects, Is.Zero);
    }
}
