using NUnit.Framework;
using Vasco.Pipeline;
using Vasco.Tests.Support;
using Vasco.Tools;

namespace Vasco.Tests.Engine;

[NonParallelizable]
public class ToolsTests
{
    [Test]
    public void TheToolsTargetFindsEveryToolAndRecordsItsVersion()
    {
        using var run = new RunFolder("tools");
        run.WriteRunFile("", """<VascoTarget Include="a" Ra="10" Dec="0" />""", testSteps: false);
        var build = run.Build("-t:VascoInstallTools");
        Assert.That(build.ExitCode, Is.EqualTo(0), build.Output);
        var cache = File.ReadAllLines(run.Path("obj", "vasco", "tools.tsv"));
        Assert.That(cache.Select(l => l.Split('\t')[0]), Is.EquivalentTo(new[] { "source-extractor", "psfex", "stilts", "java" }));
        Assert.That(cache.Single(l => l.StartsWith("source-extractor")).Split('\t').Last(), Does.Match(@"^2\.\d+"));
        Assert.That(cache.Single(l => l.StartsWith("stilts")).Split('\t').Last(), Does.Match(@"^3\.\d+"));
    }

    [Test]
    public void AMissingToolWithInstallDisabledNamesTheInstallCommand()
    {
        // A PATH with dotnet's own folder only (not /usr/bin, where the tools are).
        var dotnet = ProcessRunner.FindOnPath("dotnet")!;
        var dotnetDir = Path.GetDirectoryName(new FileInfo(dotnet).ResolveLinkTarget(returnFinalTarget: true)?.FullName ?? dotnet)!;
        Assume.That(File.Exists(Path.Combine(dotnetDir, "psfex")), Is.False);
        var empty = Directory.CreateTempSubdirectory("vasco-nopath").FullName;
        var e = Assert.Throws<VascoException>(() =>
        {
            var old = Environment.GetEnvironmentVariable("PATH");
            Environment.SetEnvironmentVariable("PATH", empty);
            try { ToolInstaller.EnsureInstalled([ExternalTools.Get("psfex")], allowInstall: false, _ => { }); }
            finally { Environment.SetEnvironmentVariable("PATH", old); }
        });
        Assert.That(e!.Code, Is.EqualTo("VASCO0301"));
        Assert.That(e.Fix, Does.Contain("apt-get install -y --no-install-recommends psfex"));

        // The same through a real build whose PATH lacks the tools.
        using var run = new RunFolder("notools");
        run.WriteRunFile("", """<VascoTarget Include="a" Ra="10" Dec="0" />""", testSteps: false);
        var build = run.BuildWith(new Dictionary<string, string> { ["PATH"] = dotnetDir }, "-t:VascoInstallTools", "-p:VascoInstallTools=false");
        Assert.That(build.ExitCode, Is.Not.EqualTo(0));
        Assert.That(build.ErrorCodes(), Is.EqualTo(new[] { "VASCO0301" }));
        Assert.That(build.Output, Does.Contain("apt-get install"));
    }
}
