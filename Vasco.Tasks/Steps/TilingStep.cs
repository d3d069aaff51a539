using Vasco.Pipeline;
using Vasco.Tiling;

namespace Vasco.Steps;

/// <summary>Step 0: the run's tiles, from its targets (hex30, single) or the survey band (footprint, random).</summary>
public static class TilingStep
{
    public static readonly ParameterDefinition TileSizeArcmin = new("TileSizeArcmin", ParameterType.Number, "60", "side of the square tile, arcmin", Min: 0, Max: 1200, MinExclusive: true);
    public static readonly ParameterDefinition TilingMode = new("TilingMode", ParameterType.Choice, "hex30", "how the run's sky is cut into tiles: each target's field (hex30, single) or the survey band (footprint, random)", Choices: ["hex30", "single", "footprint", "random"]);
    public static readonly ParameterDefinition TileOverlapArcmin = new("TileOverlapArcmin", ParameterType.Number, "0", "overlap between neighbouring hex tiles (hex30, footprint), arcmin", Min: 0, Max: 600);
    public static readonly ParameterDefinition FootprintDecMin = new("FootprintDecMin", ParameterType.Number, "-30", "survey band (footprint, random): southern Dec limit, deg (POSS-I: -30); footprint covers the whole band, and every tile centre lies in it", Min: -90, Max: 90);
    public static readonly ParameterDefinition FootprintDecMax = new("FootprintDecMax", ParameterType.Number, "90", "survey band: northern Dec limit, deg", Min: -90, Max: 90);
    public static readonly ParameterDefinition FootprintRaMin = new("FootprintRaMin", ParameterType.Number, "0", "survey band: RA where the band starts, deg (RA runs eastwards to FootprintRaMax, wrapping through 0 when larger)", Min: 0, Max: 360);
    public static readonly ParameterDefinition FootprintRaMax = new("FootprintRaMax", ParameterType.Number, "360", "survey band: RA where the band ends, deg (0 to 360: all RA)", Min: 0, Max: 360);
    public static readonly ParameterDefinition RandomTileCount = new("RandomTileCount", ParameterType.Integer, "100", "TilingMode=random: how many tiles to draw", Min: 1, Max: 1000000);
    public static readonly ParameterDefinition RandomSeed = new("RandomSeed", ParameterType.Integer, "1", "TilingMode=random: seed of the draws (same seed, same tiles)", Min: 0, Max: int.MaxValue);

    public static readonly StepContract Contract = StepContract.PerRun("Tiling", 0, typeof(TilingStep), Bind);

    public static TilingOptions Bind(ParameterReader p)
    {
        var size = p.Number(TileSizeArcmin);
        var mode = p.Text(TilingMode);
        return new(Tiler.ParseMode(mode), mode, size, p.Number(TileOverlapArcmin),
            p.Number(FootprintDecMin), p.Number(FootprintDecMax), p.Number(FootprintRaMin), p.Number(FootprintRaMax),
            p.Integer(RandomTileCount), p.Integer(RandomSeed));
    }

    /// <summary>
    /// The plan's list of the run's (or shard's) tiles, beside step 0's stamp (Tiling.stamp: Tiling.tiles.tsv, a <see cref="TileList"/>), in
    /// numbers that read back exactly. Step 0 publishes it as tiles.csv; it reaches step 0 through this file, not as
    /// MSBuild items, which cost a build about a second per 140,000 tiles.
    /// </summary>
    public static string PlannedTilesPath(string stampFile) => Path.ChangeExtension(stampFile, ".tiles.tsv");

    /// <summary>
    /// Writes the plan's tile list when this plan rewrote or touched step 0's stamp (whose digest holds everything the tiles
    /// come from), or the list is missing or older than the stamp (a build killed between the two), so a build that changes
    /// no tile writes nothing.
    /// </summary>
    public static bool PlanTiles(string stampFile, IReadOnlyList<Tile> tiles, bool stampChanged)
    {
        var path = PlannedTilesPath(stampFile);
        var list = new FileInfo(path);
        if (!stampChanged && list.Exists && list.LastWriteTimeUtc >= File.GetLastWriteTimeUtc(stampFile)) return false;
        TileList.Write(path, tiles);
        return true;
    }

    /// <summary>The tiles the plan of this build listed for step 0 (<see cref="PlanTiles"/>).</summary>
    public static List<Tile> PlannedTiles(string stampFile)
    {
        var path = PlannedTilesPath(stampFile);
        if (!File.Exists(path))
            throw new VascoException(ErrorCodes.Internal, $"Step 0 found no tile list of the plan ({path}).",
                "build again (the plan writes it); report this with the build log if it persists.", path);
        return TileList.Read(path);
    }

    /// <summary>The run's tiling options from its resolved values.</summary>
    public static TilingOptions Options(ParameterSet values) => (TilingOptions)Contract.Bind(values);
}
