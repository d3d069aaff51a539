using System.Globalization;
using Vasco.CrossMatch;
using Vasco.IO;
using Vasco.Sky;

namespace Vasco.Filtering;

/// <summary>Positions and magnitudes of modern sources at the plate epoch.</summary>
public sealed record ModernPositions(double[] Ra, double[] Dec, double[] Mag)
{
    /// <summary>All modern sources of a tile: the matched ones of xmatch.csv and the unmatched of cdss.csv.</summary>
    public static ModernPositions Read(string xmatchCsv, string cdssCsv)
    {
        var ra = new List<double>();
        var dec = new List<double>();
        var mag = new List<double>();
        void Add(string path, string raCol, string decCol, string magCol)
        {
            var csv = PlainCsv.Read(path);
            ra.AddRange(csv.Numbers(raCol));
            dec.AddRange(csv.Numbers(decCol));
            mag.AddRange(csv.Numbers(magCol));
        }
        Add(xmatchCsv, "ref_ra", "ref_dec", "ref_mag");
        Add(cdssCsv, "ra", "dec", "mag");
        return new ModernPositions(ra.ToArray(), dec.ToArray(), mag.ToArray());
    }
}

/// <summary>What the within5 validator checked (the seed's validator stats).</summary>
public sealed record ValidatorStats(int PairsChecked, double MaxPairSeparationArcsec, int CandidatesChecked, double MinCandidateDistanceArcsec);

/// <summary>One tile's selection: a verdict per unmatched source, and the counts and checks.</summary>
public sealed record TileSelection(
    IReadOnlyList<int> Kept,
    IReadOnlyList<string?> Verdicts,
    IReadOnlyDictionary<string, int> Dropped,
    Selection.ClipStatistics Clip,
    ValidatorStats Validator,
    double[] NearestBrightArcsec,
    double[] NearestBrightMag,
    double[] NearestModernArcsec);

/// <summary>
/// Step 8 for one tile: the paper's selection over the plate sources that have no modern
/// counterpart, and the within5 validator over the result.
/// </summary>
public static class TileFilter
{
    /// <param name="unmatched">The plate sources with no modern counterpart (local.csv).</param>
    /// <param name="all">Every plate source of the tile (for the sigma clips).</param>
    /// <param name="modern">Every modern source of the tile at the plate epoch.</param>
    /// <param name="pairSeparations">The separations of the matched pairs (xmatch.csv).</param>
    /// <param name="brightStars">Bright stars (ra, dec, mag) at the plate epoch, beside the modern sources.</param>
    /// <param name="spread">SPREAD_MODEL of an unmatched source, asked only for those that pass every other criterion.</param>
    public static TileSelection Select(PlateSources unmatched, PlateSources all, ModernPositions modern, IReadOnlyList<double> pairSeparations,
        IReadOnlyList<(double Ra, double Dec, double Mag)> brightStars, SelectionThresholds t, double radiusArcsec, double toleranceArcsec,
        Func<IReadOnlyList<int>, IReadOnlyDictionary<int, double>> spread, string tileId)
    {
        var clip = Selection.Clip(all, t);
        // Stars that can trigger the spike/halo rule: m < HaloIntercept (fainter ones never do).
        var bright = brightStars.Concat(Enumerable.Range(0, modern.Ra.Length).Select(i => (modern.Ra[i], modern.Dec[i], modern.Mag[i])))
            .Where(s => s.Item3 < t.HaloIntercept).ToList();
        var brightIndex = new SkyIndex(bright.Select(s => s.Item1).ToList(), bright.Select(s => s.Item2).ToList());
        var modernIndex = new SkyIndex(modern.Ra, modern.Dec);

        var n = unmatched.Count;
        var nearestBright = new double[n];
        var nearestBrightMag = new double[n];
        var nearestModern = new double[n];
        for (var i = 0; i < n; i++)
        {
            var (b, d) = brightIndex.Nearest(unmatched["ra"][i], unmatched["dec"][i], t.BrightStarSearchArcmin * 60);
            nearestBright[i] = d;
            nearestBrightMag[i] = b < 0 ? double.NaN : bright[b].Item3;
            nearestModern[i] = modernIndex.Nearest(unmatched["ra"][i], unmatched["dec"][i], 3600).SeparationArcsec;
        }

        // Everything but SPREAD_MODEL first; then SPREAD_MODEL for the survivors only.
        var verdicts = new string?[n];
        for (var i = 0; i < n; i++)
            verdicts[i] = Selection.FirstCut(unmatched, i, t, clip, k => Selection.InSpikeOrHalo(nearestBrightMag[k], nearestBright[k], t), spread: null);
        var survivors = Enumerable.Range(0, n).Where(i => verdicts[i] is null).ToList();
        var spreads = survivors.Count == 0 ? new Dictionary<int, double>() : spread(survivors);
        foreach (var i in survivors)
            if (!(spreads.TryGetValue(i, out var v) && v > t.SpreadModelMin)) verdicts[i] = Selection.SpreadModel;

        var kept = Enumerable.Range(0, n).Where(i => verdicts[i] is null).ToList();
        var dropped = Selection.Order.ToDictionary(c => c, c => verdicts.Count(v => v == c));
        var validator = Within5(kept, nearestModern, pairSeparations, radiusArcsec, toleranceArcsec, tileId);
        return new TileSelection(kept, verdicts, dropped, clip, validator, nearestBright, nearestBrightMag, nearestModern);
    }

    /// <summary>
    /// The within5 validator: every kept match within the radius plus the tolerance, and
    /// every candidate farther than the radius from every modern source.
    /// </summary>
    static ValidatorStats Within5(IReadOnlyList<int> kept, double[] nearestModern, IReadOnlyList<double> pairs, double radius, double tolerance, string tileId)
    {
        var maxPair = pairs.Count == 0 ? 0 : pairs.Max();
        if (maxPair > radius + tolerance)
            throw new VascoException(ErrorCodes.ValidatorFailed,
                string.Create(CultureInfo.InvariantCulture, $"Tile {tileId}: within5 validator: a matched pair is {maxPair:0.000}\" apart, beyond {radius}\" + {tolerance}\"."),
                "the cross-match and the validator disagree on units or radius; rebuild from step 7 (-p:FromStep=7).");
        var minCandidate = kept.Count == 0 ? double.PositiveInfinity : kept.Min(i => double.IsNaN(nearestModern[i]) ? double.PositiveInfinity : nearestModern[i]);
        if (minCandidate <= radius)
            throw new VascoException(ErrorCodes.ValidatorFailed,
                string.Create(CultureInfo.InvariantCulture, $"Tile {tileId}: within5 validator: a candidate has a modern source {minCandidate:0.000}\" away, within the {radius}\" radius."),
                "the cross-match missed a counterpart; rebuild from step 7 (-p:FromStep=7) and read its STILTS log.");
        return new ValidatorStats(pairs.Count, maxPair, kept.Count, minCandidate);
    }
}
