using Microsoft.Build.Framework;
using NUnit.Framework;
using Vasco.MSBuild;
using Vasco.SolarSystem;
using Vasco.Synthetic;
using Vasco.Tests.Support;
using static Vasco.Tests.Adapters.Adapter;

namespace Vasco.Tests.Adapters;

/// <summary>
/// VascoWriteSyntheticArchives, before the plan of a run with VascoSyntheticArchives=true: each tile's SkyBoT answer,
/// infrared archive, second scan and VSX file in data/synthetic/&lt;RunId&gt;/, from the parameters and tiles the plan resolves.
/// </summary>
public class VascoWriteSyntheticArchivesTests
{
    string _runDir = "";
    string Out => Path.Combine(_runDir, "data", "synthetic", "syn") + "/";

    [SetUp]
    public void NewRun() => _runDir = NewRunDir();

    VascoWriteSyntheticArchives Task(params (string Name, string Value)[] set) => new()
    {
        RunDir = _runDir,
        RunId = "syn",
        Parameters = Parameters([("TilingMode", "single"), ("TileSizeArcmin", "10"), .. set]),
        Targets = [Item("syn-one", ("Ra", "40"), ("Dec", "30")), Item("syn-two", ("Ra", "200"), ("Dec", "-10"))],
        OutputDir = Out,
    };

    [Test]
    public void Each_tile_gets_its_four_files_once_and_a_second_build_rewrites_none()
    {
        var (ok, engine) = Run(Task(("ImageSource", "synthetic"), ("SyntheticAsteroidsPerTile", "2")));
        Assert.That(ok, Is.True, engine.Log);
        var files = Directory.GetFiles(Out).Select(Path.GetFileName).Order().ToList();
        Assert.That(files, Is.EqualTo(new[] { "syn-one", "syn-two" }.SelectMany(t => SyntheticArchives.Suffixes.Select(s => t + s)).Order()));
        Assert.That(engine.Log, Does.Contain("of 2 tile(s)").And.Contain("8 file(s) written"));
        var answer = SkybotAnswer.Parse(File.ReadAllText(Path.Combine(Out, "syn-one.skybot.txt")));
        Assert.That(answer.Objects, Has.Count.EqualTo(2), "SyntheticAsteroidsPerTile=2 from the run file");

        var stamps = files.ToDictionary(f => f!, f => File.GetLastWriteTimeUtc(Path.Combine(Out, f!)));
        (ok, engine) = Run(Task(("ImageSource", "synthetic"), ("SyntheticAsteroidsPerTile", "2")));
        Assert.That(ok, Is.True, engine.Log);
        Assert.That(engine.Log, Does.Contain("0 file(s) written"));
        Assert.That(files.Select(f => File.GetLastWriteTimeUtc(Path.Combine(Out, f!))), Is.EqualTo(stamps.Values));
    }

    [Test]
    public void The_command_line_wins_over_the_run_file_as_in_the_plan()
    {
        var task = Task(("ImageSource", "synthetic"), ("SyntheticAsteroidsPerTile", "4"));
        // -p:SyntheticAsteroidsPerTile=1: MSBuild gives the item the command line's value and reports it as a global property.
        task.Parameters.Single(p => p.ItemSpec == "SyntheticAsteroidsPerTile").SetMetadata("Value", "1");
        var (ok, engine) = Run(task, new FakeBuildEngine(new Dictionary<string, string> { ["SyntheticAsteroidsPerTile"] = "1" }));
        Assert.That(ok, Is.True, engine.Log);
        Assert.That(SkybotAnswer.Parse(File.ReadAllText(Path.Combine(Out, "syn-two.skybot.txt"))).Objects, Has.Count.EqualTo(1));
    }

    [Test]
    public void A_run_whose_plates_are_not_synthetic_gets_no_synthetic_archives()
    {
        var (ok, engine) = Run(Task(("ImageSource", "stsci")));
        Assert.That(ok, Is.False);
        OneError(engine, "VASCO0103", "ImageSource=stsci", "VascoSyntheticArchives");
        Assert.That(Directory.Exists(Out), Is.False);
    }
}
