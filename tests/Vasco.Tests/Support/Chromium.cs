using NUnit.Framework;

namespace Vasco.Tests.Support;

/// <summary>Debian's Chromium, headless, with nothing reaching out to the network (installed before the tests: Support.TestTools).</summary>
public static class Chromium
{
    /// <summary>Runs Chromium in <paramref name="workDir"/> on a fresh profile; returns what it printed (--dump-dom: the page after its scripts ran).</summary>
    public static string Run(string workDir, params string[] args)
    {
        var profile = Directory.CreateTempSubdirectory("vasco-chromium-").FullName;
        try
        {
            var result = Vasco.Tools.ProcessRunner.Run("/usr/bin/chromium",
                ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", $"--user-data-dir={profile}", "--virtual-time-budget=5000", .. args],
                workDir, TimeSpan.FromMinutes(2));
            Assert.That(result.ExitCode, Is.EqualTo(0), result.StdErr);
            return result.StdOut;
        }
        finally
        {
            Directory.Delete(profile, recursive: true);
        }
    }
}
