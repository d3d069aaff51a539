using System.Diagnostics;
using System.Globalization;
using NUnit.Framework;

namespace Vasco.Tests.Fits;

/// <summary>
/// Runs the oracles: fitsverify and Debian's python with astropy. CI installs both
/// (apt-get install -y fitsverify python3-astropy); a missing tool fails the test rather than skipping it.
/// </summary>
internal static class ExternalTools
{
    // Debian's interpreter, not whatever python3 comes first on PATH: only it has astropy.
    private const string Python = "/usr/bin/python3";

    /// <summary>Runs a python script (astropy available) with arguments; returns stdout, failing the test on a non-zero exit.</summary>
    public static string RunPython(string script, params string[] args)
    {
        var scriptPath = Path.Combine(Path.GetTempPath(), $"vasco-oracle-{Guid.NewGuid():N}.py");
        File.WriteAllText(scriptPath, script);
        try
        {
            return Run(Python, [scriptPath, .. args], expectSuccess: true);
        }
        finally
        {
            File.Delete(scriptPath);
        }
    }

    /// <summary>Parses whitespace-separated numbers, one row per output line.</summary>
    public static double[][] ParseRows(string output) =>
        output.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Select(line => line.Split(' ', StringSplitOptions.RemoveEmptyEntries)
                .Select(t => double.Parse(t, CultureInfo.InvariantCulture)).ToArray())
            .ToArray();

    /// <summary>Runs fitsverify on a file and returns its report.</summary>
    public static string FitsVerify(string path) => Run("fitsverify", [path], expectSuccess: false);

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
        Path.Combine(Path.GetTempPath(), $"vasco-test-{Guid.NewGuid():N}{extension}");

    private static string Run(string program, string[] args, bool expectSuccess)
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
            Assert.Fail($"{program} is not installed ({e.Message}); install with: apt-get install -y fitsverify python3-astropy");
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
            if (expectSuccess && process.ExitCode != 0)
                Assert.Fail($"{program} exited with {process.ExitCode}: {stderr.Result}");
            return stdout;
        }
    }
}
