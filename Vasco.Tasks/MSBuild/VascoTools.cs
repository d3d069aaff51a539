using Microsoft.Build.Framework;
using Microsoft.Build.Utilities;
using Vasco.Tools;

namespace Vasco.MSBuild;

/// <summary>
/// Finds the external tools the run's steps use, installs missing ones with apt-get when
/// allowed and possible, and returns their paths and versions (versions enter the stamps).
/// </summary>
public sealed class VascoTools : VascoTask
{
    /// <summary>Tool names, e.g. source-extractor;psfex;stilts;java.</summary>
    public string[] Required { get; set; } = [];
    public bool InstallTools { get; set; } = true;
    [Required] public string CacheFile { get; set; } = "";

    [Output] public ITaskItem[] Tools { get; private set; } = [];

    protected override void ExecuteCore()
    {
        var tools = Required.Distinct().Select(ExternalTools.Get).ToList();
        if (tools.Count == 0) return;
        var installed = ToolInstaller.EnsureInstalled(tools, InstallTools, LogHigh);
        if (installed.Count > 0) LogHigh($"VascoTools: installed {string.Join(", ", installed)} with apt-get");
        Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(CacheFile))!);
        var locator = new ToolLocator(CacheFile);
        var result = new List<ITaskItem>();
        foreach (var tool in tools)
        {
            var info = locator.Find(tool)!;
            var item = new TaskItem(tool.Name);
            item.SetMetadata("Path", info.Path);
            item.SetMetadata("Version", info.Version);
            result.Add(item);
            LogNormal($"VascoTools: {tool.Name} {info.Version} at {info.Path}");
        }
        Tools = result.ToArray();
    }
}
