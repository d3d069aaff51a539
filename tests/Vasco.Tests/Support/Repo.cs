namespace Vasco.Tests.Support;

/// <summary>Paths of the repository the tests run from.</summary>
public static class Repo
{
    public static readonly string Root = FindRoot();

    public static string Path(params string[] parts) => System.IO.Path.Combine([Root, .. parts]);

    public const string Configuration =
#if DEBUG
        "Debug";
#else
        "Release";
#endif

    static string FindRoot()
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(System.IO.Path.Combine(dir.FullName, "Vasco.sln"))) dir = dir.Parent;
        return dir?.FullName ?? throw new InvalidOperationException("Vasco.sln not found above " + AppContext.BaseDirectory);
    }
}
