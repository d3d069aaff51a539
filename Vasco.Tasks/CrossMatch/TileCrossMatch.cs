using System.Globalization;
using Vasco.Catalogs;
using Vasco.IO;
using Vasco.Sky;

namespace Vasco.CrossMatch;

/// <summary>A modern catalog source at the plate epoch, with what its catalog says.</summary>
public sealed record ModernSource(string Catalog, ReferenceStar Star, double Ra, double Dec);

/// <summary>Everything one tile brings to the cross-match.</summary>
public sealed record TileMatchInput(PlateSources Plate, IReadOnlyList<ModernSource> Modern, double PlateEpoch)
{
    public MatchInput Positions(string tileId) => new(tileId, Plate["ra"], Plate["dec"],
        Modern.Select(m => m.Ra).ToArray(), Modern.Select(m => m.Dec).ToArray());
}

/// <summary>Counts of one tile's match (the seed's manifest fields).</summary>
public sealed record MatchCounts(int Plate, int Modern, int Matched, int MatchedModern, int UnmatchedLocal, int UnmatchedCdss, double MaxSeparationArcsec);

/// <summary>Step 7 for one tile: inputs at the plate epoch, and the three output tables with their checks.</summary>
/// <summary>A tile's cross-match files: matched pairs (xmatch), unmatched plate sources (local), unmatched modern sources (cdss).</summary>
public sealed record MatchFiles(string Matched, string UnmatchedPlate, string UnmatchedModern);

public static class TileCrossMatch
{
    /// <summary>
    /// Reads the pass-2 sources and every modern catalog of the tile, carrying the modern
    /// positions back to the plate epoch: a star that moved more than the match radius since
    /// the plate was taken must still find its plate image.
    /// </summary>
    public static TileMatchInput Prepare(string pass2Catalog, double plateEpoch, IEnumerable<(string Catalog, string Csv)> catalogs)
    {
        var plate = PlateSources.FromLdac(pass2Catalog);
        var modern = new List<ModernSource>();
        foreach (var (name, csv) in catalogs)
        {
            if (!File.Exists(csv))
                throw new VascoException(ErrorCodes.CrossMatchInvalid, $"The {name} catalog of this tile ({csv}) is missing.",
                    "rebuild step 6 (VascoExternal) for this tile.", csv);
            foreach (var star in ReferenceCatalogCsv.Read(csv))
            {
                var atPlate = star.PropagatedTo(plateEpoch);
                modern.Add(new ModernSource(name, star, atPlate.Ra, atPlate.Dec));
            }
        }
        return new TileMatchInput(plate, modern, plateEpoch);
    }

    /// <summary>For each catalog, its counterparts (within the match radius) of the plate sources with SNR_WIN above <paramref name="snrMin"/>.</summary>
    public static IReadOnlyList<CatalogCoverageCount> Coverage(TileMatchInput input, IEnumerable<string> catalogs, double snrMin, double radiusArcsec) =>
        CatalogCoverage.Count(input.Plate["ra"], input.Plate["dec"], input.Plate["snr_win"], snrMin,
            catalogs.Select(name =>
            {
                var rows = input.Modern.Where(m => m.Catalog == name).ToList();
                return (name, (IReadOnlyList<double>)rows.Select(m => m.Ra).ToList(), (IReadOnlyList<double>)rows.Select(m => m.Dec).ToList());
            }), radiusArcsec);

    /// <summary>Writes the tile's matched pairs, unmatched plate sources and unmatched modern sources, and checks that they add up.</summary>
    public static MatchCounts Write(MatchFiles files, string tileId, TileMatchInput input, MatchResult result, double radiusArcsec, double toleranceArcsec)
    {
        var plate = input.Plate;
        var modern = input.Modern;
        var separations = result.Pairs.Select(p => Angles.SeparationDeg(plate["ra"][p.Plate], plate["dec"][p.Plate], modern[p.Modern].Ra, modern[p.Modern].Dec) * 3600).ToList();
        var counts = new MatchCounts(plate.Count, modern.Count, result.Pairs.Count, result.Pairs.Select(p => p.Modern).Distinct().Count(),
            result.Local.Count, result.Cdss.Count, separations.Count == 0 ? 0 : separations.Max());
        Check(tileId, counts, result, radiusArcsec, toleranceArcsec);

        string[] RefCells(ModernSource m) =>
        [
            m.Catalog, CsvText.PlainCell(m.Star.Id), .. new[] { m.Ra, m.Dec, m.Star.Mag, m.Star.PmRa, m.Star.PmDec, m.Star.Ra, m.Star.Dec, m.Star.Epoch }.Select(CsvText.Number),
        ];
        string[] refHeader = ["ref_catalog", "ref_id", "ref_ra", "ref_dec", "ref_mag", "ref_pmra", "ref_pmdec", "ref_ra_catalog", "ref_dec_catalog", "ref_epoch", "sep_arcsec"];
        AtomicFile.WriteAllText(files.Matched, plate.ToCsv(result.Pairs.Select(p => p.Plate).ToList(),
            (refHeader, k => [.. RefCells(modern[result.Pairs[k].Modern]), separations[k].ToString("0.0000", CultureInfo.InvariantCulture)])));
        AtomicFile.WriteAllText(files.UnmatchedPlate, plate.ToCsv(result.Local, null));
        AtomicFile.WriteAllText(files.UnmatchedModern, CsvText.PlainTable(
            ["catalog", "id", "ra", "dec", "mag", "pmra", "pmdec", "ra_catalog", "dec_catalog", "epoch"], result.Cdss.Select(i => RefCells(modern[i]))));
        return counts;
    }

    static void Check(string tileId, MatchCounts c, MatchResult result, double radius, double tolerance)
    {
        var pairedPlate = result.Pairs.Select(p => p.Plate).Distinct().Count();
        if (pairedPlate != result.Pairs.Count || pairedPlate + c.UnmatchedLocal != c.Plate || c.MatchedModern + c.UnmatchedCdss != c.Modern)
            throw new VascoException(ErrorCodes.CrossMatchCounts,
                $"Tile {tileId}: the cross-match does not add up (plate {c.Plate} = {pairedPlate} matched + {c.UnmatchedLocal} unmatched; modern {c.Modern} = {c.MatchedModern} matched + {c.UnmatchedCdss} unmatched).",
                "see the STILTS log of this step; rebuild with -p:FromStep=7.");
        if (c.MaxSeparationArcsec > radius + tolerance)
            throw new VascoException(ErrorCodes.CrossMatchCounts,
                string.Create(CultureInfo.InvariantCulture, $"Tile {tileId}: a matched pair is {c.MaxSeparationArcsec:0.000}\" apart, beyond the {radius}\" radius: the positions' units are inconsistent."),
                "see the STILTS log of this step.");
    }
}
