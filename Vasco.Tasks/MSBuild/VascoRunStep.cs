using Microsoft.Build.Framework;
using Vasco.Pipeline;
using Vasco.Steps;
using Vasco.Tiling;

namespace Vasco.MSBuild;

/// <summary>
/// Runs a built-in per-tile step (<see cref="BuiltInSteps"/>) over the stale tiles MSBuild hands it, or, in a whole build,
/// every per-tile step's stale tiles together (each stamp's Step metadata names its step): each step's contract binds its
/// config from the run's values and makes its work; this adapter only maps items and logs.
/// </summary>
public sealed class VascoRunStep : TileStepTask
{
    /// <summary>The run's folders, services, catalogs and config files, the same for every step.</summary>
    public string CacheDir { get; set; } = "";
    public string StateDir { get; set; } = "";
    public string ExtDir { get; set; } = "";
    public string Endpoint { get; set; } = "";
    public string Mirrors { get; set; } = "";
    public ITaskItem[] Catalogs { get; set; } = [];
    public ITaskItem? BrightStars { get; set; }
    /// <summary>The vetting stages' archives (VascoArchive) and local stand-ins for their services (VascoVettingFile).</summary>
    public ITaskItem[] Archives { get; set; } = [];
    public ITaskItem[] VettingFiles { get; set; } = [];
    /// <summary>Config files by role: "Role=path" (SExtractorConfig=..., Pass1Columns=...).</summary>
    public string[] Files { get; set; } = [];

    // Each step's work for this build, made by its contract (several in a build that runs its per-tile steps together).
    readonly Dictionary<string, TileStep> _works = new(StringComparer.Ordinal);

    static StepContract ContractOf(string step) => BuiltInSteps.Find(step)
        ?? throw new VascoException(ErrorCodes.Internal, $"'{step}' is not a built-in step.", "give VascoRunStep the name of a step in Vasco.Steps.BuiltInSteps.");

    protected override ParameterSet ParametersFor(StepDeclaration step) => ContractOf(step.Name).Restrict(ParameterValues);

    protected override void Prepare(StepDeclaration step)
    {
        var env = EnvironmentItems.ToEnvironment(RunDir, RunId, Steps, Tools, Catalogs, BrightStars, Files) with
        {
            CacheDir = CacheDir, StateDir = StateDir, ExtDir = ExtDir, StsciEndpoint = Endpoint,
            VizierMirrors = StepDeclaration.SplitList(Mirrors), LogSuffix = LogSuffix,
            Archives = Archives.Select(EnvironmentItems.ToCatalog).ToList(), VettingFiles = VettingFiles.Select(EnvironmentItems.ToCatalog).ToList(),
        };
        var work = ContractOf(step.Name).Create(env, ParameterValues);
        _works[step.Name] = work;
        var fields = FieldsOf(step.Name);
        foreach (var (k, v) in work.StepFields) fields[k] = v;
    }

    protected override TileWork WorkFor(StepDeclaration step) => _works[step.Name].Work();

    protected override void Finish()
    {
        foreach (var work in _works.Values) work.Dispose();
    }
}
