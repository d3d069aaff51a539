using Vasco.Catalogs;
using Vasco.Sky;

namespace Vasco.Vetting;

/// <summary>A modern star that explains a candidate as its own earlier position: the star, the motion used and where it came from, and how far off the prediction is.</summary>
public sealed record Mover(string Catalog, ReferenceStar Star, double PmMasYr, string PmFrom, double OffsetArcsec, double AllowedArcsec);

/// <summary>
/// Whether a candidate is a high-proper-motion star seen at its plate-epoch position: a modern star near it whose
/// motion, run back to the plate epoch, lands on the candidate. The motion is the star's own catalogued one, or, when
/// its catalog gives none (Gaia's two-parameter solutions), that of the same star in another of the run's catalogs
/// (USNO-B1 measures motions for such stars), matched within <see cref="SameStarArcsec"/>. The allowed offset grows
/// with the motion's error, taken as <c>pmErrorFraction</c> of the whole displacement.
/// </summary>
public sealed class MoverCheck
{
    /// <summary>Two catalogs' rows this close (at their own epochs) are taken as one star.</summary>
    public const double SameStarArcsec = 2;

    readonly List<(string Catalog, ReferenceStar Star)> _stars;
    readonly SkyIndex _index;
    readonly double _searchArcsec, _pmMinMasYr, _toleranceArcsec, _pmErrorFraction;

    public MoverCheck(IEnumerable<(string Catalog, ReferenceStar Star)> stars, double searchArcsec, double pmMinMasYr, double toleranceArcsec, double pmErrorFraction)
    {
        _stars = stars.ToList();
        _index = new SkyIndex(_stars.Select(s => s.Star.Ra).ToList(), _stars.Select(s => s.Star.Dec).ToList());
        (_searchArcsec, _pmMinMasYr, _toleranceArcsec, _pmErrorFraction) = (searchArcsec, pmMinMasYr, toleranceArcsec, pmErrorFraction);
    }

    static bool HasMotion(ReferenceStar s) => (s.PmRa != 0 || s.PmDec != 0) && double.IsFinite(s.PmRa) && double.IsFinite(s.PmDec);

    /// <summary>The star whose motion best explains a candidate at (RA, Dec) on a plate of <paramref name="plateEpoch"/>, or null.</summary>
    public Mover? Explain(double ra, double dec, double plateEpoch)
    {
        Mover? best = null;
        foreach (var i in _index.Within(ra, dec, _searchArcsec))
        {
            var (catalog, star) = _stars[i];
            var (pmRa, pmDec, from) = HasMotion(star) ? (star.PmRa, star.PmDec, catalog) : Borrowed(i);
            var pm = Math.Sqrt(pmRa * pmRa + pmDec * pmDec);
            if (from is null || pm < _pmMinMasYr) continue;
            var (pra, pdec) = ProperMotion.Propagate(star.Ra, star.Dec, pmRa, pmDec, star.Epoch, plateEpoch);
            var offset = Angles.SeparationDeg(ra, dec, pra, pdec) * 3600;
            var allowed = _toleranceArcsec + _pmErrorFraction * pm / 1000 * Math.Abs(star.Epoch - plateEpoch);
            if (offset <= allowed && (best is null || offset < best.OffsetArcsec))
                best = new Mover(catalog, star, pm, from, offset, allowed);
        }
        return best;
    }

    /// <summary>
    /// The motion of the same star in another catalog, or (0, 0, null): a row of another catalog with a motion that, moved
    /// to this star's epoch, lies within <see cref="SameStarArcsec"/> of it (Gaia's 2016 and USNO-B's 2000 positions of a
    /// fast star are far apart). Rows are looked for as far as the fastest motion could carry them.
    /// </summary>
    (double PmRa, double PmDec, string? From) Borrowed(int i)
    {
        var (catalog, star) = _stars[i];
        foreach (var j in _index.Within(star.Ra, star.Dec, _searchArcsec))
        {
            var (other, twin) = _stars[j];
            if (other == catalog || !HasMotion(twin)) continue;
            var (ra, dec) = ProperMotion.Propagate(twin.Ra, twin.Dec, twin.PmRa, twin.PmDec, twin.Epoch, star.Epoch);
            if (Angles.SeparationDeg(ra, dec, star.Ra, star.Dec) * 3600 <= SameStarArcsec) return (twin.PmRa, twin.PmDec, other);
        }
        return (0, 0, null);
    }
}
