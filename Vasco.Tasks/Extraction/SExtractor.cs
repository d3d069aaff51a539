using System.Globalization;
using Vasco.Tools;

namespace Vasco.Extraction;

/// <summary>One SExtractor run: an image, a config, a column list, and where the catalog goes.</summary>
public sealed record SExtractorJob(
    string Image,
    string ConfigFile,
    string ParametersFile,
    string Catalog,
    string LogFile,
    string? FlagImage = null,
    string? Psf = null)
{
    /// <summary>Config values set from the run's parameters (DETECT_THRESH and the like).</summary>
    public IReadOnlyDictionary<string, string> Overrides { get; init; } = new Dictionary<string, string>();
}

/// <summary>
/// Runs SExtractor (the Debian `source-extractor`) with an argument list, a private
/// working folder, its output logged, and the catalog written beside its final place and
/// renamed into it only when SExtractor succeeded, so a failed or killed run leaves no
/// catalog that looks fresh.
/// </summary>
public sealed class SExtractor(string executable, TimeSpan timeout)
{
    readonly string _share = ToolPaths.SExtractorShare(executable);

    public void Run(SExtractorJob job, CancellationToken cancellation)
    {
        var dir = Path.GetDirectoryName(Path.GetFullPath(job.Catalog))!;
        Directory.CreateDirectory(dir);
        var temp = Vasco.IO.AtomicFile.TempPathFor(job.Catalog);
        // A private working folder: SExtractor may write stray files (check images) there.
        var work = ToolWorkDir.Create("sex");
        try
        {
            var args = new List<string>
            {
                job.Image,
                "-c", job.ConfigFile,
                "-PARAMETERS_NAME", job.ParametersFile,
                "-CATALOG_NAME", temp,
                "-CATALOG_TYPE", "FITS_LDAC",
                "-FILTER_NAME", Path.Combine(_share, "default.conv"),
                "-STARNNW_NAME", Path.Combine(_share, "default.nnw"),
                "-VERBOSE_TYPE", "QUIET",
            };
            if (job.FlagImage is not null) args.AddRange(["-FLAG_IMAGE", job.FlagImage]);
            if (job.Psf is not null) args.AddRange(["-PSF_NAME", job.Psf]);
            foreach (var (key, value) in job.Overrides) args.AddRange(["-" + key, value]);

            var result = ProcessRunner.Run(executable, args, work, timeout, cancellation: cancellation);
            ToolLog.Write(job.LogFile, executable, args, result);
            if (result.TimedOut)
                throw new VascoException(ErrorCodes.ToolFailed,
                    $"SExtractor did not finish within {timeout.TotalSeconds:0} s on {Path.GetFileName(job.Image)}.",
                    $"see {job.LogFile}; a larger image needs a longer ToolTimeoutSeconds.", job.LogFile);
            if (result.ExitCode != 0 && Vasco.IO.AtomicFile.IsFull(dir))
                throw new VascoException(ErrorCodes.DiskFull,
                    $"SExtractor could not write the catalog of {Path.GetFileName(job.Image)}: the disk is full ({dir}).",
                    Vasco.IO.AtomicFile.DiskFullFix, job.LogFile);
            if (result.ExitCode != 0 || !File.Exists(temp))
                throw new VascoException(ErrorCodes.ToolFailed,
                    $"SExtractor failed on {Path.GetFileName(job.Image)} (exit {result.ExitCode}): {ToolLog.LastLine(result)}",
                    $"see {job.LogFile}.", job.LogFile);
            File.Move(temp, job.Catalog, overwrite: true);
        }
        finally
        {
            if (File.Exists(temp)) File.Delete(temp);
            Directory.Delete(work, recursive: true);
        }
    }

    public static string Format(double value) => value.ToString("R", CultureInfo.InvariantCulture);
}

/// <summary>Tool logs: the command line as an argument list, the exit code and the output.</summary>
public static class ToolLog
{
    public static void Write(string path, string executable, IEnumerable<string> args, ProcessResult result)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(path))!);
        var text = $"# {DateTimeOffset.UtcNow:O}\n# {executable} {string.Join(' ', args.Select(Quote))}\n" +
                   $"# exit {result.ExitCode}{(result.TimedOut ? " (timed out)" : "")} after {result.Elapsed.TotalSeconds:0.00} s\n" +
                   result.StdOut + result.StdErr;
        File.WriteAllText(path, text);
    }

    public static string LastLine(ProcessResult result) =>
        (result.StdErr + "\n" + result.StdOut).Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .LastOrDefault(l => !l.StartsWith('>') || l.Contains("rror", StringComparison.Ordinal)) ?? "(no output)";

    static string Quote(string a) => a.Contains(' ') ? $"'{a}'" : a;
}
