using Microsoft.Build.Framework;
using Vasco.Pipeline;
using MSBuildTask = Microsoft.Build.Utilities.Task;

namespace Vasco.MSBuild;

/// <summary>
/// Base of every Vasco task: turns a <see cref="VascoException"/> into one MSBuild error
/// with its VASCO code, cause, fix and file, and anything unexpected into VASCO0001.
/// Subclasses implement only the work. Errors about single tiles (<see cref="LogTileError"/>)
/// do not fail the task, so the other tiles go on through the next steps; the public
/// target fails the build at its end.
/// </summary>
public abstract class VascoTask : MSBuildTask
{
    readonly object _logLock = new();
    bool _fatal;

    // The task assembly's file as this process loaded it. The tasks run inside MSBuild's own process, and a
    // reused MSBuild node can outlive a rebuild of the assembly: it would go on running the old code.
    static readonly string AssemblyPath = typeof(VascoTask).Assembly.Location;
    static readonly DateTime AssemblyWriteTime = WriteTimeOf(AssemblyPath);

    static DateTime WriteTimeOf(string path) => path.Length > 0 && File.Exists(path) ? File.GetLastWriteTimeUtc(path) : default;

    /// <summary>The run file ($(MSBuildProjectFullPath)): an error about one of its properties or items points at its line.</summary>
    public string RunFile { get; set; } = "";

    public sealed override bool Execute()
    {
        try
        {
            if (WriteTimeOf(AssemblyPath) != AssemblyWriteTime)
                throw new VascoException(ErrorCodes.TasksAssemblyReplaced,
                    $"This MSBuild process loaded {AssemblyPath} before it was rebuilt (a reused MSBuild node), so {GetType().Name} would run old code.",
                    "run `dotnet build-server shutdown` and build again, or build with -nodeReuse:false.", AssemblyPath);
            ExecuteCore();
        }
        catch (VascoException e)
        {
            _fatal = true;
            var (file, line, column) = (e.File, e.Line, e.Column);
            if (file is null && e.InRunFile?.FindIn(RunFile) is { } at)
                (file, line, column) = (RunFile, at.Line, at.Column);
            lock (_logLock) Log.LogError(subcategory: null, e.Code, helpKeyword: null, file, line, column, 0, 0, e.UserMessage);
        }
        catch (Exception e) when (Vasco.IO.AtomicFile.IsDiskFull(e))
        {
            LogFatal(ErrorCodes.DiskFull, $"{GetType().Name}: a file could not be written, the disk is full ({(e is AggregateException a ? a.InnerExceptions.First(Vasco.IO.AtomicFile.IsDiskFull) : e).Message}). Fix: {Vasco.IO.AtomicFile.DiskFullFix}", null);
        }
        catch (Exception e) when (Vasco.IO.AtomicFile.IsAccessDenied(e))
        {
            LogFatal(ErrorCodes.NotWritable, $"{GetType().Name}: {Vasco.IO.AtomicFile.AccessDeniedMessage(e, null)}", null);
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            LogFatal(ErrorCodes.Internal, $"Unexpected error in {GetType().Name}: {e}", null);
        }
        return !_fatal;
    }

    protected abstract void ExecuteCore();

    /// <summary>An error that stops the build.</summary>
    protected void LogFatal(string code, string message, string? file)
    {
        _fatal = true;
        LogTileError(code, message, file);
    }

    /// <summary>An error about one tile: reported, but the task succeeds so other tiles go on. Thread-safe.</summary>
    protected void LogTileError(string code, string message, string? file)
    {
        lock (_logLock) Log.LogError(subcategory: null, code, helpKeyword: null, file, 0, 0, 0, 0, message);
    }

    protected void LogHigh(string message)
    {
        lock (_logLock) Log.LogMessage(MessageImportance.High, message);
    }

    protected void LogNormal(string message)
    {
        lock (_logLock) Log.LogMessage(MessageImportance.Normal, message);
    }

    protected void LogWarning(string? code, string message)
    {
        lock (_logLock) Log.LogWarning(null, code, null, null, 0, 0, 0, 0, message);
    }
}
