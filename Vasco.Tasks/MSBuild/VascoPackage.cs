using Microsoft.Build.Framework;
using Vasco.Pipeline;
using Vasco.Steps;

namespace Vasco.MSBuild;

/// <summary>Step 10: the run's archive and its checksum (<see cref="PackageStep"/>).</summary>
public sealed class VascoPackage : VascoTask
{
    [Required] public string RunDir { get; set; } = "";
    [Required] public string RunId { get; set; } = "";
    [Required] public ITaskItem[] Steps { get; set; } = [];
    [Required] public ITaskItem[] Parameters { get; set; } = [];
    [Required] public string ArtifactsDir { get; set; } = "";
    /// <summary>Folders of step 6's catalog CSVs (data/ext/&lt;catalog&gt;/&lt;RunId&gt;/).</summary>
    public ITaskItem[] ExtraDirs { get; set; } = [];

    protected override void ExecuteCore()
    {
        var env = EnvironmentItems.ToEnvironment(RunDir, RunId, Steps, null, null, null, null);
        var includeFits = (bool)PackageStep.Contract.Bind(Items.ToParameters(Parameters));
        var r = PackageStep.Run(env, includeFits, ArtifactsDir, ExtraDirs.Select(d => d.GetMetadata("FullPath")));
        var w = r.Written;
        LogHigh($"VascoPackage: {RunPaths.Relative(RunDir, r.Archive)} ({w.Entries} files, {w.Manifests} manifests, {w.Bytes / 1024.0:0} KiB), sha256 {w.Sha256[..16]}...");
    }
}
