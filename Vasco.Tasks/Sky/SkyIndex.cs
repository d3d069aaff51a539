namespace Vasco.Sky;

/// <summary>
/// Nearest-neighbour search on the sphere for catalogue-sized sets: positions sorted by
/// Dec, candidates taken from a Dec band and checked by true angular distance (so RA 0
/// and the poles need no special case).
/// </summary>
public sealed class SkyIndex
{
    readonly double[] _ra, _dec;
    readonly int[] _order;
    readonly double[] _sortedDec;

    public SkyIndex(IReadOnlyList<double> ra, IReadOnlyList<double> dec)
    {
        _ra = ra.ToArray();
        _dec = dec.ToArray();
        _order = Enumerable.Range(0, _dec.Length).OrderBy(i => _dec[i]).ToArray();
        _sortedDec = _order.Select(i => _dec[i]).ToArray();
    }

    public int Count => _ra.Length;

    /// <summary>The index of the nearest position within radius (and its distance in arcsec), or -1.</summary>
    public (int Index, double SeparationArcsec) Nearest(double ra, double dec, double radiusArcsec)
    {
        var best = -1;
        var bestSep = double.PositiveInfinity;
        foreach (var i in Within(ra, dec, radiusArcsec))
        {
            var sep = Angles.SeparationDeg(ra, dec, _ra[i], _dec[i]) * 3600;
            if (sep < bestSep) { best = i; bestSep = sep; }
        }
        return (best, best < 0 ? double.NaN : bestSep);
    }

    /// <summary>Indices of every position within the radius.</summary>
    public IEnumerable<int> Within(double ra, double dec, double radiusArcsec)
    {
        var r = radiusArcsec / 3600.0;
        var lo = LowerBound(dec - r);
        for (var k = lo; k < _sortedDec.Length && _sortedDec[k] <= dec + r; k++)
        {
            var i = _order[k];
            if (Angles.SeparationDeg(ra, dec, _ra[i], _dec[i]) * 3600 <= radiusArcsec) yield return i;
        }
    }

    int LowerBound(double value)
    {
        int lo = 0, hi = _sortedDec.Length;
        while (lo < hi)
        {
            var mid = (lo + hi) / 2;
            if (_sortedDec[mid] < value) lo = mid + 1; else hi = mid;
        }
        return lo;
    }
}
