using System.Diagnostics;
using NUnit.Framework;
using Vasco.Tests.Steps;
using Vasco.Tests.Support;

namespace Vasco.Tests.Faults;

/// <summary>
/// Nothing stale: a tile that fails now contributes nothing to the run's outputs, whatever it gave before, and every
/// run-level output says the same after every build; and one build of a run at a time.
/// </summary>
[TestFixture, NonParallelizable]
public class StaleResultsTests
{
    internal static RunFolder NewRun(string name)
    {
        var run = M67Run.Create(name, "<LocalImageDir>plates</LocalImageDir>");
        Directory.CreateDirectory(run.Path("plates"));
        File.Copy(Repo.Path("runs", "m67", "input", "dss1-red_M67_XE486.fits"), run.Path("plates", "dss1-red_M67_XE486.fits"));
        return run;
    }

    /// <summary>What each run-level output says of the run's candidates.</summary>
    internal static Dictionary<string, int> CandidateCounts(RunFolder run, string log)
    {
        var summaries = run.Path("data", "summaries", run.RunId);
        int Rows(string file) => File.ReadLines(file).Skip(1).Count(l => l.Length > 0);
        int Count(string file, string text) => File.ReadAllText(file).Split(text).Length - 1;
        return new()
        {
            ["candidates.csv"] = Rows(run.Path("data", "filter", run.RunId, "candidates.csv")),
            ["dashboard"] = File.ReadLines(run.Path("dashboard", "anomalies_minimal.csv")).Skip(1).Count(l => l.StartsWith(run.RunId + ",", StringComparison.Ordinal)),
            ["candidates.vot rows"] = Count(Path.Combine(summaries, "candidates.vot"), "<TR>"),
            ["candidates.reg"] = Count(Path.Combine(summaries, "candidates.reg"), "circle("),
            ["candidates.ecsv"] = File.ReadLines(Path.Combine(summaries, "candidates.ecsv")).Count(l => l.Length > 0 && !l.StartsWith('#')) - 1,
            ["report.html cards"] = Count(Path.Combine(summaries, "report.html"), "<section class=\"cand\""),
            ["summary.md"] = int.Parse(System.Text.RegularExpressions.Regex.Match(File.ReadAllText(Path.Combine(summaries, "summary.md")), @"\*\*(\d+) candidate").Groups[1].Value),
            ["build log"] = int.Parse(System.Text.RegularExpressions.Regex.Match(log, @"VascoFilter: (\d+) candidate").Groups[1].Value),
        };
    }

    [Test]
    public void AFailedTilesOldCandidatesAreNotRepublished()
    {
        using var run = NewRun("stale");
        var good = run.Build();
        Assert.That(good.ExitCode, Is.EqualTo(0), good.ToString());
        Assert.That(CandidateCounts(run, good.Output).Values, Is.All.EqualTo(1), "the M67 tile's one candidate, everywhere");

        // The plate is replaced by a truncated copy: the tile fails at step 1 and every later step skips it.
        var plate = run.Path("plates", "dss1-red_M67_XE486.fits");
        var bytes = File.ReadAllBytes(plate);
        File.WriteAllBytes(plate, bytes[..100_000]);
        foreach (var build in new[] { "after the failure", "no-op build of the failed run" })
        {
            var failed = run.Build();
            Assert.Multiple(() =>
            {
                Assert.That(failed.ExitCode, Is.Not.EqualTo(0), build);
                Assert.That(failed.ErrorCodes(), Does.Contain("VASCO1001"), build);
                Assert.That(CandidateCounts(run, failed.Output), Is.EqualTo(CandidateCounts(run, failed.Output).ToDictionary(p => p.Key, _ => 0)),
                    $"{build}: no output keeps the candidate of the plate that is gone");
                var summary = File.ReadAllText(run.Path("data", "summaries", run.RunId, "summary.md"));
                Assert.That(summary, Does.Contain("1 tile(s), 0 complete, 1 failed"), build);
                Assert.That(summary, Does.Contain("- M67: VASCO1001 Download:"), $"{build}: the failed tile and its reason");
                Assert.That(File.ReadAllText(run.Path("data", "summaries", run.RunId, "report.html")), Does.Contain("<li><b>M67</b>: VASCO1001 Download: No plate for tile M67"),
                    $"{build}: the report names the failed tile and why, above its candidates");
                Assert.That(File.Exists(run.Path("data", "filter", run.RunId, "M67_candidates.csv")), Is.False, $"{build}: the tile's own old candidates are gone");
                Assert.That(File.Exists(run.Path("data", "catalogs", "p2", run.RunId, "M67.cat")), Is.False, $"{build}: and its old pass-2 catalog");
            });
        }

        File.WriteAllBytes(plate, bytes);
        var again = run.Build();
        Assert.That(again.ExitCode, Is.EqualTo(0), again.ToString());
        Assert.That(CandidateCounts(run, again.Output).Values, Is.All.EqualTo(1), "the plate back: its candidate back everywhere");
    }

    [Test]
    public void FailFastLeavesNoOldResultStanding()
    {
        using var run = NewRun("failfast");
        Assert.That(run.Build().ExitCode, Is.EqualTo(0));
        var plate = run.Path("plates", "dss1-red_M67_XE486.fits");
        File.WriteAllBytes(plate, File.ReadAllBytes(plate)[..100_000]);
        var stopped = run.Build("-p:FailFast=true");
        Assert.That(stopped.ExitCode, Is.Not.EqualTo(0));
        Assert.That(stopped.Output, Does.Contain("stopped at the first failed tile (FailFast=true)"));
        Assert.That(CandidateCounts(run, stopped.Output).Values, Is.All.EqualTo(0), "the run-level steps still ran, without the failed tile");
    }

    [Test]
    public void ALockLeftByAKilledBuildNeverBlocks()
    {
        using var run = NewRun("killed");
        var lockFile = run.Path("obj", "vasco", run.RunId, "build.lock");
        Directory.CreateDirectory(Path.GetDirectoryName(lockFile)!);
        // Another process holds the same kind of lock (flock(2), as a build's), then is killed with SIGKILL.
        var holder = Process.Start(new ProcessStartInfo("flock", ["--exclusive", lockFile, "sleep", "600"]))!;
        try
        {
            var clock = Stopwatch.StartNew();
            BuildRun blocked;
            do { Thread.Sleep(100); blocked = run.Build("-t:VascoTiling"); }
            while (blocked.ExitCode == 0 && clock.Elapsed < TimeSpan.FromSeconds(30));
            Assert.That(blocked.ErrorCodes(), Is.EqualTo(new[] { "VASCO0007" }), "held: the build stops");
            Assert.That(blocked.Ran("VascoPlan"), Is.False, "before its plan: it changes nothing of the run");
            // The message (naming the holder from build.lock.owner, and the fix) is checked on the task itself:
            // Adapters/VascoLockRunTests.ASecondBuildOfTheRunStopsWithVasco0007NamingTheFirst.
        }
        finally
        {
            holder.Kill(entireProcessTree: true);
            holder.WaitForExit();
        }
        var after = run.Build("-t:VascoTiling");
        Assert.That(after.ExitCode, Is.EqualTo(0), "the holder was killed: its lock died with it\n" + after);
    }
}
