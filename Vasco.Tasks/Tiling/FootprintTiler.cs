using Vasco.Sky;

namespace Vasco.Tiling;

/// <summary>
/// TilingMode=footprint: covers a whole band of sky (POSS-I: north of Dec -30) with the
/// hex30 tile spacing. One tangent plane cannot hold a sphere cap, so the tiles sit in
/// rings of constant Dec, numbered from the north pole: ring 0 is one tile on the pole,
/// ring k is centred on Dec 90 - k * rowStep with rowStep = (sqrt 3 / 2) S - overlap, and
/// is responsible for the zone of Dec within rowStep / 2 of its centre (the last ring
/// before the south pole stops at the south cap, which is one tile on that pole). A ring
/// has n = ceil(360 cos(Dec of its zone edge nearest the equator) / (S - overlap))
/// tiles, odd rings shifted by half a tile; each tile answers for a cell of 360/n degrees
/// of RA across the zone, and the cell is checked by sampling its edges (the tile is
/// convex, so edges inside means cell inside). Where the check fails (the tile's
/// gnomonic edges, the corners near a pole) the ring gets one tile more until it passes.
/// Rings and tiles outside the band are left out; a ring cut by the band edge is moved
/// inside it, so no tile is centred outside the band's Dec range.
/// </summary>
public static class FootprintTiler
{
    public const string TargetName = "footprint";

    public static IReadOnlyList<Tile> Tile(SkyBand band, double tileSizeArcmin, double overlapArcmin)
    {
        var size = tileSizeArcmin / 60.0;
        var overlap = overlapArcmin / 60.0;
        var rowStep = Math.Sqrt(3) / 2 * size - overlap;
        var colStep = size - overlap;
        var tiles = new List<Tile>();
        foreach (var (ring, nominalDec, zoneMin, zoneMax) in Rings(rowStep))
        {
            var lo = Math.Max(zoneMin, band.DecMin);
            var hi = Math.Min(zoneMax, band.DecMax);
            if (!(lo < hi)) continue;
            var dec = Math.Clamp(nominalDec, lo, hi);
            var n = TilesInRing(dec, lo, hi, size, colStep);
            var cell = 360.0 / n;
            var shift = ring % 2 == 1 ? cell / 2 : 0.0;

            // Every tile of a ring is the first one turned about the pole: one Bounds call per ring.
            var (raMin0, raMax0, decMin, decMax) = Tiler.Bounds(shift, dec, size);
            var holdsPole = raMax0 >= 360;
            var west = Offset(raMin0 - shift);
            var east = Offset(raMax0 - shift);
            for (var j = 0; j < n; j++)
            {
                var ra = Angles.WrapRa(shift + j * cell);
                if (!band.RaOverlaps(ra - cell / 2, cell)) continue;
                var (raMin, raMax) = holdsPole ? (0.0, 360.0) : (Angles.WrapRa(ra + west), Angles.WrapRa(ra + east));
                tiles.Add(new Tile($"fp_r{ring:D3}c{j:D4}", TargetName, ra, dec, tileSizeArcmin, ring, j, raMin, raMax, decMin, decMax));
            }
        }
        return tiles;
    }

    static double Offset(double dRa) => dRa > 180 ? dRa - 360 : dRa < -180 ? dRa + 360 : dRa;

    /// <summary>The rings (index, nominal Dec, zone) from the north pole to the south pole.</summary>
    static IEnumerable<(int Ring, double Dec, double ZoneMin, double ZoneMax)> Rings(double rowStep)
    {
        var southCap = -90 + rowStep / 2;
        yield return (0, 90, 90 - rowStep / 2, 90);
        for (var k = 1; ; k++)
        {
            var dec = 90 - k * rowStep;
            var bottom = dec - rowStep / 2;
            if (bottom > southCap)
            {
                yield return (k, dec, bottom, dec + rowStep / 2);
                continue;
            }
            yield return (k, dec, southCap, dec + rowStep / 2);
            yield return (k + 1, -90, -90, southCap);
            yield break;
        }
    }

    /// <summary>The fewest tiles, from the spacing rule up, whose cells the tiles cover.</summary>
    static int TilesInRing(double dec, double lo, double hi, double size, double colStep)
    {
        if (Math.Abs(dec) == 90 && CellCovered(dec, lo, hi, 1, size)) return 1;
        var nearEquator = lo <= 0 && hi >= 0 ? 0 : Math.Min(Math.Abs(lo), Math.Abs(hi));
        var first = Math.Max(1, (int)Math.Ceiling(360 * Math.Cos(nearEquator * Angles.DegToRad) / colStep - 1e-9));
        for (var n = first; n <= 4 * first + 64; n++)
            if (CellCovered(dec, lo, hi, n, size)) return n;
        throw new InvalidOperationException($"Could not cover the ring at Dec {dec} ({lo} to {hi}) with {size * 60}' tiles.");
    }

    /// <summary>
    /// True when the tile at (0, dec) holds its cell: RA within 180/n of it, Dec in [lo, hi].
    /// The edges are sampled every S/200 on the sky.
    /// </summary>
    static bool CellCovered(double dec, double lo, double hi, int n, double size)
    {
        var half = 180.0 / n;
        var plane = new TangentPlane(0, dec);
        var widest = Math.Cos(Math.Min(Math.Abs(lo), Math.Abs(hi)) * Angles.DegToRad) * 2 * half;
        var raSamples = Math.Clamp((int)Math.Ceiling(widest / (size / 200)), 16, 20000);
        var decSamples = Math.Clamp((int)Math.Ceiling((hi - lo) / (size / 200)), 16, 20000);
        for (var i = 0; i <= raSamples; i++)
        {
            var ra = -half + 2 * half * i / raSamples;
            if (!plane.SquareContains(size, ra, lo) || !plane.SquareContains(size, ra, hi)) return false;
        }
        for (var i = 0; i <= decSamples; i++)
        {
            var d = lo + (hi - lo) * i / decSamples;
            if (!plane.SquareContains(size, -half, d) || !plane.SquareContains(size, half, d)) return false;
        }
        return true;
    }
}
