using System.Diagnostics;
using NUnit.Framework;

namespace Vasco.Tests.Fits;

/// <summary>
/// Runs the live oracle, fitsverify (installed before the tests by Support.TestTools); a missing tool fails the test
/// rather than skipping it. astropy is an oracle through committed data only (<see cref="Support.AstropyData"/>).
/// </summary>
internal static class ExternalTools
{
    /// <summary>Runs fitsverify on a file and returns its report.</summary>
    public static string FitsVerify(string path) => Run("fitsverify", [path]);

    /// <summary>Asserts fitsverify finds no errors and no warnings, except ones containing <paramref name="allowedWarning"/>.</summary>
    public static void AssertFitsVerifyClean(string path, string? allowedWarning = null)
    {
        var report = FitsVerify(path);
        Assert.That(report, Does.Contain("Verification found"), report);
        if (allowedWarning == null)
        {
            Assert.That(report, Does.Contain("Verification found 0 warning(s) and 0 error(s)"), report);
            return;
        }
        Assert.That(report, Does.Contain(" and 0 error(s)"), report);
        var warnings = report.Split('\n').Where(line => line.Contains("*** Warning", StringComparison.Ordinal));
        Assert.That(warnings, Is.All.Contains(allowedWarning), report);
    }

    public static string TempPath(string extension) =>
        Support.TestTemp.NewPath("test-", extension);

    /// <summary>Runs a program and returns its stdout; its exit code is not checked (fitsverify's counts what it found).</summary>
    private static string Run(string program, string[] args)
    {
        var start = new ProcessStartInfo(program)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var arg in args)
            start.ArgumentList.Add(arg);
        Process process;
        try
        {
            process = Process.Start(start) ?? throw new InvalidOperationException($"could not start {program}");
        }
        catch (System.ComponentModel.Win32Exception e)
        {
            Assert.Fail($"{program} is not installed ({e.Message}); install with: apt-get install -y fitsverify");
            throw;
        }
        using (process)
        {
            var stderr = process.StandardError.ReadToEndAsync();
            var stdout = process.StandardOutput.ReadToEnd();
            if (!process.WaitForExit(120_000))
            {
                process.Kill();
                Assert.Fail($"{program} did not finish within 2 minutes");
            }
            _ = stderr.Result;
            return stdout;
        }
    }
}
