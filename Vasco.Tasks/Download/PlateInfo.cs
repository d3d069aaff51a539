namespace Vasco.Download;

/// <summary>
/// What a DSS scan says about the photographic plate behind it.
/// </summary>
/// <param name="PlateId">GSSS plate id (PLATEID, e.g. '07HH'), or null when the header has none.</param>
/// <param name="Region">GSSS region (REGION, e.g. 'XE486': X = northern survey field, E = red plate).</param>
/// <param name="Label">Observatory plate label (PLTLABEL, e.g. 'E438').</param>
/// <param name="Survey">SURVEY as written, or 'POSSI-E' when it was inferred from the other evidence.</param>
/// <param name="DateObs">DATE-OBS as written ('29/11/51' or '1951-11-29...').</param>
/// <param name="Epoch">Plate epoch as a decimal year (DATE-OBS plus UT when present), NaN when DATE-OBS is absent.</param>
/// <param name="Width">NAXIS1 in pixels.</param>
/// <param name="Height">NAXIS2 in pixels.</param>
/// <param name="Evidence">The header facts that identified a POSS-I red plate, e.g. "SURVEY='POSSI-E'".</param>
public sealed record PlateInfo(
    string? PlateId,
    string? Region,
    string? Label,
    string Survey,
    string? DateObs,
    double Epoch,
    int Width,
    int Height,
    IReadOnlyList<string> Evidence)
{
    /// <summary>Header cards that are not FITS standard and were read as text (<see cref="Fits.FitsHeader.NonStandardCards"/>): warnings for the user.</summary>
    public IReadOnlyList<string> HeaderWarnings { get; init; } = [];
}
