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
            Assert.That(File.Exists(Path.Combine(root, "f150", "nuget.config")), Is.False, "a run that imports a checkout needs no feed");
        }
        finally
        {
            Directory.Delete(root, recursive: true);
        }
    }

    /// <summary>
    /// A new user's way in: pack the SDK into the feed the template's nuget.config names (%HOME%/.vasco/feed), write a run
    /// with `dotnet new vasco-run`, build it with an empty package cache and no network. It gets as far as its first
    /// network step (STScI, here a closed loopback port) and stops there with Vasco's own error, every later step skipped.
    /// </summary>
    [Test]
    public void TheTemplatesRunFindsTheSdkInTheLocalFeedFromACleanPackageCache()
    {
        var root = Directory.CreateTempSubdirectory("vasco-template-feed-").FullName;
        try
        {
            var home = Path.Combine(root, "home");
            var feed = Path.Combine(home, ".vasco", "feed");
            var pack = DotNet.Run(["pack", Repo.Path("Vasco.Targets", "Vasco.Targets.csproj"), "-c", "Release", "-o", feed, "-nologo"], Repo.Root);
            Assert.That(pack.ExitCode, Is.EqualTo(0), pack.Output);

            var hive = Path.Combine(root, "hive");
            Assert.That(DotNet.Run(["new", "install", Repo.Path("templates", "vasco-run"), "--debug:custom-hive", hive], root).ExitCode, Is.EqualTo(0));
            var made = DotNet.Run(["new", "vasco-run", "--ra", "150", "--dec", "+20", "-n", "field", "-o", Path.Combine(root, "field"), "--debug:custom-hive", hive], root);
            Assert.That(made.ExitCode, Is.EqualTo(0), made.Output);
            var config = File.ReadAllText(Path.Combine(root, "field", "nuget.config"));
            Assert.That(config, Does.Contain("<clear />").And.Contain("value=\"%HOME%/.vasco/feed\""));

            var environment = new Dictionary<string, string> { ["HOME"] = home, ["NUGET_PACKAGES"] = Path.Combine(root, "packages") };
            var binlog = Path.Combine(root, "field.binlog");
            var build = DotNet.Run(["build", "field.vascoproj", "-nologo", "-p:VascoStsciEndpoint=http://127.0.0.1:9/", "-p:DownloadRetries=0", $"-bl:{binlog}"],
                Path.Combine(root, "field"), binlog, environment);
            Assert.That(build.ExitCode, Is.Not.EqualTo(0));
            Assert.That(Directory.Exists(Path.Combine(root, "packages", "vasco.sdk", PipelineInfo.Version, "tasks")), "the SDK came from the feed into the empty cache");
            Assert.That(TilesCsv.Read(Path.Combine(root, "field", "data", "tiles", "field", "tiles.csv")), Has.Count.EqualTo(1));
            Assert.That(build.Output, Does.Contain("error VASCO1002: Download: tile field_r0c0"));
            Assert.That(build.Output, Does.Contain("1 tile step(s) failed (Download:field_r0c0) and 14 were skipped"));
            Assert.That(build.Output, Does.Not.Contain("MSB4236").And.Not.Contain("NU1301"), "the SDK resolved");
        }
        finally
        {
            try { Directory.Delete(root, true); } catch (IOException) { }
        }
    }
}
