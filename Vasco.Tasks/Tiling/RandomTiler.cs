using System.Globalization;
using Vasco.Sky;

namespace Vasco.Tiling;

/// <summary>
/// TilingMode=random (the seed's run_random): N tiles whose centres are drawn uniformly
/// over the sphere inside the band (RA uniform, sin Dec uniform: uniform in Dec would
/// crowd the pole), each redrawn while its square overlaps a tile drawn before it. The
/// draws come from xoshiro256** seeded with RandomSeed, and tile k depends only on the
/// draws before it, so a run that grows RandomTileCount keeps its first tiles (same ids,
/// same centres) and only adds new ones.
/// </summary>
public static class RandomTiler
{
    public const string TargetName = "random";

    /// <summary>Draws in a row that may overlap earlier tiles before the band counts as full.</summary>
    public const int MaxDrawsPerTile = 20000;

    public static IReadOnlyList<Tile> Tile(SkyBand band, double tileSizeArcmin, int count, int seed)
    {
        var size = tileSizeArcmin / 60.0;
        CheckRoom(band, size, tileSizeArcmin, count);
        var random = new Xoshiro256((ulong)seed);
        var squares = new TileSquares(size);
        var sinMin = Math.Sin(band.DecMin * Angles.DegToRad);
        var sinMax = Math.Sin(band.DecMax * Angles.DegToRad);
        var tiles = new List<Tile>(count);
        for (var k = 0; k < count; k++)
        {
            for (var draw = 1; ; draw++)
            {
                var ra = Angles.WrapRa(band.RaMin + random.NextDouble() * band.RaSpan);
                var dec = Math.Asin(Math.Clamp(sinMin + random.NextDouble() * (sinMax - sinMin), -1, 1)) * Angles.RadToDeg;
                if (!squares.Overlaps(ra, dec))
                {
                    squares.Add(ra, dec);
                    var (raMin, raMax, decMin, decMax) = Tiler.Bounds(ra, dec, size);
                    tiles.Add(new Tile($"rnd_s{seed}_{k:D5}", TargetName, ra, dec, tileSizeArcmin, 0, k, raMin, raMax, decMin, decMax));
                    break;
                }
                if (draw == MaxDrawsPerTile)
                    throw new VascoException(ErrorCodes.RandomTilesDoNotFit,
                        string.Create(CultureInfo.InvariantCulture,
                            $"TilingMode=random placed {k} of RandomTileCount={count} non-overlapping {tileSizeArcmin}' tiles in {band}; then {MaxDrawsPerTile} draws in a row overlapped earlier tiles."),
                        string.Create(CultureInfo.InvariantCulture,
                            $"ask for fewer tiles (RandomTileCount at most about {k * 9 / 10}), use a smaller TileSizeArcmin, or widen the Footprint* band."));
            }
        }
        return tiles;
    }

    /// <summary>Fails at once when the tiles' total area exceeds the band grown by half a tile (centres lie in the band, tiles may reach past it).</summary>
    static void CheckRoom(SkyBand band, double size, double tileSizeArcmin, int count)
    {
        var half = size / 2;
        var decMin = Math.Max(-90, band.DecMin - half);
        var decMax = Math.Min(90, band.DecMax + half);
        var cos = Math.Cos(Math.Max(Math.Abs(decMin), Math.Abs(decMax)) * Angles.DegToRad);
        var raSpan = band.AllRa || cos < 1e-6 ? 360 : Math.Min(360, band.RaSpan + size / cos);
        var room = raSpan * (Math.Sin(decMax * Angles.DegToRad) - Math.Sin(decMin * Angles.DegToRad)) * Angles.RadToDeg;
        // Solid angle of a gnomonic square of half-side a (tangent-plane units).
        var a = half * Angles.DegToRad;
        var tileArea = 4 * Math.Atan(a * a / Math.Sqrt(1 + 2 * a * a)) * Angles.RadToDeg * Angles.RadToDeg;
        if (count * tileArea > room)
            throw new VascoException(ErrorCodes.RandomTilesDoNotFit,
                string.Create(CultureInfo.InvariantCulture,
                    $"RandomTileCount={count} tiles of {tileSizeArcmin}' cover {count * tileArea:0.#} square degrees, more than the {room:0.#} that {band} offers."),
                string.Create(CultureInfo.InvariantCulture,
                    $"ask for fewer tiles (non-overlapping random tiles fill at most about half the band: RandomTileCount up to about {(int)(0.5 * room / tileArea)}), use a smaller TileSizeArcmin, or widen the Footprint* band."));
    }
}
