namespace Vasco.Pipeline;

/// <summary>Paths inside a run folder. Nothing derived from an input may leave it.</summary>
public static class RunPaths
{
    /// <summary>Path relative to the run folder with '/' separators, as manifests record it.</summary>
    public static string Relative(string runDir, string fullPath) =>
        Path.GetRelativePath(runDir, fullPath).Replace('\\', '/');

    /// <summary>Joins a run-relative path and checks it stays inside the run folder.</summary>
    public static string Inside(string runDir, string relative)
    {
        var root = Path.GetFullPath(runDir);
        var full = Path.GetFullPath(Path.Combine(root, relative));
        var rootWithSep = root.EndsWith(Path.DirectorySeparatorChar) ? root : root + Path.DirectorySeparatorChar;
        if (!full.StartsWith(rootWithSep, StringComparison.Ordinal) && full != root)
            throw new VascoException(ErrorCodes.RunIdInvalid, $"Path '{relative}' leads outside the run folder '{root}'.",
                "use names without '..', '/' or '\\' for run ids and tile ids.");
        return full;
    }
}
