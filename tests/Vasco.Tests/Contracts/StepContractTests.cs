using System.Text.RegularExpressions;
using NUnit.Framework;
using Vasco.Pipeline;
using Vasco.Steps;
using Vasco.Tests.Support;
using Vasco.Tiling;
using Vasco.Tools;

namespace Vasco.Tests.Contracts;

/// <summary>
/// What a step's stamp holds is what its contract reads: these tests fail when a step reads a parameter its stamp
/// does not hold (the work of every per-tile step runs on a synthetic tile, without MSBuild, seeing only its
/// contract's parameters), and when the stamp holds a parameter that changes nothing of the step's config.
/// </summary>
public class StepContractTests
{
    static readonly string[] PerTile = ["Download", "Preprocess", "Pass1", "Psf", "Pass2", "External", "CrossMatch", "Filter"];

    [Test]
    public void EveryPerTileStepRunsOnOnlyTheParametersItsStampHolds()
    {
        var chain = new SyntheticChain(BuiltInSteps.All.Where(c => PerTile.Contains(c.Name)).ToList(), []);
        chain.Run();
        // The chain ran to its end: the tile's candidates are there (a synthetic plate has vanished sources).
        Assert.That(File.ReadAllLines(FilterStep.Candidates.PathOf(chain.Steps, chain.Tile.TileId)).Length, Is.GreaterThan(1));
    }

    [Test]
    public void EveryParameterAStampHoldsChangesTheStepsConfig()
    {
        foreach (var contract in BuiltInSteps.All)
        {
            var baseline = contract.Bind(ParameterCatalog.Defaults);
            foreach (var name in contract.Reads)
            {
                var definition = ParameterCatalog.Find(name)!;
                if (Other(definition) is not { } other)
                {
                    Assert.That(definition.Choices, Has.Count.EqualTo(1), $"{name}: no other value to try");
                    continue; // Survey has one choice: nothing to change
                }
                var changed = contract.Bind(Values((name, other)));
                Assert.That(changed, Is.Not.EqualTo(baseline), $"step {contract.Name} stamps {name}, but {name}={other} leaves its config as it was");
            }
        }
    }

    [Test]
    public void BuiltInStepsHaveNoHandKeptReadsList()
    {
        var targets = File.ReadAllText(Repo.Path("Vasco.Targets", "targets", "Vasco.Steps.targets"));
        foreach (Match m in Regex.Matches(targets, @"<VascoStep Include=""(\w+)""[^>]*>"))
            Assert.That(m.Value, Does.Not.Contain("Reads="), $"the stamp of {m.Groups[1].Value} comes from its contract");
        Assert.That(BuiltInSteps.Find("Filter")!.Reads, Does.Contain("MatchRadiusArcsec").And.Contain("SnrWinMin").And.Not.Contain("ToolTimeoutSeconds"));
        Assert.That(BuiltInSteps.Find("Filter")!.Unstamped, Does.Contain("ToolTimeoutSeconds"));
    }

    [Test]
    public void EveryBuiltInParameterHasOneHome()
    {
        var names = ParameterCatalog.BuiltIn.Select(p => p.Name).ToList();
        Assert.That(names, Is.Unique);
        // Each parameter is read by some step or by the run (FailFast, MaxParallel, Slurm*): none is declared and unused.
        var read = BuiltInSteps.All.SelectMany(c => c.Reads.Concat(c.Unstamped)).Concat(RunSettings.EngineReads).ToHashSet();
        var runLevel = ParameterCatalog.DeclaredBy(typeof(RunSettings)).Select(p => p.Name);
        Assert.That(names.Except(read).Except(runLevel), Is.Empty);
    }

    static ParameterSet Values(params (string Name, string Value)[] given) => SyntheticChain.Resolve([], given);

    /// <summary>A valid value of the parameter other than its default, or null when there is none.</summary>
    static string? Other(ParameterDefinition p)
    {
        var normal = p.Normalize(p.Default);
        string[] tries = p.Type switch
        {
            ParameterType.Choice => [.. p.Choices!],
            ParameterType.Boolean => ["true", "false"],
            // A list of DSS survey names takes only such names (OtherPlatesSurveys).
            ParameterType.Text => [p.Default.Contains("poss1_blue", StringComparison.Ordinal) ? "poss1_blue" : "elsewhere"],
            _ => double.TryParse(normal, System.Globalization.CultureInfo.InvariantCulture, out var d)
                ? [F(d + 1), F(d - 1), F(d * 2), F(d / 2), "32"]
                : ["32"],
        };
        return tries.FirstOrDefault(t => p.Normalize(t) is { } n && n != normal);
    }

    static string F(double d) => d.ToString("R", System.Globalization.CultureInfo.InvariantCulture);
}
