using Microsoft.Build.Framework;
using Vasco.Pipeline;

namespace Vasco.MSBuild;

/// <summary>Checks RunId and the catalog names before Clean deletes the folders they name (the plan checks them for builds).</summary>
public sealed class VascoCheckNames : VascoTask
{
    public string RunId { get; set; } = "";
    public ITaskItem[] Catalogs { get; set; } = [];

    protected override void ExecuteCore() => RunNames.Check(RunId, Catalogs.Select(c => c.ItemSpec));
}
