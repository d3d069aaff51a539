using Vasco.Sky;
using Vasco.Tiling;

namespace Vasco.Catalogs;

/// <summary>A cone of sky: centre (degrees, J2000/ICRS) and radius in arcmin, what a VizieR cone search takes.</summary>
public sealed record Cone(double Ra, double Dec, double RadiusArcmin)
{
    /// <summary>
    /// Margin added around a tile by default: the 5" match radius plus the motion of a star at 0.8"/yr over the
    /// 66 years between a 1950 plate and Gaia's 2016 epoch. Faster stars are a few hundred on the whole sky.
    /// </summary>
    public const double DefaultMarginArcmin = 1.0;

    /// <summary>Sub-cones are this much larger than the smallest covering, for the curvature of the sky and rounding.</summary>
    const double SplitOverlap = 1.02;

    /// <summary>
    /// The cone holding a square field of side <paramref name="sideArcmin"/> centred on (ra, dec), with
    /// <paramref name="marginArcmin"/> to spare: the half-diagonal S/sqrt(2) (a gnomonic square's corners are a
    /// little nearer than that) plus the margin, so that a catalog star whose proper motion carries it onto the
    /// tile by the plate epoch is fetched too.
    /// </summary>
    public static Cone ForSquare(double ra, double dec, double sideArcmin, double marginArcmin = DefaultMarginArcmin)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(sideArcmin);
        ArgumentOutOfRangeException.ThrowIfNegative(marginArcmin);
        return new Cone(ra, dec, sideArcmin / Math.Sqrt(2) + marginArcmin);
    }

    /// <summary>The cone of a tile (see <see cref="ForSquare"/>).</summary>
    public static Cone ForTile(Tile tile, double marginArcmin = DefaultMarginArcmin) =>
        ForSquare(tile.RaDeg, tile.DecDeg, tile.SizeArcmin, marginArcmin);

    public bool Contains(double ra, double dec) => Angles.SeparationDeg(Ra, Dec, ra, dec) * 60 <= RadiusArcmin;

    /// <summary>
    /// Four cones that together cover this one: centred at (+-R/2, +-R/2) on its tangent plane with radius R/sqrt(2),
    /// the smallest four-disc covering of a disc (its centre and the ends of the axes lie on all the rims), each
    /// holding about half the sources of the whole.
    /// </summary>
    public IReadOnlyList<Cone> Split()
    {
        var plane = new TangentPlane(Ra, Dec);
        var offset = Math.Tan(RadiusArcmin / 120 * Angles.DegToRad) * Angles.RadToDeg;
        var radius = RadiusArcmin / Math.Sqrt(2) * SplitOverlap;
        return new[] { (-1, 1), (1, 1), (-1, -1), (1, -1) }
            .Select(s => plane.Deproject(s.Item1 * offset, s.Item2 * offset))
            .Select(c => new Cone(c.RaDeg, c.DecDeg, radius))
            .ToList();
    }
}
