namespace Vasco;

/// <summary>
/// Every VASCO#### code the pipeline reports. docs/errors.md lists them (a test checks that
/// it lists exactly these). Codes are stable: never renumber, only add.
/// </summary>
public static class ErrorCodes
{
    // 00xx: the engine
    public const string Internal = "VASCO0001";
    public const string TilesFailed = "VASCO0002";
    public const string TileFailed = "VASCO0003";
    public const string DiskFull = "VASCO0004";
    public const string TasksAssemblyReplaced = "VASCO0005";
    public const string NotWritable = "VASCO0006";
    public const string RunBusy = "VASCO0007";

    // 01xx: configuration and parameters
    public const string ConfigUnreadable = "VASCO0101";
    public const string ConfigUnknownKey = "VASCO0102";
    public const string ParameterInvalid = "VASCO0103";
    public const string ParameterUnknown = "VASCO0104";
    public const string TileSelectionUnknown = "VASCO0105";
    public const string FromStepInvalid = "VASCO0106";
    public const string RunIdInvalid = "VASCO0107";
    public const string CatalogNameInvalid = "VASCO0108";
    public const string CsvColumnTwice = "VASCO0110";
    public const string PropertyUnread = "VASCO0111";

    // 02xx: targets and tiling (step 0)
    public const string TargetListUnreadable = "VASCO0201";
    public const string TargetListColumns = "VASCO0202";
    public const string RaInvalid = "VASCO0203";
    public const string DecInvalid = "VASCO0204";
    public const string DuplicateTarget = "VASCO0205";
    public const string NoTargets = "VASCO0206";
    public const string TargetNameInvalid = "VASCO0207";
    public const string FieldSizeInvalid = "VASCO0208";
    public const string SurveyTakesNoTargets = "VASCO0209";
    public const string RandomTilesDoNotFit = "VASCO0210";
    public const string TooManyTiles = "VASCO0211";

    // 03xx: external tools
    public const string ToolMissing = "VASCO0301";
    public const string ToolInstallFailed = "VASCO0302";
    public const string ToolVersionUnreadable = "VASCO0303";
    public const string ToolFailed = "VASCO0304";

    // 10xx: plate images (step 1)
    public const string NoLocalPlate = "VASCO1001";
    public const string DownloadFailed = "VASCO1002";
    public const string NotAPossPlate = "VASCO1003";
    // Warnings of step 1: the tile goes on, the build output and the tile manifest say it.
    public const string PlatePartialCoverage = "VASCO1004";
    public const string PlateHeaderNonStandard = "VASCO1005";

    // 20xx: preprocessing and bright-star masks (step 2)
    public const string PlateUnreadable = "VASCO2001";
    public const string PlateEpochMissing = "VASCO2002";
    public const string PlateWcsMissing = "VASCO2003";
    public const string PlateWcsFitPoor = "VASCO2004";
    public const string BrightStarsUnreadable = "VASCO2005";
    public const string BrightStarsColumns = "VASCO2006";
    public const string BrightStarsValue = "VASCO2007";
    public const string MaskEmpty = "VASCO2008";
    // A warning of step 2.
    public const string PixelsRepaired = "VASCO2009";

    // 3xxx-5xxx: SExtractor pass 1, PSFEx, SExtractor pass 2
    public const string Pass1CatalogInvalid = "VASCO3001";
    public const string WcsIgnored = "VASCO3002";
    public const string PsfUnusable = "VASCO4001";
    public const string Pass2CatalogInvalid = "VASCO5001";

    // 7xxx: cross-match
    public const string CrossMatchInvalid = "VASCO7001";
    public const string CrossMatchCounts = "VASCO7002";

    // 8xxx: filters and validation
    public const string ValidatorFailed = "VASCO8001";
    public const string MagnitudeUncalibrated = "VASCO8002";

    // 85xx: the vetting stages after the selection
    public const string VettingInputInvalid = "VASCO8501";
    public const string VettingSourceInvalid = "VASCO8502";
    public const string VettingFileUnreadable = "VASCO8503";
    // Warnings of the vetting stages.
    public const string VettingNotChecked = "VASCO8504";
    public const string VettingAssumed = "VASCO8505";
    // 86xx: the second look (other plates of the candidates' sky)
    public const string OtherPlateInvalid = "VASCO8601";
    public const string OtherPlatesNotMeasured = "VASCO8602";
    // 60xx: reference catalogs (step 6)
    public const string CatalogFetchFailed = "VASCO6001";
    public const string CatalogQueryRejected = "VASCO6002";
    public const string CatalogTruncated = "VASCO6003";
    public const string CatalogUnreadable = "VASCO6004";
    public const string CatalogColumns = "VASCO6005";
    public const string CatalogValue = "VASCO6006";
    public const string CatalogEmpty = "VASCO6007";
    public const string CatalogSparse = "VASCO6008";
    public const string CatalogEpochMissing = "VASCO6009";

    // 11xx: packaging (step 10)
    public const string ArchiveInvalid = "VASCO1101";

    // 12xx: scale-out (shards, the merge, Slurm)
    public const string ShardInvalid = "VASCO1201";
    public const string ShardTilesChanged = "VASCO1202";
    public const string ShardNotFinished = "VASCO1203";
    public const string ShardMismatch = "VASCO1204";
    public const string ShardMergeStale = "VASCO1205";
    public const string SlurmFailed = "VASCO1206";
    public const string SlurmJobsQueued = "VASCO1207";

    // 91xx: injection and recovery
    public const string TruthUnreadable = "VASCO9101";
    public const string RecoveryInputMissing = "VASCO9102";
    public const string InjectionFailed = "VASCO9103";
    public const string RecoveryVettingInvalid = "VASCO9104";

    /// <summary>Code, and what it means, for the table of docs/errors.md.</summary>
    public static readonly IReadOnlyList<(string Code, string Meaning)> All =
    [
        (Internal, "an unexpected internal error (a bug: please report it with the build log)"),
        (TilesFailed, "one or more tiles failed in some step; the earlier errors name each tile and cause; a rebuild retries only the failed tiles"),
        (TileFailed, "a tile failed in a step (the message names the tile, the step and the cause)"),
        (DiskFull, "a file could not be written: the disk (or quota) holding the run folder is full; what was done is kept, and a rebuild with free space completes the run"),
        (TasksAssemblyReplaced, "a Vasco task found its assembly rebuilt since this MSBuild process loaded it (a reused MSBuild node would run old code); run `dotnet build-server shutdown`, or build with `-nodeReuse:false`"),
        (NotWritable, "a folder of the run cannot be written: permission denied (read-only folder, `chattr +i`, or a read-only mount); the message names the folder"),
        (RunBusy, "another build of the same run (same run folder and RunId, or the same shard) is running; the message names its process. Wait for it, or give this build its own RunId"),
        (ConfigUnreadable, "the pipeline configuration file is missing or is not valid YAML"),
        (ConfigUnknownKey, "the configuration file has a key that is not a Vasco parameter"),
        (ParameterInvalid, "a parameter has a value of the wrong type or out of range"),
        (ParameterUnknown, "a VascoParameter item names no known parameter and declares no Type"),
        (TileSelectionUnknown, "Tiles= names a tile id that the run does not have"),
        (FromStepInvalid, "FromStep= is not a step number of the pipeline"),
        (RunIdInvalid, "RunId is empty or not a safe folder name"),
        (CatalogNameInvalid, "a VascoCatalog name is not a safe folder name (letters, digits, '-' and '_' only)"),
        (CsvColumnTwice, "a CSV input (target list, reference or bright-star catalog) has two columns of the same name (case and spaces aside): which one is meant is not clear"),
        (PropertyUnread, "(warning) a command-line property (-p:Name=value) is neither a Vasco parameter nor read by the build: most likely misspelt; the nearest known name is suggested"),
        (TargetListUnreadable, "a VascoTargetList file is missing or unreadable"),
        (TargetListColumns, "a VascoTargetList file lacks the name, ra or dec column"),
        (RaInvalid, "a target's RA is not a number of degrees in [0, 360) or hh:mm:ss"),
        (DecInvalid, "a target's Dec is not a number of degrees in [-90, 90] or dd:mm:ss"),
        (DuplicateTarget, "two targets (or their tile ids) have the same name"),
        (NoTargets, "the run (`TilingMode` hex30 or single) has no VascoTarget or VascoTargetList"),
        (TargetNameInvalid, "a target name is empty or has nothing usable for a tile id"),
        (FieldSizeInvalid, "a target's field size is not a positive number of arcmin"),
        (SurveyTakesNoTargets, "a survey run (`TilingMode=footprint` or `random`) also names targets"),
        (RandomTilesDoNotFit, "`TilingMode=random`: the band cannot hold `RandomTileCount` non-overlapping tiles"),
        (TooManyTiles, "the targets and TileSizeArcmin would make more tiles than one run can hold"),
        (ToolMissing, "an external tool (source-extractor, psfex, stilts, java), or a package the tests use (fitsverify, chromium, slurm-wlm, munge), is missing and cannot be installed here"),
        (ToolInstallFailed, "installing an external tool with apt-get failed"),
        (ToolVersionUnreadable, "an external tool is present but its version cannot be read"),
        (ToolFailed, "an external tool (SExtractor, PSFEx, STILTS) exited with an error or timed out; its log is named"),
        (NoLocalPlate, "ImageSource=local and no POSS-I red plate in LocalImageDir covers the tile's centre"),
        (DownloadFailed, "the STScI cutout could not be fetched after every retry (network, timeouts, server errors, transfers cut short)"),
        (NotAPossPlate, "STScI answered something that is not a POSS-I red plate (an HTML page, another survey, no WCS); the answer is saved aside"),
        (PlatePartialCoverage, "warning: the local plate chosen for a tile covers less than 99% of it; nothing beyond the plate's edge can be found (the message gives the fraction)"),
        (PlateHeaderNonStandard, "warning: a plate header card is not FITS standard (such as an unquoted text value, `SKEW    = a, b`); it was read as uninterpreted text and the plate judged on its other cards"),
        (PlateUnreadable, "a plate to preprocess is missing, unreadable, or not a 2-D image with finite pixels"),
        (PlateEpochMissing, "a plate header has no usable DATE-OBS or EPOCH (the plate epoch)"),
        (PlateWcsMissing, "a plate header has no usable WCS (TAN, TAN-TPV or a DSS plate solution)"),
        (PlateWcsFitPoor, "the TAN+TPV approximation of a plate's WCS is off by more than the allowed residual"),
        (BrightStarsUnreadable, "the bright-star catalog is missing or is not a readable CSV"),
        (BrightStarsColumns, "the bright-star catalog lacks a column that its column mapping names"),
        (BrightStarsValue, "a bright-star catalog cell is not a number"),
        (MaskEmpty, "bright stars fall on a plate but its mask marks no pixel (the mask or the WCS is wrong)"),
        (PixelsRepaired, "warning: more than 0.1% of a plate's pixels were non-finite (NaN, BLANK) and were filled in from their neighbours; they carry flag 2 in the mask and no source on them becomes a candidate"),
        (Pass1CatalogInvalid, "the pass-1 catalog has no detections or lacks the columns PSFEx needs"),
        (WcsIgnored, "SExtractor wrote zero sky coordinates: it did not read the image's WCS"),
        (PsfUnusable, "PSFEx accepted too few stars, or its model's FWHM or chi2 is out of bounds"),
        (Pass2CatalogInvalid, "the pass-2 catalog lacks columns, has empty PSF measurements, or lost detections against pass 1"),
        (CrossMatchInvalid, "a cross-match input has a position that is not degrees in range, or an input file is missing"),
        (CrossMatchCounts, "the cross-match outputs do not add up to its inputs, or a pair lies beyond the match radius"),
        (ArchiveInvalid, "a run archive does not match its checksum, lacks a manifest, or holds an unsafe entry name"),
        (ShardInvalid, "Shard= or ShardCount= is not a shard of the run (a whole number, Shard below ShardCount, ShardCount at most the tile count), or a scale-out target lacks ShardCount"),
        (ShardTilesChanged, "the run's tiles differ from the tile list frozen for its shards (the run file or a tiling parameter changed since)"),
        (ShardNotFinished, "VascoMerge: a shard has no completion record, or failed; the message lists them"),
        (ShardMismatch, "VascoMerge: the shards used different pipeline versions, tool versions or parameters, or not the tiles frozen for them"),
        (ShardMergeStale, "VascoMerge: the merging build's plan differs from the shards' (other tools, parameters or input files)"),
        (SlurmFailed, "sbatch or squeue is missing or failed (its message is quoted), or sbatch answered no job id"),
        (SlurmJobsQueued, "VascoSubmitSlurm, VascoResubmitFailed: jobs this run submitted before are still in Slurm's queue (pending or running); submitting again would build the same shards twice at once"),
        (ValidatorFailed, "the within5 validator found a match beyond the radius plus tolerance, or a candidate with a modern source within the radius"),
        (MagnitudeUncalibrated, "warning: step 8 could not calibrate a tile's magnitudes (fewer than `MagCalStarsMin` matched stars with FLAGS 0, IMAFLAGS_ISO 0 and a catalog magnitude), or a candidate's MAG_AUTO lies outside the calibration stars' range; those candidates have an empty `mag_cal`, and the tile's manifest says why ([`selection.md`](selection.md#calibrated-magnitudes-mag_cal))"),
        (VettingInputInvalid, "a vetting stage's input (step 8's candidates of a tile, or a stage's own file) lacks its columns: rebuild from step 8"),
        (VettingSourceInvalid, "a VascoArchive or VascoVettingFile item is wrong (an unknown name, a Band other than infrared, optical or ultraviolet, no Table), or a vetting parameter is"),
        (VettingFileUnreadable, "a local vetting file (File= of a VascoArchive or VascoVettingFile item) is missing, is not a readable CSV or SkyBoT answer, or lacks its columns"),
        (VettingNotChecked, "warning: a vetting stage could not check some candidates (offline, a service down or rejecting the query, no local data for a tile); they carry `not_checked:<why>` and stay in the list"),
        (VettingAssumed, "warning: a vetting stage assumed a value the plate header does not give (the site: Palomar); the message says which"),
        (OtherPlateInvalid, "a cached cutout of another plate (second look) is not a plate of its survey"),
        (OtherPlatesNotMeasured, "warning: the second look left candidates undecided (a plate not fetched, none there, or not registered, or no plate of the kind the class needs); the message says how many and why"),
        (CatalogFetchFailed, "a VizieR cone search failed on every mirror after every retry (network, timeouts, server errors, overload)"),
        (CatalogQueryRejected, "VizieR answered a cone search with an error message (quoted): a wrong table or column name, or a malformed query"),
        (CatalogTruncated, "a VizieR cone search still hit the row limit after splitting the cone as deep as allowed"),
        (CatalogUnreadable, "a local reference catalog is missing or is not a readable CSV"),
        (CatalogColumns, "a reference catalog lacks a column that its column mapping names"),
        (CatalogValue, "a reference catalog cell (local CSV or VizieR answer) is not a number, or a position is not on the sky"),
        (CatalogEmpty, "a reference catalog (local CSV or VizieR answer) has no source in a tile's cone; `ExpectEmpty=\"true\"` on its VascoCatalog item says that is expected"),
        (CatalogSparse, "a reference catalog has a counterpart for fewer than half of a tile's plate sources with SNR_WIN above SnrWinMin: it does not cover the tile; `ExpectEmpty=\"true\"` on its VascoCatalog item says that is expected"),
        (CatalogEpochMissing, "a VascoCatalog or VascoBrightStars item maps its columns (RaColumn, ...) without an `Epoch` of its positions, or its `Epoch` is not a year"),
        (TruthUnreadable, "a recovery truth file (what was put on a plate) is missing or lacks its columns"),
        (RecoveryInputMissing, "a recovery run lacks a tile's candidates or pass-2 catalog: the pipeline has not run on it"),
        (InjectionFailed, "sources could not be injected into a real plate (no PSF model, no room, or no calibration stars)"),
        (RecoveryVettingInvalid, "a recovery run found a vetting stage's file of a tile without the columns tile_id, number, ra, dec, status, or with a status that is not passed, removed:REASON or not_checked:WHY"),
    ];
}
