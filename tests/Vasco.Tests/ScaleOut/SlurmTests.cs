using System.Text.Json;
using System.Text.RegularExpressions;
using NUnit.Framework;
using Vasco.Sharding;
using Vasco.Slurm;
using Vasco.Tests.Support;

namespace Vasco.Tests.ScaleOut;

/// <summary>
/// The scale-out test on a private single-node Slurm (FACTS 6): docs/scale-out.md's
/// command submits runs/m67-shards (three real tiles over the M67 plate, offline) as a
/// job array of two shards and a merge; the merged outputs equal an unsharded local build
/// of the same run. Then a fault in one shard's tile fails that array task, Slurm cancels
/// the merge, and VascoResubmitFailed, after the fault is removed, resubmits that shard
/// alone and completes the run.
/// </summary>
[TestFixture, NonParallelizable]
public class SlurmTests
{
    const string RunId = "m67-shards";

    /// <summary>The one-machine example of docs/scale-out.md, as written there.</summary>
    static string[] DocCommand(string marker)
    {
        var doc = File.ReadAllText(Repo.Path("docs", "scale-out.md"));
        var m = Regex.Match(doc, $@"<!-- {marker} -->\s*```sh\s*\n(?<cmd>dotnet build [^\n]+)\n");
        Assert.That(m.Success, $"docs/scale-out.md has no command after <!-- {marker} -->");
        return m.Groups["cmd"].Value.Split(' ', StringSplitOptions.RemoveEmptyEntries);
    }

    static RunFolder CopyOfTheRun(string name)
    {
        // The committed run file, with its relative paths made absolute for a temp folder.
        var text = File.ReadAllText(Repo.Path("runs", "m67-shards", "run.vascoproj"))
            .Replace("../../Vasco.Targets/", Repo.Path("Vasco.Targets") + "/")
            .Replace("../m67/input/", Repo.Path("runs", "m67", "input") + "/")
            .Replace("../m67/input", Repo.Path("runs", "m67", "input"));
        var run = new RunFolder(name);
        File.WriteAllText(run.RunFile, text);
        return run;
    }

    static JobsFile Jobs(RunFolder run) =>
        JsonSerializer.Deserialize<JobsFile>(File.ReadAllBytes(run.Path("data", "slurm", RunId, "jobs.json")), JobsFile.JsonOptions)!;

    [Test]
    public void TheDocsExampleIsTheSurveyCommandWithOtherValues()
    {
        var test = DocCommand("scale-out-test");
        var survey = DocCommand("scale-out-survey");
        static IEnumerable<string> Shape(string[] cmd) => cmd.Skip(3).Select(a => a.StartsWith("-p:") ? a[..a.IndexOf('=')] : a);
        Assert.That(test[2], Is.EqualTo("runs/m67-shards/run.vascoproj"));
        Assert.That(Shape(survey), Is.EqualTo(Shape(test)), "the survey command uses the same target and properties as the tested one");
    }

    [Test]
    public void AShardedRunOnSlurmEqualsTheLocalRunAndAFailedShardIsResubmittedAlone()
    {
        var command = DocCommand("scale-out-test");
        var args = command.Skip(3).ToArray();
        using var local = CopyOfTheRun("m67local");
        var localBuild = local.Build();
        Assert.That(localBuild.ExitCode, Is.EqualTo(0), localBuild.ToString());

        using var cluster = SlurmCluster.Start();
        using var run = CopyOfTheRun("m67slurm");
        var submit = run.BuildWith(cluster.Environment, args);
        Assert.That(submit.ExitCode, Is.EqualTo(0), submit.ToString());
        var jobs = Jobs(run);
        Assert.That(jobs.Submissions.Select(s => s.Kind), Is.EqualTo(new[] { "shards", "merge" }));
        var (array, merge) = (jobs.Submissions[0], jobs.Submissions[1]);
        Assert.That(array.Arguments, Does.Contain("--array=0-1%2"));
        Assert.That(merge.Arguments, Does.Contain($"--dependency=afterok:{array.JobId}"));
        // While they are queued, a resubmission would build the same shards a second time beside them: refused.
        var early = run.BuildWith(cluster.Environment, ["-t:VascoResubmitFailed", .. args.Where(a => a.StartsWith("-p:"))]);
        Assert.That(early.ExitCode, Is.Not.EqualTo(0), early.ToString());
        Assert.That(early.Output, Does.Contain("VASCO1207").And.Contain(merge.JobId + " (the merge)"), early.ToString());
        Assert.That(Jobs(run).Submissions, Has.Count.EqualTo(2), "nothing more was submitted");
        cluster.WaitForJobs(TimeSpan.FromMinutes(30), array.JobId, merge.JobId);
        var tasks = cluster.ShowJob(array.JobId);
        Assert.That(tasks.Select(t => t["JobState"]), Is.EqualTo(new[] { "COMPLETED", "COMPLETED" }), Log(run));
        Assert.That(cluster.ShowJob(merge.JobId).Single()["JobState"], Is.EqualTo("COMPLETED"), Log(run));

        var frozen = FrozenTiles.Read(run.Path("data", "shards", RunId));
        Assert.That(frozen.Select(t => t.TileId), Is.EqualTo(new[] { "west", "centre", "east" }));
        AssertSameOutputs(run, local, frozen.Select(t => t.TileId).ToList());

        // A fault in one tile of shard 1 (a folder where step 8 must write): rerun steps 8-9 everywhere.
        var faulty = frozen[1].TileId;
        var fault = run.Path("data", "filter", RunId, faulty + "_candidates.csv");
        File.Delete(fault);
        Directory.CreateDirectory(fault);
        var again = run.BuildWith(cluster.Environment, [.. args, "-p:FromStep=8"]);
        Assert.That(again.ExitCode, Is.EqualTo(0), again.ToString());
        var (array2, merge2) = (Jobs(run).Submissions[2], Jobs(run).Submissions[3]);
        cluster.WaitForJobs(TimeSpan.FromMinutes(30), array2.JobId, merge2.JobId);
        var states = cluster.ShowJob(array2.JobId).ToDictionary(t => t["ArrayTaskId"], t => t["JobState"]);
        Assert.That(states, Is.EqualTo(new Dictionary<string, string> { ["0"] = "COMPLETED", ["1"] = "FAILED" }), Log(run));
        var cancelled = cluster.ShowJob(merge2.JobId).Single();
        Assert.That((cancelled["JobState"], cancelled["Reason"]), Is.EqualTo(("CANCELLED", "DependencyNeverSatisfied")), "the merge never ran");
        Assert.That(ShardRecord.TryRead(run.Path("data", "shards", RunId, "1-of-2.json"))!.FailedTiles, Does.Contain("Filter:" + faulty));

        // The fault removed, only shard 1 is resubmitted, then the merge after it.
        Directory.Delete(fault);
        var resubmit = run.BuildWith(cluster.Environment, ["-t:VascoResubmitFailed", .. args.Where(a => a.StartsWith("-p:")), "-p:FromStep=8"]);
        Assert.That(resubmit.ExitCode, Is.EqualTo(0), resubmit.ToString());
        var (array3, merge3) = (Jobs(run).Submissions[4], Jobs(run).Submissions[5]);
        Assert.That(array3.Shards, Is.EqualTo(new[] { 1 }));
        Assert.That(array3.Arguments, Does.Contain("--array=1%2"));
        cluster.WaitForJobs(TimeSpan.FromMinutes(30), array3.JobId, merge3.JobId);
        Assert.That(cluster.ShowJob(array3.JobId).Single()["JobState"], Is.EqualTo("COMPLETED"), Log(run));
        Assert.That(cluster.ShowJob(merge3.JobId).Single()["JobState"], Is.EqualTo("COMPLETED"), Log(run));
        AssertSameOutputs(run, local, frozen.Select(t => t.TileId).ToList());
    }

    static string Log(RunFolder run)
    {
        var dir = run.Path("logs", "slurm", RunId);
        return !Directory.Exists(dir) ? "no job output" : string.Join("\n", Directory.GetFiles(dir).Order()
            .Select(f => $"--- {Path.GetFileName(f)}\n{string.Join('\n', File.ReadLines(f).TakeLast(30))}"));
    }

    /// <summary>What a user compares: the candidates, every per-tile text output, and the summary's figures (timings aside).</summary>
    static void AssertSameOutputs(RunFolder sharded, RunFolder local, IReadOnlyList<string> tiles)
    {
        string Text(RunFolder r, params string[] parts) => File.ReadAllText(r.Path(parts));
        Assert.That(Text(sharded, "data", "filter", RunId, "candidates.csv"), Is.EqualTo(Text(local, "data", "filter", RunId, "candidates.csv")));
        Assert.That(File.ReadAllLines(sharded.Path("data", "filter", RunId, "candidates.csv")).Length, Is.GreaterThan(1), "the run has candidates to compare");
        Assert.That(Text(sharded, "data", "tiles", RunId, "tiles.csv"), Is.EqualTo(Text(local, "data", "tiles", RunId, "tiles.csv")));
        foreach (var tile in tiles)
        {
            foreach (var suffix in new[] { "_xmatch.csv", "_cdss.csv", "_local.csv" })
                Assert.That(Text(sharded, "data", "xmatch", RunId, tile + suffix), Is.EqualTo(Text(local, "data", "xmatch", RunId, tile + suffix)), tile + suffix);
            foreach (var suffix in new[] { "_filtered.csv", "_candidates.csv" })
                Assert.That(Text(sharded, "data", "filter", RunId, tile + suffix), Is.EqualTo(Text(local, "data", "filter", RunId, tile + suffix)), tile + suffix);
            Assert.That(Text(sharded, "data", "ext", "gaia", RunId, tile + ".csv"), Is.EqualTo(Text(local, "data", "ext", "gaia", RunId, tile + ".csv")));
        }
        // summary.csv without its seconds column.
        static List<string> Figures(string path)
        {
            var lines = File.ReadAllLines(path);
            var seconds = Array.IndexOf(lines[0].Split(','), "seconds");
            return lines.Select(l => string.Join(',', l.Split(',').Where((_, i) => i != seconds))).ToList();
        }
        Assert.That(Figures(sharded.Path("data", "summaries", RunId, "summary.csv")), Is.EqualTo(Figures(local.Path("data", "summaries", RunId, "summary.csv"))));
        // Every step's manifest has the same counts (timings aside) and tiles.
        foreach (var step in new[] { "downloads", "masks", "catalogs/p1", "psf", "catalogs/p2", "xmatch", "filter" })
        {
            var a = Vasco.Pipeline.Manifest.Read(sharded.Path(["data", .. step.Split('/'), RunId, "manifest.json"]));
            var b = Vasco.Pipeline.Manifest.Read(local.Path(["data", .. step.Split('/'), RunId, "manifest.json"]));
            static Dictionary<string, double> NoTimings(Vasco.Pipeline.Manifest m) =>
                m.Counts.Where(c => !c.Key.EndsWith("seconds", StringComparison.Ordinal) && c.Key != "plate_reads").ToDictionary(c => c.Key, c => c.Value);
            Assert.That(NoTimings(a), Is.EqualTo(NoTimings(b)), step);
            Assert.That(a.Tiles!.Select(t => (t.TileId, t.Status)), Is.EqualTo(b.Tiles!.Select(t => (t.TileId, t.Status))), step);
            Assert.That(a.Status, Is.EqualTo("ok"), step);
        }
    }
}
