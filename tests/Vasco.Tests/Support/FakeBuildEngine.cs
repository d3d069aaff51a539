using System.Collections;
using Microsoft.Build.Framework;

namespace Vasco.Tests.Support;

/// <summary>
/// A build engine for running a task object directly, without `dotnet build` (as sourcelink's and MSBuildSdks'
/// tests do): it records what the task logs, holds the task objects it registers (VascoLockRun's lock) until
/// <see cref="EndBuild"/>, and gives the global properties (-p:) that <see cref="IBuildEngine6"/> reports.
/// One engine stands for one build.
/// </summary>
public sealed class FakeBuildEngine(IReadOnlyDictionary<string, string>? globalProperties = null) : IBuildEngine6
{
    readonly object _lock = new();
    readonly Dictionary<object, object> _taskObjects = [];

    public List<BuildErrorEventArgs> Errors { get; } = [];
    public List<BuildWarningEventArgs> Warnings { get; } = [];
    public List<BuildMessageEventArgs> Messages { get; } = [];

    /// <summary>Everything logged, one line each ("error VASCO0007: ..."), for assertion messages.</summary>
    public string Log
    {
        get
        {
            lock (_lock)
                return string.Join("\n", Errors.Select(e => $"error {e.Code}: {e.Message}")
                    .Concat(Warnings.Select(w => $"warning {w.Code}: {w.Message}"))
                    .Concat(Messages.Select(m => $"{m.Importance}: {m.Message}")));
        }
    }

    /// <summary>What MSBuild does when the build ends: disposes the task objects registered for the build.</summary>
    public void EndBuild()
    {
        lock (_lock)
        {
            foreach (var o in _taskObjects.Values.OfType<IDisposable>()) o.Dispose();
            _taskObjects.Clear();
        }
    }

    public int RegisteredTaskObjects { get { lock (_lock) return _taskObjects.Count; } }

    public void LogErrorEvent(BuildErrorEventArgs e) { lock (_lock) Errors.Add(e); }
    public void LogWarningEvent(BuildWarningEventArgs e) { lock (_lock) Warnings.Add(e); }
    public void LogMessageEvent(BuildMessageEventArgs e) { lock (_lock) Messages.Add(e); }
    public void LogCustomEvent(CustomBuildEventArgs e) { }
    public void LogTelemetry(string eventName, IDictionary<string, string> properties) { }

    public IReadOnlyDictionary<string, string> GetGlobalProperties() => globalProperties ?? new Dictionary<string, string>();

    public void RegisterTaskObject(object key, object obj, RegisteredTaskObjectLifetime lifetime, bool allowEarlyCollection)
    {
        lock (_lock) _taskObjects[key] = obj;
    }

    public object? GetRegisteredTaskObject(object key, RegisteredTaskObjectLifetime lifetime)
    {
        lock (_lock) return _taskObjects.GetValueOrDefault(key);
    }

    public object? UnregisterTaskObject(object key, RegisteredTaskObjectLifetime lifetime)
    {
        lock (_lock) return _taskObjects.Remove(key, out var o) ? o : null;
    }

    public bool ContinueOnError => false;
    public int LineNumberOfTaskNode => 0;
    public int ColumnNumberOfTaskNode => 0;
    public string ProjectFileOfTaskNode => "fake.vascoproj";
    public bool IsRunningMultipleNodes => false;

    // No Vasco task builds other projects or yields.
    public bool BuildProjectFile(string projectFileName, string[] targetNames, IDictionary globalProperties, IDictionary targetOutputs) => throw new NotSupportedException();
    public bool BuildProjectFile(string projectFileName, string[] targetNames, IDictionary globalProperties, IDictionary targetOutputs, string toolsVersion) => throw new NotSupportedException();
    public bool BuildProjectFilesInParallel(string[] projectFileNames, string[] targetNames, IDictionary[] globalProperties, IDictionary[] targetOutputsPerProject, string[] toolsVersion, bool useResultsCache, bool unloadProjectsOnCompletion) => throw new NotSupportedException();
    public BuildEngineResult BuildProjectFilesInParallel(string[] projectFileNames, string[] targetNames, IDictionary[] globalProperties, IList<string>[] removeGlobalProperties, string[] toolsVersion, bool returnTargetOutputs) => throw new NotSupportedException();
    public void Yield() { }
    public void Reacquire() { }
}
