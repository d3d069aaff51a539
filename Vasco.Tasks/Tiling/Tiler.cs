using System.Text;
using Vasco.Sky;

namespace Vasco.Tiling;

public enum TilingMode
{
    /// <summary>One tile per target, centred on it.</summary>
    Single,
    /// <summary>The reference's hex tessellation: rows of tiles, odd rows shifted by half a tile.</summary>
    Hex30,
    /// <summary>Survey: hex rings of constant Dec covering the Footprint* band (no targets).</summary>
    Footprint,
    /// <summary>Survey: RandomTileCount non-overlapping tiles drawn uniformly over the band (no targets).</summary>
    Random,
}

/// <summary>
/// Step 0: covers each target's field with tiles. In hex mode the tiles are laid out in
/// rows in the field's own tangent plane (so RA steps widen as 1/cos Dec by construction,
/// and RA 0 and the poles need no special case), with column spacing S - overlap and row
/// spacing (sqrt 3 / 2) S - overlap, odd rows shifted by half a column. Each tile is a
/// north-up square about its own centre, which is slightly rotated against the field's
/// plane away from the field centre; the layout is therefore checked by sampling the
/// field, and the spacing tightened until every sample is covered.
/// </summary>
public static class Tiler
{
    /// <summary>Largest field side accepted: beyond this a single tangent plane distorts too much; survey tiling is another mode.</summary>
    public const double MaxFieldArcmin = 1200;

    /// <summary>
    /// Most hex tiles one target's field may need: the coverage check grows with the square of the count, and a
    /// field of thousands of tiles is a survey, better split into several targets (1200' of 30' tiles is 2,040).
    /// </summary>
    public const int MaxTilesPerTarget = 2500;

    /// <summary>Most tiles one run may have: every tile has a stamp and outputs per step (POSS-I's 31,000 deg2 in 30' hex tiles is about 150,000).</summary>
    public const int MaxTiles = 250_000;

    public static TilingMode ParseMode(string name) => name switch
    {
        "single" => TilingMode.Single,
        "footprint" => TilingMode.Footprint,
        "random" => TilingMode.Random,
        _ => TilingMode.Hex30,
    };

    /// <summary>
    /// The tiles of a run: its targets' fields (single, hex30), or the survey band
    /// (footprint, random), which is the field itself, so targets are an error there.
    /// </summary>
    public static IReadOnlyList<Tile> Plan(IReadOnlyList<Target> targets, TilingOptions options)
    {
        var (mode, tileSize, overlap) = (options.Mode, options.TileSizeArcmin, options.OverlapArcmin);
        if (mode is TilingMode.Single or TilingMode.Hex30)
        {
            Targets.CheckUnique(targets);
            return Tile(targets, mode, tileSize, overlap);
        }
        if (targets.Count > 0)
            throw new VascoException(ErrorCodes.SurveyTakesNoTargets,
                $"TilingMode={options.ModeName} tiles the survey band, but the run also names {targets.Count} target(s) ({string.Join(", ", targets.Take(3).Select(t => TileIds.Printable(t.Name)))}{(targets.Count > 3 ? ", ..." : "")}).",
                "remove the VascoTarget and VascoTargetList items (the Footprint* parameters give the band), or set TilingMode to hex30 or single to tile the targets.");
        CheckSizes(tileSize, overlap);
        var band = options.Band;
        return mode == TilingMode.Footprint
            ? FootprintTiler.Tile(band, tileSize, overlap)
            : RandomTiler.Tile(band, tileSize, options.RandomTileCount, options.RandomSeed);
    }

    public static IReadOnlyList<Tile> Tile(IReadOnlyList<Target> targets, TilingMode mode, double tileSizeArcmin, double overlapArcmin = 0)
    {
        CheckSizes(tileSizeArcmin, overlapArcmin);
        CheckTileCount(targets, mode, tileSizeArcmin, overlapArcmin);
        var tiles = new List<Tile>();
        var ids = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        foreach (var target in targets)
        {
            var baseId = TileIds.FromName(target.Name, target.Source);
            var layout = mode == TilingMode.Single
                ? [(0, 0, target.RaDeg, target.DecDeg)]
                : HexLayout(target, tileSizeArcmin / 60.0, overlapArcmin / 60.0);
            foreach (var (row, col, ra, dec) in layout)
            {
                var id = mode == TilingMode.Single ? baseId : $"{baseId}_r{row}c{col}";
                if (ids.TryGetValue(id, out var other))
                    throw new VascoException(ErrorCodes.DuplicateTarget,
                        $"Tile id '{id}' comes from two targets ({other} and {target.Source}).",
                        "give every target a distinct name (names differing only in case or in characters other than letters, digits, '-' and '_' collide).");
                ids[id] = target.Source;
                tiles.Add(MakeTile(id, target.Name, ra, dec, tileSizeArcmin, row, col));
            }
        }
        return tiles;
    }

    static void CheckSizes(double tileSizeArcmin, double overlapArcmin)
    {
        if (!(tileSizeArcmin > 0) || tileSizeArcmin > MaxFieldArcmin)
            throw new VascoException(ErrorCodes.ParameterInvalid,
                $"TileSizeArcmin={tileSizeArcmin} is not a tile size in (0, {MaxFieldArcmin}] arcmin.",
                "set TileSizeArcmin to the side of the square tile in arcmin (the default is 60).");
        if (!(overlapArcmin >= 0) || overlapArcmin >= tileSizeArcmin * 0.5)
            throw new VascoException(ErrorCodes.ParameterInvalid,
                $"TileOverlapArcmin={overlapArcmin} is not in [0, TileSizeArcmin/2).",
                "set TileOverlapArcmin to a small non-negative overlap in arcmin (the default is 0).");
    }

    /// <summary>Rejects, before any tile is made, a run whose tiles would not fit the limits (an upper estimate of the hex count).</summary>
    static void CheckTileCount(IReadOnlyList<Target> targets, TilingMode mode, double size, double overlap)
    {
        const string fix = "use fewer or smaller fields, a larger TileSizeArcmin, or split the survey into several runs.";
        var total = 0.0;
        foreach (var target in targets)
        {
            var count = mode == TilingMode.Single ? 1 : HexCountEstimate(target, size, overlap);
            if (count > MaxTilesPerTarget)
                throw new VascoException(ErrorCodes.TooManyTiles,
                    $"Target '{TileIds.Printable(target.Name)}' ({target.Source}) needs about {count:F0} tiles of {size}' for its {target.WidthArcmin}' field; one target may have at most {MaxTilesPerTarget}.",
                    "split the field into several targets, or use a larger TileSizeArcmin.", Targets.FileOf(target.Source));
            total += count;
        }
        if (total > MaxTiles)
            throw new VascoException(ErrorCodes.TooManyTiles, $"The run's {targets.Count} targets need about {total:F0} tiles; one run may have at most {MaxTiles}.", fix);
    }

    static double HexCountEstimate(Target target, double sizeArcmin, double overlapArcmin)
    {
        var colStep = sizeArcmin - overlapArcmin;
        var rowStep = Math.Sqrt(3) / 2 * sizeArcmin - overlapArcmin;
        return (target.HeightArcmin / rowStep + 2) * (target.WidthArcmin / colStep + 2);
    }

    static Tile MakeTile(string id, string target, double ra, double dec, double sizeArcmin, int row, int col)
    {
        var (raMin, raMax, decMin, decMax) = Bounds(ra, dec, sizeArcmin / 60.0);
        return new Tile(id, target, Angles.WrapRa(ra), dec, sizeArcmin, row, col, raMin, raMax, decMin, decMax);
    }

    /// <summary>Tile centres (row, col, ra, dec) covering one target's field.</summary>
    static List<(int Row, int Col, double Ra, double Dec)> HexLayout(Target target, double size, double overlap)
    {
        var width = target.WidthArcmin / 60.0;
        var height = target.HeightArcmin / 60.0;
        var field = new TangentPlane(target.RaDeg, target.DecDeg);
        var shrink = 1.0;
        for (var attempt = 0; attempt < 40; attempt++)
        {
            var layout = Layout(field, width, height, size, (size - overlap) * shrink, (Math.Sqrt(3) / 2 * size - overlap) * shrink);
            if (Covers(field, width, height, size, layout)) return layout;
            shrink *= 0.97;
        }
        throw new InvalidOperationException($"Could not cover the field of {target.Source} with {size * 60}' tiles.");
    }

    static List<(int, int, double, double)> Layout(TangentPlane field, double width, double height, double size, double colStep, double rowStep)
    {
        const double eps = 1e-9;
        var rows = height <= size + eps ? 1 : (int)Math.Ceiling((height - size) / rowStep - eps) + 1;
        var result = new List<(int, int, double, double)>();
        for (var k = 0; k < rows; k++)
        {
            var eta = (k - (rows - 1) / 2.0) * rowStep;
            var shift = k % 2 == 1 ? colStep / 2 : 0.0;
            // Leftmost column reaches the field's left edge, rightmost its right edge.
            var jMin = (int)Math.Floor((-width / 2 + size / 2 - shift) / colStep + eps);
            var jMax = (int)Math.Ceiling((width / 2 - size / 2 - shift) / colStep - eps);
            for (var j = jMin; j <= jMax; j++)
            {
                var (ra, dec) = field.Deproject(shift + j * colStep, eta);
                result.Add((k, j - jMin, ra, dec));
            }
        }
        return result;
    }

    /// <summary>Samples the field (edges included) and checks each sample lies in some tile.</summary>
    static bool Covers(TangentPlane field, double width, double height, double size, List<(int Row, int Col, double Ra, double Dec)> layout)
    {
        var planes = layout.Select(t => new TangentPlane(t.Ra, t.Dec)).ToArray();
        var nx = Math.Clamp((int)Math.Ceiling(width / size * 12), 12, 400);
        var ny = Math.Clamp((int)Math.Ceiling(height / size * 12), 12, 400);
        for (var iy = 0; iy <= ny; iy++)
        {
            var eta = (iy / (double)ny - 0.5) * height * (1 - 1e-9);
            for (var ix = 0; ix <= nx; ix++)
            {
                var xi = (ix / (double)nx - 0.5) * width * (1 - 1e-9);
                var (ra, dec) = field.Deproject(xi, eta);
                var covered = false;
                foreach (var p in planes)
                    if (p.SquareContains(size, ra, dec)) { covered = true; break; }
                if (!covered) return false;
            }
        }
        return true;
    }

    /// <summary>The RA/Dec box of a north-up square of side sizeDeg about (ra, dec).</summary>
    public static (double RaMin, double RaMax, double DecMin, double DecMax) Bounds(double ra, double dec, double sizeDeg)
    {
        var plane = new TangentPlane(ra, dec);
        var half = sizeDeg / 2;
        var decMin = double.MaxValue; var decMax = double.MinValue;
        var dRaMin = double.MaxValue; var dRaMax = double.MinValue;
        // The edges are great circles: away from the poles the extremes lie at the corners
        // and the top and bottom midpoints, which these samples include.
        const int n = 4;
        for (var i = 0; i <= n; i++)
        {
            var t = -half + sizeDeg * i / n;
            foreach (var (xi, eta) in new[] { (t, -half), (t, half), (-half, t), (half, t) })
            {
                var (r, d) = plane.Deproject(xi, eta);
                decMin = Math.Min(decMin, d);
                decMax = Math.Max(decMax, d);
                var dRa = r - ra;
                if (dRa > 180) dRa -= 360;
                if (dRa < -180) dRa += 360;
                dRaMin = Math.Min(dRaMin, dRa);
                dRaMax = Math.Max(dRaMax, dRa);
            }
        }
        var northPole = plane.SquareContains(sizeDeg, 0, 90);
        var southPole = plane.SquareContains(sizeDeg, 0, -90);
        if (northPole || southPole)
            return (0, 360, southPole ? -90 : decMin, northPole ? 90 : decMax);
        return (Angles.WrapRa(ra + dRaMin), Angles.WrapRa(ra + dRaMax), decMin, decMax);
    }
}
