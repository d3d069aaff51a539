using System.Globalization;
using System.Text.RegularExpressions;
using Vasco.Download;
using Vasco.Fits;
using Vasco.Sky;

namespace Vasco.Preprocess;

/// <summary>What step 2 may change about a plate.</summary>
public sealed record PreprocessOptions
{
    /// <summary>The largest sky error, arcsec, allowed between the written TAN-TPV WCS and the plate's own solution.</summary>
    public double MaxFitResidualArcsec { get; init; } = 0.05;

    /// <summary>Polynomial order of the TPV distortion (1 = plain TAN).</summary>
    public int TpvOrder { get; init; } = 3;

    public MaskOptions Mask { get; init; } = new();

    /// <summary>Rejects values no fit can meet (a parameter error, VASCO0103); the mask options are checked by the mask.</summary>
    public void Validate()
    {
        if (!(MaxFitResidualArcsec > 0) || TpvOrder is < 1 or > 7)
            throw new VascoException(ErrorCodes.ParameterInvalid,
                string.Create(CultureInfo.InvariantCulture, $"The preprocessing parameters MaxFitResidualArcsec = {MaxFitResidualArcsec}, TpvOrder = {TpvOrder} are out of range."),
                "set MaxFitResidualArcsec to a positive number of arcsec and TpvOrder to 1 (plain TAN) .. 7.");
    }
}

/// <summary>
/// What preprocessing one plate did and found (for the step's manifest). Star counts are those of
/// <see cref="BrightStarMask"/>: brighter than the limit, centred on the image, masking at least one pixel.
/// <paramref name="RepairedPixels"/> counts the non-finite pixels filled in.
/// </summary>
public sealed record PreprocessResult(
    int Width,
    int Height,
    PlateEpoch Epoch,
    double FitResidualArcsec,
    int StarsConsidered,
    int StarsInImage,
    int StarsMasked,
    long MaskedPixels,
    int RepairedPixels,
    string? PlateId,
    string? Region)
{
    public double MaskedFraction => (double)MaskedPixels / ((long)Width * Height);

    public double RepairedFraction => (double)RepairedPixels / ((long)Width * Height);

    /// <summary>
    /// Above this fraction of filled-in pixels a plate gets a warning (VASCO2009). A clean DSS scan has none; 0.1% of
    /// a 30' tile is about 1,100 px (a 34 px square, a minute of arc), room for several stellar images (FWHM about
    /// 3 px). Below it, the mask flag alone keeps sources on the filled pixels from being candidates.
    /// </summary>
    public const double RepairedWarningFraction = 0.001;

    /// <summary>What the user is told when more than <see cref="RepairedWarningFraction"/> of the plate was filled in, else null.</summary>
    public string? RepairedWarning => RepairedFraction > RepairedWarningFraction
        ? string.Create(CultureInfo.InvariantCulture,
            $"{RepairedPixels} non-finite pixel(s) ({RepairedFraction * 100:0.###}% of the plate, more than {RepairedWarningFraction * 100:0.###}%) were filled in from their neighbours; they carry flag {BrightStarMask.RepairedPixelFlag} in the mask, so no source on them becomes a candidate")
        : null;
}

/// <summary>
/// Step 2 for one plate: a clean image SExtractor reads as it is (physical values as float32, a TAN-TPV WCS in
/// place of the DSS plate solution, non-finite pixels filled) and a flag image of bright-star halos and spikes
/// and filled pixels, on the same pixel grid and WCS.
/// </summary>
public static partial class PlatePreprocessor
{
    /// <summary>
    /// Reads <paramref name="platePath"/>, writes <paramref name="cleanPath"/> and <paramref name="maskPath"/>.
    /// <paramref name="brightStars"/> may be at any epoch: they are moved to the plate epoch here.
    /// </summary>
    public static PreprocessResult Run(string platePath, IEnumerable<BrightStar> brightStars, string cleanPath, string maskPath, PreprocessOptions options)
    {
        options.Validate();
        var image = ReadImage(platePath);
        var (width, height) = (image.Axes[0], image.Axes[1]);
        var header = image.Header;
        var epoch = PlateEpoch.FromHeader(header, platePath);
        var (source, radeSys) = ReadWcs(header, platePath);

        var fit = TanWcs.FitFrom(source, width, height, options.TpvOrder, radeSys: radeSys);
        if (!(fit.MaxResidualArcsec <= options.MaxFitResidualArcsec))
            throw new VascoException(ErrorCodes.PlateWcsFitPoor,
                $"The TAN/TPV (order {options.TpvOrder}) approximation of the WCS of '{platePath}' is off by up to {Arcsec(fit.MaxResidualArcsec)}\" (allowed: {Arcsec(options.MaxFitResidualArcsec)}\").",
                "check the plate's astrometric solution (a damaged header gives a wild one), raise the TPV order, or allow a larger residual if the plate's own solution is no better than that.",
                platePath);

        var pixels = image.ReadFloats();
        if (!pixels.Any(float.IsFinite))
            throw Unreadable(platePath, "it has no finite pixel (the scan is blank)");
        // A constant image (all zeros, say) is a blank or failed scan: SExtractor would find nothing, three steps later.
        var first = pixels.First(float.IsFinite);
        if (pixels.All(p => p == first || !float.IsFinite(p)))
            throw Unreadable(platePath, string.Create(CultureInfo.InvariantCulture, $"every pixel is {first} (the scan is blank)"));
        var repaired = NonFinitePixels.Repair(pixels, width, height);

        var starsAtEpoch = brightStars.Select(s => s.PropagatedTo(epoch.Year));
        var mask = BrightStarMask.Build(width, height, fit.Wcs, starsAtEpoch, options.Mask);
        if (mask.StarsInImage > 0 && mask.MaskedPixels == 0)
            throw new VascoException(ErrorCodes.MaskEmpty,
                $"{mask.StarsInImage} bright star(s) fall on '{platePath}' but the mask marks no pixel.",
                "the plate's WCS or the mask options are wrong: check the header's astrometric solution and that the mask radii are positive numbers of arcsec.",
                platePath);
        foreach (var index in repaired)
            mask.Flags[index] |= BrightStarMask.RepairedPixelFlag;

        var wcsCards = fit.Wcs.ToHeaderCards();
        var clean = new FitsWriter();
        clean.AddImage(pixels, [width, height], CleanHeader(header, wcsCards, epoch, fit, repaired.Count, options.TpvOrder));
        clean.WriteTo(cleanPath);
        var flags = new FitsWriter();
        flags.AddImage(mask.Flags, [width, height], MaskHeader(header, wcsCards, epoch, options.Mask));
        flags.WriteTo(maskPath);
        foreach (var written in new[] { cleanPath, maskPath })
            if (!File.Exists(written))
                throw new IOException($"'{written}' was not written");

        header.TryGetString("PLATEID", out var plateId);
        header.TryGetString("REGION", out var region);
        return new PreprocessResult(width, height, epoch, fit.MaxResidualArcsec, mask.StarsConsidered, mask.StarsInImage,
            mask.StarsMasked, mask.MaskedPixels, repaired.Count, plateId?.Trim(), region?.Trim());
    }

    private static ImageHdu ReadImage(string path)
    {
        if (!File.Exists(path))
            throw Unreadable(path, "the file does not exist");
        FitsFile file;
        try
        {
            file = FitsFile.Read(path);
        }
        catch (Exception e) when (e is FitsFormatException or IOException)
        {
            throw Unreadable(path, e.Message, e);
        }
        var image = file.Hdus[0] as ImageHdu;
        if (image == null || image.Axes.Count != 2 || image.Axes[0] < 1 || image.Axes[1] < 1)
            throw Unreadable(path, $"its primary HDU is not a 2-D image (NAXIS = {image?.Axes.Count ?? 0})");
        if (image.Axes[0] < PlateValidator.MinSide || image.Axes[1] < PlateValidator.MinSide)
            throw Unreadable(path, $"it is {image.Axes[0]} x {image.Axes[1]} px, too small for a plate (at least {PlateValidator.MinSide} px a side)");
        return image;
    }

    /// <summary>
    /// The plate's own astrometry. A DSS plate solution wins over a CTYPE WCS in the same header: newer STScI cutouts
    /// carry both, and their TAN CD matrix is only a linear approximation of the plate solution.
    /// </summary>
    private static (IWcs Wcs, string RadeSys) ReadWcs(FitsHeader header, string path)
    {
        try
        {
            if (DssPlateWcs.IsPresent(header))
                // The DSS solutions were reduced on the FK5 J2000 frame of the GSC.
                return (DssPlateWcs.FromHeader(header), "FK5");
            var tan = TanWcs.FromHeader(header);
            return (tan, tan.RadeSys);
        }
        catch (Exception e) when (e is WcsException or FitsFormatException)
        {
            throw new VascoException(ErrorCodes.PlateWcsMissing,
                $"Plate '{path}' has no usable WCS: {e.Message}.",
                "re-download the plate: archive cutouts carry a DSS plate solution (PLTRAH.., AMDX..) or a TAN/TPV WCS (CTYPE1/2).",
                path, e);
        }
    }

    private static FitsHeader CleanHeader(FitsHeader source, IReadOnlyList<FitsCard> wcsCards, PlateEpoch epoch, TanFit fit, int repaired, int order)
    {
        var header = WithoutAstrometry(source);
        // SExtractor lets GAIN and SATURATE cards override its configuration; the pipeline sets both in the config.
        header.Remove("GAIN");
        header.Remove("SATURATE");
        foreach (var card in wcsCards)
            header.Add(card);
        AddEpoch(header, epoch);
        header.AddHistory($"Vasco step 2: pixel values are the plate's physical values (BSCALE * raw + BZERO) as float32; " +
            $"{repaired} non-finite pixel(s) set to the median of their finite neighbours (flag {BrightStarMask.RepairedPixelFlag} in the mask).");
        header.AddHistory($"Vasco step 2: the plate's astrometric solution replaced by a TAN-TPV order-{order} fit to it, " +
            $"max sky error {Arcsec(fit.MaxResidualArcsec)} arcsec over the image; plate epoch from {epoch.Keyword}.");
        return header;
    }

    private static FitsHeader MaskHeader(FitsHeader source, IReadOnlyList<FitsCard> wcsCards, PlateEpoch epoch, MaskOptions options)
    {
        var header = new FitsHeader();
        foreach (var keyword in new[] { "PLATEID", "REGION", "PLTLABEL", "DATE-OBS" })
            if (source.TryGetString(keyword, out var value))
                header.Set(keyword, value);
        foreach (var card in wcsCards)
            header.Add(card);
        AddEpoch(header, epoch);
        header.AddHistory($"Vasco step 2 flag image: bit {BrightStarMask.BrightStarFlag} = bright-star halo or spike, bit {BrightStarMask.RepairedPixelFlag} = non-finite pixel filled in.");
        header.AddHistory(string.Create(CultureInfo.InvariantCulture,
            $"Stars brighter than {options.MaskMagLimit}: disc r = {options.ReferenceRadiusArcsec}\" * 10^(0.2 ({options.ReferenceMag} - m)) in [{options.MinRadiusArcsec}\", {options.MaxRadiusArcsec}\"], " +
            $"spike arms along the pixel axes {options.SpikeLengthFactor} r long, {options.SpikeHalfWidthArcsec}\" half-width."));
        return header;
    }

    /// <summary>A copy of the header without any WCS or DSS plate-solution card, so no reader can pick up a stale solution.</summary>
    private static FitsHeader WithoutAstrometry(FitsHeader source)
    {
        var header = source.Clone();
        foreach (var keyword in source.Cards.Where(c => !c.IsCommentary && AstrometryKeyword().IsMatch(c.Keyword)).Select(c => c.Keyword).Distinct().ToList())
            header.Remove(keyword);
        return header;
    }

    // Not MJD-OBS: WCSLIB checks it against DATE-OBS, which on old plates has no time of day, and warns that they disagree.
    private static void AddEpoch(FitsHeader header, PlateEpoch epoch) =>
        header.Set("EPOCHPLT", Math.Round(epoch.Year, 6), $"[yr] plate epoch (decimal year, from {epoch.Keyword})");

    private static VascoException Unreadable(string path, string why, Exception? inner = null) =>
        new(ErrorCodes.PlateUnreadable, $"Plate '{path}' cannot be preprocessed: {why}.",
            "download the plate again (step 1 reruns when the file is deleted); an HTML error page saved as .fits is a common cause.",
            path, inner);

    private static string Arcsec(double value) => value.ToString("G3", CultureInfo.InvariantCulture);

    // The DSS plate solution, every standard WCS keyword of the primary or an alternate (A-Z) description, and SIP
    // terms. XPIXELSZ/YPIXELSZ go too: WCSLIB (astropy 5.2, WCSLIB 7.12) takes them for a DSS solution and then
    // rejects the TPV terms ("PV1_5: Unrecognized coordinate transformation parameter"); the CD matrix holds the scale.
    [GeneratedRegex(@"^(PLTRA[HMS]|PLTDEC(SN|[DMS])|PLTSCALE|[XY]PIXELSZ|PPO\d+|AMD[XY]\d+|CNPIX[12]" +
        @"|(WCSAXES|WCSNAME|CTYPE\d|CUNIT\d|CRPIX\d|CRVAL\d|CDELT\d|CROTA\d|CD\d_\d|PC\d_\d|PV\d_\d+|PS\d_\d+|LONPOLE|LATPOLE|RADESYS|EQUINOX)[A-Z]?" +
        @"|RADECSYS|(A|B|AP|BP)_(ORDER|DMAX|\d+_\d+))$")]
    private static partial Regex AstrometryKeyword();
}

/// <summary>
/// What later steps read from a clean image's header: the plate epoch step 2 found, the plate's DSS id (PLATEID) and
/// its observatory label (PLTLABEL, e.g. E438, the name the plate has in the literature and the archives); "" when absent.
/// </summary>
public sealed record CleanPlate(double Epoch, string PlateId, string Label)
{
    public static CleanPlate Read(string cleanPath)
    {
        var header = FitsFile.ReadPrimaryHeader(cleanPath);
        if (!header.TryGetDouble("EPOCHPLT", out var epoch))
            throw new VascoException(ErrorCodes.CrossMatchInvalid, $"{cleanPath} records no plate epoch (EPOCHPLT).", "rebuild step 2 for this tile.", cleanPath);
        return new CleanPlate(epoch, header.TryGetString("PLATEID", out var id) ? id.Trim() : "",
            header.TryGetString("PLTLABEL", out var label) ? label.Trim() : "");
    }
}
