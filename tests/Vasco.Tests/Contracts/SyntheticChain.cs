using NUnit.Framework;
using Vasco.Pipeline;
using Vasco.Steps;
using Vasco.Tests.Support;
using Vasco.Tiling;
using Vasco.Tools;

namespace Vasco.Tests.Contracts;

/// <summary>
/// Per-tile steps run through their contracts on one small synthetic tile, without MSBuild: each step's work sees only
/// the parameters its contract reads, as in a build. Steps run in the order given, each after the ones it reads from.
/// </summary>
sealed class SyntheticChain
{
    public SyntheticChain(IReadOnlyList<StepContract> contracts, IReadOnlyList<ParameterDefinition> extra)
    {
        Contracts = contracts;
        Known = [.. ParameterCatalog.BuiltIn, .. extra];
        RunDir = TestTemp.NewPath("contracts-");
        Values = Resolve(extra, ("ImageSource", "synthetic"), ("TileSizeArcmin", "20"), ("MaxParallel", "1"));
        Tile = Tiler.Tile([new Target("field", 150, 20, 20, 20, "test")], TilingMode.Single, 20)[0];
        Steps = contracts.Select(c => new StepDeclaration(c.Name, c.Number, true, Previous(c.Name), c.Reads, [], [],
                Path.Combine(RunDir, "data", c.Name), Path.Combine(RunDir, "logs", c.Name)))
            .ToDictionary(s => s.Name, StringComparer.Ordinal);
        var config = Repo.Path("config");
        Environment = new StepEnvironment
        {
            RunDir = RunDir, RunId = "contracts", Steps = Steps, CacheDir = Path.Combine(RunDir, "cache"), StateDir = Path.Combine(RunDir, "obj"),
            ExtDir = Path.Combine(RunDir, "data", "ext"),
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
    }

    public IReadOnlyList<StepContract> Contracts { get; }
    public IReadOnlyList<ParameterDefinition> Known { get; }
    public string RunDir { get; }
    public ParameterSet Values { get; }
    public Tile Tile { get; }
    public Dictionary<string, StepDeclaration> Steps { get; }
    public StepEnvironment Environment { get; }

    /// <summary>Runs every step for the tile; each must succeed.</summary>
    public void Run()
    {
        foreach (var contract in Contracts)
        {
            var runner = new StepRunner
            {
                Step = Steps[contract.Name], RunDir = RunDir, RunId = "contracts", Parameters = contract.Restrict(Values),
                ToolVersions = new Dictionary<string, string>(), AllSteps = Steps, StampDir = Path.Combine(RunDir, "obj", "stamps"),
            };
            using var work = contract.Create(Environment, Values);
            var outcome = work.Run(runner, [Tile], [Tile.TileId]).Single();
            Assert.That(outcome.Status, Is.EqualTo(TileStatus.Ok), $"step {contract.Name}: {outcome.Code} {outcome.Message}");
        }
    }

    public static ParameterSet Resolve(IReadOnlyList<ParameterDefinition> extra, params (string Name, string Value)[] given)
    {
        var known = ParameterCatalog.BuiltIn.Concat(extra).ToList();
        return ParameterSet.Resolve(known.Select(p => (p.Name, given.FirstOrDefault(g => g.Name == p.Name).Value ?? "", false)), null, known);
    }

    static IReadOnlyList<string> Previous(string step) => step switch
    {
        "Download" or "External" => [],
        "Preprocess" => ["Download"],
        "Pass1" => ["Preprocess"],
        "Psf" => ["Pass1"],
        "Pass2" => ["Preprocess", "Pass1", "Psf"],
        "CrossMatch" => ["Preprocess", "Pass2", "External"],
        "Filter" => ["Preprocess", "Psf", "CrossMatch"],
        _ => ["Pass2"],
    };
}
