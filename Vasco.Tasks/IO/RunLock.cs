
namespace Vasco.IO;

/// <summary>
/// One build of a run at a time: an exclusive OS lock on a file in the run's state folder, held for the build. The
/// operating system drops it with its process, so a killed build never leaves the run locked. Beside it, a note
/// names the holder, for the error the next build gives while the lock is held.
/// </summary>
public sealed class RunLock : IDisposable
{
    readonly FileStream _lock;

    RunLock(FileStream held) => _lock = held;

    public static string OwnerPath(string lockPath) => lockPath + ".owner";

    /// <summary>Takes the lock, or throws VASCO0007 naming the build that holds it.</summary>
    public static RunLock Acquire(string lockPath, string runId)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(lockPath)!);
        FileStream held;
        try
        {
            // FileShare.None is an exclusive flock(2) on Linux and macOS, and a share-mode lock on Windows.
            held = new FileStream(lockPath, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None);
        }
        catch (IOException e) when (!AtomicFile.IsDiskFull(e))
        {
            var owner = File.Exists(OwnerPath(lockPath)) ? File.ReadAllText(OwnerPath(lockPath)).Trim() : "a build whose note is not written yet";
            throw new VascoException(ErrorCodes.RunBusy,
                $"run {runId} is being built by another build right now ({owner}); two builds of one run at once would mix their results.",
                "wait for that build to finish (or stop it) and build again; to build with other parameters side by side, give this build its own RunId (-p:RunId=...).",
                lockPath, e);
        }
        AtomicFile.WriteAllText(OwnerPath(lockPath),
            $"process {Environment.ProcessId} on {Environment.MachineName}, building since {DateTime.UtcNow:yyyy-MM-dd HH:mm:ss}Z: {Environment.CommandLine}\n");
        return new RunLock(held);
    }

    public void Dispose() => _lock.Dispose();
}
