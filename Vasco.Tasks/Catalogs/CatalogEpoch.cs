using System.Globalization;

namespace Vasco.Catalogs;

/// <summary>
/// The epoch of a catalog's positions as its run-file item states it (Epoch metadata). A catalog whose columns the
/// user maps is one Vasco knows nothing of, so its epoch is never assumed: 16 years of a 500 mas/yr star are 8",
/// beyond the match radius, and the star becomes a false "vanished" candidate.
/// </summary>
public static class CatalogEpoch
{
    /// <param name="item">How the run file names the item, e.g. "VascoCatalog 'gaia'".</param>
    /// <param name="epoch">The Epoch metadata, null or empty when absent.</param>
    /// <param name="mapped">The item maps its own columns (RaColumn, ...): an absent Epoch is then an error.</param>
    /// <param name="fallback">The epoch of the default column mapping, used when the item maps none and states none.</param>
    public static double Read(string item, string? epoch, bool mapped, double fallback, string? file)
    {
        if (string.IsNullOrWhiteSpace(epoch))
            return mapped
                ? throw new VascoException(ErrorCodes.CatalogEpochMissing,
                    $"{item} maps its columns (RaColumn, ...) but has no Epoch metadata: the epoch of its positions cannot be guessed " +
                    "(Gaia DR3 is 2016.0; Tycho-2, USNO-B1 and most J2000 catalogs 2000.0), and a wrong one moves a 500 mas/yr star 8\" in 16 years, beyond the match radius.",
                    $"add Epoch=\"YEAR\" to the {item.Split(' ')[0]} item: the epoch of the positions in its file (2016.0 for Gaia DR3, 2000.0 for positions at epoch J2000).", file)
                : fallback;
        if (double.TryParse(epoch.Trim(), NumberStyles.Float, CultureInfo.InvariantCulture, out var year) && year is >= 1800 and <= 2200)
            return year;
        throw new VascoException(ErrorCodes.CatalogEpochMissing,
            $"{item} has Epoch=\"{epoch}\", which is not a year (the epoch of the catalog's positions, a decimal year such as 2016.0).",
            $"set Epoch on the {item.Split(' ')[0]} item to the epoch of its positions, e.g. Epoch=\"2016.0\".", file);
    }
}
