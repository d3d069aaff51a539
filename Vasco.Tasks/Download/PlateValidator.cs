using System.Globalization;
using System.Text.RegularExpressions;
using Vasco.Fits;
using Vasco.Sky;

namespace Vasco.Download;

/// <summary>
/// Decides whether a FITS file is a DSS scan of a POSS-I red (103aE) plate with a usable astrometric solution.
/// Newer STScI cutouts say so in SURVEY = 'POSSI-E'; older ones (like the M67 cutout) carry only the GSSS
/// region (XE###), the plate label (E###), the telescope and the date, which together are enough.
/// </summary>
public static partial class PlateValidator
{
    public const string PossIRedSurvey = "POSSI-E";

    /// <summary>POSS-I plates were taken from 1949 to 1958; a date outside means another survey.</summary>
    public const int FirstYear = 1949, LastYear = 1958;

    // The smallest useful cutout and the largest scan (southern POSS-I plates are 23040 px square).
    internal const int MinSide = 16, MaxSide = 30000;

    /// <summary>Checks a whole (uncompressed) FITS file held in memory, as downloaded.</summary>
    /// <param name="survey">Another survey's plate (<see cref="PlateSurvey"/>) instead of a POSS-I red one.</param>
    public static PlateCheck Check(byte[] bytes, string source, PlateSurvey? survey = null) => Check(bytes, source, survey, out _, out _);

    /// <summary><see cref="Check(byte[], string, PlateSurvey?)"/>, also handing back what it parsed: the file and, of a plate, its WCS.</summary>
    internal static PlateCheck Check(byte[] bytes, string source, PlateSurvey? survey, out FitsFile? file, out IWcs? wcs)
    {
        (file, wcs) = (null, null);
        if (!bytes.AsSpan().StartsWith("SIMPLE  ="u8))
            return PlateCheck.Reject(PlateProblem.NotFits, $"{source} does not start with 'SIMPLE  =': it is not a FITS file");
        if (bytes.Length % FitsHeader.BlockSize != 0)
            return PlateCheck.Reject(PlateProblem.Truncated,
                $"{source} is {bytes.Length} bytes, not a multiple of the FITS block ({FitsHeader.BlockSize}): the transfer was cut short");

        FitsHeader header;
        long headerLength;
        try
        {
            header = FitsFile.ReadPrimaryHeader(new MemoryStream(bytes, writable: false), source, out headerLength);
        }
        catch (FitsFormatException e)
        {
            return HasEndCard(bytes)
                ? PlateCheck.Reject(PlateProblem.NotFits, $"{source} has a malformed FITS header: {e.Message}")
                : PlateCheck.Reject(PlateProblem.Truncated, $"{source} ends before the END card of its header: the transfer was cut short");
        }
        if (DataLength(header) is { } data && headerLength + data > bytes.Length)
            return PlateCheck.Reject(PlateProblem.Truncated,
                $"{source} holds {bytes.Length - headerLength} data bytes but its header promises {data}: the transfer was cut short");
        try
        {
            file = FitsFile.Read(bytes, source);
        }
        catch (FitsFormatException e)
        {
            return PlateCheck.Reject(PlateProblem.NotFits, $"{source} is not valid FITS: {e.Message}");
        }
        return CheckHeader(header, source, out wcs, survey);
    }

    /// <summary>
    /// Checks a file on disk from its primary header alone (plain or gzip), plus the length of a plain file,
    /// so that a folder of full plates is checked without reading their pixels.
    /// </summary>
    public static PlateCheck CheckFile(string path, PlateSurvey? survey = null) => CheckFile(path, out _, out _, survey);

    /// <summary><see cref="CheckFile(string)"/>, also handing back the header and WCS of a plate.</summary>
    internal static PlateCheck CheckFile(string path, out FitsHeader? plateHeader, out IWcs? wcs, PlateSurvey? survey = null)
    {
        plateHeader = null;
        wcs = null;
        FitsHeader header;
        long headerLength;
        bool isGzip;
        long fileLength;
        try
        {
            using var stream = File.OpenRead(path);
            fileLength = stream.Length;
            isGzip = fileLength >= 2 && stream.ReadByte() == 0x1F && stream.ReadByte() == 0x8B;
            stream.Position = 0;
            header = FitsFile.ReadPrimaryHeader(stream, path, out headerLength);
        }
        catch (FitsFormatException e)
        {
            return PlateCheck.Reject(PlateProblem.NotFits, $"{path} is not a FITS file: {e.Message}");
        }
        // The length of a gzip member's content is not known without inflating it all; FITS reading checks it later.
        if (!isGzip)
        {
            if (fileLength % FitsHeader.BlockSize != 0)
                return PlateCheck.Reject(PlateProblem.Truncated,
                    $"{path} is {fileLength} bytes, not a multiple of the FITS block ({FitsHeader.BlockSize}): truncated");
            if (DataLength(header) is { } data && headerLength + data > fileLength)
                return PlateCheck.Reject(PlateProblem.Truncated,
                    $"{path} holds {fileLength - headerLength} data bytes but its header promises {data}: truncated");
        }
        var check = CheckHeader(header, path, out wcs, survey);
        plateHeader = check.IsPlate ? header : null;
        return check;
    }

    /// <summary>The image, POSS-I and WCS checks on a primary header.</summary>
    public static PlateCheck CheckHeader(FitsHeader header, string source) => CheckHeader(header, source, out _);

    /// <summary><see cref="CheckHeader(FitsHeader, string)"/>, also handing back the WCS of a plate.</summary>
    internal static PlateCheck CheckHeader(FitsHeader header, string source, out IWcs? wcs, PlateSurvey? survey = null)
    {
        wcs = null;
        try
        {
            return CheckHeaderValues(header, source, out wcs, survey);
        }
        catch (FitsFormatException e)
        {
            return PlateCheck.Reject(PlateProblem.NotFits, $"{source} has a header keyword of the wrong type: {e.Message}");
        }
    }

    static PlateCheck CheckHeaderValues(FitsHeader header, string source, out IWcs? plateWcs, PlateSurvey? other)
    {
        plateWcs = null;
        // The header alone is checked for local plates: a BITPIX FITS does not define would fail only at step 2.
        var bitpix = header.GetInt("BITPIX");
        if (bitpix is not (8 or 16 or 32 or 64 or -32 or -64))
            return PlateCheck.Reject(PlateProblem.NotFits, $"{source} has BITPIX = {bitpix}, not one of FITS's 8, 16, 32, 64, -32, -64");
        var naxis = header.GetInt("NAXIS");
        if (naxis != 2)
            return PlateCheck.Reject(PlateProblem.NotAnImage, $"{source} has NAXIS = {naxis}; a plate scan is a 2-d image");
        var width = header.GetInt("NAXIS1");
        var height = header.GetInt("NAXIS2");
        if (width is < MinSide or > MaxSide || height is < MinSide or > MaxSide)
            return PlateCheck.Reject(PlateProblem.NotAnImage,
                $"{source} is {width} x {height} px; a plate scan or cutout is {MinSide} to {MaxSide} px on a side");

        var evidence = new List<string>();
        var survey = Text(header, "SURVEY");
        var region = Text(header, "REGION");
        var label = Text(header, "PLTLABEL");
        var dateObs = Text(header, "DATE-OBS");
        var telescope = Text(header, "TELESCOP");

        var epoch = double.NaN;
        if (dateObs != null && TryParseDate(dateObs, Text(header, "UT"), out var date))
        {
            // The epoch of the positions on the plate is mid-exposure (DSS EXPOSURE is in minutes).
            if (header.TryGetDouble("EXPOSURE", out var minutes) && minutes is > 0 and < 24 * 60)
                date = date.AddMinutes(minutes / 2);
            var (first, last, name) = other is null ? (FirstYear, LastYear, "POSS-I") : (other.FirstYear, other.LastYear, other.Label);
            if (date.Year < first || date.Year > last)
                return PlateCheck.Reject(PlateProblem.NotPossIRed,
                    $"{source} was exposed on {date:yyyy-MM-dd} (DATE-OBS = '{dateObs}'), outside the {name} years {first}-{last}");
            epoch = DecimalYear(date);
            evidence.Add($"DATE-OBS='{dateObs}' within {first}-{last}");
        }

        if (other != null)
        {
            // Another survey's cutout (STScI's DSS2 scans all say SURVEY): its keyword and a date are required.
            if (survey is null || !other.SurveyKeywords.Contains(survey, StringComparer.OrdinalIgnoreCase))
                return PlateCheck.Reject(PlateProblem.NotPossIRed,
                    $"{source} is from survey '{survey ?? "(no SURVEY keyword)"}', not {other.Label} (SURVEY = {string.Join(" or ", other.SurveyKeywords.Select(k => $"'{k}'"))})");
            if (double.IsNaN(epoch))
                return PlateCheck.Reject(PlateProblem.NotPossIRed, $"{source} has no readable DATE-OBS: the epoch of a {other.Label} plate must be known");
            evidence.Insert(0, $"SURVEY='{survey}'");
        }
        else if (survey != null)
        {
            if (!survey.Equals(PossIRedSurvey, StringComparison.OrdinalIgnoreCase))
                return PlateCheck.Reject(PlateProblem.NotPossIRed, $"{source} is from survey '{survey}'{SurveyHint(survey)}, not POSS-I red (SURVEY = '{PossIRedSurvey}')");
            evidence.Insert(0, $"SURVEY='{survey}'");
        }
        else
        {
            if (region != null)
            {
                if (!PossIRedRegion().IsMatch(region))
                    return PlateCheck.Reject(PlateProblem.NotPossIRed,
                        $"{source} is from GSSS region '{region}'{RegionHint(region)}, not a POSS-I red field (XE###)");
                evidence.Add($"REGION='{region}'");
            }
            var redLabel = label != null && PossIRedLabel().IsMatch(label);
            if (redLabel)
                evidence.Add($"PLTLABEL='{label}'");
            if (region == null && !redLabel)
                return PlateCheck.Reject(PlateProblem.NotPossIRed,
                    $"{source} has no SURVEY, no POSS-I red region (REGION = 'XE###') and no red plate label (PLTLABEL = 'E###'): nothing says it is a POSS-I red plate");
            if (telescope != null)
            {
                if (!IsPalomarSchmidt(telescope))
                    return PlateCheck.Reject(PlateProblem.NotPossIRed,
                        $"{source} was taken with '{telescope}', not the Palomar 48-inch (Oschin) Schmidt of POSS-I");
                evidence.Add($"TELESCOP='{telescope}'");
            }
            else if (double.IsNaN(epoch))
                return PlateCheck.Reject(PlateProblem.NotPossIRed,
                    $"{source} has neither SURVEY, TELESCOP nor a readable DATE-OBS: its region or label alone does not prove a POSS-I plate");
        }

        IWcs wcs;
        try
        {
            wcs = WcsFactory.FromHeader(header);
        }
        catch (WcsException e)
        {
            return PlateCheck.Reject(PlateProblem.NoWcs, $"{source} has no usable astrometric solution: {e.Message}");
        }
        var (ra, dec) = wcs.PixelToSky((width + 1) / 2.0, (height + 1) / 2.0);
        if (!double.IsFinite(ra) || !double.IsFinite(dec) || Math.Abs(dec) > 90)
            return PlateCheck.Reject(PlateProblem.NoWcs, $"{source} has an astrometric solution that gives no sky position for the image centre");

        plateWcs = wcs;
        return PlateCheck.Accept(new PlateInfo(Text(header, "PLATEID"), region, label, survey ?? PossIRedSurvey, dateObs, epoch, width, height, evidence)
            { HeaderWarnings = header.NonStandardCards });
    }

    /// <summary>
    /// Parses DATE-OBS in the old FITS style 'dd/mm/yy' (19yy, as on DSS headers) or ISO 'yyyy-mm-dd[Thh:mm:ss]';
    /// the separate UT keyword ('hh:mm:ss') supplies the time of day when DATE-OBS has none.
    /// </summary>
    public static bool TryParseDate(string dateObs, string? ut, out DateTime date)
    {
        date = default;
        var text = dateObs.Trim();
        bool hasTime;
        var oldStyle = OldStyleDate().Match(text);
        if (oldStyle.Success)
        {
            var day = int.Parse(oldStyle.Groups["d"].Value, CultureInfo.InvariantCulture);
            var month = int.Parse(oldStyle.Groups["m"].Value, CultureInfo.InvariantCulture);
            var year = 1900 + int.Parse(oldStyle.Groups["y"].Value, CultureInfo.InvariantCulture);
            if (month is < 1 or > 12 || day < 1 || day > DateTime.DaysInMonth(year, month))
                return false;
            date = new DateTime(year, month, day, 0, 0, 0, DateTimeKind.Utc);
            hasTime = false;
        }
        else if (DateTime.TryParse(text, CultureInfo.InvariantCulture,
                     DateTimeStyles.AdjustToUniversal | DateTimeStyles.AssumeUniversal, out var iso) && IsoDate().IsMatch(text))
        {
            date = iso;
            hasTime = text.Contains('T');
        }
        else
            return false;

        if (!hasTime && ut != null && TimeSpan.TryParse(ut.Trim(), CultureInfo.InvariantCulture, out var time) && time < TimeSpan.FromDays(1))
            date += time;
        return true;
    }

    /// <summary>A UTC date as a decimal year (1951-11-29 12:32 is 1951.911).</summary>
    public static double DecimalYear(DateTime utc)
    {
        var start = new DateTime(utc.Year, 1, 1, 0, 0, 0, DateTimeKind.Utc);
        var length = (start.AddYears(1) - start).TotalDays;
        return utc.Year + (utc - start).TotalDays / length;
    }

    static long? DataLength(FitsHeader header)
    {
        try
        {
            if (!header.TryGetInt("BITPIX", out var bitpix) || !header.TryGetInt("NAXIS", out var naxis) || naxis is < 0 or > 999)
                return null;
            if (naxis == 0)
                return 0;
            var elements = 1L;
            for (var n = 1; n <= naxis; n++)
            {
                if (!header.TryGetLong($"NAXIS{n}", out var size) || size < 0)
                    return null;
                elements = checked(elements * size);
            }
            return checked(Math.Abs(bitpix) / 8 * elements);
        }
        catch (Exception e) when (e is OverflowException or FitsFormatException)
        {
            // Left to the full FITS read, which names the bad keyword.
            return null;
        }
    }

    static bool HasEndCard(byte[] bytes)
    {
        for (var offset = 0; offset + FitsCard.Length <= bytes.Length; offset += FitsCard.Length)
            if (bytes.AsSpan(offset, FitsCard.Length).StartsWith("END     "u8))
                return true;
        return false;
    }

    static string? Text(FitsHeader header, string keyword) =>
        header.TryGetString(keyword, out var value) && value.Trim().Length > 0 ? value.Trim() : null;

    static bool IsPalomarSchmidt(string telescope) =>
        telescope.Contains("Palomar", StringComparison.OrdinalIgnoreCase)
        && (telescope.Contains("48", StringComparison.Ordinal)
            || telescope.Contains("Schmidt", StringComparison.OrdinalIgnoreCase)
            || telescope.Contains("Oschin", StringComparison.OrdinalIgnoreCase));

    static string SurveyHint(string survey) => survey.ToUpperInvariant() switch
    {
        var s when s.StartsWith("SERC", StringComparison.Ordinal) || s.StartsWith("UK", StringComparison.Ordinal) || s.StartsWith("AAO", StringComparison.Ordinal)
            => " (a UK Schmidt plate: south of Dec -30 the DSS serves SERC/UKST plates, not POSS-I)",
        var s when s.StartsWith("POSSII", StringComparison.Ordinal) => " (POSS-II, taken 1985-2000)",
        var s when s.StartsWith("POSSI-O", StringComparison.Ordinal) => " (the blue POSS-I plate)",
        var s when s.StartsWith("QUICK", StringComparison.Ordinal) => " (the HST Guide Star quick-V survey)",
        _ => "",
    };

    static string RegionHint(string region) =>
        region.StartsWith('S') ? " (a UK Schmidt field: south of Dec -30 the DSS serves SERC/UKST plates, not POSS-I)" : "";

    [GeneratedRegex(@"^XE\d+$", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex PossIRedRegion();

    [GeneratedRegex(@"^E\d+$", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex PossIRedLabel();

    [GeneratedRegex(@"^(?<d>\d{1,2})/(?<m>\d{1,2})/(?<y>\d{2})$", RegexOptions.CultureInvariant)]
    private static partial Regex OldStyleDate();

    [GeneratedRegex(@"^\d{4}-\d{2}-\d{2}", RegexOptions.CultureInvariant)]
    private static partial Regex IsoDate();
}
