using Microsoft.Build.Framework;
using Vasco.Pipeline;
using MSBuildTask = Microsoft.Build.Utilities.Task;

namespace Vasco.MSBuild;

/// <summary>
/// Base of every Vasco task: turns a <see cref="VascoException"/> into one MSBuild error
/// with its VASCO code, cause, fix and file, and anything unexpected into VASCO0001.
/// Subclasses implement only the work.
/// </summary>
public abstract class VascoTask : MSBuildTask
{
    readonly object _logLock = new();

    public sealed override bool Execute()
    {
        try
        {
            ExecuteCore();
        }
        catch (VascoException e)
        {
            LogVascoError(e.Code, e.UserMessage, e.File);
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            LogVascoError(ErrorCodes.Internal, $"Unexpected error in {GetType().Name}: {e}", null);
        }
        return !Log.HasLoggedErrors;
    }

    protected abstract void ExecuteCore();

    /// <summary>Thread-safe: steps log from their parallel tile workers.</summary>
    protected void LogVascoError(string code, string message, string? file)
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

    protected void LogWarning(string code, string message)
    {
        lock (_logLock) Log.LogWarning(null, code, null, null, 0, 0, 0, 0, message);
    }
}
