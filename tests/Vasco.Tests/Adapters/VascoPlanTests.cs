using Microsoft.Build.Framework;
using NUnit.Framework;
using Vasco.MSBuild;
using Vasco.Pipeline;
using Vasco.Tests.Support;
using static Vasco.Tests.Adapters.Adapter;

namespace Vasco.Tests.Adapters;

/// <summary>
/// VascoPlan, the start of every build: parameters (command line, run file, config, default), targets and tiles,
/// Tiles=, FromStep=, Shard=, and the -p: properties nothing reads (VASCO0111, GlobalPropertyCheck).
/// </summary>
public class VascoPlanTests
{
    string _runDir = "";

    [SetUp]
    public void NewRun() => _runDir = NewRunDir();

    /// <summary>The plan as Vasco.targets calls it, for a run of single tiles on the given targets, with one per-tile step.</summary>
    VascoPlan Plan(ITaskItem[]? parameters = null, params ITaskItem[] targets) => new()
    {
        RunDir = _runDir,
        RunId = "m67",
        StampDir = Path.Combine(_runDir, "obj", "vasco", "m67", "stamps") + "/",
        Parameters = parameters ?? Parameters(("TilingMode", "single")),
        Steps = [TilingStep(_runDir), Step(_runDir, "Count", 1, after: "Tiling")],
        Targets = targets.Length > 0 ? targets : [Target("M67", "132.825", "11.8")],
        ShardsDir = Path.Combine(_runDir, "data", "shards", "m67") + "/",
    };

    static ITaskItem Target(string name, string ra, string dec) => Item(name, ("Ra", ra), ("Dec", dec));

    static ITaskItem[] ThreeTargets() =>
        [Target("M67", "132.825", "11.8"), Target("M44", "130.1", "19.67"), Target("M45", "56.75", "24.12")];

    string Config(string yaml)
    {
        var path = Path.Combine(_runDir, "pipeline.yaml");
        File.WriteAllText(path, yaml);
        return path;
    }

    static (string Value, string Source) Resolved(VascoPlan plan, string name)
    {
        var p = plan.ResolvedParameters.Single(i => i.ItemSpec == name);
        return (p.GetMetadata("Value"), p.GetMetadata("Source"));
    }

    [Test]
    public void EachParameterComesFromTheCommandLineTheRunFileTheConfigOrTheDefault()
    {
        var plan = Plan(Parameters(("TileSizeArcmin", "30"), ("TilingMode", "single"), ("MatchRadiusArcsec", "")));
        plan.ConfigFile = Config("MatchRadiusArcsec: 4\nTileSizeArcmin: 45\n");
        // -p:TileSizeArcmin=30: MSBuild gives the item its value and reports it as a global property.
        var (ok, engine) = Run(plan, new FakeBuildEngine(new Dictionary<string, string> { ["TileSizeArcmin"] = "30" }));

        Assert.That(ok, Is.True, engine.Log);
        Assert.That(Resolved(plan, "TileSizeArcmin"), Is.EqualTo(("30", "CommandLine")));
        Assert.That(Resolved(plan, "TilingMode"), Is.EqualTo(("single", "RunFile")));
        Assert.That(Resolved(plan, "MatchRadiusArcsec"), Is.EqualTo(("4", "Config")));
        Assert.That(Resolved(plan, "Survey"), Is.EqualTo(("dss1-red", "Default")));
    }

    [Test]
    public void ThePlanReturnsTheTilesAndWritesTheirStamps()
    {
        var plan = Plan(null, ThreeTargets());

        var (ok, engine) = Run(plan);

        Assert.That(ok, Is.True, engine.Log);
        Assert.That(plan.AllTiles.Select(t => t.GetMetadata("TargetName")), Is.EqualTo(new[] { "M67", "M44", "M45" }));
        Assert.That(plan.AllTiles[0].GetMetadata("Ra"), Is.EqualTo("132.825"));
        Assert.That(plan.SelectedTiles, Is.Empty, "without Tiles= every tile is selected");
        Assert.That(File.Exists(Path.Combine(plan.StampDir, "Tiling.stamp")), Is.True);
    }

    [Test]
    public void AStampChangesExactlyWhenItsTileDoesAndTheLastPlansMemoAgreesWithAFullPlan()
    {
        var stampDir = Path.Combine(_runDir, "obj", "vasco", "m67", "stamps");
        var memo = Path.Combine(stampDir, "plan.memo");
        string[] Digests(ITaskItem[] targets)
        {
            var plan = Plan(null, targets);
            var (ok, engine) = Run(plan);
            Assert.That(ok, Is.True, engine.Log);
            return [.. plan.AllTiles.Select(t => StampPlanner.ReadDigest(StampPlanner.StampPath(stampDir, "Count", t.ItemSpec))!)];
        }
        var first = Digests(ThreeTargets());
        Assert.That(File.Exists(memo), Is.True);
        ITaskItem[] moved = [Target("M67", "132.825", "11.8"), Target("M44", "130.2", "19.67"), Target("M45", "56.75", "24.12")];

        var afterMove = Digests(moved);
        Assert.That(afterMove.Select((d, i) => d == first[i]), Is.EqualTo(new[] { true, false, true }), "only the moved tile's stamp changes");
        Assert.That(Digests(ThreeTargets()), Is.EqualTo(first), "moved back, its first digest again");
        File.Delete(memo);
        Assert.That(Digests(moved), Is.EqualTo(afterMove), "a plan without the memo hashes every tile, and agrees");
    }

    [Test]
    public void ARunOfStep0AloneGetsNoTileItemsAndStep0GetsThePlansTileList()
    {
        var plan = Plan(null, ThreeTargets());
        plan.Steps = [TilingStep(_runDir)];
        plan.Tiles = "M44";

        var (ok, engine) = Run(plan);

        Assert.That(ok, Is.True, engine.Log);
        Assert.That(plan.AllTiles, Is.Empty);
        Assert.That(plan.SelectedTiles, Is.Empty);
        Assert.That(plan.TileCount, Is.EqualTo(3));
        var listed = Vasco.Steps.TilingStep.PlannedTiles(Path.Combine(plan.StampDir, "Tiling.stamp"));
        Assert.That(listed.Select(t => (t.TileId, t.RaDeg, t.DecDeg)), Is.EqualTo(new[] { ("M67", 132.825, 11.8), ("M44", 130.1, 19.67), ("M45", 56.75, 24.12) }));
    }

    [Test]
    public void ThePlansTileListIsRewrittenOnlyWhenStep0sStampIs()
    {
        var stamp = Path.Combine(Plan().StampDir, "Tiling.stamp");
        var list = Vasco.Steps.TilingStep.PlannedTilesPath(stamp);
        Assert.That(Run(Plan(null, ThreeTargets())).Ok, Is.True);
        var past = DateTime.UtcNow.AddMinutes(-10);
        File.SetLastWriteTimeUtc(stamp, past.AddMinutes(-1));
        File.SetLastWriteTimeUtc(list, past);

        Assert.That(Run(Plan(null, ThreeTargets())).Ok, Is.True);
        Assert.That(File.GetLastWriteTimeUtc(list), Is.EqualTo(past), "nothing changed: the list stays");

        Assert.That(Run(Plan(Parameters(("TilingMode", "single"), ("TileSizeArcmin", "30")), ThreeTargets())).Ok, Is.True);
        Assert.That(File.GetLastWriteTimeUtc(list), Is.GreaterThan(past), "a tiling parameter changed the stamp");
        Assert.That(Vasco.Steps.TilingStep.PlannedTiles(stamp).Select(t => t.SizeArcmin), Is.All.EqualTo(30));

        var fromStep0 = Plan(Parameters(("TilingMode", "single"), ("TileSizeArcmin", "30")), ThreeTargets());
        fromStep0.FromStep = "0";
        File.SetLastWriteTimeUtc(list, past);
        Assert.That(Run(fromStep0).Ok, Is.True);
        Assert.That(File.GetLastWriteTimeUtc(list), Is.GreaterThan(past), "FromStep=0 redoes step 0");

        // A build killed between the stamp and the list left the list older than the stamp.
        File.SetLastWriteTimeUtc(list, File.GetLastWriteTimeUtc(stamp).AddSeconds(-1));
        Assert.That(Run(Plan(Parameters(("TilingMode", "single"), ("TileSizeArcmin", "30")), ThreeTargets())).Ok, Is.True);
        Assert.That(File.GetLastWriteTimeUtc(list), Is.GreaterThanOrEqualTo(File.GetLastWriteTimeUtc(stamp)));
        File.Delete(list);
        Assert.That(Run(Plan(Parameters(("TilingMode", "single"), ("TileSizeArcmin", "30")), ThreeTargets())).Ok, Is.True);
        Assert.That(Vasco.Steps.TilingStep.PlannedTiles(stamp), Has.Count.EqualTo(3));
    }

    [TestCase("TileSizeArcmin", "sixty", false, "the run file", "a number in (0, 1200]")]
    [TestCase("TileSizeArcmin", "-5", true, "the command line", "a number in (0, 1200]")]
    [TestCase("MaxParallel", "-3", true, "the command line", "an integer in [0, 1024]")]
    public void ABadParameterValueIsVasco0103NamingWhereItCameFrom(string name, string value, bool commandLine, string from, string expected)
    {
        var plan = Plan(Parameters((name, value), ("TilingMode", "single")));
        var globals = commandLine ? new Dictionary<string, string> { [name] = value } : null;

        var (ok, engine) = Run(plan, new FakeBuildEngine(globals));

        Assert.That(ok, Is.False);
        OneError(engine, "VASCO0103", $"{name}='{value}' (from {from}) is not {expected}", $"Fix: set {name} to {expected}");
        Assert.That(plan.AllTiles, Is.Empty);
        Assert.That(Directory.Exists(plan.StampDir), Is.False, "nothing is written for a run that cannot start");
    }

    [Test]
    public void ABadConfigValueIsVasco0103AtItsLine()
    {
        var plan = Plan();
        plan.ConfigFile = Config("Survey: dss1-red\nTilingMode: hexagonal\n");

        var (ok, engine) = Run(plan);

        Assert.That(ok, Is.False);
        var error = OneError(engine, "VASCO0103", "TilingMode='hexagonal' is not one of hex30, single, footprint, random");
        Assert.That((error.File, error.LineNumber), Is.EqualTo((plan.ConfigFile, 2)));
    }

    [Test]
    public void AYamlSyntaxErrorIsVasco0101AtItsLineAndColumn()
    {
        var plan = Plan();
        plan.ConfigFile = Config("TileSizeArcmin: 30\nMatchRadiusArcsec: [5\n");

        var (ok, engine) = Run(plan);

        Assert.That(ok, Is.False);
        var error = OneError(engine, "VASCO0101", "is not valid YAML at line 3, column 1", "fix the YAML syntax");
        Assert.That((error.File, error.LineNumber, error.ColumnNumber), Is.EqualTo((plan.ConfigFile, 3, 1)));
    }

    [Test]
    public void AnUnknownConfigKeyIsVasco0102AtItsLine()
    {
        var plan = Plan();
        plan.ConfigFile = Config("TileSize: 60\n");

        var (ok, engine) = Run(plan);

        Assert.That(ok, Is.False);
        var error = OneError(engine, "VASCO0102", "'TileSize' is not a Vasco parameter", "TileSizeArcmin");
        Assert.That((error.File, error.LineNumber), Is.EqualTo((plan.ConfigFile, 1)));
    }

    [Test]
    public void AMissingConfigFileIsVasco0101()
    {
        var plan = Plan();
        plan.ConfigFile = Path.Combine(_runDir, "nowhere.yaml");

        var (ok, engine) = Run(plan);

        Assert.That(ok, Is.False);
        OneError(engine, "VASCO0101", "nowhere.yaml' does not exist", "set VascoConfigFile to an existing YAML file");
    }

    [Test]
    public void AParameterItemThatDeclaresNothingIsVasco0104()
    {
        var plan = Plan([.. Parameters(("TilingMode", "single")), Item("MyThreshold", ("Value", "3"))]);

        var (ok, engine) = Run(plan);

        Assert.That(ok, Is.False);
        OneError(engine, "VASCO0104", "'MyThreshold' is not a Vasco parameter", "give it Type and Default metadata");
    }

    [Test]
    public void AParameterItemWithTypeAndDefaultDeclaresAParameter()
    {
        var plan = Plan([.. Parameters(("TilingMode", "single")), Item("MyThreshold", ("Value", ""), ("Type", "Number"), ("Default", "2.5"))]);

        var (ok, engine) = Run(plan);

        Assert.That(ok, Is.True, engine.Log);
        Assert.That(Resolved(plan, "MyThreshold"), Is.EqualTo(("2.5", "Default")));
    }

    [TestCase("Colour", "red", "declares Type='Colour', which is not a parameter type", "give Type=\"Number\"")]
    [TestCase("Number", "lots", "declares Default='lots', which is not a number", "give Default metadata that is a number")]
    public void AParameterItemWithABadTypeOrDefaultIsVasco0103(string type, string defaultValue, string cause, string fix)
    {
        var plan = Plan([.. Parameters(("TilingMode", "single")), Item("MyLimit", ("Value", ""), ("Type", type), ("Default", defaultValue))]);

        var (ok, engine) = Run(plan);

        Assert.That(ok, Is.False);
        OneError(engine, "VASCO0103", $"VascoParameter 'MyLimit' {cause}", fix);
    }

    [Test]
    public void AMisspeltCommandLinePropertyIsVasco0111SuggestingTheNearestName()
    {
        var plan = Plan();
        plan.ProjectFiles = [Repo.Path("Vasco.Targets", "targets", "Vasco.targets")];

        var (ok, engine) = Run(plan, new FakeBuildEngine(new Dictionary<string, string> { ["TileSizeArcmn"] = "30" }));

        Assert.That(ok, Is.True, "a warning, not an error: " + engine.Log);
        Assert.That(engine.Errors, Is.Empty);
        var warning = engine.Warnings.Single();
        Assert.That(warning.Code, Is.EqualTo("VASCO0111"));
        Assert.That(warning.Message, Does.Contain("-p:TileSizeArcmn=30 is not a Vasco parameter"));
        Assert.That(warning.Message, Does.Contain("Did you mean TileSizeArcmin? Fix: write -p:TileSizeArcmin=30"));
    }

    [Test]
    public void AnUnreadPropertyWithNoNameNearItIsVasco0111WithoutASuggestion()
    {
        var plan = Plan();
        plan.ProjectFiles = [Repo.Path("Vasco.Targets", "targets", "Vasco.targets")];

        var (_, engine) = Run(plan, new FakeBuildEngine(new Dictionary<string, string> { ["Qwxzv"] = "1" }));

        var warning = engine.Warnings.Single();
        Assert.That(warning.Code, Is.EqualTo("VASCO0111"));
        Assert.That(warning.Message, Does.Contain("-p:Qwxzv=1 is not a Vasco parameter"));
        Assert.That(warning.Message, Does.Contain("Fix: check its spelling").And.Not.Contain("Did you mean"));
    }

    [Test]
    public void PropertiesTheBuildReadsOrMSBuildOwnsAreNotWarnedAbout()
    {
        var runFile = Path.Combine(_runDir, "run.vascoproj");
        File.WriteAllText(runFile, """<Project><PropertyGroup><Note>$(MyStepSetting)</Note></PropertyGroup></Project>""");
        var plan = Plan(Parameters(("TileSizeArcmin", "30"), ("TilingMode", "single")));
        plan.ProjectFiles = [runFile, Repo.Path("Vasco.Targets", "targets", "Vasco.targets")];
        var globals = new Dictionary<string, string>
        {
            ["TileSizeArcmin"] = "30", ["MyStepSetting"] = "x", ["Configuration"] = "Release", ["MSBuildExtensionsPath"] = "/x", ["VascoInstallTools"] = "false",
        };

        var (ok, engine) = Run(plan, new FakeBuildEngine(globals));

        Assert.That(ok, Is.True, engine.Log);
        Assert.That(engine.Warnings, Is.Empty, engine.Log);
    }

    [Test]
    public void TilesNamingATileTheRunLacksIsVasco0105WithTheRunsTileIds()
    {
        var plan = Plan(null, ThreeTargets());
        Run(plan);
        var ids = plan.AllTiles.Select(t => t.ItemSpec).ToList();
        var again = Plan(null, ThreeTargets());
        again.Tiles = $"{ids[1]};M99_x";

        var (ok, engine) = Run(again);

        Assert.That(ok, Is.False);
        OneError(engine, "VASCO0105", "Tiles= names M99_x, which this run does not have", "data/tiles/m67/tiles.csv", ids[0]);
    }

    [Test]
    public void TilesNamingAPathIsVasco0105()
    {
        var plan = Plan();
        plan.Tiles = "../../a";

        var (ok, engine) = Run(plan);

        Assert.That(ok, Is.False);
        OneError(engine, "VASCO0105", "Tiles= names ../../a, which this run does not have");
    }

    [Test]
    public void TilesSelectsThoseTiles()
    {
        var plan = Plan(null, ThreeTargets());
        Run(plan);
        var ids = plan.AllTiles.Select(t => t.ItemSpec).ToList();
        var again = Plan(null, ThreeTargets());
        again.Tiles = $"{ids[2]},{ids[0]}"; // ',' as a shell may pass it

        var (ok, engine) = Run(again);

        Assert.That(ok, Is.True, engine.Log);
        Assert.That(again.SelectedTiles.Select(t => t.ItemSpec), Is.EqualTo(new[] { ids[2], ids[0] }));
        Assert.That(again.AllTiles, Has.Length.EqualTo(3));
    }

    [TestCase("12")]
    [TestCase("two")]
    [TestCase("../2")]
    public void AFromStepThatIsNoStepIsVasco0106ListingTheSteps(string fromStep)
    {
        var plan = Plan();
        plan.FromStep = fromStep;

        var (ok, engine) = Run(plan);

        Assert.That(ok, Is.False);
        OneError(engine, "VASCO0106", $"FromStep={fromStep} is not a step of this pipeline", "use one of 0 (Tiling)");
    }

    [Test]
    public void TheRunIdAndCatalogNamesAreCheckedBeforeAnythingIsWritten()
    {
        var plan = Plan();
        plan.Catalogs = [Item("../usnob")];

        var (ok, engine) = Run(plan);

        Assert.That(ok, Is.False);
        OneError(engine, "VASCO0108", "VascoCatalog '../usnob' is not a safe folder name");
        Assert.That(Directory.Exists(plan.StampDir), Is.False);
    }

    [TestCase("25:00:00", "11.8", "VASCO0203", "has RA '25:00:00', which is not an RA")]
    [TestCase("132.825", "+95", "VASCO0204", "has Dec '+95', which is not a declination")]
    public void ABadTargetPositionIsCodedAndNamesTheTarget(string ra, string dec, string code, string says)
    {
        var (ok, engine) = Run(Plan(null, Target("M67", ra, dec)));

        Assert.That(ok, Is.False);
        OneError(engine, code, $"Target 'M67' (run file) {says}");
    }

    [Test]
    public void ARunWithoutTargetsIsVasco0206()
    {
        var plan = Plan();
        plan.Targets = [];

        var (ok, engine) = Run(plan);

        Assert.That(ok, Is.False);
        OneError(engine, "VASCO0206", "The run has no targets", "<VascoTarget Include=", "TilingMode to footprint or random");
    }

    [Test]
    public void TwoTargetsOfOneNameAreVasco0205()
    {
        var (ok, engine) = Run(Plan(null, Target("a", "10", "0"), Target("A", "11", "0")));

        Assert.That(ok, Is.False);
        OneError(engine, "VASCO0205", "Target 'A' appears twice (run file and run file)", "give each target its own name");
    }

    [Test]
    public void TargetListsAddTheirTargetsAfterTheRunFilesAndTheirErrorsNameTheLine()
    {
        var list = Path.Combine(_runDir, "targets.csv");
        File.WriteAllText(list, "name,ra,dec\nNGC 188,00:47:28,+85:15:18\nM45,03:47:24,+24:07:00\n");
        var plan = Plan();
        plan.TargetLists = [Item(list)];

        var (ok, engine) = Run(plan);

        Assert.That(ok, Is.True, engine.Log);
        Assert.That(plan.AllTiles.Select(t => t.ItemSpec), Is.EqualTo(new[] { "M67", "NGC_188", "M45" }));

        File.AppendAllText(list, "field2,361,0\n");
        var again = Plan();
        again.TargetLists = [Item(list)];
        var (bad, badEngine) = Run(again);
        Assert.That(bad, Is.False);
        OneError(badEngine, "VASCO0203", "Target 'field2' (targets.csv line 4) has RA '361'");
    }

    [Test]
    public void AMissingTargetListIsVasco0201NamingIt()
    {
        var plan = Plan();
        plan.TargetLists = [Item(Path.Combine(_runDir, "missing.csv"))];

        var (ok, engine) = Run(plan);

        Assert.That(ok, Is.False);
        var error = OneError(engine, "VASCO0201", "missing.csv", "check the VascoTargetList Include path");
        Assert.That(error.File, Is.EqualTo(Path.Combine(_runDir, "missing.csv")));
    }

    [Test]
    public void MoreTilesThanARunCanHoldIsVasco0211()
    {
        var (ok, engine) = Run(Plan(Parameters(("TileSizeArcmin", "0.001")), Item("a", ("Ra", "10"), ("Dec", "0"), ("SizeArcmin", "120"))));

        Assert.That(ok, Is.False);
        OneError(engine, "VASCO0211", "Target 'a' (run file) needs about", "one target may have at most 2500", "use a larger TileSizeArcmin");
    }

    [Test]
    public void ASurveyRunWithTargetsIsVasco0209()
    {
        var (ok, engine) = Run(Plan(Parameters(("TilingMode", "footprint"))));

        Assert.That(ok, Is.False);
        OneError(engine, "VASCO0209", "TilingMode=footprint tiles the survey band, but the run also names 1 target(s) (M67)", "remove the VascoTarget");
    }

    [TestCase("2", "2", "Shard=2 is not a shard number of ShardCount=2", "from 0 to 1")]
    [TestCase("01", "2", "Shard=01 is not a shard number", "without leading zeros")]
    [TestCase("0", "4", "ShardCount=4 is more than the run's 3 tile(s)", "at most 3")]
    [TestCase("0", "", "Shard=0 is given without ShardCount", "-p:ShardCount=4")]
    public void ABadShardIsVasco1201(string shard, string count, string cause, string fix)
    {
        var plan = Plan(null, ThreeTargets());
        (plan.Shard, plan.ShardCount) = (shard, count);

        var (ok, engine) = Run(plan);

        Assert.That(ok, Is.False);
        OneError(engine, "VASCO1201", cause, fix);
    }

    [Test]
    public void AShardPlansItsShareOfTheRunsTiles()
    {
        var plan = Plan(null, ThreeTargets());
        (plan.Shard, plan.ShardCount) = ("1", "2");

        var (ok, engine) = Run(plan);

        Assert.That(ok, Is.True, engine.Log);
        Assert.That(plan.AllTiles.Select(t => t.GetMetadata("TargetName")), Is.EqualTo(new[] { "M44" }));
        Assert.That(File.Exists(Path.Combine(plan.ShardsDir!, "tiles.csv")), Is.True, "the first shard freezes the run's tiles");
        Assert.That(engine.Messages.Where(m => m.Importance == MessageImportance.High).Select(m => m.Message),
            Has.Some.Contains("shard 1 of 2 (0 to 1): 1 of the run's 3 tile(s)"));
    }

    [Test]
    public void AShardOfARunWhoseTilesChangedSinceTheyWereFrozenIsVasco1202()
    {
        var first = Plan(null, ThreeTargets());
        (first.Shard, first.ShardCount) = ("0", "2");
        Assert.That(Run(first).Ok, Is.True);
        var next = Plan(null, ThreeTargets()[..2]);
        (next.Shard, next.ShardCount) = ("1", "2");

        var (ok, engine) = Run(next);

        Assert.That(ok, Is.False);
        var error = OneError(engine, "VASCO1202", "Run m67's tiles (2) differ from the tile list its shards were given (3", "start the sharded run afresh");
        Assert.That(error.File, Is.EqualTo(Path.Combine(first.ShardsDir!, "tiles.csv")));
    }

    [Test]
    public void FreezeOnlyWritesTheTileListAndNoStamps()
    {
        var plan = Plan(null, ThreeTargets());
        (plan.FreezeOnly, plan.ShardCount) = (true, "3");

        var (ok, engine) = Run(plan);

        Assert.That(ok, Is.True, engine.Log);
        Assert.That(File.ReadAllLines(Path.Combine(plan.ShardsDir!, "tiles.csv")), Has.Length.EqualTo(4));
        Assert.That(plan.TileCount, Is.EqualTo(3));
        Assert.That(plan.AllTiles, Is.Empty, "VascoSubmitSlurm needs only the count");
        Assert.That(Directory.Exists(plan.StampDir), Is.False);
        Assert.That(engine.Messages.Select(m => m.Message), Does.Contain("Vasco: 3 tile(s) of run m67 frozen in data/shards/m67/tiles.csv"));
    }

    [Test]
    public void AMergeWhosePlanDiffersFromTheShardsIsVasco1205()
    {
        // The shards' stamps, as adopted by VascoMergeShards: a plan of the whole run with MatchRadiusArcsec=5.
        VascoPlan WithFilter(string radius, bool merging)
        {
            var plan = Plan(Parameters(("TilingMode", "single"), ("MatchRadiusArcsec", radius)), ThreeTargets());
            plan.Steps = [TilingStep(_runDir), Step(_runDir, "Filter", 8, after: "Tiling", reads: "MatchRadiusArcsec")];
            (plan.Merging, plan.ShardCount) = (merging, "2");
            return plan;
        }
        var freeze = WithFilter("5", merging: false);
        freeze.FreezeOnly = true;
        Assert.That(Run(freeze).Ok, Is.True);
        Assert.That(Run(WithFilter("5", merging: false)).Ok, Is.True);
        Assert.That(Run(WithFilter("5", merging: true)).Ok, Is.True, "the same plan: nothing to rebuild");

        var (ok, engine) = Run(WithFilter("4", merging: true));

        Assert.That(ok, Is.False);
        OneError(engine, "VASCO1205", "Merging run m67: step Filter is out of date for 3 tile(s)", "merge where the shards ran");
    }

    [Test]
    public void MergingARunNoShardOfWhichRanIsVasco1203()
    {
        var plan = Plan();
        plan.Merging = true;

        var (ok, engine) = Run(plan);

        Assert.That(ok, Is.False);
        OneError(engine, "VASCO1203", "Run m67 has no frozen tile list", "run the shards first");
    }
}
