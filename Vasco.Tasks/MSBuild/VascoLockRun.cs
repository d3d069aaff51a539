using Microsoft.Build.Framework;
using Vasco.IO;

namespace Vasco.MSBuild;

/// <summary>
/// Locks the run for the rest of this build (<see cref="RunLock"/>). MSBuild disposes the lock when the build ends,
/// also in a reused node; within one build, taking it again (another target, the same run built twice) is a no-op.
/// </summary>
public sealed class VascoLockRun : VascoTask
{
    [Required] public string LockFile { get; set; } = "";
    [Required] public string RunId { get; set; } = "";

    protected override void ExecuteCore()
    {
        // The lock lives in a folder RunId names: it is checked before anything is made there.
        Pipeline.RunNames.Check(RunId, []);
        var key = "Vasco.RunLock:" + Path.GetFullPath(LockFile);
        var engine = (IBuildEngine4)BuildEngine;
        if (engine.GetRegisteredTaskObject(key, RegisteredTaskObjectLifetime.Build) is not null) return;
        engine.RegisterTaskObject(key, RunLock.Acquire(Path.GetFullPath(LockFile), RunId), RegisteredTaskObjectLifetime.Build, allowEarlyCollection: false);
    }
}
