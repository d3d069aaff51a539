using NUnit.Framework;
using Vasco.MSBuild;
using Vasco.Slurm;
using Vasco.Tools;

namespace Vasco.Tests.ScaleOut;

/// <summary>
/// The job scripts VascoSubmitSlurm writes, run by bash itself with a stand-in for dotnet
/// that prints the arguments it got: paths and values with spaces, quotes, '$' and ';'
/// arrive intact, and the shard number comes from Slurm's array task id.
/// </summary>
[TestFixture]
public class JobScriptTests
{
    string _dir = "";

    [SetUp]
    public void SetUp() => _dir = Directory.CreateTempSubdirectory("vasco jobscript 'q' $x-").FullName;

    [TearDown]
    public void TearDown() => Directory.Delete(_dir, recursive: true);

    string[] RunScript(string script, string taskId)
    {
        var path = Path.Combine(_dir, "job.sh");
        File.WriteAllText(path, script);
        var r = ProcessRunner.Run("bash", [path], environment: new Dictionary<string, string> { ["SLURM_ARRAY_TASK_ID"] = taskId });
        Assert.That(r.ExitCode, Is.EqualTo(0), r.StdErr);
        return r.StdOut.Split('\n', StringSplitOptions.RemoveEmptyEntries);
    }

    string FakeDotnet()
    {
        // Prints its working directory, then one argument per line.
        var fake = Path.Combine(_dir, "fake dotnet");
        File.WriteAllText(fake, "#!/bin/bash\npwd\nfor a in \"$@\"; do printf '%s\\n' \"$a\"; done\n");
        ProcessRunner.Run("chmod", ["+x", fake]);
        return fake;
    }

    [Test]
    public void TheShardScriptPassesEveryArgumentIntact()
    {
        var runFile = Path.Combine(_dir, "my run's file.vascoproj");
        var globals = new Dictionary<string, string>
        {
            ["LocalImageDir"] = "plates $HOME/it's here",
            ["Tiles"] = "a;b,c",
            ["Shard"] = "5",
        };
        var lines = RunScript(JobScripts.Shards(FakeDotnet(), runFile, _dir, "survey", 8, globals, cpusPerTask: 4), "3");
        Assert.That(lines, Is.EqualTo(new[]
        {
            _dir, "build", runFile, "-nologo", "-nodeReuse:false", "-tl:off", "-p:Shard=3", "-p:ShardCount=8",
            "-p:LocalImageDir=plates $HOME/it's here", "-p:Tiles=a%3Bb%2Cc", "-p:MaxParallel=4",
        }));
    }

    [Test]
    public void TheMergeScriptMergesWholeShards()
    {
        var globals = new Dictionary<string, string> { ["TileSizeArcmin"] = "60", ["FromStep"] = "8", ["Tiles"] = "a" };
        var lines = RunScript(JobScripts.Merge(FakeDotnet(), Path.Combine(_dir, "run.vascoproj"), _dir, "survey", 8, globals), "");
        Assert.That(lines.Skip(4), Is.EqualTo(new[] { "-nodeReuse:false", "-tl:off", "-t:VascoMerge", "-p:ShardCount=8", "-p:TileSizeArcmin=60" }));
    }

    [Test]
    public void ArrayIndexesAreWrittenAsRanges()
    {
        Assert.That(Vasco.Slurm.RunSubmission.Ranges([0, 1, 2, 3]), Is.EqualTo("0-3"));
        Assert.That(Vasco.Slurm.RunSubmission.Ranges([1, 7, 12, 13, 14]), Is.EqualTo("1,7,12-14"));
        Assert.That(Vasco.Slurm.RunSubmission.Ranges([4]), Is.EqualTo("4"));
    }
}
