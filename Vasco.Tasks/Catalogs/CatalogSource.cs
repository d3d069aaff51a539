namespace Vasco.Catalogs;

/// <summary>A modern catalog Vasco can fetch from VizieR: its short name, its VizieR table, and its column mapping.</summary>
public sealed record CatalogSource(string Name, string VizierTable, CatalogColumns Columns)
{
    /// <summary>
    /// USNO-B1.0 (I/284): positions at epoch and equinox J2000 with proper motions. Its magnitudes are photographic,
    /// two epochs: R2 (POSS-II red, the later epoch) first, then R1 (POSS-I red, the same plates as ours), then the blue
    /// and infrared plates, so that a source seen in any band keeps a magnitude.
    /// </summary>
    public static CatalogSource Usnob { get; } = new("usnob", "I/284/out", new CatalogColumns(
        ["USNO-B1.0"], "RAJ2000", "DEJ2000", ["R2mag", "R1mag", "B2mag", "B1mag", "Imag"], "pmRA", "pmDE", 2000.0));

    /// <summary>Gaia DR3 (I/355): ICRS positions at epoch 2016.0 with proper motions, G magnitudes.</summary>
    public static CatalogSource Gaia { get; } = new("gaia", "I/355/gaiadr3", new CatalogColumns(
        ["Source"], "RA_ICRS", "DE_ICRS", ["Gmag"], "pmRA", "pmDE", 2016.0));

    /// <summary>
    /// Pan-STARRS1 DR2 (II/389): mean positions of 2010-2014 and no proper motions, so the positions stay where they
    /// are (epoch 2012.0 only labels them). Mean PSF magnitudes, r first (nearest the plates' red band), then i and g.
    /// </summary>
    public static CatalogSource Ps1 { get; } = new("ps1", "II/389/ps1_dr2", new CatalogColumns(
        ["objID"], "RAJ2000", "DEJ2000", ["rmag", "imag", "gmag"], null, null, 2012.0));

    /// <summary>
    /// Tycho-2 (I/259), the bright stars for masks: mean positions at epoch J2000 with proper motions, VT magnitudes
    /// (BT where VT is missing). The stars without a mean position (pflag X, about 0.1%) have empty RAmdeg and are
    /// counted as rows without a position.
    /// </summary>
    public static CatalogSource Tycho2 { get; } = new("tycho2", "I/259/tyc2", new CatalogColumns(
        ["TYC1", "TYC2", "TYC3"], "RAmdeg", "DEmdeg", ["VTmag", "BTmag"], "pmRA", "pmDE", 2000.0));

    public static IReadOnlyList<CatalogSource> Known { get; } = [Usnob, Gaia, Ps1, Tycho2];

    /// <summary>The known catalog of that name (case-insensitive), or null.</summary>
    public static CatalogSource? Find(string name) =>
        Known.FirstOrDefault(c => string.Equals(c.Name, name, StringComparison.OrdinalIgnoreCase));
}
