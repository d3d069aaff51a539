using NUnit.Framework;
using Vasco.Pipeline;
using Vasco.Steps;
using Vasco.Tests.Support;

namespace Vasco.Tests.Engine;

public class ParameterTests
{
    static string Yaml(string text)
    {
        var path = TestTemp.NewPath("config-", ".yaml");
        File.WriteAllText(path, text);
        return path;
    }

    [Test]
    public void CommandLineBeatsRunFileBeatsConfigBeatsDefault()
    {
        var config = Yaml("TileSizeArcmin: 45\nMatchRadiusArcsec: 4\nTilingMode: single\n");
        var set = ParameterSet.Resolve(
        [
            ("TileSizeArcmin", "30", true),      // command line
            ("MatchRadiusArcsec", "3", false),   // run file
            ("TilingMode", "", false),           // config
            ("Survey", "", false),               // default
        ], config, ParameterCatalog.BuiltIn);
        Assert.That(set.All.Single(p => p.Name == "TileSizeArcmin"), Is.EqualTo(new ResolvedParameter("TileSizeArcmin", "30", ParameterSource.CommandLine)));
        Assert.That(set.All.Single(p => p.Name == "MatchRadiusArcsec"), Is.EqualTo(new ResolvedParameter("MatchRadiusArcsec", "3", ParameterSource.RunFile)));
        Assert.That(set.All.Single(p => p.Name == "TilingMode"), Is.EqualTo(new ResolvedParameter("TilingMode", "single", ParameterSource.Config)));
        Assert.That(set.All.Single(p => p.Name == "Survey"), Is.EqualTo(new ResolvedParameter("Survey", "dss1-red", ParameterSource.Default)));
    }

    [Test]
    public void ValuesAreNormalisedSoCosmeticChangesDoNotRerun()
    {
        var a = ParameterSet.Resolve([("TileSizeArcmin", "60.0", false), ("FailFast", "TRUE", false)], null, ParameterCatalog.BuiltIn);
        Assert.That(a["TileSizeArcmin"], Is.EqualTo("60"));
        Assert.That(a["FailFast"], Is.EqualTo("true"));
    }

    [TestCase("TileSizeArcmin: sixty\n", "VASCO0103")]
    [TestCase("TileSizeArcmin: -5\n", "VASCO0103")]
    [TestCase("TilingMode: hexagonal\n", "VASCO0103")]
    [TestCase("TileSize: 60\n", "VASCO0102")]
    [TestCase("TileSizeArcmin: [1, 2]\n", "VASCO0103")]
    [TestCase("TileSizeArcmin: 60\n  bad indent: x\n", "VASCO0101")]
    [TestCase("- a list\n", "VASCO0101")]
    public void BadConfigFilesGiveCodedErrors(string yaml, string code)
    {
        var path = Yaml(yaml);
        var e = Assert.Throws<VascoException>(() => ParameterSet.Resolve([("TileSizeArcmin", "", false), ("TilingMode", "", false)], path, ParameterCatalog.BuiltIn));
        Assert.That(e!.Code, Is.EqualTo(code), e.UserMessage);
        Assert.That(e.File, Is.EqualTo(path));
    }

    // A YAML syntax error names the line and column, also where YamlDotNet throws no YamlException (fuzz-found input).
    [TestCase("TileSizeArcmin: 30\nMatchRadiusArcsec: [5\n", 3, 1)]
    [TestCase("TileSizeArcmin: 60\n  bad indent: x\n", 2, 13)]
    [TestCase("TileSizeArcmin: \"60\n", 1, 17)]
    public void AYamlSyntaxErrorGivesItsLineAndColumn(string yaml, int line, int column)
    {
        var e = Assert.Throws<VascoException>(() => ParameterSet.ReadConfig(Yaml(yaml), ParameterCatalog.BuiltIn.ToDictionary(d => d.Name, StringComparer.OrdinalIgnoreCase)))!;
        Assert.That((e.Code, e.Line, e.Column), Is.EqualTo(("VASCO0101", line, column)), e.UserMessage);
        Assert.That(e.UserMessage, Does.Contain($"at line {line}, column {column}"));
    }

    [Test]
    public void TheFuzzFoundYamlCrashesNameWhereTheReaderStopped()
    {
        foreach (var (name, line, column) in new[] { ("VASCO0101.fuzz-crash-yaml-scanner.yaml", 20, 1), ("VASCO0101.fuzz-crash-yaml-node.yaml", 2, 11) })
        {
            var path = Repo.Path("tests", "Vasco.Tests", "Data", "bad-inputs", "config", name);
            var e = Assert.Throws<VascoException>(() => ParameterSet.ReadConfig(path, ParameterCatalog.BuiltIn.ToDictionary(d => d.Name, StringComparer.OrdinalIgnoreCase)))!;
            Assert.That((e.Line, e.Column), Is.EqualTo((line, column)), name);
            Assert.That(e.UserMessage, Does.Contain($"at line {line}, column {column}").And.Not.Contain("Operation is not valid"), name);
        }
    }

    [Test]
    public void AMissingConfigFileIsAnError() =>
        Assert.That(Assert.Throws<VascoException>(() => ParameterSet.Resolve([], "/nonexistent/pipeline.yaml", ParameterCatalog.BuiltIn))!.Code, Is.EqualTo("VASCO0101"));

    [Test]
    public void TheShippedConfigHasTheSeedsDefaults()
    {
        var values = ParameterSet.ReadConfig(Repo.Path("config", "pipeline.yaml"),
            ParameterCatalog.BuiltIn.ToDictionary(d => d.Name, StringComparer.OrdinalIgnoreCase));
        Assert.That(values["Survey"], Is.EqualTo("dss1-red"));
        Assert.That(values["TileSizeArcmin"], Is.EqualTo("60"));
        Assert.That(values["TilingMode"], Is.EqualTo("hex30"));
        Assert.That(values["MatchRadiusArcsec"], Is.EqualTo("5"));
        Assert.That(values["ValidatorToleranceArcsec"], Is.EqualTo("0.05"));
        Assert.That(values["ImageSource"], Is.EqualTo("stsci"));
    }

    [Test]
    public void EveryBuiltInParameterIsForwardedByTheTargets()
    {
        var targets = File.ReadAllText(Repo.Path("Vasco.Targets", "targets", "Vasco.targets"));
        foreach (var p in ParameterCatalog.BuiltIn)
            Assert.That(targets, Does.Contain($"<VascoParameter Include=\"{p.Name}\" Value=\"$({p.Name})\" />"), p.Name);
    }

    [Test]
    public void ThePipelineVersionMatchesTheBuildVersion() =>
        Assert.That(File.ReadAllText(Repo.Path("Directory.Build.props")), Does.Contain($"<VascoVersion>{PipelineInfo.Version}</VascoVersion>"));
}

public class ShippedConfigTests
{
    [Test]
    public void ThePipelineYamlListsEveryParameterWithItsBuiltInDefault()
    {
        var values = ParameterSet.ReadConfig(Repo.Path("config", "pipeline.yaml"),
            ParameterCatalog.BuiltIn.ToDictionary(d => d.Name, StringComparer.OrdinalIgnoreCase));
        var text = File.ReadAllText(Repo.Path("config", "pipeline.yaml"));
        foreach (var p in ParameterCatalog.BuiltIn)
        {
            Assert.That(text, Does.Match($@"(?m)^{p.Name}:"), $"{p.Name} is missing from config/pipeline.yaml");
            var inFile = values.TryGetValue(p.Name, out var v) ? p.Normalize(v) : p.Normalize(p.Default);
            Assert.That(inFile, Is.EqualTo(p.Normalize(p.Default)), p.Name);
        }
    }
}
