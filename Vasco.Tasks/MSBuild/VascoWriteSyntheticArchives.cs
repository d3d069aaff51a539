using Microsoft.Build.Framework;
using Vasco.Pipeline;
using Vasco.Steps;

namespace Vasco.MSBuild;

/// <summary>
/// Before the plan of a synthetic run with VascoSyntheticArchives=true: each tile's answers of other archives
/// (&lt;tile_id&gt;.skybot.txt, .infrared.csv, .scos.csv, .vsx.csv in OutputDir), written only where their content changes,
/// so the plan hashes them as they will stay. Resolves the parameters and the tiles as VascoPlan does.
/// </summary>
public sealed class VascoWriteSyntheticArchives : VascoTask
{
    [Required] public string RunDir { get; set; } = "";
    [Required] public string RunId { get; set; } = "";
    [Required] public ITaskItem[] Parameters { get; set; } = [];
    public string? ConfigFile { get; set; }
    public ITaskItem[] Targets { get; set; } = [];
    public ITaskItem[] TargetLists { get; set; } = [];
    /// <summary>data/synthetic/&lt;RunId&gt;/.</summary>
    [Required] public string OutputDir { get; set; } = "";

    protected override void ExecuteCore()
    {
        var globals = (BuildEngine as IBuildEngine6)?.GetGlobalProperties() ?? new Dictionary<string, string>();
        var request = Items.ToPlanRequest(RunDir, RunId, stampDir: "", ConfigFile, Parameters, globals, Targets, TargetLists, steps: []);
        var result = SyntheticArchiveFiles.Write(request, OutputDir);
        var message = $"Vasco: the synthetic sky's archive answers of {result.Tiles} tile(s) in {RunPaths.Relative(RunDir, OutputDir)}: {result.Written} file(s) written";
        if (result.Written > 0) LogHigh(message);
        else LogNormal(message + " (all as they were)");
    }
}
