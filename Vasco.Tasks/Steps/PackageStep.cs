using Vasco.IO;
using Vasco.Packaging;
using Vasco.Pipeline;

namespace Vasco.Steps;

/// <summary>
/// Step 10: the run's manifests, summaries, report, candidates and logs (and, with
/// PackageIncludeFits=true, its FITS images and catalogs) in artifacts/&lt;RunId&gt;/&lt;RunId&gt;.zip,
/// with a checksum file, validated after writing.
/// </summary>
public static class PackageStep
{
    public static readonly ParameterDefinition PackageIncludeFits = new("PackageIncludeFits", ParameterType.Boolean, "false", "put the run's FITS images and catalogs in the step-10 archive too");

    public static readonly StepContract Contract = StepContract.PerRun("Package", 10, typeof(PackageStep), p => p.Boolean(PackageIncludeFits));

    static readonly string[] FitsSuffixes = [".fits", ".fit", ".cat", ".psf", ".mask"];

    /// <summary>What step 10 wrote.</summary>
    public sealed record Result(string Archive, ArchiveResult Written);

    /// <summary>The run's archive in <paramref name="artifactsDir"/>, with the folders of every step and <paramref name="extraDirs"/>.</summary>
    public static Result Run(StepEnvironment env, bool includeFits, string artifactsDir, IEnumerable<string> extraDirs)
    {
        var (runDir, runId) = (env.RunDir, env.RunId);
        var started = DateTimeOffset.UtcNow;
        var steps = env.Steps.Values.OrderBy(s => s.Number).ToList();
        var folders = steps.SelectMany(s => new[] { s.OutputDir, Path.Combine(s.LogDir, runId) })
            .Concat(extraDirs).Where(Directory.Exists).Distinct().ToList();
        var files = folders.SelectMany(d => Directory.EnumerateFiles(d, "*", SearchOption.AllDirectories))
            .Where(f => !AtomicFile.IsTempFile(f))
            .Where(f => includeFits || !FitsSuffixes.Contains(Path.GetExtension(f), StringComparer.OrdinalIgnoreCase))
            .Select(f => RunPaths.Relative(runDir, f)).Distinct().Order(StringComparer.Ordinal).ToList();
        foreach (var log in steps.Select(s => Path.Combine(s.LogDir, runId + ".log")).Where(File.Exists))
            files.Add(RunPaths.Relative(runDir, log));

        // The package's own manifest goes inside the archive, with the seed's run stamp.
        var inner = new Manifest { Step = "Package", StepNumber = 10, RunId = runId, StartedUtc = started };
        inner.Fields["run_stamp"] = RunArchive.RunStamp(started);
        inner.Fields["include_fits"] = includeFits;
        foreach (var f in files) inner.Inputs.Add(FileRecord.Of(Path.Combine(runDir, f), runDir));
        Directory.CreateDirectory(artifactsDir);
        var innerPath = Path.Combine(artifactsDir, "package.manifest.json");
        inner.FinishedUtc = DateTimeOffset.UtcNow;
        inner.Write(innerPath);
        files.Add(RunPaths.Relative(runDir, innerPath));

        var zip = Path.Combine(artifactsDir, runId + ".zip");
        var result = RunArchive.Write(runDir, zip, files);

        var manifest = new Manifest { Step = "Package", StepNumber = 10, RunId = runId, StartedUtc = started };
        manifest.Outputs.Add(FileRecord.Of(zip, runDir));
        manifest.Outputs.Add(FileRecord.Of(result.ChecksumPath, runDir));
        manifest.Counts["entries"] = result.Entries;
        manifest.Counts["manifests"] = result.Manifests;
        manifest.Counts["bytes"] = result.Bytes;
        manifest.Fields["archive"] = RunPaths.Relative(runDir, zip);
        manifest.Fields["sha256"] = result.Sha256;
        manifest.Fields["run_stamp"] = inner.Fields["run_stamp"];
        manifest.Fields["components"] = files.GroupBy(f => f.Split('/')[0] == "data" ? f.Split('/')[1] : f.Split('/')[0])
            .ToDictionary(g => g.Key, g => g.Count());
        manifest.FinishedUtc = DateTimeOffset.UtcNow;
        manifest.ElapsedSeconds = Math.Round((manifest.FinishedUtc - started).TotalSeconds, 3);
        manifest.Write(Path.Combine(artifactsDir, StepManifests.FileName));
        return new Result(zip, result);
    }
}
