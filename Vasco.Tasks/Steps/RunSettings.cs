using Vasco.Pipeline;

namespace Vasco.Steps;

/// <summary>The parameters of the run rather than of one step: how the engine runs tiles, and how a run goes to Slurm.</summary>
public static class RunSettings
{
    public static readonly ParameterDefinition FailFast = new("FailFast", ParameterType.Boolean, "false", "stop at the first failed tile");
    public static readonly ParameterDefinition MaxParallel = new("MaxParallel", ParameterType.Integer, "0", "tiles processed at once (0: one per processor)", Min: 0, Max: 1024);
    public static readonly ParameterDefinition SlurmPartition = new("SlurmPartition", ParameterType.Text, "", "VascoSubmitSlurm: the partition (sbatch --partition; empty: the site's default)");
    public static readonly ParameterDefinition SlurmAccount = new("SlurmAccount", ParameterType.Text, "", "VascoSubmitSlurm: the account charged (sbatch --account; empty: your default)");
    public static readonly ParameterDefinition SlurmTimeLimit = new("SlurmTimeLimit", ParameterType.Text, "", "VascoSubmitSlurm: time limit of one shard's job, e.g. 04:00:00 (sbatch --time; empty: the partition's)");
    public static readonly ParameterDefinition SlurmCpusPerTask = new("SlurmCpusPerTask", ParameterType.Integer, "0", "VascoSubmitSlurm: CPUs of one shard's job, and its MaxParallel unless MaxParallel is given (0: the site's default)", Min: 0, Max: 1024);
    public static readonly ParameterDefinition SlurmMemory = new("SlurmMemory", ParameterType.Text, "", "VascoSubmitSlurm: memory of one shard's job, e.g. 8G (sbatch --mem; empty: the site's default)");
    public static readonly ParameterDefinition SlurmMaxRunning = new("SlurmMaxRunning", ParameterType.Integer, "0", "VascoSubmitSlurm: shards running at once (the array's %throttle; 0: no throttle)", Min: 0, Max: 100000);

    /// <summary>What the engine itself reads while it runs any step's tiles (never part of a stamp).</summary>
    public static readonly IReadOnlyList<string> EngineReads = [FailFast.Name, MaxParallel.Name];
}
