using Microsoft.Build.Framework;
using Vasco.IO;

namespace Vasco.MSBuild;

/// <summary>
/// Locks the run for the rest of this build (<see cref="RunLock"/>). MSBuild disposes the lock when the build ends,
/// also in a reused node; within one build, taking it again (another target, the same run built twice) is a no-op.
/// When the run's last build was stopped, the temporary files it left in <see cref="SweepDirs"/> go first: only a stopped
/// build leaves any, so a build after one that ended looks through none of the run's folders (at 10,000 tiles, some
/// 450,000 entries, on every build).
/// </summary>
public sealed class VascoLockRun : VascoTask
{
    [Required] public string LockFile { get; set; } = "";
    [Required] public string RunId { get; set; } = "";
    /// <summary>The folders Vasco writes into (searched with their subfolders).</summary>
    public string[] SweepDirs { get; set; } = [];

    protected override void ExecuteCore()
    {
        // The lock lives in a folder RunId names: it is checked before anything is made there.
        Pipeline.RunNames.Check(RunId, []);
        var key = "Vasco.RunLock:" + Path.GetFullPath(LockFile);
        var engine = (IBuildEngine4)BuildEngine;
        if (engine.GetRegisteredTaskObject(key, RegisteredTaskObjectLifetime.Build) is not null) return;
        var held = RunLock.Acquire(Path.GetFullPath(LockFile), RunId);
        engine.RegisterTaskObject(key, held, RegisteredTaskObjectLifetime.Build, allowEarlyCollection: false);
        if (!held.LastBuildStopped) return;
        try
        {
            // Each folder once: a stage's folder is inside the vetting folder, a shard's inside its step's.
            var dirs = new List<string>();
            foreach (var dir in SweepDirs.Where(d => d.Length > 0).Select(d => Path.TrimEndingDirectorySeparator(Path.GetFullPath(d))).Distinct().Order(StringComparer.Ordinal))
                if (!dirs.Any(d => dir.StartsWith(d + Path.DirectorySeparatorChar, StringComparison.Ordinal))) dirs.Add(dir);
            var swept = dirs.Sum(AtomicFile.DeleteTempFiles);
            LogNormal($"VascoLockRun: the last build of run {RunId} did not end; removed {swept} temporary file(s) its writes left");
        }
        catch
        {
            held.KeepNote();  // the next build looks again
            throw;
        }
    }
}
