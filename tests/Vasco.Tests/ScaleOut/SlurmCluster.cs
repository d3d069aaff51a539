using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using NUnit.Framework;
using Vasco.Tools;

namespace Vasco.Tests.ScaleOut;

/// <summary>
/// A private single-node Slurm cluster on loopback (FACTS 6): munged as user munge on a
/// socket of its own, slurmctld and slurmd with a config, state and spool folder of their
/// own on free ports, and the job completion log as a text file. Installs Debian's
/// slurm-wlm and munge when they are missing (root or passwordless sudo). Stops the
/// daemons it started, by their PIDs.
/// </summary>
public sealed class SlurmCluster : IDisposable
{
    readonly List<int> _pids = [];

    public string Dir { get; }
    public string Conf => Path.Combine(Dir, "slurm.conf");
    public string JobCompFile => Path.Combine(Dir, "jobcomp.txt");
    /// <summary>What a process needs to talk to this cluster.</summary>
    public IReadOnlyDictionary<string, string> Environment => new Dictionary<string, string> { ["SLURM_CONF"] = Conf };

    SlurmCluster(string dir) => Dir = dir;

    public static SlurmCluster Start()
    {
        EnsureInstalled();
        // /tmp, not the test's temp: munged wants every folder above its socket searchable by all.
        var cluster = new SlurmCluster(Directory.CreateTempSubdirectory("vasco-slurm-").FullName);
        try { cluster.StartDaemons(); }
        catch { cluster.Dispose(); throw; }
        return cluster;
    }

    // Installed before any test by Support.TestTools (dotnet test's VascoTestTools target, or ToolsSetup).
    static void EnsureInstalled()
    {
        var missing = new[] { "munged", "slurmctld", "slurmd", "sbatch", "scontrol" }.Where(p => FindProgram(p) is null).ToList();
        if (missing.Count > 0)
            Assert.Fail($"{string.Join(", ", missing)} not found: install with: apt-get install slurm-wlm munge");
    }

    static string? FindProgram(string name) =>
        ProcessRunner.FindOnPath(name) ?? new[] { "/usr/sbin", "/sbin" }.Select(d => Path.Combine(d, name)).FirstOrDefault(File.Exists);

    void StartDaemons()
    {
        Run("chmod", "755", Dir);
        var munge = Path.Combine(Dir, "munge");
        Directory.CreateDirectory(munge);
        Run("chown", "munge:munge", munge);
        Run("chmod", "755", munge);
        var socket = Path.Combine(munge, "munge.socket");
        Run(FindProgram("runuser") ?? "runuser", "-u", "munge", "--", FindProgram("munged")!, $"--socket={socket}", $"--pid-file={munge}/munged.pid",
            $"--log-file={munge}/munged.log", $"--seed-file={munge}/munged.seed");
        _pids.Add(ReadPid(Path.Combine(munge, "munged.pid")));

        foreach (var d in new[] { "state", "spool" }) Directory.CreateDirectory(Path.Combine(Dir, d));
        File.WriteAllText(Conf, $"""
            ClusterName=vascotest
            SlurmctldHost=localhost(127.0.0.1)
            SlurmctldPort={FreePort()}
            SlurmdPort={FreePort()}
            AuthType=auth/munge
            AuthInfo=socket={socket}
            CredType=cred/munge
            SlurmUser=root
            SlurmdUser=root
            StateSaveLocation={Dir}/state
            SlurmdSpoolDir={Dir}/spool
            SlurmctldPidFile={Dir}/slurmctld.pid
            SlurmdPidFile={Dir}/slurmd.pid
            SlurmctldLogFile={Dir}/slurmctld.log
            SlurmdLogFile={Dir}/slurmd.log
            ProctrackType=proctrack/linuxproc
            TaskPlugin=task/none
            JobAcctGatherType=jobacct_gather/none
            AccountingStorageType=accounting_storage/none
            JobCompType=jobcomp/filetxt
            JobCompLoc={JobCompFile}
            ReturnToService=2
            MinJobAge=3600
            MpiDefault=none
            SchedulerParameters=batch_sched_delay=0,sched_min_interval=0
            SelectType=select/cons_tres
            SelectTypeParameters=CR_Core
            NodeName=localhost NodeAddr=127.0.0.1 CPUs={System.Environment.ProcessorCount} RealMemory={MemoryMb()} State=UNKNOWN
            PartitionName=vasco Nodes=localhost Default=YES MaxTime=INFINITE State=UP

            """);
        Run(FindProgram("slurmctld")!, "-f", Conf);
        _pids.Add(ReadPid(Path.Combine(Dir, "slurmctld.pid")));
        Run(FindProgram("slurmd")!, "-f", Conf, "-N", "localhost");
        _pids.Add(ReadPid(Path.Combine(Dir, "slurmd.pid")));

        // Up when the node reports idle.
        var clock = Stopwatch.StartNew();
        while (clock.Elapsed < TimeSpan.FromSeconds(60))
        {
            var r = ProcessRunner.Run("sinfo", ["--noheader", "--format=%t"], environment: Environment, timeout: TimeSpan.FromSeconds(20));
            if (r.ExitCode == 0 && r.StdOut.Trim() == "idle") return;
            Thread.Sleep(500);
        }
        Assert.Fail($"the private Slurm did not come up in 60 s; logs in {Dir}:\n{Tail("slurmctld.log")}\n{Tail("slurmd.log")}");
    }

    string Tail(string log) => File.Exists(Path.Combine(Dir, log)) ? string.Join('\n', File.ReadLines(Path.Combine(Dir, log)).TakeLast(15)) : "";

    /// <summary>The machine's memory in MB, less a margin, so jobs may ask for --mem.</summary>
    static long MemoryMb()
    {
        var line = File.ReadLines("/proc/meminfo").First(l => l.StartsWith("MemTotal:", StringComparison.Ordinal));
        return long.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], System.Globalization.CultureInfo.InvariantCulture) / 1024 * 9 / 10;
    }

    static int FreePort()
    {
        using var l = new TcpListener(IPAddress.Loopback, 0);
        l.Start();
        return ((IPEndPoint)l.LocalEndpoint).Port;
    }

    static int ReadPid(string pidFile)
    {
        var clock = Stopwatch.StartNew();
        while (clock.Elapsed < TimeSpan.FromSeconds(20))
        {
            if (File.Exists(pidFile) && int.TryParse(File.ReadAllText(pidFile).Trim(), out var pid) && pid > 0) return pid;
            Thread.Sleep(100);
        }
        throw new InvalidOperationException($"no PID in {pidFile}");
    }

    void Run(string program, params string[] args)
    {
        var r = ProcessRunner.Run(program, args, environment: Environment, timeout: TimeSpan.FromSeconds(60));
        if (r.ExitCode != 0) throw new InvalidOperationException($"{program} {string.Join(' ', args)}: exit {r.ExitCode}: {r.StdErr}{r.StdOut}");
    }

    /// <summary>Every field of `scontrol show job ID` per job record (an array shows one per task).</summary>
    public List<Dictionary<string, string>> ShowJob(string id)
    {
        var r = ProcessRunner.Run("scontrol", ["show", "job", "--oneliner", id], environment: Environment, timeout: TimeSpan.FromSeconds(30));
        if (r.ExitCode != 0) throw new InvalidOperationException($"scontrol show job {id}: {r.StdErr}");
        return r.StdOut.Split('\n', StringSplitOptions.RemoveEmptyEntries)
            .Select(line => line.Split(' ', StringSplitOptions.RemoveEmptyEntries).Select(f => f.Split('=', 2)).Where(f => f.Length == 2)
                .GroupBy(f => f[0]).ToDictionary(g => g.Key, g => g.First()[1]))
            .ToList();
    }

    static readonly string[] Live = ["PENDING", "CONFIGURING", "RUNNING", "COMPLETING", "SUSPENDED", "REQUEUED", "RESIZING"];

    /// <summary>Waits until none of the jobs is pending or running (sbatch --wait's exit code is not to be trusted: FACTS 6).</summary>
    public void WaitForJobs(TimeSpan limit, params string[] ids)
    {
        var clock = Stopwatch.StartNew();
        while (clock.Elapsed < limit)
        {
            if (ids.SelectMany(ShowJob).All(j => !Live.Contains(j["JobState"]))) return;
            Thread.Sleep(2000);
        }
        Assert.Fail($"Slurm jobs {string.Join(", ", ids)} still not done after {limit}:\n" +
            string.Join('\n', ids.SelectMany(ShowJob).Select(j => $"{j["JobId"]} {j["JobState"]} {j.GetValueOrDefault("Reason")}")));
    }

    public void Dispose()
    {
        // Reverse order: slurmd, slurmctld, then munged; each by the PID it wrote.
        foreach (var pid in Enumerable.Reverse(_pids))
        {
            try
            {
                using var p = Process.GetProcessById(pid);
                p.Kill();
                p.WaitForExit(10_000);
            }
            catch (ArgumentException) { } // already gone
            catch (InvalidOperationException) { }
        }
        _pids.Clear();
        try { Directory.Delete(Dir, recursive: true); } catch (IOException) { } catch (UnauthorizedAccessException) { }
    }
}
