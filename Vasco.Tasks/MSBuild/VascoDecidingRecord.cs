using Microsoft.Build.Framework;
using Vasco.Pipeline;

namespace Vasco.MSBuild;

/// <summary>
/// The one tile record a target's up-to-date check needs (<see cref="TileRecords.Deciding"/>) instead of every tile's
/// record of the steps in <see cref="Folders"/> (each with its step's name as <c>Step</c>).
/// </summary>
public sealed class VascoDecidingRecord : VascoTask
{
    [Required] public ITaskItem[] Folders { get; set; } = [];
    [Required] public string StampDir { get; set; } = "";
    public ITaskItem[] AllTiles { get; set; } = [];

    [Output] public string Record { get; private set; } = "";

    protected override void ExecuteCore() =>
        Record = TileRecords.Deciding(Folders.Select(f => (f.GetMetadata("Step"), f.ItemSpec)), StampDir, AllTiles.Select(t => t.ItemSpec).ToList());
}
