using NUnit.Framework;
using Vasco.MSBuild;
using Vasco.Pipeline;
using static Vasco.Tests.Adapters.Adapter;

namespace Vasco.Tests.Adapters;

/// <summary>What every Vasco task does with what its work throws (VascoTask.Execute), on tasks made for the test.</summary>
[NonParallelizable] // one test changes the task assembly's file time, which every task checks
public class VascoTaskTests
{
    sealed class Throwing(Exception e) : VascoTask
    {
        protected override void ExecuteCore() => throw e;
    }

    sealed class OneTileFails : VascoTask
    {
        protected override void ExecuteCore()
        {
            LogTileError(ErrorCodes.TileFailed, "tile a failed in Pass1: no detections. Fix: check the plate.", "/run/a.fits");
            LogHigh("the other tiles went on");
        }
    }

    [Test]
    public void AVascoExceptionIsOneErrorWithItsCodeCauseFixAndPlace()
    {
        var (ok, engine) = Run(new Throwing(new VascoException(ErrorCodes.ParameterInvalid, "TileSizeArcmin='x' is not a number.",
            "set TileSizeArcmin to a number.", "/run/config.yaml") { Line = 7, Column = 17 }));

        Assert.That(ok, Is.False);
        var error = OneError(engine, "VASCO0103", "TileSizeArcmin='x' is not a number. Fix: set TileSizeArcmin to a number.");
        Assert.That((error.File, error.LineNumber, error.ColumnNumber), Is.EqualTo(("/run/config.yaml", 7, 17)));
    }

    [Test]
    public void AnUnexpectedExceptionIsVasco0001NamingTheTask()
    {
        var (ok, engine) = Run(new Throwing(new InvalidOperationException("the list was empty")));

        Assert.That(ok, Is.False);
        OneError(engine, "VASCO0001", "Unexpected error in Throwing", "the list was empty");
    }

    [Test]
    public void ADiskFullWriteIsVasco0004WithTheFix()
    {
        // What .NET throws for ENOSPC (HResult 28). VascoWriteTilesTests makes a real one.
        var (ok, engine) = Run(new Throwing(new IOException("No space left on device : '/run/data/tiles.csv'", 28)));

        Assert.That(ok, Is.False);
        OneError(engine, "VASCO0004", "the disk is full", "No space left on device", "free space on the disk that holds the run folder");
    }

    [Test]
    public void ARefusedWriteIsVasco0006NamingTheFolder()
    {
        var (ok, engine) = Run(new Throwing(new UnauthorizedAccessException("Access to the path '/run/data/tiles/tiles.csv' is denied.")));

        Assert.That(ok, Is.False);
        OneError(engine, "VASCO0006", "the folder /run/data/tiles refused access to tiles.csv", "Fix: make /run/data/tiles writable");
    }

    [Test]
    public void ATileErrorIsReportedButTheTaskSucceeds()
    {
        var (ok, engine) = Run(new OneTileFails());

        Assert.That(ok, Is.True, "the other tiles must go on to the next steps");
        var error = OneError(engine, "VASCO0003", "tile a failed in Pass1");
        Assert.That(error.File, Is.EqualTo("/run/a.fits"));
        Assert.That(engine.Messages.Select(m => (m.Importance, m.Message)), Does.Contain((Microsoft.Build.Framework.MessageImportance.High, "the other tiles went on")));
    }

    [Test]
    public void ATaskAssemblyRebuiltSinceItWasLoadedIsVasco0005()
    {
        // A reused MSBuild node that loaded the tasks before a rebuild: the file is newer than when it was loaded.
        Run(new OneTileFails()); // loads VascoTask's record of the file's time first
        var dll = typeof(VascoTask).Assembly.Location;
        var loaded = File.GetLastWriteTimeUtc(dll);
        try
        {
            File.SetLastWriteTimeUtc(dll, loaded.AddSeconds(10));
            var (ok, engine) = Run(new OneTileFails());
            Assert.That(ok, Is.False);
            OneError(engine, "VASCO0005", dll, "OneTileFails would run old code", "dotnet build-server shutdown", "-nodeReuse:false");
            Assert.That(engine.Messages, Is.Empty, "the task's work must not run");
        }
        finally
        {
            File.SetLastWriteTimeUtc(dll, loaded);
        }
    }
}
