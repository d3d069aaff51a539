using System.Globalization;
using Microsoft.Build.Framework;
using Microsoft.Build.Utilities;
using Vasco.Pipeline;
using Vasco.Steps;
using Vasco.Tiling;

namespace Vasco.MSBuild;

/// <summary>Maps MSBuild items to domain objects and back.</summary>
public static class Items
{
    public static ITaskItem FromTile(Tile t)
    {
        var item = new TaskItem(t.TileId);
        item.SetMetadata("TargetName", t.Target);
        item.SetMetadata("Ra", F(t.RaDeg));
        item.SetMetadata("Dec", F(t.DecDeg));
        item.SetMetadata("SizeArcmin", F(t.SizeArcmin));
        item.SetMetadata("Row", t.Row.ToString(CultureInfo.InvariantCulture));
        item.SetMetadata("Col", t.Col.ToString(CultureInfo.InvariantCulture));
        return item;
    }

    /// <summary>
    /// A tile from a tile item, or from a stamp item (whose file name is the tile id) carrying
    /// the tile's metadata. Items carry only what defines the tile (fewer metadata make
    /// 10,000-tile builds faster); the bounds are recomputed.
    /// </summary>
    public static Tile ToTile(ITaskItem item)
    {
        var id = item.ItemSpec.EndsWith(".stamp", StringComparison.Ordinal) ? Path.GetFileNameWithoutExtension(item.ItemSpec) : item.ItemSpec;
        double D(string name) => double.Parse(item.GetMetadata(name), CultureInfo.InvariantCulture);
        int I(string name) => int.Parse(item.GetMetadata(name), CultureInfo.InvariantCulture);
        var (ra, dec, size) = (D("Ra"), D("Dec"), D("SizeArcmin"));
        var (raMin, raMax, decMin, decMax) = Tiler.Bounds(ra, dec, size / 60.0);
        return new Tile(id, item.GetMetadata("TargetName"), ra, dec, size, I("Row"), I("Col"), raMin, raMax, decMin, decMax);
    }

    /// <summary>A step Vasco's targets declare (BuiltIn="true"), not a run file's own step that happens to share a name.</summary>
    static bool IsBuiltIn(ITaskItem item) =>
        string.Equals(item.GetMetadata("BuiltIn"), "true", StringComparison.OrdinalIgnoreCase) && BuiltInSteps.Find(item.ItemSpec) is not null;

    /// <summary>A VascoStep item as the engine sees it. A built-in step's stamp holds what its contract reads (never a hand-kept list).</summary>
    public static StepDeclaration ToStep(ITaskItem item) => new(
        item.ItemSpec,
        int.Parse(item.GetMetadata("Number"), CultureInfo.InvariantCulture),
        !string.Equals(item.GetMetadata("PerTile"), "false", StringComparison.OrdinalIgnoreCase),
        StepDeclaration.SplitList(item.GetMetadata("After")),
        IsBuiltIn(item) ? BuiltInSteps.Find(item.ItemSpec)!.Reads : StepDeclaration.SplitList(item.GetMetadata("Reads")),
        StepDeclaration.SplitList(item.GetMetadata("Tools")),
        StepDeclaration.SplitList(item.GetMetadata("Files")),
        Path.GetFullPath(item.GetMetadata("OutputDir")),
        Path.GetFullPath(item.GetMetadata("LogDir")))
    {
        TileFiles = StepDeclaration.SplitList(item.GetMetadata("TileFiles")),
        Extra = IsBuiltIn(item) && BuiltInSteps.Find(item.ItemSpec)!.Revision is { Length: > 0 } revision
            ? $"revision={revision};{item.GetMetadata("Extra")}" : item.GetMetadata("Extra"),
        ManifestDir = item.GetMetadata("ManifestDir") is { Length: > 0 } m ? Path.GetFullPath(m) : Path.GetFullPath(item.GetMetadata("OutputDir")),
    };

    /// <summary>The tiles a step did not complete, as the _VascoFailedTile items the public targets fail the build on.</summary>
    public static ITaskItem[] FromFailures(string step, IEnumerable<TileOutcome> outcomes) => outcomes.Where(o => o.Status != TileStatus.Ok).Select(o =>
    {
        var item = new TaskItem($"{step}:{o.TileId}");
        item.SetMetadata("Step", step);
        item.SetMetadata("TileId", o.TileId);
        item.SetMetadata("Code", o.Code ?? "");
        item.SetMetadata("Status", o.Status.ToString());
        return (ITaskItem)item;
    }).ToArray();

    public static ITaskItem[] FromParameters(ParameterSet parameters) => parameters.All.Select(p =>
    {
        var item = new TaskItem(p.Name);
        item.SetMetadata("Value", p.Value);
        item.SetMetadata("Source", p.Source.ToString());
        return (ITaskItem)item;
    }).ToArray();

    public static ParameterSet ToParameters(ITaskItem[] items) =>
        new(items.Select(i => new ResolvedParameter(i.ItemSpec, i.GetMetadata("Value"),
            Enum.TryParse<ParameterSource>(i.GetMetadata("Source"), out var s) ? s : ParameterSource.Default)));

    /// <summary>
    /// What the plan is asked, from the items Vasco.targets passes: each VascoParameter's value (and whether the command
    /// line gave it: <paramref name="globals"/>), the parameters extension steps declare (those with Type), the targets.
    /// </summary>
    public static PlanRequest ToPlanRequest(string runDir, string runId, string stampDir, string? configFile, ITaskItem[] parameters,
        IReadOnlyDictionary<string, string> globals, ITaskItem[] targets, ITaskItem[] targetLists, ITaskItem[] steps) => new()
    {
        RunDir = runDir, RunId = runId, StampDir = stampDir, ConfigFile = configFile,
        Given = parameters.Select(p => (p.ItemSpec, p.GetMetadata("Value"), globals.ContainsKey(p.ItemSpec))).ToList(),
        Declared = parameters.Where(p => !string.IsNullOrEmpty(p.GetMetadata("Type")))
            .Select(p => ParameterDefinition.Declared(p.ItemSpec, p.GetMetadata("Type"), p.GetMetadata("Default"), p.GetMetadata("Description"))).ToList(),
        Targets = targets.Select(t => (t.ItemSpec, t.GetMetadata("Ra"), t.GetMetadata("Dec"), t.GetMetadata("SizeArcmin"))).ToList(),
        TargetLists = targetLists.Select(l => l.GetMetadata("FullPath")).ToList(),
        Steps = steps.Select(ToStep).ToList(),
    };

    public static Dictionary<string, string> ToToolVersions(ITaskItem[]? items) =>
        (items ?? []).ToDictionary(i => i.ItemSpec, i => i.GetMetadata("Version"), StringComparer.Ordinal);

    static string F(double v) => v.ToString("R", CultureInfo.InvariantCulture);
}
