using System.Text.RegularExpressions;
using NUnit.Framework;
using Vasco.Steps;
using Vasco.Tests.Steps;
using Vasco.Tests.Support;

namespace Vasco.Tests.Engine;

/// <summary>-t:VascoHelp through a real build: every parameter with the value the run would use and where it comes from, and nothing run.</summary>
public class HelpTests
{
    [Test]
    public void HelpListsEveryConfigParameterWithItsEffectiveValueAndSourceAndRunsNothing()
    {
        using var run = M67Run.Create("help", """<FwhmMax>6</FwhmMax>""");
        var text = File.ReadAllText(run.RunFile).Replace("</ItemGroup>", """<VascoParameter Include="MyLimit" Type="Number" Default="3" Description="my step's limit" /></ItemGroup>""");
        File.WriteAllText(run.RunFile, text);
        var help = run.Build("-t:VascoHelp", "-p:SnrWinMin=20");
        Assert.That(help.ExitCode, Is.EqualTo(0), help.Output);

        // Every key of config/pipeline.yaml, each with a value and its source.
        var keys = Regex.Matches(File.ReadAllText(Repo.Path("config", "pipeline.yaml")), @"^(\w+):", RegexOptions.Multiline).Select(m => m.Groups[1].Value).ToList();
        Assert.That(keys, Has.Count.EqualTo(ParameterCatalog.BuiltIn.Count), "the config file lists every parameter");
        foreach (var key in keys)
            Assert.That(help.Output, Does.Match($@"\n\s+{key} = .*\[(command line|run file|config file|default)\]"), key);
        Assert.That(help.Output, Does.Contain("SnrWinMin = 20  [command line]"));
        Assert.That(help.Output, Does.Contain("FwhmMax = 6  [run file]"));
        Assert.That(help.Output, Does.Contain("TileOverlapArcmin = 0  [config file]"));
        Assert.That(help.Output, Does.Contain("MyLimit = 3  [default]").And.Contain("my step's limit"), "a parameter the run file declares");
        // The steps and their targets, the vetting stages among them; the items.
        foreach (var step in BuiltInSteps.All.Where(s => s.Name != "Tiling"))
            Assert.That(help.Output, Does.Contain("Vasco" + step.Name), step.Name);
        Assert.That(help.Output, Does.Contain("<VascoArchive Include=").And.Contain("<VascoVettingFile Include="));
        Assert.That(File.ReadAllText(run.Path("obj", "vasco", run.RunId, "help.txt")), Does.Contain("SnrWinMin = 20  [command line]"));
        Assert.That(Directory.Exists(run.Path("data")), Is.False, "help runs no step");
    }
}
