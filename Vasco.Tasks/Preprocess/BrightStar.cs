using Vasco.Sky;

namespace Vasco.Preprocess;

/// <summary>
/// A bright star of a reference catalog: position (degrees) at <paramref name="Epoch"/> (decimal year), magnitude,
/// and proper motion in mas/yr, <paramref name="PmRa"/> being mu_alpha* = mu_alpha cos(dec).
/// </summary>
public sealed record BrightStar(double Ra, double Dec, double Mag, double PmRa, double PmDec, double Epoch)
{
    /// <summary>The star moved to <paramref name="year"/> (see <see cref="ProperMotion.Propagate"/>).</summary>
    public BrightStar PropagatedTo(double year)
    {
        var (ra, dec) = ProperMotion.Propagate(Ra, Dec, PmRa, PmDec, Epoch, year);
        return this with { Ra = ra, Dec = dec, Epoch = year };
    }
}
