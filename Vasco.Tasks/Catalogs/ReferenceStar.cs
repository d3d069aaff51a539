using Vasco.Sky;

namespace Vasco.Catalogs;

/// <summary>
/// A source of a modern reference catalog: position (degrees) at <paramref name="Epoch"/> (decimal year), magnitude
/// (NaN when the catalog gives none), and proper motion in mas/yr, <paramref name="PmRa"/> being
/// mu_alpha* = mu_alpha cos(dec); 0 when the catalog gives none.
/// </summary>
public sealed record ReferenceStar(string Id, double Ra, double Dec, double Mag, double PmRa, double PmDec, double Epoch)
{
    /// <summary>The source moved to <paramref name="year"/> (see <see cref="ProperMotion.Propagate"/>).</summary>
    public ReferenceStar PropagatedTo(double year)
    {
        var (ra, dec) = ProperMotion.Propagate(Ra, Dec, PmRa, PmDec, Epoch, year);
        return this with { Ra = ra, Dec = dec, Epoch = year };
    }
}
