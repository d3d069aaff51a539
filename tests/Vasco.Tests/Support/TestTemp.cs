namespace Vasco.Tests.Support;

/// <summary>The test run's own temporary folder: loose files the tests write go here, and it is deleted after the last test (ToolsSetup).</summary>
public static class TestTemp
{
    static readonly Lazy<string> Folder = new(() => Directory.CreateTempSubdirectory("vasco-tests-").FullName);

    public static string Dir => Folder.Value;

    /// <summary>A fresh path in the folder: prefix, a unique part, extension.</summary>
    public static string NewPath(string prefix, string extension = "") => Path.Combine(Dir, $"{prefix}{Guid.NewGuid():N}{extension}");

    internal static void Delete()
    {
        if (Folder.IsValueCreated && Directory.Exists(Folder.Value)) Directory.Delete(Folder.Value, recursive: true);
    }
}
