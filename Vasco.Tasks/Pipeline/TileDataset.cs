namespace Vasco.Pipeline;

/// <summary>
/// A per-tile file that one step writes and later steps read: the step's output folder holds
/// it as &lt;tile_id&gt;&lt;Suffix&gt;. Each pattern is declared once, in its step's file.
/// </summary>
public sealed record TileDataset(string Step, string Suffix)
{
    public string PathIn(string stepOutputDir, string tileId) => Path.Combine(stepOutputDir, tileId + Suffix);

    /// <summary>The file of <paramref name="tileId"/> in a run whose steps are <paramref name="steps"/>.</summary>
    public string PathOf(IReadOnlyDictionary<string, StepDeclaration> steps, string tileId) => PathIn(steps[Step].OutputDir, tileId);

    public override string ToString() => $"{Step}:{{tile}}{Suffix}";
}
