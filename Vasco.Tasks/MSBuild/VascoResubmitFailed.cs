using System.Globalization;
using Microsoft.Build.Framework;
using Vasco.IO;
using Vasco.Pipeline;
using Vasco.Sharding;
using Vasco.Slurm;

namespace Vasco.MSBuild;

/// <summary>VascoResubmitFailed: only the shards without an ok completion record, and a new merge.</summary>
public sealed class VascoResubmitFailed : SlurmTask
{
    protected override void ExecuteCore()
    {
        var count = Count();
        // A shard still running has no record yet: it would count as unfinished and run twice.
        Submission.RefuseWhileQueued(count);
        var unfinished = ShardRecord.Unfinished(ShardsDir, count);
        if (unfinished.Count == 0)
            LogHigh($"Vasco: run {RunId}: all {count} shards finished; submitting the merge alone.");
        else
            LogHigh($"Vasco: run {RunId}: {unfinished.Count} of {count} shards did not finish ({RunSubmission.Ranges(unfinished)}): resubmitting them.");
        Submission.Submit(count, unfinished, Options(), GlobalProperties);
    }
}
