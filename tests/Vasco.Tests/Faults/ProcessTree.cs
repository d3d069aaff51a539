using System.Diagnostics;
using System.Text;

namespace Vasco.Tests.Faults;

/// <summary>
/// A command started in a session of its own (setsid), so that it and everything it starts (MSBuild worker nodes,
/// task hosts, SExtractor, PSFEx, STILTS's JVM) can be found in /proc and killed with SIGKILL at once, as a power
/// cut or the OOM killer would.
/// </summary>
sealed class ProcessTree : IDisposable
{
    readonly Process _process;
    readonly StringBuilder _output = new();

    public ProcessTree(string workingDirectory, IReadOnlyList<string> command)
    {
        var psi = new ProcessStartInfo("setsid") { RedirectStandardOutput = true, RedirectStandardError = true, WorkingDirectory = workingDirectory };
        foreach (var a in command) psi.ArgumentList.Add(a);
        _process = new Process { StartInfo = psi };
        _process.OutputDataReceived += (_, e) => { if (e.Data is not null) lock (_output) _output.AppendLine(e.Data); };
        _process.ErrorDataReceived += (_, e) => { if (e.Data is not null) lock (_output) _output.AppendLine(e.Data); };
        _process.Start();
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();
        // setsid execs in place when its caller is not a group leader: the pid is the session id.
        SessionId = _process.Id;
    }

    public int SessionId { get; }

    public string Output { get { lock (_output) return _output.ToString(); } }

    public bool HasExited => _process.HasExited;

    public int ExitCode => _process.ExitCode;

    public bool WaitForExit(TimeSpan timeout) => _process.WaitForExit(timeout);

    /// <summary>The processes of the session: pid and command name.</summary>
    public List<(int Pid, string Name)> Members()
    {
        var members = new List<(int, string)>();
        foreach (var dir in Directory.EnumerateDirectories("/proc"))
        {
            if (!int.TryParse(Path.GetFileName(dir), out var pid)) continue;
            string stat;
            try { stat = File.ReadAllText(Path.Combine(dir, "stat")); }
            catch (IOException) { continue; }
            catch (UnauthorizedAccessException) { continue; }
            // "pid (comm) state ppid pgrp session ...": comm may hold spaces and parentheses.
            var close = stat.LastIndexOf(')');
            var fields = stat[(close + 2)..].Split(' ');
            if (fields.Length > 3 && int.TryParse(fields[3], out var session) && session == SessionId)
                members.Add((pid, stat[(stat.IndexOf('(') + 1)..close]));
        }
        return members;
    }

    /// <summary>SIGKILL to every process of the session, until none is left; returns the names of those killed.</summary>
    public List<string> KillAll()
    {
        var killed = new List<string>();
        for (var round = 0; round < 50; round++)
        {
            var members = Members().Where(m => !IsZombie(m.Pid)).ToList();
            if (members.Count == 0) break;
            if (round == 0) killed.AddRange(members.Select(m => m.Name));
            Kill(members.Select(m => m.Pid));
            Thread.Sleep(100);
        }
        _process.WaitForExit(TimeSpan.FromSeconds(30));
        return killed;
    }

    /// <summary>
    /// SIGKILL to the first process of the session with this command name whose arguments hold <paramref name="argument"/>,
    /// once it appears; false if the session ended first.
    /// </summary>
    public bool KillFirst(string name, string argument, TimeSpan within)
    {
        var clock = Stopwatch.StartNew();
        while (clock.Elapsed < within && !_process.HasExited)
        {
            foreach (var (pid, n) in Members())
                // The kernel keeps 15 characters of a command name ("source-extracto").
                if (n == name[..Math.Min(15, name.Length)] && !IsZombie(pid) && CommandLine(pid).Contains(argument, StringComparison.Ordinal))
                {
                    Kill([pid]);
                    return true;
                }
            Thread.Sleep(20);
        }
        return false;
    }

    static string CommandLine(int pid)
    {
        try { return File.ReadAllText($"/proc/{pid}/cmdline").Replace('\0', ' '); }
        catch (IOException) { return ""; }
    }

    static bool IsZombie(int pid)
    {
        try
        {
            var stat = File.ReadAllText($"/proc/{pid}/stat");
            return stat[(stat.LastIndexOf(')') + 2)] is 'Z' or 'X';
        }
        catch (IOException) { return true; }
    }

    /// <summary>SIGKILL to all these processes in one kill(1) call, an argument list.</summary>
    static void Kill(IEnumerable<int> pids)
    {
        var psi = new ProcessStartInfo("kill") { RedirectStandardError = true, RedirectStandardOutput = true };
        foreach (var a in new[] { "-9", "--" }.Concat(pids.Select(p => p.ToString(System.Globalization.CultureInfo.InvariantCulture)))) psi.ArgumentList.Add(a);
        using var p = Process.Start(psi)!;
        p.WaitForExit();
    }

    public void Dispose()
    {
        if (!_process.HasExited) KillAll();
        _process.Dispose();
    }
}
