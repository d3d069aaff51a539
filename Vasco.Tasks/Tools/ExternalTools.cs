using System.Globalization;
using System.Text.RegularExpressions;
using Vasco.IO;

namespace Vasco.Tools;

/// <summary>An external program the pipeline runs, and the Debian package that provides it.</summary>
public sealed record ExternalTool(string Name, string AptPackage, string[] VersionArguments, string VersionPattern);

public sealed record ToolInfo(string Name, string Path, string Version);

/// <summary>
/// The single list of external tools and their Debian packages. The VascoTools target,
/// the tests, .ci/run and the Docker image all install through <see cref="ToolInstaller"/>
/// from this list.
/// </summary>
public static class ExternalTools
{
    public static readonly IReadOnlyList<ExternalTool> All =
    [
        new("source-extractor", "source-extractor", ["--version"], @"version\s+([0-9][^\s]*)"),
        new("psfex", "psfex", ["--version"], @"version\s+([0-9][^\s]*)"),
        new("stilts", "stilts", ["-version"], @"STILTS version\s+([0-9][^\s]*)"),
        new("java", "default-jre-headless", ["-version"], @"version\s+""([^""]+)"""),
    ];

    public static ExternalTool Get(string name) =>
        All.FirstOrDefault(t => t.Name == name)
        ?? throw new VascoException(ErrorCodes.Internal, $"'{name}' is not a known external tool.",
            $"use one of {string.Join(", ", All.Select(t => t.Name))}.");

    /// <summary>The apt-get command a user runs by hand to get these tools.</summary>
    public static string InstallCommand(IEnumerable<ExternalTool> tools) =>
        "sudo apt-get install -y --no-install-recommends " + string.Join(' ', tools.Select(t => t.AptPackage).Distinct());
}

/// <summary>
/// Finds tools on PATH and reads their versions, caching versions by (path, size, mtime)
/// because STILTS takes seconds to start a JVM just to print one.
/// </summary>
public sealed class ToolLocator(string cacheFile)
{
    public ToolInfo? Find(ExternalTool tool)
    {
        var path = ProcessRunner.FindOnPath(tool.Name);
        if (path is null) return null;
        var resolved = new FileInfo(path).ResolveLinkTarget(returnFinalTarget: true)?.FullName ?? path;
        var info = new FileInfo(resolved);
        var key = $"{tool.Name}\t{path}\t{info.Length}\t{info.LastWriteTimeUtc.Ticks.ToString(CultureInfo.InvariantCulture)}";
        var cached = ReadCache().FirstOrDefault(l => l.StartsWith(key + "\t", StringComparison.Ordinal));
        if (cached is not null) return new ToolInfo(tool.Name, path, cached[(key.Length + 1)..]);
        var result = ProcessRunner.Run(path, tool.VersionArguments, timeout: TimeSpan.FromSeconds(60));
        var match = Regex.Match(result.StdOut + "\n" + result.StdErr, tool.VersionPattern);
        if (!match.Success)
            throw new VascoException(ErrorCodes.ToolVersionUnreadable,
                $"'{path} {string.Join(' ', tool.VersionArguments)}' printed no version (exit {result.ExitCode}): {FirstLine(result.StdErr + result.StdOut)}",
                $"check that {tool.Name} runs (reinstall it with: {ExternalTools.InstallCommand([tool])}).");
        var version = match.Groups[1].Value;
        var lines = ReadCache().Where(l => !l.StartsWith(tool.Name + "\t", StringComparison.Ordinal)).Append(key + "\t" + version);
        AtomicFile.WriteAllText(cacheFile, string.Join('\n', lines) + "\n");
        return new ToolInfo(tool.Name, path, version);
    }

    IEnumerable<string> ReadCache() => File.Exists(cacheFile) ? File.ReadAllLines(cacheFile) : [];

    static string FirstLine(string s) => s.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).FirstOrDefault() ?? "";
}

/// <summary>
/// Installs missing tools with apt-get on Debian and Ubuntu when running as root or with
/// passwordless sudo; elsewhere it explains the command to run.
/// </summary>
public static class ToolInstaller
{
    public static bool IsDebianLike()
    {
        if (!File.Exists("/etc/os-release")) return false;
        var text = File.ReadAllText("/etc/os-release");
        return Regex.IsMatch(text, @"^(ID|ID_LIKE)=.*\b(debian|ubuntu)\b", RegexOptions.Multiline);
    }

    /// <summary>The command prefix that gives root: none as root, "sudo -n" with passwordless sudo, null otherwise.</summary>
    public static string[]? RootPrefix()
    {
        if (Environment.UserName == "root" || GetEuid() == 0) return [];
        var sudo = ProcessRunner.FindOnPath("sudo");
        if (sudo is null) return null;
        var probe = ProcessRunner.Run(sudo, ["-n", "true"], timeout: TimeSpan.FromSeconds(10));
        return probe.ExitCode == 0 ? [sudo, "-n"] : null;
    }

    static uint GetEuid()
    {
        try
        {
            // /proc/self/status: "Uid:\treal\teffective\t..."
            var line = File.ReadLines("/proc/self/status").FirstOrDefault(l => l.StartsWith("Uid:", StringComparison.Ordinal));
            var parts = line?.Split('\t', StringSplitOptions.RemoveEmptyEntries);
            return parts is { Length: > 2 } && uint.TryParse(parts[2], out var euid) ? euid : uint.MaxValue;
        }
        catch (IOException) { return uint.MaxValue; }
    }

    /// <summary>
    /// Makes sure every tool is on PATH, installing missing ones when allowed. Returns the
    /// packages it installed; throws VASCO0301 naming the install command when it may not.
    /// </summary>
    public static IReadOnlyList<string> EnsureInstalled(IReadOnlyList<ExternalTool> tools, bool allowInstall, Action<string> log)
    {
        var missing = tools.Where(t => ProcessRunner.FindOnPath(t.Name) is null).ToList();
        if (missing.Count == 0) return [];
        var packages = missing.Select(t => t.AptPackage).Distinct().ToList();
        Install(packages, $"{string.Join(", ", missing.Select(t => t.Name))} not found on PATH", allowInstall, log,
            () => tools.Where(t => ProcessRunner.FindOnPath(t.Name) is null).Select(t => t.Name).ToList());
        return packages;
    }

    /// <summary>
    /// The same for Debian packages named directly (whose programs need not be on PATH, e.g. munged in
    /// /usr/sbin): installed per dpkg, or installed with apt-get when allowed. Returns the packages it installed.
    /// </summary>
    public static IReadOnlyList<string> EnsurePackages(IReadOnlyList<string> packages, bool allowInstall, Action<string> log)
    {
        var missing = packages.Distinct().Where(p => !IsPackageInstalled(p)).ToList();
        if (missing.Count == 0) return [];
        Install(missing, $"{string.Join(", ", missing)} not installed", allowInstall, log,
            () => missing.Where(p => !IsPackageInstalled(p)).ToList());
        return missing;
    }

    /// <summary>Whether dpkg has the package installed (false where there is no dpkg).</summary>
    public static bool IsPackageInstalled(string package)
    {
        var dpkgQuery = ProcessRunner.FindOnPath("dpkg-query");
        if (dpkgQuery is null) return false;
        var r = ProcessRunner.Run(dpkgQuery, ["-W", "-f=${Status}", package], timeout: TimeSpan.FromSeconds(30));
        return r.ExitCode == 0 && r.StdOut.Trim().EndsWith(" installed", StringComparison.Ordinal);
    }

    static void Install(List<string> packages, string missing, bool allowInstall, Action<string> log, Func<List<string>> stillMissingAfter)
    {
        var command = "sudo apt-get install -y --no-install-recommends " + string.Join(' ', packages);
        if (!allowInstall)
            throw new VascoException(ErrorCodes.ToolMissing, $"{missing} (and VascoInstallTools=false).",
                $"install with: {command}");
        var prefix = IsDebianLike() ? RootPrefix() : null;
        if (prefix is null)
            throw new VascoException(ErrorCodes.ToolMissing,
                $"{missing}, and this machine is not Debian/Ubuntu with root or passwordless sudo.",
                $"install them yourself (on Debian/Ubuntu: {command}) and make sure they are on PATH.");
        log($"Installing {string.Join(' ', packages)} with apt-get ({missing})");
        var env = new Dictionary<string, string> { ["DEBIAN_FRONTEND"] = "noninteractive" };
        var install = AptGet(prefix, ["install", "-y", "--no-install-recommends", "-o", "DPkg::Lock::Timeout=300", .. packages], env);
        if (install.ExitCode != 0)
        {
            // A fresh machine has no package lists yet: update once and retry.
            AptGet(prefix, ["update", "-q"], env);
            install = AptGet(prefix, ["install", "-y", "--no-install-recommends", "-o", "DPkg::Lock::Timeout=300", .. packages], env);
        }
        var stillMissing = stillMissingAfter();
        if (install.ExitCode != 0 || stillMissing.Count > 0)
            throw new VascoException(ErrorCodes.ToolInstallFailed,
                $"apt-get could not install {string.Join(' ', packages)} (exit {install.ExitCode}): {LastLine(install.StdErr)}",
                $"run '{command}' by hand and read its error.");
    }

    static ProcessResult AptGet(string[] prefix, string[] args, Dictionary<string, string> env) =>
        prefix.Length == 0
            ? ProcessRunner.Run("apt-get", args, timeout: TimeSpan.FromMinutes(15), environment: env)
            : ProcessRunner.Run(prefix[0], [.. prefix[1..], "env", "DEBIAN_FRONTEND=noninteractive", "apt-get", .. args], timeout: TimeSpan.FromMinutes(15), environment: env);

    static string LastLine(string s) => s.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).LastOrDefault() ?? "";
}
