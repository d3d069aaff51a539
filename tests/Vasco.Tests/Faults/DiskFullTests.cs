using System.Diagnostics;
using NUnit.Framework;
using Vasco.Tests.Support;

namespace Vasco.Tests.Faults;

/// <summary>
/// The M67 run of <see cref="CrashResumeTests"/> with its data/ folder on a small tmpfs that fills up half way: the build
/// must fail with a clear error and leave nothing half-written, and once the mount is grown a rebuild must complete with
/// the outputs of a run that never ran out of space. Needs root (mount); skipped otherwise.
/// </summary>
[TestFixture, NonParallelizable]
public class DiskFullTests
{
    /// <summary>Runs a program (mount, chattr, ...) to its end; its exit code.</summary>
    internal static int Run(string program, params string[] args)
    {
        var psi = new ProcessStartInfo(program) { RedirectStandardError = true, RedirectStandardOutput = true };
        foreach (var a in args) psi.ArgumentList.Add(a);
        using var p = Process.Start(psi)!;
        p.WaitForExit();
        return p.ExitCode;
    }

    [Test]
    public void AFullDiskFailsTheBuildClearlyAndARebuildWithSpaceCompletesIt()
    {
        if (Environment.UserName != "root") Assert.Ignore("mounting a tmpfs needs root");
        using var reference = CrashResumeTests.NewRun("diskref");
        Assert.That(reference.Build().ExitCode, Is.EqualTo(0));
        var expected = RunOutputs.Snapshot(reference.Dir);
        var needed = Directory.EnumerateFiles(reference.Path("data"), "*", SearchOption.AllDirectories).Sum(f => new FileInfo(f).Length);

        using var run = CrashResumeTests.NewRun("diskfull");
        var data = run.Path("data");
        Directory.CreateDirectory(data);
        // Room for about half of what the run writes: it fills up in the middle of the pipeline.
        var kib = needed / 2 / 1024;
        Assert.That(Run("mount", "-t", "tmpfs", "-o", $"size={kib}k", "tmpfs", data), Is.EqualTo(0), "mount");
        try
        {
            var full = run.Build();
            TestContext.Out.WriteLine($"data/ on a {kib} KiB tmpfs (the run writes {needed / 1024} KiB)");
            TestContext.Out.WriteLine(string.Join("\n", full.Output.Split('\n').Where(l => l.Contains("error", StringComparison.Ordinal)).Distinct()));
            Assert.Multiple(() =>
            {
                Assert.That(full.ExitCode, Is.Not.EqualTo(0));
                Assert.That(full.Output, Does.Contain("the disk is full"));
                Assert.That(full.ErrorCodes(), Does.Contain("VASCO0004"), "the disk-full code, with its fix");
                Assert.That(RunOutputs.Problems(run.Dir, allowTempFiles: false), Is.Empty, "nothing half-written, no temp file left");
            });

            Assert.That(Run("mount", "-o", "remount,size=" + (needed * 3 / 1024) + "k", data), Is.EqualTo(0), "remount");
            var again = run.Build();
            Assert.That(again.ExitCode, Is.EqualTo(0), again.Output);
            Assert.That(RunOutputs.Problems(run.Dir, allowTempFiles: false), Is.Empty);
            Assert.That(RunOutputs.Differences(expected, RunOutputs.Snapshot(run.Dir)), Is.Empty);
        }
        finally
        {
            if (Run("umount", data) != 0) Run("umount", "-l", data);
        }
    }

    /// <summary>
    /// The disk fills while a built run is rebuilt: the tile that fails must leave every run-level output (withdrawn when
    /// they cannot be rewritten), and a rebuild with room brings the candidate back everywhere.
    /// </summary>
    [Test]
    public void AFullDiskDuringARebuildLeavesNoOldCandidateStanding()
    {
        if (Environment.UserName != "root") Assert.Ignore("mounting a tmpfs needs root");
        using var run = StaleResultsTests.NewRun("diskstale");
        var data = run.Path("data");
        Directory.CreateDirectory(data);
        Assert.That(Run("mount", "-t", "tmpfs", "-o", "size=400m", "tmpfs", data), Is.EqualTo(0), "mount");
        try
        {
            var good = run.Build();
            Assert.That(good.ExitCode, Is.EqualTo(0), good.ToString());
            Assert.That(StaleResultsTests.CandidateCounts(run, good.Output).Values, Is.All.EqualTo(1));

            // Fill what is left, then rerun from step 2: the clean image no longer fits.
            var filler = Path.Combine(data, "filler");
            try
            {
                using var f = new FileStream(filler, FileMode.Create);
                var block = new byte[1 << 20];
                while (true) f.Write(block);
            }
            catch (IOException) { }
            var full = run.Build("-p:FromStep=2");
            TestContext.Out.WriteLine(string.Join("\n", full.Output.Split('\n').Where(l => l.Contains("error", StringComparison.Ordinal) || l.Contains("withdrawn", StringComparison.Ordinal)).Distinct()));
            Assert.That(full.ExitCode, Is.Not.EqualTo(0));
            Assert.That(full.ErrorCodes(), Does.Contain("VASCO0004"));
            var candidates = run.Path("data", "filter", run.RunId, "candidates.csv");
            var summary = run.Path("data", "summaries", run.RunId, "summary.md");
            Assert.Multiple(() =>
            {
                Assert.That(File.Exists(candidates) ? File.ReadLines(candidates).Skip(1).Count(l => l.Length > 0) : 0, Is.Zero, "candidates.csv");
                Assert.That(File.Exists(summary) ? File.ReadAllText(summary) : "", Does.Not.Contain("**1 candidate"), "summary.md");
                Assert.That(File.ReadLines(run.Path("dashboard", "anomalies_minimal.csv")).Count(l => l.StartsWith(run.RunId + ",", StringComparison.Ordinal)), Is.Zero, "dashboard");
                Assert.That(RunOutputs.Problems(run.Dir, allowTempFiles: false), Is.Empty);
            });

            File.Delete(filler);
            var again = run.Build();
            Assert.That(again.ExitCode, Is.EqualTo(0), again.ToString());
            Assert.That(StaleResultsTests.CandidateCounts(run, again.Output).Values, Is.All.EqualTo(1));
        }
        finally
        {
            if (Run("umount", data) != 0) Run("umount", "-l", data);
        }
    }
}
