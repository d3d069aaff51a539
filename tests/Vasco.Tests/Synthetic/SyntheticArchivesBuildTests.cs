using NUnit.Framework;
using Vasco.SolarSystem;
using Vasco.Tests.Support;

namespace Vasco.Tests.Synthetic;

/// <summary>
/// Through real builds: VascoSyntheticArchives=true writes each tile's archive files before the plan, so a step that
/// reads one (here the test step StarCount, given the SkyBoT answers as its per-tile file) is stamped with the files as
/// they stay: a second build runs nothing, and only a change of a file's content reruns the step.
/// </summary>
[NonParallelizable]
public class SyntheticArchivesBuildTests
{
    [Test]
    public void The_files_are_there_before_the_plan_and_only_a_change_of_their_content_reruns_a_step_reading_them()
    {
        using var run = new RunFolder("synarch");
        var skybot = $"data/synthetic/{run.RunId}/{{tile}}.skybot.txt";
        run.WriteRunFile($"""
            <TilingMode>single</TilingMode>
            <TileSizeArcmin>10</TileSizeArcmin>
            <ImageSource>synthetic</ImageSource>
            <SyntheticAsteroidsPerTile>2</SyntheticAsteroidsPerTile>
            <VascoSyntheticArchives>true</VascoSyntheticArchives>
            <VascoTestStepDensity>false</VascoTestStepDensity>
            <StarFilePattern>{skybot}</StarFilePattern>
            """, """
            <VascoTarget Include="syn-one" Ra="40" Dec="30" />
            <VascoTarget Include="syn-two" Ra="200" Dec="-10" />
            """);
        string Answer(string tile) => File.ReadAllText(run.Path("data", "synthetic", run.RunId, tile + ".skybot.txt"));

        var first = run.Build("-t:StarCount");
        Assert.That(first.ExitCode, Is.EqualTo(0), first.Output);
        Assert.That(first.TilesRun("StarCount"), Is.EqualTo(new[] { "syn-one", "syn-two" }));
        Assert.That(SkybotAnswer.Parse(Answer("syn-one")).Objects, Has.Count.EqualTo(2));
        Assert.That(Directory.GetFiles(run.Path("data", "synthetic", run.RunId)), Has.Length.EqualTo(8));

        var again = run.Build("-t:StarCount");
        Assert.That(again.ExitCode, Is.EqualTo(0), again.Output);
        Assert.That(again.TilesRun("StarCount"), Is.Empty, "the files were hashed as they stayed");

        var variables = run.Build("-t:StarCount", "-p:SyntheticVariablesPerTile=3");
        Assert.That(variables.TilesRun("StarCount"), Is.Empty, "the SkyBoT answers did not change");
        Assert.That(File.ReadAllLines(run.Path("data", "synthetic", run.RunId, "syn-two.vsx.csv")), Has.Length.EqualTo(4));

        var asteroids = run.Build("-t:StarCount", "-p:SyntheticAsteroidsPerTile=3");
        Assert.That(asteroids.ExitCode, Is.EqualTo(0), asteroids.Output);
        Assert.That(asteroids.TilesRun("StarCount"), Is.EqualTo(new[] { "syn-one", "syn-two" }), "both tiles' answers changed");
        Assert.That(SkybotAnswer.Parse(Answer("syn-two")).Objects, Has.Count.EqualTo(3));

        Assert.That(run.Build("-t:Clean").ExitCode, Is.EqualTo(0));
        Assert.That(Directory.Exists(run.Path("data", "synthetic", run.RunId)), Is.False, "Clean removes them with the run's outputs");
    }
}
