using NUnit.Framework;
using Vasco.Tests.Support;
using Vasco.Tiling;

namespace Vasco.Tests.Engine;

/// <summary>The SDK as users outside the repository get it: a Vasco.Sdk package from a feed.</summary>
[NonParallelizable]
public class PackagedSdkTests
{
    [Test]
    public void ARunFileSayingSdkVascoSdkBuildsAgainstALocalFeed()
    {
        var root = Path.Combine(Path.GetTempPath(), "vasco-tests", $"pkg-{Guid.NewGuid():N}"[..12]);
        var feed = Path.Combine(root, "feed");
        var run = Path.Combine(root, "field");
        Directory.CreateDirectory(run);
        try
        {
            var pack = DotNet.Run(["pack", Repo.Path("Vasco.Targets", "Vasco.Targets.csproj"), "-c", "Release", "-o", feed, "-nologo"], Repo.Root);
            Assert.That(pack.ExitCode, Is.EqualTo(0), pack.Output);
            var package = Directory.GetFiles(feed, "Vasco.Sdk.*.nupkg").Single();
            var version = Path.GetFileNameWithoutExtension(package)["Vasco.Sdk.".Length..];

            File.WriteAllText(Path.Combine(run, "NuGet.config"), $"""
                <configuration><packageSources><clear /><add key="local" value="{feed}" /></packageSources></configuration>
                """);
            File.WriteAllText(Path.Combine(run, "field.vascoproj"), $"""
                <Project Sdk="Vasco.Sdk/{version}">
                  <PropertyGroup><TileSizeArcmin>30</TileSizeArcmin></PropertyGroup>
                  <ItemGroup><VascoTarget Include="field150" Ra="150" Dec="+20" SizeArcmin="60" /></ItemGroup>
                </Project>
                """);
            // A private package folder: the package is unpacked from this feed, not from a cache.
            var env = new Dictionary<string, string> { ["NUGET_PACKAGES"] = Path.Combine(root, "packages") };
            var binlog = Path.Combine(root, "build.binlog");
            var build = DotNet.Run(["build", "field.vascoproj", "-t:VascoTiling", "-nologo", "-tl:off", $"-bl:{binlog}"], run, binlog, env);
            Assert.That(build.ExitCode, Is.EqualTo(0), build.Output);
            var tiles = TilesCsv.Read(Path.Combine(run, "data", "tiles", "field", "tiles.csv"));
            Assert.That(tiles.Count, Is.GreaterThan(1), "a 60' field in 30' tiles is a hex tessellation");
            Assert.That(Directory.Exists(Path.Combine(root, "packages", "vasco.sdk", version, "tasks")), "the tasks came from the package");

            var binlog2 = Path.Combine(root, "build2.binlog");
            var again = DotNet.Run(["build", "field.vascoproj", "-t:VascoTiling", "-nologo", "-tl:off", $"-bl:{binlog2}"], run, binlog2, env);
            Assert.That(again.ExitCode, Is.EqualTo(0));
            Assert.That(again.Ran("VascoWriteTiles"), Is.False);

            // The whole pipeline from the package: the tools, the in-process tasks, and Skia's native library for the plots.
            var input = Repo.Path("runs", "m67", "input");
            var m67 = Path.Combine(root, "m67");
            Directory.CreateDirectory(m67);
            File.Copy(Path.Combine(run, "NuGet.config"), Path.Combine(m67, "NuGet.config"));
            File.WriteAllText(Path.Combine(m67, "m67.vascoproj"), $"""
                <Project Sdk="Vasco.Sdk/{version}">
                  <PropertyGroup><TilingMode>single</TilingMode><TileSizeArcmin>30</TileSizeArcmin><ImageSource>local</ImageSource><LocalImageDir>{input}</LocalImageDir></PropertyGroup>
                  <ItemGroup>
                    <VascoTarget Include="M67" Ra="132.834" Dec="11.812" />
                    <VascoBrightStars Include="{input}/tycho2_M67_r1deg.csv" />
                    <VascoCatalog Include="gaia" File="{input}/gaia-dr3_M67_r22arcmin.csv" />
                  </ItemGroup>
                </Project>
                """);
            var binlog3 = Path.Combine(root, "m67.binlog");
            var whole = DotNet.Run(["build", "m67.vascoproj", "-nologo", "-tl:off", $"-bl:{binlog3}"], m67, binlog3, env);
            Assert.That(whole.ExitCode, Is.EqualTo(0), whole.Output);
            Assert.That(File.ReadAllLines(Path.Combine(m67, "data", "filter", "m67", "candidates.csv")), Has.Length.EqualTo(2), "the header and the M67 candidate");
            Assert.That(new FileInfo(Path.Combine(m67, "data", "summaries", "m67", "hist_fwhm_image.png")).Length, Is.GreaterThan(1000));
        }
        finally
        {
            try { Directory.Delete(root, true); } catch (IOException) { }
        }
    }
}
