using System.Globalization;

namespace Vasco.Tiling;

/// <summary>
/// One tile of sky: a north-up gnomonic square of side <see cref="SizeArcmin"/> about its
/// centre, the unit every later step processes. Bounds are the RA/Dec box around the
/// square; <see cref="RaMin"/> &gt; <see cref="RaMax"/> when the tile straddles RA 0, and a
/// tile holding a pole spans RA 0..360.
/// </summary>
public sealed record Tile(
    string TileId,
    string Target,
    double RaDeg,
    double DecDeg,
    double SizeArcmin,
    int Row,
    int Col,
    double RaMin,
    double RaMax,
    double DecMin,
    double DecMax)
{
    /// <summary>The values that define the tile, in a fixed text form (for stamps and CSV).</summary>
    public string Fingerprint => string.Join('|', TileId, Format(RaDeg), Format(DecDeg), Format(SizeArcmin));

    public static string Format(double value) => value.ToString("0.##########", CultureInfo.InvariantCulture);
}
