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
        var run = TestTemp.NewPath("contracts-");
        var values = Values(("ImageSource", "synthetic"), ("TileSizeArcmin", "20"), ("MaxParallel", "1"));
        var tile = Tiler.Tile([new Target("field", 150, 20, 20, 20, "test")], TilingMode.Single, 20)[0];
        var steps = BuiltInSteps.All.Where(c => PerTile.Contains(c.Name))
            .Select(c => new StepDeclaration(c.Name, c.Number, true, Previous(c.Name), c.Reads, [], [], Path.Combine(run, "data", c.Name), Path.Combine(run, "logs", c.Name)))
            .ToDictionary(s => s.Name, StringComparer.Ordinal);
        var config = Repo.Path("config");
        var env = new StepEnvironment
        {
            RunDir = run, RunId = "contracts", Steps = steps, CacheDir = Path.Combine(run, "cache"), StateDir = Path.Combine(run, "obj"),
            ExtDir = Path.Combine(run, "data", "ext"),
            Catalogs = [new CatalogItem("synthetic", "", new Dictionary<string, string>())],
            ToolPaths = new[] { "source-extractor", "psfex", "stilts" }.ToDictionary(t => t, t => ProcessRunner.FindOnPath(t)!),
            Files = new Dictionary<string, string>
            {
                ["SExtractorConfig"] = Path.Combine(config, "sextractor", "vasco.sex"),
                ["Pass1Columns"] = Path.Combine(config, "sextractor", "pass1.param"),
                ["Pass2Columns"] = Path.Combine(config, "sextractor", "pass2.param"),
                ["Pass2ModelColumns"] = Path.Combine(config, "sextractor", "pass2-spread.param"),
                ["SpreadColumns"] = Path.Combine(config, "sextractor", "spread.param"),
                ["PsfexConfig"] = Path.Combine(config, "psfex", "psfex.conf"),
            },
        };
        foreach (var contract in BuiltInSteps.All.Where(c => PerTile.Contains(c.Name)))
        {
            var runner = new StepRunner
            {
                Step = steps[contract.Name], RunDir = run, RunId = "contracts", Parameters = contract.Restrict(values),
                ToolVersions = new Dictionary<string, string>(), AllSteps = steps, StampDir = Path.Combine(run, "obj", "stamps"),
            };
            using var work = contract.Create(env, values);
            var outcome = work.Run(runner, [tile], [tile.TileId]).Single();
            Assert.That(outcome.Status, Is.EqualTo(TileStatus.Ok), $"step {contract.Name}: {outcome.Code} {outcome.Message}");
        }
        // The chain ran to its end: the tile's candidates are there (a synthetic plate has vanished sources).
        Assert.That(File.ReadAllLines(Path.Combine(run, "data", "Filter", tile.TileId + "_candidates.csv")).Length, Is.GreaterThan(1));
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

    static IReadOnlyList<string> Previous(string step) => step switch
    {
        "Download" or "External" => [],
        "Preprocess" => ["Download"],
        "Pass1" => ["Preprocess"],
        "Psf" => ["Pass1"],
        "Pass2" => ["Preprocess", "Pass1", "Psf"],
        "CrossMatch" => ["Preprocess", "Pass2", "External"],
        _ => ["Preprocess", "Psf", "CrossMatch"],
    };

    static ParameterSet Values(params (string Name, string Value)[] given) =>
        ParameterSet.Resolve(ParameterCatalog.BuiltIn.Select(p => (p.Name, given.FirstOrDefault(g => g.Name == p.Name).Value ?? "", false)), null, ParameterCatalog.BuiltIn);

    /// <summary>A valid value of the parameter other than its default, or null when there is none.</summary>
    static string? Other(ParameterDefinition p)
    {
        var normal = p.Normalize(p.Default);
        string[] tries = p.Type switch
        {
            ParameterType.Choice => [.. p.Choices!],
            ParameterType.Boolean => ["true", "false"],
            ParameterType.Text => ["elsewhere"],
            _ => double.TryParse(normal, System.Globalization.CultureInfo.InvariantCulture, out var d)
                ? [F(d + 1), F(d - 1), F(d * 2), F(d / 2), "32"]
                : ["32"],
        };
        return tries.FirstOrDefault(t => p.Normalize(t) is { } n && n != normal);
    }

    static string F(double d) => d.ToString("R", System.Globalization.CultureInfo.InvariantCulture);
}
