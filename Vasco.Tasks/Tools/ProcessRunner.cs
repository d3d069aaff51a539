using System.Diagnostics;
using System.Text;

namespace Vasco.Tools;

public sealed record ProcessResult(int ExitCode, string StdOut, string StdErr, TimeSpan Elapsed, bool TimedOut);

/// <summary>
/// Runs an external program with an argument list (never a shell command line), stdin
/// closed (PSFEx prompts otherwise), output captured, and the whole process tree killed
/// on timeout or cancellation.
/// </summary>
public static class ProcessRunner
{
    public static ProcessResult Run(string fileName, IEnumerable<string> arguments, string? workingDirectory = null,
        TimeSpan? timeout = null, IReadOnlyDictionary<string, string>? environment = null, CancellationToken cancellation = default,
        IEnumerable<string>? unset = null)
    {
        var psi = new ProcessStartInfo(fileName)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
            WorkingDirectory = workingDirectory ?? Environment.CurrentDirectory,
        };
        foreach (var a in arguments) psi.ArgumentList.Add(a);
        if (!psi.Environment.ContainsKey(TunablesVariable)) psi.Environment[TunablesVariable] = MallocTunables;
        if (environment is not null) foreach (var (k, v) in environment) psi.Environment[k] = v;
        if (unset is not null) foreach (var k in unset) psi.Environment.Remove(k);
        var stdout = new StringBuilder();
        var stderr = new StringBuilder();
        var clock = Stopwatch.StartNew();
        using var process = new Process { StartInfo = psi };
        process.OutputDataReceived += (_, e) => { if (e.Data is not null) lock (stdout) stdout.AppendLine(e.Data); };
        process.ErrorDataReceived += (_, e) => { if (e.Data is not null) lock (stderr) stderr.AppendLine(e.Data); };
        process.Start();
        process.StandardInput.Close();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        var limit = timeout ?? TimeSpan.FromMinutes(30);
        var timedOut = false;
        using (cancellation.Register(() => Kill(process)))
        {
            if (!process.WaitForExit(limit))
            {
                timedOut = true;
                Kill(process);
            }
            process.WaitForExit(); // drains the output handlers
        }
        ToolClock.Add(clock.Elapsed);
        cancellation.ThrowIfCancellationRequested();
        return new ProcessResult(timedOut ? -1 : process.ExitCode, stdout.ToString(), stderr.ToString(), clock.Elapsed, timedOut);
    }

    // glibc's malloc on transparent huge pages, with 32 MB of slack when its heap grows: SExtractor otherwise
    // takes about 23,000 page faults on a 30' tile, 40% of its time on a virtual machine, and two of them in
    // parallel slow each other down (docs/performance.md). The tools' outputs are the same; glibc before 2.35
    // ignores the setting, and a GLIBC_TUNABLES of the user's own is left as it is.
    const string TunablesVariable = "GLIBC_TUNABLES";
    const string MallocTunables = "glibc.malloc.hugetlb=1:glibc.malloc.top_pad=33554432";

    static void Kill(Process process)
    {
        try { if (!process.HasExited) process.Kill(entireProcessTree: true); }
        catch (InvalidOperationException) { }
    }

    /// <summary>Full path of a program found on PATH, or null.</summary>
    public static string? FindOnPath(string name)
    {
        if (name.Contains('/')) return File.Exists(name) ? Path.GetFullPath(name) : null;
        foreach (var dir in (Environment.GetEnvironmentVariable("PATH") ?? "").Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries))
        {
            var candidate = Path.Combine(dir, name);
            if (File.Exists(candidate)) return candidate;
        }
        return null;
    }
}
