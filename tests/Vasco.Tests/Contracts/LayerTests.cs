using System.Text.RegularExpressions;
using NUnit.Framework;
using Vasco.Tests.Support;

namespace Vasco.Tests.Contracts;

/// <summary>The layers of docs/architecture.md, checked on the source: which folder of Vasco.Tasks may use which.</summary>
public class LayerTests
{
    static readonly string[] Science = ["Archives", "Catalogs", "CrossMatch", "Download", "Extraction", "Filtering", "Fits", "IO", "Net", "Preprocess", "Recovery", "Sky", "SolarSystem", "Synthetic", "Tiling", "Tools"];
    static readonly string[] RunLevel = ["Packaging", "Sharding", "Slurm", "Summaries"];

    /// <summary>Folder to the Vasco namespaces its files use (using directives and Vasco.X.Y names written out).</summary>
    static Dictionary<string, HashSet<string>> Uses()
    {
        var root = Repo.Path("Vasco.Tasks");
        var uses = new Dictionary<string, HashSet<string>>(StringComparer.Ordinal);
        foreach (var file in Directory.EnumerateFiles(root, "*.cs", SearchOption.AllDirectories))
        {
            var relative = Path.GetRelativePath(root, file);
            if (relative.StartsWith("bin", StringComparison.Ordinal) || relative.StartsWith("obj", StringComparison.Ordinal) || !relative.Contains(Path.DirectorySeparatorChar)) continue;
            var folder = relative.Split(Path.DirectorySeparatorChar)[0];
            var set = uses.TryGetValue(folder, out var s) ? s : uses[folder] = [];
            foreach (Match m in Regex.Matches(File.ReadAllText(file), @"(?:using |[^\w.])Vasco\.(\w+)(?=[.;])"))
                if (m.Groups[1].Value != folder) set.Add(m.Groups[1].Value);
        }
        return uses;
    }

    [Test]
    public void ScienceFoldersUseNeitherTheEngineNorTheStepsNorMSBuild()
    {
        var uses = Uses();
        foreach (var folder in Science)
            Assert.That(uses[folder].Intersect(["Pipeline", "Steps", "MSBuild", .. RunLevel]), Is.Empty, $"{folder} uses {string.Join(", ", uses[folder])}");
    }

    [Test]
    public void TheEngineUsesNoStepAndNoRunLevelFolder()
    {
        var uses = Uses();
        Assert.That(uses["Pipeline"].Intersect(["Steps", "MSBuild", .. RunLevel]), Is.Empty, string.Join(", ", uses["Pipeline"]));
        Assert.That(uses["Steps"], Does.Not.Contain("MSBuild"));
        Assert.That(uses["Errors"], Is.Empty);
    }

    [Test]
    public void NoTwoFoldersUseEachOther()
    {
        var uses = Uses();
        foreach (var (a, used) in uses)
            foreach (var b in used.Where(uses.ContainsKey))
                Assert.That(uses[b], Does.Not.Contain(a), $"{a} and {b} use each other");
    }
}
