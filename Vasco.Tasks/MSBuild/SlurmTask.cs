using Microsoft.Build.Framework;
using Vasco.Pipeline;
using Vasco.Steps;
using Vasco.Sharding;
using Vasco.Slurm;

namespace Vasco.MSBuild;

/// <summary>What VascoSubmitSlurm and VascoResubmitFailed share: the scripts, sbatch, jobs.json.</summary>
public abstract class SlurmTask : VascoTask
{
    [Required] public string RunDir { get; set; } = "";
    [Required] public string RunId { get; set; } = "";
    [Required] public string ShardsDir { get; set; } = "";
    /// <summary>data/slurm/&lt;RunId&gt;/: the job scripts and jobs.json.</summary>
    [Required] public string SlurmDir { get; set; } = "";
    /// <summary>logs/slurm/&lt;RunId&gt;/: the jobs' output.</summary>
    [Required] public string SlurmLogDir { get; set; } = "";
    [Required] public ITaskItem[] Parameters { get; set; } = [];
    [Required] public int TileCount { get; set; }
    public string? ShardCount { get; set; }
    public string? Shard { get; set; }
    public string? Sbatch { get; set; }

    protected RunSubmission Submission => new(RunFile, RunDir, RunId, SlurmDir, SlurmLogDir, Sbatch, GetType().Name, LogHigh);

    protected string JobsPath => Submission.JobsPath;

    /// <summary>The user's -p: properties, which the jobs' builds get too.</summary>
    protected IReadOnlyDictionary<string, string> GlobalProperties => (BuildEngine as IBuildEngine6)?.GetGlobalProperties() ?? new Dictionary<string, string>();

    protected int Count()
    {
        if (!string.IsNullOrWhiteSpace(Shard))
            throw new VascoException(ErrorCodes.ShardInvalid, $"{GetType().Name} submits shards itself; it takes no Shard=.", "drop -p:Shard and keep -p:ShardCount=N.");
        return Sharding.Shard.ParseCount(ShardCount, TileCount)
            ?? throw new VascoException(ErrorCodes.ShardInvalid, $"{GetType().Name} needs ShardCount= (how many shards to split the run's {TileCount} tile(s) into).",
                "add -p:ShardCount=N; docs/scale-out.md says how to choose N under the site's MaxArraySize.");
    }

    protected SlurmOptions Options()
    {
        var p = new ParameterReader(Items.ToParameters(Parameters));
        return new SlurmOptions(p.Text(RunSettings.SlurmPartition), p.Text(RunSettings.SlurmAccount), p.Text(RunSettings.SlurmTimeLimit),
            p.Integer(RunSettings.SlurmCpusPerTask), p.Text(RunSettings.SlurmMemory), p.Integer(RunSettings.SlurmMaxRunning));
    }
}
