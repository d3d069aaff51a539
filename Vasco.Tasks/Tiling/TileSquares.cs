using Vasco.Sky;

namespace Vasco.Tiling;

/// <summary>
/// A set of north-up tile squares of one size, answering "does a square centred here
/// overlap any of them?". Squares are kept in a grid of 3-D cells on the unit sphere's
/// vectors (no RA wrap or pole cases); the exact test projects the other square's corners
/// into this square's tangent plane, where its great-circle edges are straight lines, and
/// looks for a separating axis. Squares that only touch do not overlap.
/// </summary>
public sealed class TileSquares
{
    readonly double _half, _cosFar, _cosNear, _cell;
    readonly Dictionary<(int, int, int), List<int>> _grid = [];
    readonly List<(double X, double Y, double Z)> _centres = [];
    readonly List<(double Ra, double Dec)[]> _corners = [];

    public TileSquares(double sizeDeg)
    {
        _half = sizeDeg / 2;
        var halfRad = _half * Angles.DegToRad;
        // Centres farther apart than two corner distances cannot overlap; centres closer
        // than two edge-midpoint distances always do.
        var far = 2 * Math.Atan(Math.Sqrt(2) * halfRad);
        _cosFar = Math.Cos(far);
        _cosNear = Math.Cos(2 * Math.Atan(halfRad));
        _cell = 2 * Math.Sin(far / 2);
    }

    public int Count => _centres.Count;

    public void Add(double ra, double dec)
    {
        var v = Vector(ra, dec);
        var plane = new TangentPlane(ra, dec);
        _corners.Add([plane.Deproject(-_half, -_half), plane.Deproject(_half, -_half), plane.Deproject(_half, _half), plane.Deproject(-_half, _half)]);
        _centres.Add(v);
        var key = Cell(v);
        if (!_grid.TryGetValue(key, out var list)) _grid[key] = list = [];
        list.Add(_centres.Count - 1);
    }

    public bool Overlaps(double ra, double dec)
    {
        var v = Vector(ra, dec);
        var (cx, cy, cz) = Cell(v);
        TangentPlane? plane = null;
        for (var dx = -1; dx <= 1; dx++)
        for (var dy = -1; dy <= 1; dy++)
        for (var dz = -1; dz <= 1; dz++)
        {
            if (!_grid.TryGetValue((cx + dx, cy + dy, cz + dz), out var list)) continue;
            foreach (var i in list)
            {
                var c = _centres[i];
                var cos = v.X * c.X + v.Y * c.Y + v.Z * c.Z;
                if (cos <= _cosFar) continue;
                if (cos >= _cosNear) return true;
                plane ??= new TangentPlane(ra, dec);
                if (QuadOverlapsSquare(plane.Value, _corners[i])) return true;
            }
        }
        return false;
    }

    /// <summary>Separating-axis test of [-h, h]^2 against the other square's corners in this plane.</summary>
    bool QuadOverlapsSquare(TangentPlane plane, (double Ra, double Dec)[] corners)
    {
        const double touch = 1e-9;
        Span<double> x = stackalloc double[4];
        Span<double> y = stackalloc double[4];
        for (var k = 0; k < 4; k++)
            if (!plane.TryProject(corners[k].Ra, corners[k].Dec, out x[k], out y[k])) return true; // cannot happen this close; be safe
        // The square's own axes.
        if (Min(x) >= _half - touch || Max(x) <= -_half + touch || Min(y) >= _half - touch || Max(y) <= -_half + touch) return false;
        // The other square's edge normals.
        for (var k = 0; k < 4; k++)
        {
            var nx = y[(k + 1) % 4] - y[k];
            var ny = x[k] - x[(k + 1) % 4];
            var norm = Math.Sqrt(nx * nx + ny * ny);
            nx /= norm; ny /= norm;
            double qMin = double.MaxValue, qMax = double.MinValue;
            for (var m = 0; m < 4; m++)
            {
                var p = nx * x[m] + ny * y[m];
                qMin = Math.Min(qMin, p); qMax = Math.Max(qMax, p);
            }
            var r = _half * (Math.Abs(nx) + Math.Abs(ny)); // the square's reach along the normal
            if (qMin >= r - touch || qMax <= -r + touch) return false;
        }
        return true;
    }

    static double Min(Span<double> v) => Math.Min(Math.Min(v[0], v[1]), Math.Min(v[2], v[3]));
    static double Max(Span<double> v) => Math.Max(Math.Max(v[0], v[1]), Math.Max(v[2], v[3]));

    (int, int, int) Cell((double X, double Y, double Z) v) =>
        ((int)Math.Floor(v.X / _cell), (int)Math.Floor(v.Y / _cell), (int)Math.Floor(v.Z / _cell));

    static (double X, double Y, double Z) Vector(double ra, double dec)
    {
        var a = ra * Angles.DegToRad;
        var d = dec * Angles.DegToRad;
        return (Math.Cos(d) * Math.Cos(a), Math.Cos(d) * Math.Sin(a), Math.Sin(d));
    }
}
