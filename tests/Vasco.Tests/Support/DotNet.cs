using System.Diagnostics;
using NUnit.Framework;

namespace Vasco.Tests.Support;

/// <summary>Runs `dotnet build` on any project file, with a binlog in the test run's temporary folder.</summary>
public static class DotNet
{
    public static BuildRun Build(string project, params string[] args)
    {
        var binlog = TestTemp.NewPath("build-", ".binlog");
        return Run(["build", project, "-nologo", "-v:n", "-tl:off", "-nodeReuse:false", $"-bl:{binlog}", .. args], Path.GetDirectoryName(project)!, binlog);
    }

    public static BuildRun Run(string[] args, string workingDirectory, string binlog = "", IReadOnlyDictionary<string, string>? environment = null)
    {
        var psi = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, WorkingDirectory = workingDirectory };
        foreach (var a in args) psi.ArgumentList.Add(a);
        if (environment is not null) foreach (var (k, v) in environment) psi.Environment[k] = v;
        using var p = Process.Start(psi)!;
        var stdout = p.StandardOutput.ReadToEndAsync();
        var stderr = p.StandardError.ReadToEndAsync();
        if (!p.WaitForExit(TimeSpan.FromMinutes(10))) { p.Kill(true); Assert.Fail($"dotnet {string.Join(' ', args)} timed out"); }
        TestContext.Out.WriteLine($"--- dotnet {string.Join(' ', args)} -> exit {p.ExitCode}");
        return new BuildRun(p.ExitCode, stdout.Result + stderr.Result, binlog);
    }
}
