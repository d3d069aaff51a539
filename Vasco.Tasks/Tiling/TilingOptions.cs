namespace Vasco.Tiling;

/// <summary>How a run's sky is cut into tiles (step 0).</summary>
public sealed record TilingOptions(
    TilingMode Mode,
    string ModeName,
    double TileSizeArcmin,
    double OverlapArcmin,
    double FootprintDecMin,
    double FootprintDecMax,
    double FootprintRaMin,
    double FootprintRaMax,
    int RandomTileCount,
    int RandomSeed)
{
    /// <summary>A survey run (footprint, random) tiles a band of sky instead of targets.</summary>
    public bool Survey => Mode is TilingMode.Footprint or TilingMode.Random;

    /// <summary>The survey band, checked when it is used (a target run never reads it).</summary>
    public SkyBand Band => SkyBand.Checked(FootprintDecMin, FootprintDecMax, FootprintRaMin, FootprintRaMax);
}
