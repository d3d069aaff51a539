
namespace Vasco.IO;

/// <summary>
/// One build of a run at a time: an exclusive OS lock on a file in the run's state folder, held for the build. The
/// operating system drops it with its process, so a killed build never leaves the run locked. Beside it, a note
/// names the holder, for the error the next build gives while the lock is held; a build that ends (done or failed)
/// deletes its note, so a note found on taking the lock is a build that was stopped (<see cref="LastBuildStopped"/>).
/// </summary>
public sealed class RunLock : IDisposable
{
    readonly FileStream _lock;
    readonly string _owner;

    RunLock(FileStream held, string owner, bool lastBuildStopped) => (_lock, _owner, LastBuildStopped) = (held, owner, lastBuildStopped);

    /// <summary>
    /// Whether the run's last build did not end (killed, a crash, the machine down): what it was writing may have left
    /// temporary files, which no finished build does (<see cref="AtomicFile"/> removes its own on any failure).
    /// </summary>
    public bool LastBuildStopped { get; }

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
        var stopped = File.Exists(OwnerPath(lockPath));
        AtomicFile.WriteAllText(OwnerPath(lockPath),
            $"process {Environment.ProcessId} on {Environment.MachineName}, building since {DateTime.UtcNow:yyyy-MM-dd HH:mm:ss}Z: {Environment.CommandLine}\n");
        return new RunLock(held, OwnerPath(lockPath), stopped);
    }

    /// <summary>Keeps this build's note when it ends, so that the next build takes its run for stopped (what this one could not tidy, it tidies).</summary>
    public void KeepNote() => _keepNote = true;

    bool _keepNote;

    /// <summary>The build ended: its note goes first, while the lock is still held (the next holder writes its own).</summary>
    public void Dispose()
    {
        try { if (!_keepNote) File.Delete(_owner); }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException) { }  // the next build sweeps for nothing
        _lock.Dispose();
    }
}
