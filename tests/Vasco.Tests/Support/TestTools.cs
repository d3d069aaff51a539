using Vasco.Pipeline;
using Vasco.Tools;

namespace Vasco.Tests.Support;

/// <summary>
/// What the tests run besides the pipeline's own tools, and the one place that installs it all:
/// `dotnet test` runs this assembly with --install-tools before the tests (the VascoTestTools target in
/// Vasco.Tests.csproj), so a machine that cannot install stops with one message instead of many failed tests.
/// </summary>
public static class TestTools
{
    /// <summary>
    /// Debian packages: fitsverify checks the FITS files Vasco writes, chromium renders the HTML report,
    /// slurm-wlm and munge run the private Slurm of the scale-out test, python3-astropy validates the VOTable and
    /// ECSV outputs as astropy users read them (Debian's /usr/bin/python3).
    /// </summary>
    public static readonly IReadOnlyList<string> Packages = ["fitsverify", "chromium", "slurm-wlm", "munge", "python3-astropy"];

    /// <summary>
    /// The pipeline's tools and <see cref="Packages"/>, installed with Vasco's own apt-get logic in one go
    /// (so one VASCO0301 names everything missing). Returns the packages it installed.
    /// </summary>
    public static IReadOnlyList<string> Ensure(bool allowInstall, Action<string> log)
    {
        var packages = ExternalTools.All.Where(t => ProcessRunner.FindOnPath(t.Name) is null).Select(t => t.AptPackage).Concat(Packages).ToList();
        return ToolInstaller.EnsurePackages(packages, allowInstall, log);
    }

    /// <summary>
    /// `Vasco.Tests --install-tools [true|false]`: 0 when everything is there, else 1 and the reason as one
    /// line on stderr, "VASCO0301 text" (the target turns it into the build's only error).
    /// </summary>
    public static int Main(string[] args)
    {
        if (args is not ["--install-tools", ..])
        {
            Console.Error.WriteLine("usage: Vasco.Tests --install-tools [true|false]  (the tests themselves run with dotnet test)");
            return 2;
        }
        var allowInstall = args is not [_, "false"];
        try
        {
            var installed = Ensure(allowInstall, m => Console.WriteLine($"Vasco.Tests: {m}"));
            if (installed.Count > 0) Console.WriteLine($"Vasco.Tests: installed {string.Join(' ', installed)}");
            return 0;
        }
        catch (VascoException e)
        {
            Console.Error.WriteLine($"{e.Code} what the tests use: {e.Cause} Fix: {e.Fix}");
            return 1;
        }
    }
}
