using NUnit.Framework;
using Vasco.Pipeline;
using Vasco.Tests.Support;
using Vasco.Tiling;

namespace Vasco.Tests.Engine;

/// <summary>`dotnet new vasco-run`, installed into a private template hive.</summary>
[NonParallelizable]
public class TemplateTests
{
    [Test]
    public void TheTemplateMakesARunFileThatBuilds()
    {
        var root = Directory.CreateTempSubdirectory("vasco-template-").FullName;
        try
        {
            var hive = Path.Combine(root, "hive");
            var install = DotNet.Run(["new", "install", Repo.Path("templates", "vasco-run"), "--debug:custom-hive", hive], root);
            Assert.That(install.ExitCode, Is.EqualTo(0), install.Output);

            var local = DotNet.Run(["new", "vasco-run", "--ra", "150", "--dec", "+20", "--vascoRepo", Repo.Root, "-n", "f150", "-o", Path.Combine(root, "f150"), "--debug:custom-hive", hive], root);
            Assert.That(local.ExitCode, Is.EqualTo(0), local.Output);
            var runFile = Path.Combine(root, "f150", "f150.vascoproj");
            Assert.That(File.ReadAllText(Path.Combine(root, "f150", "Directory.Build.rsp")), Does.Contain("-tl:off"),
                "the run's builds show Vasco's messages in a terminal too");
            var build = DotNet.Build(runFile, "-t:VascoTiling");
            Assert.That(build.ExitCode, Is.EqualTo(0), build.Output);
            var tile = TilesCsv.Read(Path.Combine(root, "f150", "data", "tiles", "f150", "tiles.csv")).Single();
            Assert.That((tile.RaDeg, tile.DecDeg, tile.SizeArcmin), Is.EqualTo((150.0, 20.0, 60.0)));

            var packaged = DotNet.Run(["new", "vasco-run", "--ra", "10:00:00", "--dec", "+20:00:00", "--size", "180", "-n", "pkg", "-o", Path.Combine(root, "pkg"), "--debug:custom-hive", hive], root);
            Assert.That(packaged.ExitCode, Is.EqualTo(0), packaged.Output);
            var text = File.ReadAllText(Path.Combine(root, "pkg", "pkg.vascoproj"));
            Assert.That(text, Does.Contain($"<Project Sdk=\"Vasco.Sdk/{PipelineInfo.Version}\">"));
            Assert.That(text, Does.Contain("Ra=\"10:00:00\" Dec=\"+20:00:00\" SizeArcmin=\"180\""));
            Assert.That(text, Does.Not.Contain("Import"));
        }
        finally
        {
            Directory.Delete(root, recursive: true);
        }
    }
}
