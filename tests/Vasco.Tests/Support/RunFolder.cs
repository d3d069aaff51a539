using Microsoft.Build.Logging.StructuredLogger;
using NUnit.Framework;
using NUnit.Framework.Interfaces;

[assembly: Vasco.Tests.Support.RunFolderCleanup]

namespace Vasco.Tests.Support;

/// <summary>
/// A throw-away run folder with a run file that imports the repository's SDK (and,
/// optionally, the test steps), built with real `dotnet build` processes. Each build
/// writes a binlog, from which the tests read what actually ran.
/// </summary>
public sealed class RunFolder : IDisposable
{
    int _builds;

    public RunFolder(string name = "run")
    {
        Dir = System.IO.Path.Combine(System.IO.Path.GetTempPath(), "vasco-tests", $"{name}-{Guid.NewGuid():N}"[..(name.Length + 9)]);
        Directory.CreateDirectory(Dir);
    }

    public string Dir { get; }
    public string RunFile => System.IO.Path.Combine(Dir, "run.vascoproj");
    public string RunId => System.IO.Path.GetFileName(Dir);

    public string Path(params string[] parts) => System.IO.Path.Combine([Dir, .. parts]);

    /// <summary>Writes the run file: properties and items as XML fragments.</summary>
    public RunFolder WriteRunFile(string properties = "", string items = "", bool testSteps = true)
    {
        var sdk = Repo.Path("Vasco.Targets", "Sdk");
        var steps = testSteps
            ? $"""<Import Project="{Repo.Path("tests", "Vasco.TestSteps", "TestSteps.targets")}" />"""
            : "";
        File.WriteAllText(RunFile, $"""
            <Project>
              <Import Project="{sdk}/Sdk.props" />
              <PropertyGroup>
                <VascoTestStepsConfiguration>{Repo.Configuration}</VascoTestStepsConfiguration>
                {(testSteps ? "<VascoBuiltInSteps>false</VascoBuiltInSteps>" : "")}
                {properties}
              </PropertyGroup>
              <ItemGroup>
                {items}
              </ItemGroup>
              <Import Project="{sdk}/Sdk.targets" />
              {steps}
            </Project>
            """);
        return this;
    }

    public void WriteFile(string relative, string content)
    {
        var full = Path(relative);
        Directory.CreateDirectory(System.IO.Path.GetDirectoryName(full)!);
        File.WriteAllText(full, content);
    }

    public BuildRun Build(params string[] args) => BuildWith(null, args);

    public BuildRun BuildWith(IReadOnlyDictionary<string, string>? environment, params string[] args)
    {
        var binlog = Path($"build{++_builds}.binlog");
        return DotNet.Run(["build", RunFile, "-nologo", "-v:n", "-tl:off", "-nodeReuse:false", $"-bl:{binlog}", .. args], Dir, binlog, environment);
    }

    /// <summary>
    /// Leaves the folder to be deleted once its test has passed (<see cref="RunFolderCleanupAttribute"/>) or
    /// once the last test has, for a fixture's shared folder; a failed test's folder is kept and named.
    /// Deciding here would keep every folder: a test's outcome is not known until its method returns.
    /// </summary>
    public void Dispose()
    {
        lock (Disposed) Disposed.Add((TestContext.CurrentContext.Test.ID, Dir));
    }

    static readonly List<(string Owner, string Dir)> Disposed = [];

    /// <summary>
    /// Deletes the folders disposed by the test or fixture <paramref name="owner"/> (null: every one left) when
    /// <paramref name="passed"/>; else says where they are.
    /// </summary>
    internal static void Finish(string? owner, bool passed, Action<string> say)
    {
        List<string> dirs;
        lock (Disposed)
        {
            dirs = Disposed.Where(d => owner is null || d.Owner == owner).Select(d => d.Dir).ToList();
            Disposed.RemoveAll(d => owner is null || d.Owner == owner);
        }
        foreach (var dir in dirs)
            if (!passed) say($"Kept the run folder for inspection: {dir}");
            else try { Directory.Delete(dir, recursive: true); } catch (IOException) { }
    }
}

/// <summary>After each test: the run folders it disposed go if it passed (see <see cref="RunFolder.Dispose"/>).</summary>
[AttributeUsage(AttributeTargets.Assembly)]
public sealed class RunFolderCleanupAttribute : Attribute, ITestAction
{
    public ActionTargets Targets => ActionTargets.Test;
    public void BeforeTest(ITest test) { }
    public void AfterTest(ITest test) =>
        RunFolder.Finish(test.Id, TestContext.CurrentContext.Result.Outcome.Status == TestStatus.Passed, m => TestContext.Out.WriteLine(m));
}

/// <summary>One finished build: exit code, console output and what its binlog says ran.</summary>
public sealed class BuildRun(int exitCode, string output, string binlog)
{
    Build? _build;

    public int ExitCode { get; } = exitCode;
    public string Output { get; } = output;
    public string Binlog { get; } = binlog;

    Build Log => _build ??= BinaryLog.ReadBuild(Binlog);

    /// <summary>Targets that executed (not skipped as up to date or by condition).</summary>
    public IReadOnlyList<string> TargetsRun() =>
        Log.FindChildrenRecursive<Target>(t => !t.Skipped && t.Children.Any(c => c is Microsoft.Build.Logging.StructuredLogger.Task))
            .Select(t => t.Name).ToList();

    /// <summary>The tile ids a step task was handed (its stale tiles), empty when the step did not run.</summary>
    public IReadOnlyList<string> TilesRun(string taskName)
    {
        var tiles = new List<string>();
        foreach (var task in Log.FindChildrenRecursive<Microsoft.Build.Logging.StructuredLogger.Task>(t => IsTask(t, taskName)))
            tiles.AddRange(StaleOf(task, taskName).Select(i => System.IO.Path.GetFileNameWithoutExtension(i.Text)));
        return tiles.Order(StringComparer.Ordinal).ToList();
    }

    public bool Ran(string taskName) => Log.FindChildrenRecursive<Microsoft.Build.Logging.StructuredLogger.Task>(t => IsTask(t, taskName)).Any();

    /// <summary>
    /// A task by name; a built-in per-tile step by its old task name too ("VascoPass1"): they all run as VascoRunStep, in
    /// the step's target (_VascoPass1; step 8's per-tile work in _VascoFilterTiles), or, in a whole build, in _VascoTileSteps
    /// with every step's stale tiles (each stamp's Step metadata names its step).
    /// </summary>
    static bool IsTask(Microsoft.Build.Logging.StructuredLogger.Task task, string taskName) =>
        task.Name == taskName
        || (task.Name == "VascoRunStep" && taskName.StartsWith("Vasco", StringComparison.Ordinal)
            && task.Parent is Microsoft.Build.Logging.StructuredLogger.Target target
            && (target.Name == "_" + taskName || target.Name == "_" + taskName + "Tiles" || (target.Name == "_VascoTileSteps" && StaleOf(task, taskName).Any())));

    /// <summary>The stale tiles a step's task was handed: in the flow, those whose stamp names the step.</summary>
    static IEnumerable<Item> StaleOf(Microsoft.Build.Logging.StructuredLogger.Task task, string taskName)
    {
        var items = task.FindChildrenRecursive<Parameter>(p => p.Name == "StaleTiles").FirstOrDefault()?.Children.OfType<Item>() ?? [];
        var inFlow = task.Parent is Microsoft.Build.Logging.StructuredLogger.Target { Name: "_VascoTileSteps" };
        return inFlow ? items.Where(i => i.Children.OfType<Metadata>().Any(m => m.Name == "Step" && "Vasco" + m.Value == taskName)) : items;
    }

    public IReadOnlyList<string> ErrorCodes() => Log.FindChildrenRecursive<Error>().Select(e => e.Code).ToList();

    /// <summary>The build's errors, code and text, as a user sees them.</summary>
    public IReadOnlyList<(string? Code, string Text)> Errors() =>
        Log.FindChildrenRecursive<Error>().Select(e => ((string?)e.Code, e.Text)).ToList();

    /// <summary>The build's warnings, code and text, as a user sees them.</summary>
    public IReadOnlyList<(string? Code, string Text)> Warnings() =>
        Log.FindChildrenRecursive<Microsoft.Build.Logging.StructuredLogger.Warning>().Select(w => ((string?)w.Code, w.Text)).ToList();

    public override string ToString() => $"exit {ExitCode}\n{Output}";
}
