using System.Globalization;
using Microsoft.Build.Framework;
using Vasco.IO;
using Vasco.Pipeline;
using Vasco.Sharding;
using Vasco.Slurm;

namespace Vasco.MSBuild;

/// <summary>VascoSubmitSlurm: the run's shards as one job array, and the merge after it.</summary>
public sealed class VascoSubmitSlurm : SlurmTask
{
    protected override void ExecuteCore()
    {
        var count = Count();
        Submission.RefuseWhileQueued(count);
        Submission.Submit(count, Enumerable.Range(0, count).ToList(), Options(), GlobalProperties);
    }
}
