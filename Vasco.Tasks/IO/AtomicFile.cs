using System.Text;

namespace Vasco.IO;

/// <summary>
/// Writes files so that a reader (or a rebuild after a crash) sees either the old
/// content or the complete new content, never a half-written file: write a temp
/// file in the same folder, flush it to disk, then rename it over the target.
/// </summary>
public static class AtomicFile
{
    public static void WriteAllBytes(string path, ReadOnlySpan<byte> bytes)
    {
        var temp = TempPathFor(path);
        try
        {
            using (var stream = new FileStream(temp, FileMode.CreateNew, FileAccess.Write, FileShare.None))
            {
                stream.Write(bytes);
                stream.Flush(flushToDisk: true);
            }
            File.Move(temp, path, overwrite: true);
        }
        catch
        {
            TryDelete(temp);
            throw;
        }
    }

    /// <summary>
    /// The text encoded as it is written, a piece at a time, not into one array of bytes first: fresh memory is what
    /// costs on a virtual machine (<see cref="PooledBytes"/>), and a run's large texts are megabytes. Flushed to disk.
    /// </summary>
    public static void WriteAllText(string path, string text) =>
        Write(path, stream =>
        {
            using var writer = Utf8Writer(stream);
            writer.Write(text);
        });

    /// <summary>A UTF-8 writer (no byte order mark) whose buffers stay under the large object heap's 85,000 bytes.</summary>
    public static StreamWriter Utf8Writer(Stream stream) => new(stream, new UTF8Encoding(encoderShouldEmitUTF8Identifier: false), 1 << 14, leaveOpen: true);

    /// <summary>
    /// Streams content through a callback into a temp file, then renames it into place. Not <paramref name="durable"/>: not
    /// flushed to disk first, for a cache whose reader checks it and ignores a damaged one (a power cut may lose or cut
    /// it, never the files it describes, which were written durably before it); at 10,000 tiles a build rewrote some
    /// 130 MB of caches, and flushing them was half a second.
    /// </summary>
    public static void Write(string path, Action<Stream> write, bool durable = true)
    {
        var temp = TempPathFor(path);
        try
        {
            using (var stream = new FileStream(temp, FileMode.CreateNew, FileAccess.Write, FileShare.None, bufferSize: 1 << 16))
            {
                write(stream);
                stream.Flush(flushToDisk: durable);
            }
            File.Move(temp, path, overwrite: true);
        }
        catch
        {
            TryDelete(temp);
            throw;
        }
    }

    /// <summary>True for a write that failed because the disk or the quota is full (ENOSPC, EDQUOT; ERROR_DISK_FULL).</summary>
    public static bool IsDiskFull(Exception e) => e switch
    {
        AggregateException a => a.InnerExceptions.Any(IsDiskFull),
        IOException io => io.HResult is 28 or 122 || (io.HResult & 0xFFFF) is 112 or 39
            || io.Message.Contains("No space left on device", StringComparison.Ordinal) || io.Message.Contains("quota exceeded", StringComparison.OrdinalIgnoreCase),
        _ => e.InnerException is { } inner && IsDiskFull(inner),
    };

    /// <summary>
    /// A write (or a read) refused by the file system: a read-only folder (chmod), an immutable one (chattr +i, which stops
    /// root too), or a read-only mount. .NET reports EACCES and EPERM as UnauthorizedAccessException, EROFS as an IOException.
    /// </summary>
    public static bool IsAccessDenied(Exception e) => e switch
    {
        AggregateException a => a.InnerExceptions.Any(IsAccessDenied),
        UnauthorizedAccessException => true,
        IOException io => io.HResult is 30 || io.Message.Contains("Read-only file system", StringComparison.Ordinal),
        _ => e.InnerException is { } inner && IsAccessDenied(inner),
    };

    /// <summary>The path the denied operation named ('...' in .NET's message), or null.</summary>
    public static string? DeniedPath(Exception e)
    {
        var denied = e is AggregateException a ? a.InnerExceptions.First(IsAccessDenied) : e;
        while (denied is not UnauthorizedAccessException and not IOException && denied.InnerException is { } inner) denied = inner;
        var m = System.Text.RegularExpressions.Regex.Match(denied.Message, "'([^']+)'");
        return m.Success ? m.Groups[1].Value : null;
    }

    /// <summary>
    /// What to tell the user when <see cref="IsAccessDenied"/>: the folder that refused (the denied path's folder, else
    /// <paramref name="fallbackFolder"/>) and the fix.
    /// </summary>
    public static string AccessDeniedMessage(Exception e, string? fallbackFolder)
    {
        var path = DeniedPath(e);
        var folder = path is null ? fallbackFolder : Path.GetDirectoryName(path);
        var where = folder is null ? "a folder of the run" : $"the folder {folder}";
        // A temp file's name means nothing to the user: it stands for a file being written in that folder.
        var file = path is null || IsTempFile(path) ? "" : $" to {Path.GetFileName(path)}";
        return $"{where} refused access{file} (permission denied: a read-only or immutable folder, or a read-only mount). " +
               $"Fix: make {(folder is null ? "the run folder" : folder)} writable for the user who builds " +
               "(chmod -R u+w; `lsattr -d` shows an immutable flag 'i', which stops root too: chattr -i; a read-only mount: remount it rw), " +
               "or build in another run folder.";
    }

    /// <summary>
    /// True when the file system holding <paramref name="dir"/> has (almost) no room left: what an external tool that
    /// "could not write" its output most likely met. Asked before its partial output is deleted.
    /// </summary>
    public static bool IsFull(string dir)
    {
        try { return new DriveInfo(Path.GetFullPath(dir)).AvailableFreeSpace < 1024 * 1024; }
        catch (Exception e) when (e is IOException or ArgumentException or UnauthorizedAccessException) { return false; }
    }

    /// <summary>What to tell the user when <see cref="IsDiskFull"/>.</summary>
    public static string DiskFullFix => "free space on the disk that holds the run folder (or move the run to a larger one) and build again: what was written is kept, and the rebuild does only what is missing.";

    /// <summary>True for the temp files this class leaves behind when a process is killed mid-write.</summary>
    public static bool IsTempFile(string path) => Path.GetFileName(path).Contains(".tmp-", StringComparison.Ordinal)
        && Path.GetFileName(path).StartsWith('.');

    /// <summary>
    /// Deletes the temp files a killed process left in <paramref name="dir"/> and its subfolders: those whose writer,
    /// named in the file name, was a process of this machine that is gone. Temp files of live processes (another shard
    /// writing into the same step folder) and of other machines (a shared file system) are left alone unless they are
    /// a day old. Names without a writer (older versions) count as abandoned. Returns how many it deleted.
    /// </summary>
    public static int DeleteTempFiles(string dir)
    {
        if (!Directory.Exists(dir)) return 0;
        var deleted = 0;
        foreach (var file in Directory.EnumerateFiles(dir, ".*", SearchOption.AllDirectories).Where(IsTempFile))
            if (IsAbandoned(file) && TryDelete(file))
                deleted++;
        return deleted;
    }

    /// <summary>A temp file name beside <paramref name="path"/> that names its writer: ".name.tmp-RANDOM.PID.HOST".</summary>
    public static string TempPathFor(string path)
    {
        var full = Path.GetFullPath(path);
        var dir = Path.GetDirectoryName(full)!;
        Directory.CreateDirectory(dir);
        return Path.Combine(dir, $".{Path.GetFileName(full)}.tmp-{Guid.NewGuid().ToString("N")[..12]}.{Environment.ProcessId}.{ThisHost}");
    }

    static bool IsAbandoned(string file)
    {
        var parts = Path.GetFileName(file).Split('.');
        if (parts.Length < 3 || !int.TryParse(parts[^2], out var pid) || parts[^1].Length != 8) return true;
        return IsWriterGone(pid, parts[^1], File.GetLastWriteTimeUtc(file));
    }

    /// <summary>
    /// Whether what process <paramref name="pid"/> of machine <paramref name="host"/> (a <see cref="ThisHost"/> tag)
    /// wrote is abandoned: a process of this machine that no longer runs, or another machine's after a day (its
    /// processes cannot be seen from here). The rule of this class's temp files and of the tools' working folders.
    /// </summary>
    internal static bool IsWriterGone(int pid, string host, DateTime lastWriteUtc) =>
        host == ThisHost ? !IsRunning(pid) : IsDayOld(lastWriteUtc);

    internal static bool IsDayOld(DateTime lastWriteUtc) => DateTime.UtcNow - lastWriteUtc > TimeSpan.FromDays(1);

    static bool IsRunning(int pid)
    {
        // On Linux a killed process stays a zombie until it is reaped: /proc tells, the Process API does not.
        var stat = $"/proc/{pid}/stat";
        if (Directory.Exists("/proc/self"))
        {
            try
            {
                var text = File.ReadAllText(stat);
                var state = text[(text.LastIndexOf(')') + 2)..].TrimStart();
                return state.Length > 0 && state[0] is not ('Z' or 'X');
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException or ArgumentException) { return false; }
        }
        try
        {
            using var process = System.Diagnostics.Process.GetProcessById(pid);
            return !process.HasExited;
        }
        catch (ArgumentException) { return false; }
        catch (InvalidOperationException) { return false; }
    }

    /// <summary>This machine, as 8 hex digits (FNV-1a of its name): temp names stay short and free of the name's dots.</summary>
    internal static readonly string ThisHost = HostTag();

    static string HostTag()
    {
        uint hash = 2166136261;
        foreach (var b in Encoding.UTF8.GetBytes(Environment.MachineName))
            hash = (hash ^ b) * 16777619;
        return hash.ToString("x8", System.Globalization.CultureInfo.InvariantCulture);
    }

    static bool TryDelete(string path)
    {
        try { File.Delete(path); return true; } catch (IOException) { } catch (UnauthorizedAccessException) { }
        return false;
    }
}
