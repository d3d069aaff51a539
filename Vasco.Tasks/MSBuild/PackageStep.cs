using Microsoft.Build.Framework;
using Vasco.IO;
using Vasco.Packaging;
using Vasco.Pipeline;

namespace Vasco.MSBuild;

/// <summary>
/// Step 10: the run's manifests, summaries, report, candidates and logs (and, with
/// PackageIncludeFits=true, its FITS images and catalogs) in artifacts/&lt;RunId&gt;/&lt;RunId&gt;.zip,
/// with a checksum file, validated after writing.
/// </summary>
public sealed class VascoPackage : VascoTask
{
    [Required] public string RunDir { get; set; } = "";
    [Required] public string RunId { get; set; } = "";
    [Required] public ITaskItem[] Steps { get; set; } = [];
    [Required] public ITaskItem[] Parameters { get; set; } = [];
    [Required] public string ArtifactsDir { get; set; } = "";
    /// <summary>Folders of step 6's catalog CSVs (data/ext/&lt;catalog&gt;/&lt;RunId&gt;/).</summary>
    public ITaskItem[] ExtraDirs { get; set; } = [];

    static readonly string[] FitsSuffixes = [".fits", ".fit", ".cat", ".psf", ".mask"];

    protected override void ExecuteCore()
    {
        var started = DateTimeOffset.UtcNow;
        var includeFits = Items.ToParameters(Parameters).Boolean("PackageIncludeFits");
        var steps = Steps.Select(Items.ToStep).ToList();
        var folders = steps.SelectMany(s => new[] { s.OutputDir, Path.Combine(s.LogDir, RunId) })
            .Concat(ExtraDirs.Select(d => d.GetMetadata("FullPath"))).Where(Directory.Exists).Distinct().ToList();
        var files = folders.SelectMany(d => Directory.EnumerateFiles(d, "*", SearchOption.AllDirectories))
            .Where(f => !AtomicFile.IsTempFile(f))
            .Where(f => includeFits || !FitsSuffixes.Contains(Path.GetExtension(f), StringComparer.OrdinalIgnoreCase))
            .Select(f => RunPaths.Relative(RunDir, f)).Distinct().Order(StringComparer.Ordinal).ToList();
        foreach (var log in steps.Select(s => Path.Combine(s.LogDir, RunId + ".log")).Where(File.Exists))
            files.Add(RunPaths.Relative(RunDir, log));

        // The package's own manifest goes inside the archive, with the seed's run stamp.
        var inner = new Manifest { Step = "Package", StepNumber = 10, RunId = RunId, StartedUtc = started };
        inner.Fields["run_stamp"] = RunArchive.RunStamp(started);
        inner.Fields["include_fits"] = includeFits;
        foreach (var f in files) inner.Inputs.Add(FileRecord.Of(Path.Combine(RunDir, f), RunDir));
        Directory.CreateDirectory(ArtifactsDir);
        var innerPath = Path.Combine(ArtifactsDir, "package.manifest.json");
        inner.FinishedUtc = DateTimeOffset.UtcNow;
        inner.Write(innerPath);
        files.Add(RunPaths.Relative(RunDir, innerPath));

        var zip = Path.Combine(ArtifactsDir, RunId + ".zip");
        var result = RunArchive.Write(RunDir, zip, files);

        var manifest = new Manifest { Step = "Package", StepNumber = 10, RunId = RunId, StartedUtc = started };
        manifest.Outputs.Add(FileRecord.Of(zip, RunDir));
        manifest.Outputs.Add(FileRecord.Of(result.ChecksumPath, RunDir));
        manifest.Counts["entries"] = result.Entries;
        manifest.Counts["manifests"] = result.Manifests;
        manifest.Counts["bytes"] = result.Bytes;
        manifest.Fields["archive"] = RunPaths.Relative(RunDir, zip);
        manifest.Fields["sha256"] = result.Sha256;
        manifest.Fields["run_stamp"] = inner.Fields["run_stamp"];
        manifest.Fields["components"] = files.GroupBy(f => f.Split('/')[0] == "data" ? f.Split('/')[1] : f.Split('/')[0])
            .ToDictionary(g => g.Key, g => g.Count());
        manifest.FinishedUtc = DateTimeOffset.UtcNow;
        manifest.ElapsedSeconds = Math.Round((manifest.FinishedUtc - started).TotalSeconds, 3);
        manifest.Write(Path.Combine(ArtifactsDir, StepManifests.FileName));
        LogHigh($"VascoPackage: {RunPaths.Relative(RunDir, zip)} ({result.Entries} files, {result.Manifests} manifests, {result.Bytes / 1024.0:0} KiB), sha256 {result.Sha256[..16]}...");
    }
}
