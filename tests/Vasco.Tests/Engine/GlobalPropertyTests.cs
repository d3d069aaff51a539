using System.Text.RegularExpressions;
using NUnit.Framework;
using Vasco.MSBuild;
using Vasco.Pipeline;
using Vasco.Steps;
using Vasco.Tests.Support;

namespace Vasco.Tests.Engine;

/// <summary>-p: properties that nothing reads (a misspelt parameter) warn with VASCO0111; the ones in use never do.</summary>
public class GlobalPropertyTests
{
    static readonly string[] VascoFiles =
    [
        Repo.Path("Vasco.Targets", "Sdk", "Sdk.props"), Repo.Path("Vasco.Targets", "Sdk", "Sdk.targets"),
        Repo.Path("Vasco.Targets", "targets", "Vasco.props"), Repo.Path("Vasco.Targets", "targets", "Vasco.targets"),
    ];

    static IEnumerable<string> Parameters => ParameterCatalog.BuiltIn.Select(p => p.Name);

    [Test]
    public void AMisspeltParameterIsReportedWithTheNearestName()
    {
        var unread = GlobalPropertyCheck.Unread(["TileSizeArcmn", "detecthresh", "Fooo", "TileSizeArcmin", "Configuration", "RestoreSources", "MSBuildExtensionsPath", "_Internal", "VascoStsciEndpoint"],
            Parameters, VascoFiles);
        Assert.That(unread, Is.EqualTo(new (string, string?)[] { ("detecthresh", "DetectThresh"), ("Fooo", null), ("TileSizeArcmn", "TileSizeArcmin") }));
    }

    [Test]
    public void APropertyOnlyTheTestStepsReadIsKnownThroughTheirImport()
    {
        using var run = new RunFolder("globals");
        run.WriteRunFile();
        Assert.That(GlobalPropertyCheck.Unread(["StarFilePattern", "VascoTestStepDensity", "StarFilePatern"], Parameters, [run.RunFile, .. VascoFiles]),
            Is.EqualTo(new (string, string?)[] { ("StarFilePatern", "StarFilePattern") }));
    }

    /// <summary>Every -p:Name that the repository's tests, benchmarks, CI, runs and docs pass.</summary>
    static IEnumerable<(string Name, string File)> PassedProperties()
    {
        var roots = new[] { "tests", "bench", ".ci", "runs", "templates", ".vscode", "docs" }.Select(r => Repo.Path(r)).Where(Directory.Exists);
        var files = roots.SelectMany(r => Directory.EnumerateFiles(r, "*", SearchOption.AllDirectories))
            .Where(f => !f.Contains("/bin/") && !f.Contains("/obj/") && !f.Contains("/data/") && new FileInfo(f).Length < 1_000_000)
            .Where(f => Path.GetFileName(f) is not ("GlobalPropertyTests.cs" or "VascoPlanTests.cs")) // these files' typos are deliberate
            .Append(Repo.Path("README.md"));
        foreach (var file in files)
            foreach (Match m in Regex.Matches(File.ReadAllText(file), @"(?:-p:|-property:|/p:)([A-Za-z_][A-Za-z0-9_]*)="))
                if (m.Groups[1].Value != "Name") // the README's -p:Name=value
                    yield return (m.Groups[1].Value, file);
    }

    [Test]
    public void NoPropertyTheRepositoryPassesWarns()
    {
        var passed = PassedProperties().ToList();
        Assert.That(passed.Select(p => p.Name).Distinct().Count(), Is.GreaterThan(15), "the scan finds the properties in use");
        // What reads them: Vasco's targets, the test steps, the runs' files, and the run files tests write inline (in their sources).
        var readers = VascoFiles.Append(Repo.Path("tests", "Vasco.TestSteps", "TestSteps.targets"))
            .Concat(Directory.EnumerateFiles(Repo.Path("runs"), "*.vascoproj", SearchOption.AllDirectories))
            .Concat(Directory.EnumerateFiles(Repo.Path("tests", "Vasco.Tests"), "*.cs", SearchOption.AllDirectories));
        var unread = GlobalPropertyCheck.Unread(passed.Select(p => p.Name).Distinct(), Parameters.Concat(["StarMagLimit", "DensityUnit"]), readers);
        Assert.That(unread.Select(u => $"{u.Name} (passed in {passed.First(p => p.Name == u.Name).File})"), Is.Empty);
    }

    [Test]
    public void AMistypedPropertyOnTheCommandLineWarnsAndNamesTheRightOne()
    {
        using var run = new RunFolder("typo");
        run.WriteRunFile("<TilingMode>single</TilingMode>", """<VascoTarget Include="a" Ra="10" Dec="0" />""", testSteps: false);
        var build = run.Build("-t:VascoTiling", "-p:TileSizeArcmn=30", "-p:Configuration=Release", "-p:MaxParallel=1");
        Assert.That(build.ExitCode, Is.EqualTo(0), build.Output);
        Assert.That(build.Output, Does.Contain("warning VASCO0111: -p:TileSizeArcmn=30 is not a Vasco parameter"));
        Assert.That(build.Output, Does.Contain("Did you mean TileSizeArcmin? Fix: write -p:TileSizeArcmin=30"));
        Assert.That(Regex.Matches(build.Output, "warning VASCO0111").Count, Is.EqualTo(Regex.Matches(build.Output, "TileSizeArcmn=30 is not").Count),
            "Configuration and MaxParallel do not warn");
        Assert.That(build.Output, Does.Not.Contain("-p:Configuration").And.Not.Contain("-p:MaxParallel"));
    }
}
