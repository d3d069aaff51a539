using Microsoft.Build.Framework;
using Vasco.Pipeline;
using Vasco.Steps;
using Vasco.Tiling;

namespace Vasco.MSBuild;

/// <summary>
/// Runs a built-in per-tile step (<see cref="BuiltInSteps"/>) over the stale tiles MSBuild hands it: the step's
/// contract binds its config from the run's values and makes its work; this adapter only maps items and logs.
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

    StepContract? _contract;
    TileStep? _work;

    StepContract Contract => _contract ??= BuiltInSteps.Find(StepName)
        ?? throw new VascoException(ErrorCodes.Internal, $"'{StepName}' is not a built-in step.", "give VascoRunStep the name of a step in Vasco.Steps.BuiltInSteps.");

    protected override ParameterSet TileParameters => Contract.Restrict(ParameterValues);

    protected override void Prepare(StepDeclaration step)
    {
        var env = EnvironmentItems.ToEnvironment(RunDir, RunId, Steps, Tools, Catalogs, BrightStars, Files) with
        {
            CacheDir = CacheDir, StateDir = StateDir, ExtDir = ExtDir, StsciEndpoint = Endpoint,
            VizierMirrors = StepDeclaration.SplitList(Mirrors), LogSuffix = LogSuffix,
            Archives = Archives.Select(EnvironmentItems.ToCatalog).ToList(), VettingFiles = VettingFiles.Select(EnvironmentItems.ToCatalog).ToList(),
        };
        _work = Contract.Create(env, ParameterValues);
        foreach (var (k, v) in _work.StepFields) StepFields[k] = v;
    }

    protected override IReadOnlyList<TileOutcome> RunTiles(StepRunner runner, IReadOnlyList<Tile> stale, IReadOnlyList<string> allTileIds, Action<TileOutcome> onTile) =>
        _work!.Run(runner, stale, allTileIds, onTile);

    protected override void Finish() => _work?.Dispose();
}
