using System.Diagnostics;
using System.Globalization;
using NUnit.Framework;
using Vasco.Pipeline;
using Vasco.Tests.Support;

namespace Vasco.Tests.Faults;

/// <summary>
/// The whole pipeline on two tiles of the real M67 plate (offline: local plate, Gaia and Tycho-2 files), killed with
/// SIGKILL (the dotnet build, its MSBuild nodes and every tool it started) at random moments and built again: the
/// outputs must equal those of a build that was never interrupted (see <see cref="RunOutputs"/> for what is compared),
/// nothing may be half-written, even right after a kill, and no tile may be left out. VASCO_CRASH_TRIALS sets the
/// number of trials (3 by default; bench/crash-resume.sh runs more), VASCO_CRASH_SEED the random moments, and
/// VASCO_CRASH_REPORT a file that gets one line per trial.
/// </summary>
[TestFixture, NonParallelizable]
public class CrashResumeTests
{
    public const string RunId = "crash";

    static int Trials => int.TryParse(Environment.GetEnvironmentVariable("VASCO_CRASH_TRIALS"), out var n) && n > 0 ? n : 3;

    RunFolder _reference = null!;
    SortedDictionary<string, string> _expected = null!;
    TimeSpan _buildTime;

    /// <summary>
    /// The run: two 10' tiles on the central 600x600 pixels (17') of the real M67 plate, cut out with their plate
    /// solution (the whole plate makes each trial several minutes on a busy machine), Tycho-2 and Gaia from files.
    /// </summary>
    public static RunFolder NewRun(string name)
    {
        var input = Repo.Path("runs", "m67", "input");
        var run = new RunFolder(name);
        Directory.CreateDirectory(run.Path("plates"));
        File.WriteAllBytes(run.Path("plates", "dss1-red_M67_centre.fits"), Download.M67Plate.Crop(230, 230, 600, 600));
        return run.WriteRunFile($"""
            <RunId>{RunId}</RunId>
            <TilingMode>single</TilingMode>
            <TileSizeArcmin>10</TileSizeArcmin>
            <ImageSource>local</ImageSource>
            <LocalImageDir>plates</LocalImageDir>
            """, $"""
            <VascoTarget Include="M67_a" Ra="132.834" Dec="11.812" />
            <VascoTarget Include="M67_b" Ra="132.80" Dec="11.83" />
            <VascoBrightStars Include="{input}/tycho2_M67_r1deg.csv" />
            <VascoCatalog Include="gaia" File="{input}/gaia-dr3_M67_r22arcmin.csv" />
            """, testSteps: false);
    }

    public static readonly string[] TileIds = ["M67_a", "M67_b"];

    internal static ProcessTree StartBuild(RunFolder run) =>
        new(run.Dir, ["dotnet", "build", run.RunFile, "-nologo", "-v:n", "-tl:off", "-nodeReuse:false"]);

    [OneTimeSetUp]
    public void BuildOnceUninterrupted()
    {
        _reference = NewRun("crashref");
        // Step 0 first, so that compiling the task assembly does not count in the time the kills are drawn from.
        Assert.That(_reference.Build("-t:VascoTiling").ExitCode, Is.EqualTo(0));
        var clock = Stopwatch.StartNew();
        var build = _reference.Build();
        _buildTime = clock.Elapsed;
        Assert.That(build.ExitCode, Is.EqualTo(0), build.Output);
        Assert.That(RunOutputs.Problems(_reference.Dir, allowTempFiles: false), Is.Empty);
        _expected = RunOutputs.Snapshot(_reference.Dir);
        TestContext.Out.WriteLine($"uninterrupted build: {_buildTime.TotalSeconds:0.0} s, {_expected.Count} files");
    }

    [OneTimeTearDown]
    public void TearDown() => _reference.Dispose();

    /// <summary>Checks a finished run against the uninterrupted one; returns the problems.</summary>
    List<string> Verify(RunFolder run, BuildRun final)
    {
        var problems = new List<string>();
        if (final.ExitCode != 0) problems.Add($"the last build failed:\n{final.Output}");
        problems.AddRange(RunOutputs.Problems(run.Dir, allowTempFiles: false));
        problems.AddRange(RunOutputs.Differences(_expected, RunOutputs.Snapshot(run.Dir)));
        foreach (var dir in Directory.GetDirectories(run.Path("data"), "*", SearchOption.AllDirectories)
                     .Where(d => File.Exists(Path.Combine(d, StepManifests.FileName)) && Path.GetFileName(d) == RunId))
        {
            var step = Manifest.Read(Path.Combine(dir, StepManifests.FileName));
            if (step.Status != "ok" || step.FailedTiles.Count > 0) problems.Add($"{Path.GetRelativePath(run.Dir, dir)}: step status {step.Status}");
        }
        return problems;
    }

    [Test]
    public void KilledAtRandomMomentsTheRunResumesToTheSameOutputs()
    {
        var seed = int.TryParse(Environment.GetEnvironmentVariable("VASCO_CRASH_SEED"), out var s) ? s : Environment.TickCount;
        var random = new Random(seed);
        var report = Environment.GetEnvironmentVariable("VASCO_CRASH_REPORT");
        var failures = new List<string>();
        int kills = 0, compared = 0, lost = 0;
        TestContext.Out.WriteLine($"seed {seed}, {Trials} trial(s), uninterrupted build {_buildTime.TotalSeconds:0.0} s");
        for (var trial = 1; trial <= Trials; trial++)
        {
            var run = NewRun($"crash{trial}");
            var failuresBefore = failures.Count;
            var moments = new List<string>();
            var killedPids = new HashSet<int>();
            // One or two kills before the build that is let finish.
            for (var k = random.Next(1, 3); k > 0; k--)
            {
                using var tree = StartBuild(run);
                // Within the time of an uninterrupted build (on a busy machine a build may finish first: then no kill).
                var at = TimeSpan.FromSeconds(0.5 + random.NextDouble() * 0.9 * _buildTime.TotalSeconds);
                if (tree.WaitForExit(at))
                {
                    moments.Add($"{at.TotalSeconds:0.0}s: finished first");
                    break;
                }
                killedPids.UnionWith(tree.Members().Select(m => m.Pid));
                var killed = tree.KillAll();
                kills++;
                moments.Add($"{at.TotalSeconds:0.0}s: killed {killed.Count} process(es) ({string.Join(" ", killed.Distinct().Order())})");
                failures.AddRange(RunOutputs.Problems(run.Dir, allowTempFiles: true).Select(p => $"trial {trial}, right after kill at {at.TotalSeconds:0.0} s: {p}"));
            }
            var final = run.Build();
            var problems = Verify(run, final);
            // The tools' working folders in the temporary folder that the killed build could not delete: the next build's plan sweeps them.
            problems.AddRange(Directory.EnumerateDirectories(Path.GetTempPath(), "vasco-*")
                .Where(d => Path.GetFileName(d).Split('-') is [_, _, var p, ..] && int.TryParse(p, out var pid) && killedPids.Contains(pid))
                .Select(d => $"{d}: a killed build's tool working folder is still there after the next build"));
            var snapshot = RunOutputs.Snapshot(run.Dir);
            compared += _expected.Count;
            lost += problems.Count(p => p.EndsWith(": missing", StringComparison.Ordinal) || p.EndsWith(": differs", StringComparison.Ordinal));
            failures.AddRange(problems.Select(p => $"trial {trial}: {p}"));
            var line = $"trial {trial}: {string.Join("; ", moments)}; then a full build: exit {final.ExitCode}, {snapshot.Count} files, " +
                       $"{problems.Count} problem(s); steps rerun: {string.Join(",", final.TargetsRun().Where(t => t.StartsWith("_Vasco", StringComparison.Ordinal)).Select(t => t[6..]).Distinct())}";
            TestContext.Out.WriteLine(line);
            if (report is not null) File.AppendAllText(report, line + "\n");
            // A clean trial's folder goes now (many trials would fill /tmp); a failed one stays for inspection.
            if (failures.Count == failuresBefore) Directory.Delete(run.Dir, recursive: true);
            else TestContext.Out.WriteLine($"Kept the run folder of trial {trial}: {run.Dir}");
        }
        var summary = $"{Trials} trial(s), {kills} kill(s), {compared} file comparisons, {lost} file(s) lost or different, {failures.Count} problem(s)";
        TestContext.Out.WriteLine(summary);
        if (report is not null) File.AppendAllText(report, summary + "\n");
        Assert.That(failures, Is.Empty, summary);
    }

    // The argument picks a tile's run, not the version probe of step VascoTools.
    [TestCase("source-extractor", "-CATALOG_NAME", "Pass1", "catalogs/p1", ".cat")]
    [TestCase("psfex", "catalog.cat", "Psf", "psf", ".psf")]
    public void AKilledToolFailsItsTileCleanlyAndTheNextBuildCompletesIt(string tool, string argument, string step, string folder, string output)
    {
        using var run = NewRun("toolkill");
        int exitCode;
        string buildOutput;
        using (var tree = StartBuild(run))
        {
            Assert.That(tree.KillFirst(tool, argument, TimeSpan.FromMinutes(5)), Is.True, $"{tool} never ran");
            Assert.That(tree.WaitForExit(TimeSpan.FromMinutes(10)), Is.True);
            exitCode = tree.ExitCode;
            buildOutput = tree.Output;
        }
        var dir = run.Path(["data", .. folder.Split('/'), RunId]);
        var failed = TileIds.Where(t => File.Exists(Path.Combine(dir, t + TileRecords.FailedSuffix))).ToList();
        TestContext.Out.WriteLine(string.Join("\n", buildOutput.Split('\n').Where(l => l.Contains("VASCO", StringComparison.Ordinal)).Distinct()));
        Assert.Multiple(() =>
        {
            Assert.That(exitCode, Is.Not.EqualTo(0));
            Assert.That(failed, Has.Count.EqualTo(1), "the tile whose tool was killed");
            Assert.That(buildOutput, Does.Contain($"VASCO0304: {step}: tile {failed.FirstOrDefault()}"));
            var record = Manifest.Read(Path.Combine(dir, failed.First() + TileRecords.FailedSuffix));
            Assert.That(record.FailedTiles.Single().Code, Is.EqualTo(ErrorCodes.ToolFailed));
            Assert.That(File.Exists(Path.Combine(dir, failed.First() + output)), Is.False, "no output that looks fresh");
            Assert.That(File.Exists(Path.Combine(dir, failed.First() + TileRecords.ManifestSuffix)), Is.False);
            var other = TileIds.Single(t => t != failed.First());
            Assert.That(File.Exists(run.Path("data", "filter", RunId, other + TileRecords.ManifestSuffix)), Is.True, "the other tile went on to the end");
            Assert.That(RunOutputs.Problems(run.Dir, allowTempFiles: false), Is.Empty);
        });

        var again = run.Build();
        Assert.That(again.TilesRun($"Vasco{step}"), Is.EqualTo(failed), "only the failed tile reruns");
        Assert.That(Verify(run, again), Is.Empty);
    }
}
