using NUnit.Framework;
using Vasco.Pipeline;
using Vasco.Summaries;
using Vasco.Tests.Support;

namespace Vasco.Tests.Vetting;

public class WithdrawTests
{
    [Test]
    public void BeforeTilesRerunWhatStep8PublishedGoesTheVettingsFilesWithCandidates()
    {
        var run = TestTemp.NewPath("withdraw-");
        string Write(params string[] parts)
        {
            var path = Path.Combine([run, .. parts]);
            Directory.CreateDirectory(Path.GetDirectoryName(path)!);
            File.WriteAllText(path, "x\n");
            return path;
        }
        var candidates = Write("data", "filter", "r", "candidates.csv");
        var funnel = Write("data", "vetting", "r", "funnel.csv");
        var irOnly = Write("data", "vetting", "r", "ir_only.csv");
        var stage = Write("data", "vetting", "r", "archives", "t.csv");
        var manifest = new Manifest { Step = "Filter", RunId = "r" };
        manifest.Outputs.AddRange([FileRecord.Of(candidates, run), FileRecord.Of(funnel, run), FileRecord.Of(irOnly, run)]);
        manifest.Write(Path.Combine(run, "data", "filter", "r", "filter.manifest.json"));

        RunPublication.WithdrawAll(run, Path.Combine(run, "data", "filter", "r"), Path.Combine(run, "data", "summaries", "r"), "", "r");

        Assert.That(new[] { candidates, funnel, irOnly, Path.Combine(run, "data", "filter", "r", "filter.manifest.json") }.Where(File.Exists), Is.Empty);
        Assert.That(File.Exists(stage), Is.True, "a tile's own verdicts stay: only the run-level results are withdrawn");
    }
}
