using Vasco.IO;

namespace Vasco.Tools;

/// <summary>
/// Private working folders of the tools (a PSFEx run, a SExtractor run, a STILTS match) in the
/// system's temporary folder, named vasco-&lt;kind&gt;-&lt;process id&gt;-&lt;host&gt;-&lt;random&gt;. Each is deleted
/// when its tool is done; a killed build cannot do that, so <see cref="SweepOrphans"/> (run by every
/// plan) deletes the folders whose process is gone, by the rules <see cref="AtomicFile"/> uses for
/// its temp files: a process of this machine that no longer runs, or a day of age for another
/// machine's (a temporary folder shared between nodes) and for names without a writer (older versions).
/// </summary>
public static class ToolWorkDir
{
    const string Prefix = "vasco-";
    static readonly HashSet<string> Kinds = new(StringComparer.Ordinal) { "psfex", "sex", "assoc", "stilts" };

    public static string Create(string kind)
    {
        if (!Kinds.Contains(kind)) throw new ArgumentException($"unknown tool folder kind '{kind}'", nameof(kind));
        return Directory.CreateTempSubdirectory($"{Prefix}{kind}-{Environment.ProcessId}-{AtomicFile.ThisHost}-").FullName;
    }

    /// <summary>Deletes the working folders left by processes that are gone; returns how many.</summary>
    public static int SweepOrphans(string? tempDir = null)
    {
        tempDir ??= Path.GetTempPath();
        var deleted = 0;
        foreach (var dir in Directory.EnumerateDirectories(tempDir, Prefix + "*"))
        {
            var info = new DirectoryInfo(dir);
            if (info.LinkTarget is not null || !IsAbandoned(info.Name, info.LastWriteTimeUtc)) continue;
            try
            {
                Directory.Delete(dir, recursive: true);
                deleted++;
            }
            catch (IOException) { } // another build sweeping at the same moment
            catch (UnauthorizedAccessException) { } // another user's
        }
        return deleted;
    }

    /// <summary>
    /// Whether a folder of this name was made by <see cref="Create"/> (or an older version's
    /// vasco-&lt;kind&gt;-&lt;random&gt;) for a process that is gone. Any other name is not ours.
    /// </summary>
    internal static bool IsAbandoned(string name, DateTime lastWriteUtc)
    {
        var parts = name.Split('-');
        if (parts.Length < 3 || parts[0] + "-" != Prefix || !Kinds.Contains(parts[1]) || !IsRandom(parts[^1])) return false;
        if (parts.Length == 3) return AtomicFile.IsDayOld(lastWriteUtc);
        if (parts.Length != 5 || !int.TryParse(parts[2], out var pid) || pid <= 0) return false;
        return AtomicFile.IsWriterGone(pid, parts[3], lastWriteUtc);
    }

    // The 6 letters and digits Directory.CreateTempSubdirectory appends.
    static bool IsRandom(string s) => s.Length == 6 && s.All(char.IsAsciiLetterOrDigit);
}
