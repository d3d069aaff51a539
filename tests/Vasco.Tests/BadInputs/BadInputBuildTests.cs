using System.Security.Cryptography;
using NUnit.Framework;
using Vasco.Tests.Steps;
using Vasco.Tests.Support;

namespace Vasco.Tests.BadInputs;

/// <summary>
/// Whole builds: the M67 run is built once, then one input at a time is broken. Each break must stop the build with
/// its VASCO code naming the input and the fix, a non-zero exit, and leave every earlier output byte for byte as it
/// was, with no new file but the failure's own records and logs. The cases run in order on the one run folder, each
/// against a snapshot taken just before it.
/// </summary>
[NonParallelizable]
public class BadInputBuildTests
{
    RunFolder _run = null!;
    string _input = "";

    [OneTimeSetUp]
    public void BuildM67()
    {
        // The run's inputs are copies, so that the tests can break them.
        _run = M67Run.Create("badin", gaiaCatalog: "input/gaia.csv");
        _input = Directory.CreateDirectory(_run.Path("input")).FullName;
        File.Copy(Repo.Path("runs", "m67", "input", "gaia-dr3_M67_r22arcmin.csv"), Path.Combine(_input, "gaia.csv"));
        File.Copy(Repo.Path("runs", "m67", "input", "tycho2_M67_r1deg.csv"), Path.Combine(_input, "tycho2.csv"));
        var runFile = File.ReadAllText(_run.RunFile)
            .Replace(Repo.Path("runs", "m67", "input", "tycho2_M67_r1deg.csv"), "input/tycho2.csv");
        File.WriteAllText(_run.RunFile, runFile);
        var build = _run.Build();
        Assert.That(build.ExitCode, Is.EqualTo(0), build.Output);
    }

    [OneTimeTearDown]
    public void Remove() => _run.Dispose();

    /// <summary>Every file of the run folder (binlogs aside) with its SHA-256.</summary>
    Dictionary<string, string> Snapshot() =>
        Directory.GetFiles(_run.Dir, "*", SearchOption.AllDirectories)
            .Where(f => !f.EndsWith(".binlog", StringComparison.Ordinal) && !f.Contains("/input/"))
            .ToDictionary(f => Path.GetRelativePath(_run.Dir, f), f => Convert.ToHexString(SHA256.HashData(File.ReadAllBytes(f))));

    /// <summary>Builds with one input broken, checks the error and that nothing was lost, then restores the input.</summary>
    void BreakAndBuild(string file, string brokenContent, string code, string mustName, Func<string, bool>? mayChange = null, Action? afterFailure = null)
    {
        var path = _run.Path(file);
        var original = File.ReadAllText(path);
        var before = Snapshot();
        try
        {
            File.WriteAllText(path, brokenContent);
            var build = _run.Build();
            Assert.That(build.ExitCode, Is.Not.EqualTo(0));
            Assert.That(build.ErrorCodes(), Does.Contain(code), build.Output);
            Assert.That(build.ErrorCodes(), Does.Not.Contain("VASCO0001"), "no internal error");
            Assert.That(build.Output, Does.Contain(mustName));
            Assert.That(build.Output, Does.Contain("Fix:"));
            Assert.That(build.Output, Does.Not.Contain("   at Vasco."), "no stack trace");

            var after = Snapshot();
            var allowed = mayChange ?? (_ => false);
            mayChange = k => k == file || LockNote(k) || allowed(k);
            var changed = before.Where(b => !after.TryGetValue(b.Key, out var hash) || hash != b.Value).Select(b => b.Key).Where(k => !mayChange(k)).ToList();
            var added = after.Keys.Except(before.Keys).Where(k => !mayChange(k)).ToList();
            Assert.That(changed, Is.Empty, "earlier outputs are kept byte for byte");
            Assert.That(added, Is.Empty, "no new file but the failure's records and logs");
            Assert.That(after.Keys.Where(k => k.Contains(".tmp-")), Is.Empty, "no half-written file");
            afterFailure?.Invoke();
        }
        finally
        {
            File.WriteAllText(path, original);
            // The next case starts from a complete run again.
            var repaired = _run.Build();
            Assert.That(repaired.ExitCode, Is.EqualTo(0), repaired.Output);
        }
    }

    // Every build notes itself as the holder of the run's lock (obj/vasco/<RunId>/build.lock.owner).
    static bool LockNote(string path) => Path.GetFileName(path) is "build.lock" or "build.lock.owner";

    /// <summary>
    /// What a tile failing in a step may change besides its failure records: the results of that step and of the steps
    /// after it (removed: they no longer hold), and the run's published results (rebuilt without the tile).
    /// </summary>
    static Func<string, bool> FailedFrom(params string[] stepFolders) => path =>
        StepFailureRecords(path) || path.StartsWith("dashboard/", StringComparison.Ordinal)
        || stepFolders.Concat(["data/filter/", "data/vetting/", "data/summaries/"]).Any(f => path.StartsWith(f, StringComparison.Ordinal));

    // A step that stops the build leaves the run's results withdrawn (no candidates.csv); one that fails a tile, rebuilt without it.
    int PublishedCandidates() => _run.Path("data", "filter", _run.RunId, "candidates.csv") is var path && File.Exists(path)
        ? File.ReadLines(path).Skip(1).Count(l => l.Length > 0) : 0;

    // What a failed step may write: its failure record, its logs, the run's log, and the stamps the plan rewrites.
    static bool StepFailureRecords(string path) =>
        path.EndsWith(".failed.json", StringComparison.Ordinal) || path.StartsWith("logs/", StringComparison.Ordinal) || path.StartsWith("obj/", StringComparison.Ordinal);

    /// <summary>Runs a case with the run file edited to name an extra input, then puts the run file back.</summary>
    void WithRunFile(Func<string, string> edit, Action body)
    {
        var runFile = File.ReadAllText(_run.RunFile);
        File.WriteAllText(_run.RunFile, edit(runFile));
        try
        {
            body();
        }
        finally
        {
            File.WriteAllText(_run.RunFile, runFile);
        }
    }

    [Test, Order(1)]
    public void ABadTargetListStopsThePlanAndChangesNothing()
    {
        File.WriteAllText(_run.Path("input", "targets.csv"), "name,ra,dec\nM67b,132.834,11.812\n");
        WithRunFile(r => r.Replace("<VascoBrightStars", "<VascoTargetList Include=\"input/targets.csv\" /><VascoBrightStars"), () =>
            BreakAndBuild("input/targets.csv", "name,ra,dec\nM67b,132.834,11.812\nfield2,361,0\n", "VASCO0203", "targets.csv line 3"));
    }

    [Test, Order(2)]
    public void AConfigWithAnUnknownKeyStopsThePlanAndChangesNothing()
    {
        File.WriteAllText(_run.Path("input", "pipeline.yaml"), "TileSizeArcmin: 30\n");
        WithRunFile(r => r.Replace("<TilingMode>", "<VascoConfigFile>input/pipeline.yaml</VascoConfigFile><TilingMode>"), () =>
            BreakAndBuild("input/pipeline.yaml", "TileSizeArcmin: 30\nMatchRadius: 5\n", "VASCO0102", "'MatchRadius' is not a Vasco parameter"));
    }

    [Test, Order(3)]
    public void ACatalogNamedWithAPathStopsThePlanAndWritesNothingOutside()
    {
        var outside = Path.Combine(Path.GetDirectoryName(_run.Dir)!, "escaped");
        BreakAndBuild("run.vascoproj", File.ReadAllText(_run.RunFile).Replace("Include=\"gaia\"", "Include=\"../../../escaped\""),
            "VASCO0108", "VascoCatalog '../../../escaped'");
        Assert.That(Directory.Exists(outside), Is.False);
    }

    [Test, Order(4)]
    public void ABadCellInTheModernCatalogFailsStep6KeepsEarlierStepsAndPublishesNoStaleCandidate()
    {
        var gaia = File.ReadAllLines(_run.Path("input", "gaia.csv"));
        gaia[5] = string.Join(',', gaia[5].Split(',').Select((cell, i) => i == 1 ? "132d50m" : cell));
        BreakAndBuild("input/gaia.csv", string.Join('\n', gaia) + "\n", "VASCO6006", "gaia.csv' line 6", FailedFrom("data/ext/", "data/xmatch/"),
            () => Assert.That(PublishedCandidates(), Is.Zero, "the failed tile's candidate is not published"));
    }

    [Test, Order(5)]
    public void ABrightStarCatalogWithoutItsMagnitudeColumnFailsStep2KeepsStep1AndPublishesNoStaleCandidate()
    {
        var tycho = File.ReadAllText(_run.Path("input", "tycho2.csv"));
        BreakAndBuild("input/tycho2.csv", tycho.Replace(",VTmag,", ",Vmag,"), "VASCO2006", "lacks the column(s) VTmag",
            FailedFrom("data/masks/", "data/catalogs/", "data/psf/", "data/xmatch/"),
            () => Assert.That(PublishedCandidates(), Is.Zero, "the failed tile's candidate is not published"));
    }
}

/// <summary>Run-file mistakes caught by the plan (no M67 build needed), and Clean with hostile names.</summary>
public class BadRunFileTests
{
    // Through a real build: a parameter item of the run file and a -p: property; the other mistakes (VASCO0108, 0105, 0106,
    // 0211, a bad Default) are checked on the task itself, in Adapters/VascoPlanTests.
    [TestCase("""<VascoParameter Include="MyLimit" Value="3" Type="Colour" Default="red" />""", "", "VASCO0103")]
    [TestCase("", "-p:MaxParallel=-3", "VASCO0103")]
    public void ARunFileMistakeIsACodedErrorNotAnInternalOne(string items, string argument, string code)
    {
        using var run = new RunFolder("badrun");
        run.WriteRunFile("<TilingMode>hex30</TilingMode>", """<VascoTarget Include="a" Ra="10" Dec="0" SizeArcmin="120" />""" + items, testSteps: false);
        var build = argument == "" ? run.Build("-t:VascoTiling") : run.Build("-t:VascoTiling", argument);
        Assert.That(build.ExitCode, Is.Not.EqualTo(0));
        Assert.That(build.ErrorCodes(), Is.EqualTo(new[] { code }), build.Output);
        Assert.That(build.Output, Does.Contain("Fix:"));
        Assert.That(Directory.Exists(run.Path("data")), Is.False, "nothing is written for a run that cannot start");
    }

    [Test]
    public void AYamlSyntaxErrorIsShownAtItsFileLineAndColumn()
    {
        using var run = new RunFolder("badyaml");
        run.WriteFile("pipeline.yaml", "TileSizeArcmin: 30\nMatchRadiusArcsec: [5\n");
        run.WriteRunFile("<VascoConfigFile>pipeline.yaml</VascoConfigFile>", """<VascoTarget Include="a" Ra="10" Dec="0" />""", testSteps: false);
        var build = run.Build("-t:VascoTiling");
        Assert.That(build.ExitCode, Is.Not.EqualTo(0));
        Assert.That(build.ErrorCodes(), Is.EqualTo(new[] { "VASCO0101" }), build.Output);
        // MSBuild's canonical form, which terminals and editors turn into a link to the place.
        Assert.That(build.Output, Does.Contain($"{run.Path("pipeline.yaml")}(3,1): error VASCO0101: "));
        Assert.That(build.Output, Does.Contain("is not valid YAML at line 3, column 1"));
    }

    // Clean deletes the folders RunId and the catalog names name: a hostile one must not reach outside the run.
    [TestCase("-p:RunId=../../../{0}", "VASCO0107")]
    [TestCase("-p:VascoTestCatalog=../../../{0}", "VASCO0108")]
    public void CleanWithAHostileNameDeletesNothing(string argument, string code)
    {
        using var run = new RunFolder("clean");
        var victim = Directory.CreateDirectory(Path.Combine(Path.GetDirectoryName(run.Dir)!, "victim-" + Guid.NewGuid().ToString("N")[..8])).FullName;
        try
        {
            // What Clean would delete: obj/vasco/<RunId>/ is the victim itself, data/ext/<catalog>/<RunId>/ a folder in it.
            File.WriteAllText(Path.Combine(victim, "keep.txt"), "precious");
            File.WriteAllText(Path.Combine(Directory.CreateDirectory(Path.Combine(victim, run.RunId)).FullName, "keep.txt"), "precious");
            run.WriteRunFile("", """
                <VascoTarget Include="a" Ra="10" Dec="0" />
                <VascoCatalog Include="$(VascoTestCatalog)" File="x.csv" Condition="'$(VascoTestCatalog)' != ''" />
                """, testSteps: false);
            var build = run.Build("-t:Clean", string.Format(argument, Path.GetFileName(victim)));
            Assert.That(build.ExitCode, Is.Not.EqualTo(0));
            Assert.That(build.ErrorCodes(), Is.EqualTo(new[] { code }), build.Output);
            Assert.That(File.Exists(Path.Combine(victim, "keep.txt")) && File.Exists(Path.Combine(victim, run.RunId, "keep.txt")),
                "the folder outside the run is untouched");
        }
        finally
        {
            Directory.Delete(victim, recursive: true);
        }
    }
}
