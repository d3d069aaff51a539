using Microsoft.Build.Framework;
using Vasco.IO;
using Vasco.Pipeline;
using Vasco.Steps;

namespace Vasco.MSBuild;

/// <summary>-t:VascoHelp: the run's steps, every parameter with the value this build would use and where it comes from, and the items (<see cref="RunHelp"/>).</summary>
public sealed class VascoHelp : VascoTask
{
    [Required] public string RunDir { get; set; } = "";
    [Required] public string RunId { get; set; } = "";
    public string? ConfigFile { get; set; }
    public ITaskItem[] Parameters { get; set; } = [];
    public ITaskItem[] Steps { get; set; } = [];
    /// <summary>Where the text is also written, to read outside the build log.</summary>
    public string HelpFile { get; set; } = "";

    protected override void ExecuteCore()
    {
        var globals = (BuildEngine as IBuildEngine6)?.GetGlobalProperties() ?? new Dictionary<string, string>();
        var request = Items.ToPlanRequest(RunDir, RunId, "", ConfigFile, Parameters, globals, [], [], Steps);
        var text = RunHelp.Text(RunId, request.Steps, RunPlan.Parameters(request), ParameterCatalog.BuiltIn.Concat(request.Declared).ToList());
        if (HelpFile.Length > 0)
        {
            Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(HelpFile))!);
            AtomicFile.WriteAllText(HelpFile, text);
        }
        foreach (var line in text.TrimEnd('\n').Split('\n')) LogHigh(line);
        if (HelpFile.Length > 0) LogHigh($"(also in {RunPaths.Relative(RunDir, HelpFile)})");
    }
}
