using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;
using Vasco.IO;
using Vasco.Tools;

namespace Vasco.Slurm;

/// <summary>What a shard's job asks of Slurm (empty or 0: the site's default).</summary>
public sealed record SlurmOptions(string Partition, string Account, string TimeLimit, int CpusPerTask, string Memory, int MaxRunning);

/// <summary>
/// The two job scripts of a sharded run. Each runs `dotnet build` of the run file with the
/// global properties of the build that submitted it: one shard per array task
/// (Shard=$SLURM_ARRAY_TASK_ID), then the merge. Everything that comes from the user is
/// single-quoted for bash.
/// </summary>
public static class JobScripts
{
    /// <summary>Properties a job script sets itself, or that must not reach it.</summary>
    static readonly HashSet<string> Own = new(StringComparer.OrdinalIgnoreCase) { "Shard", "ShardCount" };
    /// <summary>A merge merges whole shards: a tile selection or a forced step would make it rebuild tiles itself.</summary>
    static readonly HashSet<string> NotForMerge = new(StringComparer.OrdinalIgnoreCase) { "Tiles", "FromStep" };

    public static string Quote(string s) => "'" + s.Replace("'", "'\\''") + "'";

    /// <summary>-p:Name=value for MSBuild's command line: % ; , are escaped as MSBuild reads them back.</summary>
    public static string Property(string name, string value) =>
        $"-p:{name}={value.Replace("%", "%25").Replace(";", "%3B").Replace(",", "%2C")}";

    public static string Shards(string dotnet, string runFile, string runDir, string runId, int shardCount, IReadOnlyDictionary<string, string> globals, int cpusPerTask)
    {
        var args = new List<string> { Quote(Property("ShardCount", shardCount.ToString(CultureInfo.InvariantCulture))) };
        args.AddRange(Forwarded(globals, merge: false));
        // A shard's job has the CPUs Slurm gave it: run that many tiles at once unless told otherwise.
        if (cpusPerTask > 0 && !globals.Keys.Any(k => k.Equals("MaxParallel", StringComparison.OrdinalIgnoreCase)))
            args.Add(Quote(Property("MaxParallel", cpusPerTask.ToString(CultureInfo.InvariantCulture))));
        return Script($"run {runId}: one shard of {shardCount} per array task (Shard = the task id)", dotnet, runFile, runDir,
            $"{Quote("-p:Shard=")}\"$SLURM_ARRAY_TASK_ID\" {string.Join(' ', args)}");
    }

    public static string Merge(string dotnet, string runFile, string runDir, string runId, int shardCount, IReadOnlyDictionary<string, string> globals) =>
        Script($"run {runId}: merge the {shardCount} shards", dotnet, runFile, runDir,
            string.Join(' ', new[] { Quote("-t:VascoMerge"), Quote(Property("ShardCount", shardCount.ToString(CultureInfo.InvariantCulture))) }.Concat(Forwarded(globals, merge: true))));

    static IEnumerable<string> Forwarded(IReadOnlyDictionary<string, string> globals, bool merge) =>
        globals.Where(g => !Own.Contains(g.Key) && !(merge && NotForMerge.Contains(g.Key)))
            .OrderBy(g => g.Key, StringComparer.Ordinal)
            .Select(g => Quote(Property(g.Key, g.Value)));

    static string Script(string what, string dotnet, string runFile, string runDir, string arguments) => $"""
        #!/bin/bash
        # Vasco {what}. Written by Vasco; submitted with sbatch (see jobs.json beside it).
        set -euo pipefail
        cd {Quote(runDir)}
        exec {Quote(dotnet)} build {Quote(runFile)} -nologo -nodeReuse:false -tl:off {arguments}

        """.Replace("\r\n", "\n");
}

/// <summary>One sbatch submission, as jobs.json records it.</summary>
public sealed record Submission(string Kind, string JobId, string Script, IReadOnlyList<string> Arguments, IReadOnlyList<int>? Shards, string? DependsOn, DateTimeOffset SubmittedUtc);

/// <summary>data/slurm/&lt;RunId&gt;/jobs.json: every submission of the run, oldest first.</summary>
public sealed class JobsFile
{
    public string RunId { get; set; } = "";
    public int ShardCount { get; set; }
    public List<Submission> Submissions { get; set; } = [];

    static readonly JsonSerializerOptions Options = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        WriteIndented = true,
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    };

    public static JsonSerializerOptions JsonOptions => Options;

    public static JobsFile Read(string path, string runId, int shardCount) =>
        File.Exists(path) ? JsonSerializer.Deserialize<JobsFile>(File.ReadAllBytes(path), Options)! : new JobsFile { RunId = runId, ShardCount = shardCount };

    public void Write(string path)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        AtomicFile.WriteAllBytes(path, JsonSerializer.SerializeToUtf8Bytes(this, Options));
    }
}

/// <summary>Which of a run's earlier jobs are still in Slurm's queue (squeue: pending, running, suspended, ...).</summary>
public sealed class Squeue(string program)
{
    /// <summary>squeue beside the sbatch in use, else on PATH.</summary>
    public static Squeue Find(string sbatchPath)
    {
        var beside = Path.Combine(Path.GetDirectoryName(sbatchPath) ?? "", "squeue");
        var path = File.Exists(beside) ? beside : ProcessRunner.FindOnPath("squeue")
            ?? throw new VascoException(ErrorCodes.SlurmFailed, $"squeue (Slurm's) is not beside {sbatchPath} nor on PATH: Vasco checks with it that no earlier job of the run is still queued.",
                "submit from a Slurm login node, where squeue runs.");
        return new Squeue(path);
    }

    // States in which a job will not run (again) by itself; every other state counts as queued.
    static readonly HashSet<string> Ended = new(StringComparer.Ordinal)
        { "COMPLETED", "CANCELLED", "FAILED", "TIMEOUT", "NODE_FAIL", "PREEMPTED", "BOOT_FAIL", "DEADLINE", "OUT_OF_MEMORY", "SPECIAL_EXIT", "REVOKED" };

    /// <summary>
    /// The ids among <paramref name="jobs"/> (id and job name) that are still queued. Asks for the user's jobs in every
    /// partition and state rather than for the ids (squeue fails on an id Slurm has already forgotten), without the
    /// user's SQUEUE_* defaults (they would filter), and matches the name too (Slurm reuses ids, e.g. after a reset).
    /// </summary>
    public IReadOnlySet<string> Queued(IEnumerable<(string Id, string Name)> jobs)
    {
        var args = new[] { $"--user={Environment.UserName}", "--all", "--states=all", "--noheader", "--format=%F|%T|%j" };
        var unset = Environment.GetEnvironmentVariables().Keys.Cast<string>().Where(k => k.StartsWith("SQUEUE_", StringComparison.Ordinal));
        var r = ProcessRunner.Run(program, args, timeout: TimeSpan.FromMinutes(2), unset: unset);
        if (r.ExitCode != 0)
            throw new VascoException(ErrorCodes.SlurmFailed, $"squeue {string.Join(' ', args)} failed (exit {r.ExitCode}{(r.TimedOut ? ", timed out" : "")}): {(r.StdErr + r.StdOut).Trim()}",
                "check that Slurm answers (squeue --me), then submit again.");
        // %F: an array's own id (the id sbatch answered), or a plain job's id; one line per array task or job.
        var queued = r.StdOut.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Select(l => l.Split('|')).Where(f => f.Length >= 3 && !Ended.Contains(f[1]))
            .Select(f => (f[0], string.Join('|', f[2..]))).ToHashSet();
        return jobs.Where(queued.Contains).Select(j => j.Id).ToHashSet(StringComparer.Ordinal);
    }
}

/// <summary>Submits jobs with sbatch (an argument list, never a shell line) and returns their ids.</summary>
public sealed class Sbatch(string program)
{
    public string Program => program;

    public static Sbatch Find(string? configured)
    {
        var name = string.IsNullOrWhiteSpace(configured) ? "sbatch" : configured;
        var path = ProcessRunner.FindOnPath(name)
            ?? throw new VascoException(ErrorCodes.SlurmFailed, $"'{name}' (Slurm's sbatch) is not on PATH here.",
                "submit from a Slurm login node (where sbatch runs), or set VascoSbatch to its path; without Slurm, run the shards yourself with -p:Shard=K -p:ShardCount=N and then -t:VascoMerge.");
        return new Sbatch(path);
    }

    /// <summary>
    /// The argument list of one submission: the array (or a single job), the resources, and
    /// the job's output file (%A, %a and %j are Slurm's own placeholders).
    /// </summary>
    public static List<string> Arguments(string jobName, string? array, string? afterOk, SlurmOptions o, bool shardJob, string output, string runDir, string script)
    {
        var a = new List<string> { "--parsable", $"--job-name={jobName}", $"--chdir={runDir}", $"--output={output}" };
        if (array is not null) a.Add($"--array={array}");
        if (afterOk is not null)
        {
            a.Add($"--dependency=afterok:{afterOk}");
            // A failed shard cancels the merge (DependencyNeverSatisfied) instead of leaving it pending for ever.
            a.Add("--kill-on-invalid-dep=yes");
        }
        if (o.Partition.Length > 0) a.Add($"--partition={o.Partition}");
        if (o.Account.Length > 0) a.Add($"--account={o.Account}");
        if (o.TimeLimit.Length > 0) a.Add($"--time={o.TimeLimit}");
        if (shardJob && o.CpusPerTask > 0) a.Add($"--cpus-per-task={o.CpusPerTask.ToString(CultureInfo.InvariantCulture)}");
        if (o.Memory.Length > 0) a.Add($"--mem={o.Memory}");
        a.Add(script);
        return a;
    }

    /// <summary>Runs sbatch; the job id it prints (--parsable: "id" or "id;cluster").</summary>
    public string Submit(IReadOnlyList<string> arguments, string workingDirectory)
    {
        var r = ProcessRunner.Run(program, arguments, workingDirectory, TimeSpan.FromMinutes(2));
        var id = r.StdOut.Trim().Split('\n').LastOrDefault()?.Split(';')[0].Trim() ?? "";
        if (r.ExitCode != 0 || id.Length == 0 || !id.All(char.IsAsciiDigit))
            throw new VascoException(ErrorCodes.SlurmFailed,
                $"sbatch {string.Join(' ', arguments)} failed (exit {r.ExitCode}{(r.TimedOut ? ", timed out" : "")}): {(r.StdErr + r.StdOut).Trim()}",
                "check the Slurm properties (SlurmPartition, SlurmAccount, SlurmTimeLimit, SlurmMemory, SlurmCpusPerTask) against the site's limits (sinfo, sacctmgr show assoc), and ShardCount against MaxArraySize (scontrol show config), then submit again.");
        return id;
    }
}
