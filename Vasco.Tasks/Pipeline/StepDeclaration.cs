namespace Vasco.Pipeline;

/// <summary>
/// What the engine knows of a step, as declared beside its target (a VascoStep item): its
/// number, whether it runs per tile or once per run, the steps whose outputs it reads, the
/// parameters and tools it uses, and the files it reads (configs, catalogs).
/// </summary>
public sealed record StepDeclaration(
    string Name,
    int Number,
    bool PerTile,
    IReadOnlyList<string> After,
    IReadOnlyList<string> Reads,
    IReadOnlyList<string> Tools,
    IReadOnlyList<string> Files,
    string OutputDir,
    string LogDir)
{
    /// <summary>
    /// Per-tile input files, as patterns relative to the run folder with {tile} and {target}
    /// placeholders: touching one tile's file reruns that tile only.
    /// </summary>
    public IReadOnlyList<string> TileFiles { get; init; } = [];

    /// <summary>
    /// Where the step's own manifest.json goes: its output folder, or in a shard build a
    /// folder of the shard's (per-tile files are per tile; the step's manifest is not).
    /// </summary>
    public string ManifestDir { get => _manifestDir ?? OutputDir; init => _manifestDir = value; }
    readonly string? _manifestDir;

    /// <summary>Anything else the step's output depends on, as text (e.g. the run's catalog list).</summary>
    public string Extra { get; init; } = "";

    public IEnumerable<string> TileFilesFor(Tiling.Tile tile) =>
        TileFiles.Select(p => p.Replace("{tile}", tile.TileId).Replace("{target}", tile.Target));

    /// <summary>The step that defines the tiles: its effect on a tile is the tile's own definition.</summary>
    public const string TilingStep = "Tiling";

    public static IReadOnlyList<string> SplitList(string? value) =>
        (value ?? "").Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
}
