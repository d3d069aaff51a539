namespace Vasco.Summaries;

/// <summary>What a column of candidates.csv is, for the VOTable and ECSV outputs: its type, its unit (VOUnit; null for a pure number or text) and its UCD.</summary>
public sealed record ColumnMeta(string Type, string? Unit, string Ucd);

/// <summary>
/// The metadata of every column candidates.csv can have (INTERFACE.md's, step 8's and the vetting's): types, units in
/// VOUnit ("pixel", not the deprecated "pix") and UCD1+ words, as TOPCAT and astropy read them.
/// </summary>
public static class CandidateColumns
{
    public static ColumnMeta Of(string column) => column switch
    {
        "tile_id" => new("string", null, "meta.id;obs.field"),
        "number" => new("int64", null, "meta.id"),
        "ra" => new("float64", "deg", "pos.eq.ra;meta.main"),
        "dec" => new("float64", "deg", "pos.eq.dec;meta.main"),
        "mag" => new("float64", "mag", "phot.mag;em.opt.R"),
        "magerr_auto" or "mag_cal_err" => new("float64", "mag", "stat.error;phot.mag"),
        // MAG_AUTO calibrated on the modern catalog's band: Gaia G, USNO-B R, PS1 r ... as the run's catalog says (the band is in step 8's manifest).
        "mag_cal" => new("float64", "mag", "phot.mag;em.opt"),
        "snr_win" => new("float64", null, "stat.snr"),
        "fwhm_image" => new("float64", "pixel", "phys.angSize;instr.det.psf"),
        "elongation" => new("float64", null, "src.ellipticity"),
        "spread_model" => new("float64", null, "src.morph.param"),
        "flags" or "imaflags_iso" => new("int64", null, "meta.code.qual"),
        "plate_id" or "plate_label" => new("string", null, "meta.id;obs.image"),
        "plate_epoch" => new("float64", "yr", "time.epoch;obs"),
        "x_image" => new("float64", "pixel", "pos.cartesian.x;instr.det"),
        "y_image" => new("float64", "pixel", "pos.cartesian.y;instr.det"),
        "nearest_bright_mag" => new("float64", "mag", "phot.mag"),
        // The vetting's verdicts and what explains them (docs/vetting.md).
        "vetting" or "earth_shadow" => new("string", null, "meta.code.class"),
        _ when column.StartsWith("vet_", StringComparison.Ordinal) => new("string", null, "meta.code.class"),
        "archive_matches" or "archive_not_checked" or "variable_not_checked" or "mover_pm_from" => new("string", null, "meta.note"),
        "asteroid" or "variable" or "mover" => new("string", null, "meta.id"),
        "asteroid_class" => new("string", null, "src.class"),
        "asteroid_ra" => new("float64", "deg", "pos.eq.ra"),
        "asteroid_dec" => new("float64", "deg", "pos.eq.dec"),
        "asteroid_rate_arcsec_h" => new("float64", "arcsec/h", "pos.pm"),
        "asteroid_mv" => new("float64", "mag", "phot.mag;em.opt.V"),
        "mover_pm_mas_yr" => new("float64", "mas/yr", "pos.pm"),
        // The second look (docs/second-look.md): the class, why, and the signal-to-noise ratio on each other plate.
        "classification" => new("string", null, "meta.code.class"),
        "classification_why" => new("string", null, "meta.note"),
        _ when column.EndsWith("_snr", StringComparison.Ordinal) => new("float64", null, "stat.snr"),
        _ when column.EndsWith("_arcsec", StringComparison.Ordinal) => new("float64", "arcsec", "pos.angDistance"),
        _ => new("float64", null, "meta.number"),
    };

    /// <summary>
    /// How many decimals the report shows of a float64 column: 6 for degrees (0.004"), 3 for years, 2 for magnitudes,
    /// arcseconds and pixels, 1 for rates and SNR_WIN, 4 for SPREAD_MODEL, 3 otherwise.
    /// </summary>
    public static int Decimals(string column) => column switch
    {
        "snr_win" => 1,
        "elongation" => 2,
        "spread_model" => 4,
        _ => Of(column).Unit switch
        {
            "deg" => 6,
            "yr" => 3,
            "mag" or "arcsec" or "pixel" => 2,
            "arcsec/h" or "mas/yr" => 1,
            _ => 3,
        },
    };
}
