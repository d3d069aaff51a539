using System.Globalization;

namespace Vasco.Extraction;

/// <summary>The seed's validations of steps 3-5, which catch what the tools get wrong silently.</summary>
public static class CatalogChecks
{
    public static readonly string[] Pass1Columns = ["X_IMAGE", "Y_IMAGE", "ALPHA_J2000", "DELTA_J2000", "MAG_AUTO", "FLUX_APER", "FLUXERR_APER", "FLUX_RADIUS", "ELONGATION", "FLAGS", "SNR_WIN", "VIGNET"];
    public static readonly string[] Pass2Columns = ["NUMBER", "X_IMAGE", "Y_IMAGE", "ALPHA_J2000", "DELTA_J2000", "MAG_AUTO", "FWHM_IMAGE", "SNR_WIN", "ELONGATION", "FLAGS", "IMAFLAGS_ISO", "XMIN_IMAGE", "XMAX_IMAGE", "YMIN_IMAGE", "YMAX_IMAGE"];

    /// <summary>The model-fitting columns of pass 2 with SpreadModel=all.</summary>
    public static readonly string[] ModelColumns = ["SPREAD_MODEL", "SPREADERR_MODEL", "MAG_PSF"];

    /// <param name="settings">The detection and background settings used, quoted when nothing was found.</param>
    public static void Pass1(LdacCatalog catalog, string path, string? settings = null)
    {
        var missing = catalog.Missing(Pass1Columns);
        if (missing.Count > 0)
            throw new VascoException(ErrorCodes.Pass1CatalogInvalid, $"The pass-1 catalog {Path.GetFileName(path)} lacks {string.Join(", ", missing)}.",
                "restore config/sextractor/pass1.param (PSFEx needs these columns).", path);
        if (catalog.Count == 0)
            throw new VascoException(ErrorCodes.Pass1CatalogInvalid,
                $"SExtractor found no source in {Path.GetFileName(path)}{(settings is null ? "" : $" ({settings})")}.",
                "look at the clean image: a blank or saturated plate finds nothing. On a small or nebulous image the background mesh " +
                "is too coarse: the nebula becomes noise that hides the stars; set a smaller BackSize (e.g. -p:BackSize=16) and " +
                "BackFilterSize=1, or a lower DetectThresh.", path);
        CheckSkyCoordinates(catalog, path);
    }

    public static void Psf(PsfModel model, int minStars, double maxChi2, string path)
    {
        if (model.Accepted < minStars)
            throw new VascoException(ErrorCodes.PsfUnusable,
                $"PSFEx accepted {model.Accepted} of {model.Loaded} stars, fewer than PsfMinStars={minStars}: the model would be empty or unreliable.",
                "check the pass-1 catalog (enough unsaturated, unmasked stars?) or lower PsfMinStars.", path);
        if (!(model.FwhmPixels is > 0.5 and < 20))
            throw new VascoException(ErrorCodes.PsfUnusable,
                string.Create(CultureInfo.InvariantCulture, $"The PSF's FWHM is {model.FwhmPixels:0.00} px, not a stellar image on a 1.7\"/px plate."),
                "check the pass-1 catalog and the PSFEx sample settings in config/psfex/psfex.conf.", path);
        if (!(model.Chi2 <= maxChi2))
            throw new VascoException(ErrorCodes.PsfUnusable,
                string.Create(CultureInfo.InvariantCulture, $"The PSF model's chi2 is {model.Chi2:0.00}, above PsfMaxChi2={maxChi2}."),
                "inspect the plate (trailing, defects) or raise PsfMaxChi2.", path);
    }

    public static void Pass2(LdacCatalog catalog, int pass1Count, double tolerance, bool modelFitting, string path)
    {
        var missing = catalog.Missing(modelFitting ? [.. Pass2Columns, .. ModelColumns] : Pass2Columns);
        if (missing.Count > 0)
            throw new VascoException(ErrorCodes.Pass2CatalogInvalid, $"The pass-2 catalog {Path.GetFileName(path)} lacks {string.Join(", ", missing)}.",
                "restore config/sextractor/pass2.param.", path);
        if (catalog.Count < pass1Count * (1 - tolerance))
            throw new VascoException(ErrorCodes.Pass2CatalogInvalid,
                string.Create(CultureInfo.InvariantCulture, $"Pass 2 found {catalog.Count} sources against {pass1Count} in pass 1 (tolerance {tolerance:P0})."),
                "passes 1 and 2 must detect alike: check that both use config/sextractor/vasco.sex and the same image and mask.", path);
        CheckSkyCoordinates(catalog, path);
        if (!modelFitting) return;
        // PSFEx with no usable star gives pass 2 a model that yields MAG_PSF = 99 for every source (FACTS 1).
        if (catalog.Count > 0 && catalog.Column("MAG_PSF").All(m => m >= 99))
            throw new VascoException(ErrorCodes.Pass2CatalogInvalid, "Every MAG_PSF in pass 2 is 99: the PSF model is empty.",
                "rebuild the PSF (step 4) and check its accepted-star count.", path);
        if (catalog.Column("SPREAD_MODEL").Any(v => double.IsNaN(v)))
            throw new VascoException(ErrorCodes.Pass2CatalogInvalid, "Pass 2 wrote NaN SPREAD_MODEL values.",
                "check the PSF model of this tile.", path);
    }

    // Without a WCS it can read, SExtractor writes 0 for every position and exits 0 (FACTS 1).
    static void CheckSkyCoordinates(LdacCatalog catalog, string path)
    {
        if (catalog.Count == 0) return;
        var ra = catalog.Column("ALPHA_J2000");
        var dec = catalog.Column("DELTA_J2000");
        if (ra.Zip(dec).All(p => p.First == 0 && p.Second == 0))
            throw new VascoException(ErrorCodes.WcsIgnored, $"SExtractor wrote ALPHA_J2000 = DELTA_J2000 = 0 for all {catalog.Count} sources of {Path.GetFileName(path)}.",
                "the clean image must carry a TAN or TPV WCS (step 2 writes one); rebuild step 2 for this tile.", path);
    }
}
