using System.Globalization;
using Vasco.IO;
using Vasco.Pipeline;

namespace Vasco.Slurm;

/// <summary>
/// A run's shards as one Slurm job array and the merge after it: the job scripts, the submissions, jobs.json
/// (VascoSubmitSlurm, VascoResubmitFailed).
/// </summary>
public sealed class RunSubmission(string runFile, string runDir, string runId, string slurmDir, string slurmLogDir, string? sbatch, string task, Action<string> log)
{
    readonly Action<string> _log = log;
    readonly string _task = task;
    string RunFile => runFile;
    string RunDir => runDir;
    string RunId => runId;
    string SlurmDir => slurmDir;
    string SlurmLogDir => slurmLogDir;
    string? Sbatch => sbatch;

    public string JobsPath => Path.Combine(SlurmDir, "jobs.json");

    /// <summary>Submits the array over <paramref name="shards"/>, then the merge after it; records both in jobs.json.</summary>
    public void Submit(int count, IReadOnlyList<int> shards, SlurmOptions options, IReadOnlyDictionary<string, string> globals)
    {
        var sbatch = Slurm.Sbatch.Find(Sbatch);
        // The user's -p: properties; not MSBuild's or the dotnet CLI's own (NuGetInteractive).
        var forwarded = globals.Where(g => !g.Key.StartsWith('_') && !g.Key.StartsWith("MSBuild", StringComparison.OrdinalIgnoreCase)
                && !g.Key.Equals("NuGetInteractive", StringComparison.OrdinalIgnoreCase))
            .ToDictionary(g => g.Key, g => g.Value, StringComparer.OrdinalIgnoreCase);
        // The dotnet that runs this build runs the jobs (DOTNET_HOST_PATH is set by the dotnet CLI).
        var dotnet = Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") is { Length: > 0 } host ? host : "dotnet";
        var runDir = Path.GetFullPath(RunDir);
        Directory.CreateDirectory(SlurmDir);
        Directory.CreateDirectory(SlurmLogDir);
        var shardScript = Path.Combine(SlurmDir, "shard.sh");
        var mergeScript = Path.Combine(SlurmDir, "merge.sh");
        AtomicFile.WriteAllText(shardScript, JobScripts.Shards(dotnet, Path.GetFullPath(RunFile), runDir, RunId, count, forwarded, options.CpusPerTask));
        AtomicFile.WriteAllText(mergeScript, JobScripts.Merge(dotnet, Path.GetFullPath(RunFile), runDir, RunId, count, forwarded));

        var jobs = JobsFile.Read(JobsPath, RunId, count);
        jobs.ShardCount = count;
        string? arrayId = null;
        if (shards.Count > 0)
        {
            var array = Ranges(shards) + (options.MaxRunning > 0 ? "%" + options.MaxRunning.ToString(CultureInfo.InvariantCulture) : "");
            var args = Slurm.Sbatch.Arguments(JobName("shards"), array, null, options, shardJob: true,
                Path.Combine(SlurmLogDir, "shard-%a-job-%A.out"), runDir, shardScript);
            arrayId = sbatch.Submit(args, runDir);
            jobs.Submissions.Add(new Submission("shards", arrayId, RunPaths.Relative(RunDir, shardScript), args, shards.ToList(), null, DateTimeOffset.UtcNow));
            jobs.Write(JobsPath);
            _log($"Vasco: run {RunId}: shards {array} of {count} submitted as job array {arrayId}");
        }
        var mergeArgs = Slurm.Sbatch.Arguments(JobName("merge"), null, arrayId, options, shardJob: false,
            Path.Combine(SlurmLogDir, "merge-job-%j.out"), runDir, mergeScript);
        var mergeId = sbatch.Submit(mergeArgs, runDir);
        jobs.Submissions.Add(new Submission("merge", mergeId, RunPaths.Relative(RunDir, mergeScript), mergeArgs, null, arrayId, DateTimeOffset.UtcNow));
        jobs.Write(JobsPath);
        _log($"Vasco: run {RunId}: merge submitted as job {mergeId}{(arrayId is null ? "" : $", after job array {arrayId} succeeds")}; job ids in {RunPaths.Relative(RunDir, JobsPath)}");
    }

    /// <summary>
    /// An earlier array or merge of the run still queued would run beside the new one: two builds of one shard
    /// at once, or two merges. The user waits or cancels; Vasco does not cancel jobs itself.
    /// </summary>
    public void RefuseWhileQueued(int count)
    {
        var jobs = JobsFile.Read(JobsPath, RunId, count);
        if (jobs.Submissions.Count == 0) return;
        var queued = Squeue.Find(Slurm.Sbatch.Find(Sbatch).Program).Queued(jobs.Submissions.Select(s => (s.JobId, JobName(s.Kind))));
        if (queued.Count == 0) return;
        var still = jobs.Submissions.Where(s => queued.Contains(s.JobId)).ToList();
        var which = still.Select(s => s.Kind == "merge" ? $"{s.JobId} (the merge)" : $"{s.JobId} (shards {Ranges(s.Shards ?? [])})");
        var harm = still.Any(s => s.Kind != "merge") ? "would build the same shards twice at once" : "would run a second merge beside it";
        throw new VascoException(ErrorCodes.SlurmJobsQueued,
            $"run {RunId}: job(s) {string.Join(", ", which)} submitted before are still in Slurm's queue; submitting now {harm}.",
            $"wait until `squeue --me` no longer lists them, or cancel them (scancel {string.Join(' ', queued.Order(StringComparer.Ordinal))}), then run {_task} again.");
    }

    /// <summary>The Slurm job name of a submission kind (shards, merge).</summary>
    string JobName(string kind) => kind == "merge" ? $"vasco-{RunId}-merge" : $"vasco-{RunId}";

    /// <summary>"0-3,7,9-10": the array indexes as sbatch takes them.</summary>
    public static string Ranges(IReadOnlyList<int> shards)
    {
        var parts = new List<string>();
        for (var i = 0; i < shards.Count;)
        {
            var j = i;
            while (j + 1 < shards.Count && shards[j + 1] == shards[j] + 1) j++;
            parts.Add(i == j ? shards[i].ToString(CultureInfo.InvariantCulture) : $"{shards[i]}-{shards[j]}");
            i = j + 1;
        }
        return string.Join(',', parts);
    }
}
