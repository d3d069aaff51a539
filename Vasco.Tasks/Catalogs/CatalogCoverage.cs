using System.Globalization;
using Vasco.Sky;

namespace Vasco.Catalogs;

/// <summary>How many of a tile's bright plate sources one modern catalog has a counterpart for.</summary>
public sealed record CatalogCoverageCount(string Catalog, int BrightPlateSources, int Covered);

/// <summary>
/// A modern catalog that holds nothing of a tile's sky is not an empty sky: every plate source would count as
/// vanished. Step 6 refuses a catalog with no source in a tile's cone; step 7 one that has a counterpart for fewer
/// than <see cref="MinCoveredFraction"/> of the plate sources bright enough to be in any modern catalog (SNR_WIN above
/// the selection's cut: the real M67 plate has 1,268 of them, Gaia DR3 has a counterpart for 98.7%). A file cut short,
/// a file of another field or a catalog that covers a part of the tile fail that test; a few real vanished sources
/// cannot. Both are errors unless the catalog's item says ExpectEmpty="true".
/// </summary>
public static class CatalogCoverage
{
    /// <summary>Below this, a catalog does not cover the tile.</summary>
    public const double MinCoveredFraction = 0.5;

    /// <summary>With fewer bright plate sources than this the fraction says nothing (a tiny tile, a blank plate).</summary>
    public const int MinBrightSources = 10;

    const string ExpectEmptyFix = "if this catalog is meant to hold nothing (or little) of this tile's sky (a survey that does not reach it, a catalog shallower than the plate), add ExpectEmpty=\"true\" to its VascoCatalog item.";

    /// <summary>Step 6: a catalog with no source in the tile's cone is an error unless expected.</summary>
    /// <param name="source">Where the rows came from, e.g. "the local file 'input/gaia.csv'" or "VizieR (I/355/gaiadr3)".</param>
    /// <param name="fix">What to check first, for that source.</param>
    public static void CheckNotEmpty(string catalog, string tileId, int rows, bool expectEmpty, string source, double coneArcmin, string fix, string? file)
    {
        if (rows > 0 || expectEmpty) return;
        throw new VascoException(ErrorCodes.CatalogEmpty,
            string.Create(CultureInfo.InvariantCulture,
                $"The {catalog} catalog ({source}) has no source in the cone of tile {tileId} ({coneArcmin:0.###}'): an empty catalog is not an empty sky, and every plate source would look vanished."),
            fix + " Then, " + ExpectEmptyFix, file);
    }

    /// <summary>
    /// Step 7: for each catalog, how many plate sources with SNR_WIN above <paramref name="snrMin"/> have one of its
    /// sources (at the plate epoch) within <paramref name="radiusArcsec"/>.
    /// </summary>
    public static IReadOnlyList<CatalogCoverageCount> Count(double[] plateRa, double[] plateDec, double[] plateSnr, double snrMin,
        IEnumerable<(string Catalog, IReadOnlyList<double> Ra, IReadOnlyList<double> Dec)> catalogs, double radiusArcsec)
    {
        var bright = Enumerable.Range(0, plateRa.Length).Where(i => plateSnr[i] > snrMin).ToList();
        return catalogs.Select(c =>
        {
            var index = new SkyIndex(c.Ra, c.Dec);
            return new CatalogCoverageCount(c.Catalog, bright.Count, bright.Count(i => index.Within(plateRa[i], plateDec[i], radiusArcsec).Any()));
        }).ToList();
    }

    /// <summary>Step 7: a catalog that covers too few of the bright plate sources is an error unless expected.</summary>
    public static void Check(string tileId, CatalogCoverageCount c, bool expectEmpty, double snrMin, double radiusArcsec)
    {
        if (expectEmpty || c.BrightPlateSources < MinBrightSources || c.Covered >= MinCoveredFraction * c.BrightPlateSources) return;
        throw new VascoException(ErrorCodes.CatalogSparse,
            string.Create(CultureInfo.InvariantCulture,
                $"The {c.Catalog} catalog has a source within {radiusArcsec}\" of only {c.Covered} of the {c.BrightPlateSources} sources with SNR_WIN > {snrMin} on the plate of tile {tileId} ({100.0 * c.Covered / c.BrightPlateSources:0.#}%; a catalog that covers the tile has one for at least {100 * MinCoveredFraction:0}%): it does not cover the tile (a file cut short, a file of another field or smaller than the tile, wrong columns or Epoch), and its missing sources would look vanished."),
            "give the run a catalog that covers the whole tile (check its file, its column mapping and its Epoch), then build again; " + ExpectEmptyFix, null);
    }
}
