namespace Vasco.Tests.Support;

/// <summary>
/// The test run's own folder for loose files (binlogs, configs, logs), beside the run folders in
/// the temporary folder's vasco-tests/. It is deleted after the last test, unless a test failed:
/// then its path is printed, for the binlogs of the failed builds.
/// </summary>
public static class TestTemp
{
    static readonly Lazy<string> Folder = new(() =>
        Directory.CreateDirectory(Path.Combine(Path.GetTempPath(), "vasco-tests", $"files-{Environment.ProcessId}-{Guid.NewGuid():N}"[..26])).FullName);

    public static string Dir => Folder.Value;

    /// <summary>A fresh path in the folder: prefix, a unique part, extension.</summary>
    public static string NewPath(string prefix, string extension = "") => Path.Combine(Dir, $"{prefix}{Guid.NewGuid():N}{extension}");

    /// <summary>After the last test: deletes the folder, or keeps it when <paramref name="keep"/> and says where.</summary>
    internal static void Finish(bool keep, Action<string> say)
    {
        if (!Folder.IsValueCreated || !Directory.Exists(Folder.Value)) return;
        if (keep) say($"Kept the tests' loose files (binlogs of the builds) for the failed tests: {Folder.Value}");
        else Directory.Delete(Folder.Value, recursive: true);
    }
}
