namespace Vasco.Tools;

/// <summary>
/// Private working folders of the tools (a PSFEx run, a SExtractor run, a STILTS match) in the
/// system's temporary folder, named vasco-&lt;kind&gt;-&lt;process id&gt;-&lt;random&gt;. Each is deleted when its
/// tool is done; a killed build cannot do that, so <see cref="SweepOrphans"/> (run by every plan)
/// deletes the folders of processes that no longer exist.
/// </summary>
public static class ToolWorkDir
{
    const string Prefix = "vasco-";

    public static string Create(string kind) =>
        Directory.CreateTempSubdirectory($"{Prefix}{kind}-{Environment.ProcessId}-").FullName;

    /// <summary>Deletes the working folders whose process is gone; returns how many. Folders of live processes stay.</summary>
    public static int SweepOrphans(string? tempDir = null)
    {
        tempDir ??= Path.GetTempPath();
        if (!Directory.Exists("/proc/self")) return 0; // the process check needs Linux's /proc
        var deleted = 0;
        foreach (var dir in Directory.EnumerateDirectories(tempDir, Prefix + "*"))
        {
            if (OwnerOf(Path.GetFileName(dir)) is not { } pid || Directory.Exists($"/proc/{pid}")) continue;
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

    /// <summary>The process id in vasco-&lt;kind&gt;-&lt;pid&gt;-&lt;random&gt;, or null for a name not made by <see cref="Create"/>.</summary>
    internal static int? OwnerOf(string name)
    {
        var parts = name.Split('-');
        return parts.Length == 4 && parts[0] + "-" == Prefix && int.TryParse(parts[2], out var pid) && pid > 0 ? pid : null;
    }
}
