using Vasco.Tiling;

namespace Vasco.Pipeline;

/// <summary>
/// The names from the run file that become folder names: RunId (every step's folder) and each VascoCatalog's
/// name (data/ext/&lt;catalog&gt;/). Checked before anything is planned, written or cleaned, so that no name
/// with '/', '..' or a control character can lead a write or a delete outside the run folder.
/// </summary>
public static class RunNames
{
    public static void Check(string runId, IEnumerable<string> catalogNames)
    {
        if (string.IsNullOrWhiteSpace(runId) || !TileIds.IsValid(runId))
            throw new VascoException(ErrorCodes.RunIdInvalid, $"RunId '{TileIds.Printable(runId)}' is not a safe folder name.",
                "set RunId to letters, digits, '-' and '_' only (it names the run's folders).");
        foreach (var name in catalogNames)
            if (!TileIds.IsValid(name))
                throw new VascoException(ErrorCodes.CatalogNameInvalid,
                    $"VascoCatalog '{TileIds.Printable(name)}' is not a safe folder name (step 6 writes data/ext/<catalog>/).",
                    "name the catalog with letters, digits, '-' and '_' only (e.g. gaia, my_survey); put the file's path in File=\"...\".");
    }
}
