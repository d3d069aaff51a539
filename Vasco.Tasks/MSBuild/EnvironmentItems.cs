using Microsoft.Build.Framework;
using Vasco.Steps;

namespace Vasco.MSBuild;

/// <summary>Maps the build's items and properties to what every step gets (<see cref="StepEnvironment"/>).</summary>
public static class EnvironmentItems
{
    /// <summary>What every step gets from the build: the run, its steps, tools, catalogs and config files ("Role=path").</summary>
    public static StepEnvironment ToEnvironment(string runDir, string runId, ITaskItem[] steps, ITaskItem[]? tools, ITaskItem[]? catalogs, ITaskItem? brightStars, string[]? files) => new()
    {
        RunDir = runDir,
        RunId = runId,
        Steps = steps.Select(Items.ToStep).ToDictionary(s => s.Name, StringComparer.Ordinal),
        ToolPaths = (tools ?? []).ToDictionary(t => t.ItemSpec, t => t.GetMetadata("Path"), StringComparer.Ordinal),
        Catalogs = (catalogs ?? []).Select(ToCatalog).ToList(),
        BrightStars = brightStars is null ? null : ToCatalog(brightStars),
        Files = (files ?? []).Select(f => f.Split('=', 2)).Where(f => f.Length == 2).ToDictionary(f => f[0].Trim(), f => f[1].Trim(), StringComparer.Ordinal),
    };

    /// <summary>A catalog item with its own metadata (names matched without regard to case, as MSBuild matches them).</summary>
    public static CatalogItem ToCatalog(ITaskItem item)
    {
        var own = item.CloneCustomMetadata();
        return new(item.ItemSpec, item.GetMetadata("FullPath"),
            own.Keys.Cast<string>().ToDictionary(k => k, k => own[k] as string ?? "", StringComparer.OrdinalIgnoreCase));
    }

}
