using System.Globalization;
using Vasco.Download;
using Vasco.Fits;
using Vasco.Pipeline;
using Vasco.Synthetic;
using Vasco.Tiling;

namespace Vasco.Steps;

/// <summary>
/// Step 1: one POSS-I red plate image per tile, from STScI (ImageSource=stsci, through the
/// download cache), from LocalImageDir (ImageSource=local, the plate covering the tile), or
/// drawn from a seeded synthetic sky with its truth file (ImageSource=synthetic).
/// Answers that are not POSS-I red plates are saved aside and fail the tile.
/// </summary>
public sealed class DownloadStep : TileStep
{
    public static readonly ParameterDefinition Survey = new("Survey", ParameterType.Choice, "dss1-red", "the plate survey", Choices: ["dss1-red"]);
    public static readonly ParameterDefinition ImageSource = new("ImageSource", ParameterType.Choice, "stsci", "where plate images come from", Choices: ["stsci", "local", "synthetic"]);
    public static readonly ParameterDefinition LocalImageDir = new("LocalImageDir", ParameterType.Text, "", "folder of FITS plates for ImageSource=local (relative to the run file)");
    public static readonly ParameterDefinition SyntheticSeed = new("SyntheticSeed", ParameterType.Integer, "1", "seed of the synthetic skies (ImageSource=synthetic); with the tile id it fixes every number of a tile");
    public static readonly ParameterDefinition SyntheticStarDensity = new("SyntheticStarDensity", ParameterType.Number, "4000", "synthetic stars per square degree brighter than SyntheticLimitMag", Min: 0, Max: 100000);
    public static readonly ParameterDefinition SyntheticLimitMag = new("SyntheticLimitMag", ParameterType.Number, "20", "synthetic plates: the magnitude whose peak is 5 times the sky noise", Min: 10, Max: 25);
    public static readonly ParameterDefinition SyntheticVanishedPerTile = new("SyntheticVanishedPerTile", ParameterType.Integer, "20", "sources put on each synthetic plate and left out of its modern catalog", Min: 0, Max: 10000);
    public static readonly ParameterDefinition SyntheticMoversPerTile = new("SyntheticMoversPerTile", ParameterType.Integer, "10", "high-proper-motion stars (150-600 mas/yr) per synthetic tile", Min: 0, Max: 10000);
    public static readonly ParameterDefinition SyntheticDefectsPerTile = new("SyntheticDefectsPerTile", ParameterType.Integer, "4", "emulsion defects (specks, scratches, blobs) per synthetic plate", Min: 0, Max: 10000);
    public static readonly ParameterDefinition SyntheticAsteroidsPerTile = new("SyntheticAsteroidsPerTile", ParameterType.Integer, "0", "known minor planets per synthetic plate: drawn at mid-exposure, predicted in the tile's SkyBoT answer (VascoSyntheticArchives)", Min: 0, Max: 10000);
    public static readonly ParameterDefinition SyntheticInfraredPerTile = new("SyntheticInfraredPerTile", ParameterType.Integer, "0", "sources per synthetic plate absent from the modern catalog and listed by the tile's infrared archive (VascoSyntheticArchives)", Min: 0, Max: 10000);
    public static readonly ParameterDefinition SyntheticArtefactsPerTile = new("SyntheticArtefactsPerTile", ParameterType.Integer, "0", "star-like scan artefacts per synthetic plate: absent from the tile's second scan (VascoSyntheticArchives)", Min: 0, Max: 10000);
    public static readonly ParameterDefinition SyntheticVariablesPerTile = new("SyntheticVariablesPerTile", ParameterType.Integer, "0", "variable stars per synthetic plate, absent from the modern catalog and listed in the tile's VSX file (VascoSyntheticArchives)", Min: 0, Max: 10000);
    public static readonly ParameterDefinition DownloadRetries = new("DownloadRetries", ParameterType.Integer, "5", "retries of a failed STScI request", Min: 0, Max: 50);
    public static readonly ParameterDefinition DownloadBackoff = new("DownloadBackoff", ParameterType.Number, "1.5", "exponential backoff base between retries (seconds: base^attempt, with jitter)", Min: 1, Max: 10);
    public static readonly ParameterDefinition DownloadTimeoutSeconds = new("DownloadTimeoutSeconds", ParameterType.Number, "120", "time limit of one STScI request", Min: 1);
    public static readonly ParameterDefinition DownloadConcurrency = new("DownloadConcurrency", ParameterType.Integer, "4", "STScI requests at once", Min: 1, Max: 64);

    /// <summary>The plate of each tile, and beside a synthetic one its truth: every source drawn on it.</summary>
    public static readonly TileDataset Plate = new("Download", ".fits");
    public static readonly TileDataset Truth = new("Download", ".truth.csv");

    /// <summary>Where plates come from; the STScI client's settings change how, not what, and stay out of the stamp.</summary>
    public sealed record Config(string Survey, string LocalImageDir, string ImageSource, SyntheticOptions Synthetic,
        int Retries, double Backoff, double TimeoutSeconds, int Concurrency);

    public static readonly StepContract Contract = StepContract.PerTile("Download", 1, typeof(DownloadStep), Bind, (env, c) => new DownloadStep(env, c));

    public static Config Bind(ParameterReader p) => new(p.Text(Survey), p.Text(LocalImageDir), p.Text(ImageSource), BindSyntheticPlate(p),
        p.Unstamped.Integer(DownloadRetries), p.Unstamped.Number(DownloadBackoff), p.Unstamped.Number(DownloadTimeoutSeconds), p.Unstamped.Integer(DownloadConcurrency));

    /// <summary>
    /// The synthetic sky's settings that its catalogs depend on (read whatever ImageSource is, so the stamp does not depend
    /// on the branch taken). Steps 2 and 6 read these: the vetting classes are in no modern catalog and never bright, so
    /// their catalogs are the same without them.
    /// </summary>
    public static SyntheticOptions BindSynthetic(ParameterReader p) => new()
    {
        Seed = p.Integer(SyntheticSeed),
        StarDensity = p.Number(SyntheticStarDensity),
        LimitMag = p.Number(SyntheticLimitMag),
        VanishedPerTile = p.Integer(SyntheticVanishedPerTile),
        MoversPerTile = p.Integer(SyntheticMoversPerTile),
        DefectsPerTile = p.Integer(SyntheticDefectsPerTile),
    };

    /// <summary>All the synthetic sky's settings, the vetting classes too: what step 1 draws on the plate.</summary>
    public static SyntheticOptions BindSyntheticPlate(ParameterReader p) => BindSynthetic(p) with
    {
        AsteroidsPerTile = p.Integer(SyntheticAsteroidsPerTile),
        InfraredPerTile = p.Integer(SyntheticInfraredPerTile),
        ArtefactsPerTile = p.Integer(SyntheticArtefactsPerTile),
        VariablesPerTile = p.Integer(SyntheticVariablesPerTile),
    };

    /// <summary>The synthetic sky step 1 draws, from a run's resolved parameters.</summary>
    public static SyntheticOptions SyntheticPlateOptions(ParameterSet values) => ((Config)Contract.Bind(values)).Synthetic;

    readonly Config _config;
    readonly LocalPlateIndex? _local;
    readonly DssClient? _client;
    /// <summary>The local plates of this build's tiles, each read once (<see cref="Run"/> tells it which tile uses which).</summary>
    PlateCache _plates = new([]);

    public DownloadStep(StepEnvironment env, Config config) : base(env)
    {
        _config = config;
        if (config.ImageSource == "synthetic") StepFields["endpoint"] = "synthetic";
        else if (config.ImageSource == "local")
        {
            _local = OpenLocalPlates(env.RunDir, config.LocalImageDir, env.StateDir);
            StepFields["endpoint"] = env.Relative(_local.Directory);
            StepFields["skipped_files"] = SkippedFiles();
        }
        else
        {
            var options = new DssClientOptions
            {
                Endpoint = string.IsNullOrWhiteSpace(env.StsciEndpoint) ? DssClientOptions.DefaultEndpoint : new Uri(env.StsciEndpoint),
                MaxRetries = config.Retries,
                BackoffBase = config.Backoff,
                AttemptTimeout = TimeSpan.FromSeconds(config.TimeoutSeconds),
                MaxConcurrency = config.Concurrency,
                CacheDir = Path.Combine(env.CacheDir, "dss"),
                RejectedDir = Path.Combine(env.Steps["Download"].OutputDir, "rejected"),
            };
            _client = new DssClient(options);
            StepFields["endpoint"] = options.Endpoint.ToString();
        }
        StepFields["survey"] = config.Survey;
        StepFields["image_source"] = config.ImageSource;
    }

    public override void Dispose()
    {
        _client?.Dispose();
        base.Dispose();
    }

    /// <summary>The plates of LocalImageDir, indexed (the plan reads it too: a tile's plate is that tile's input).</summary>
    public static LocalPlateIndex OpenLocalPlates(string runDir, string localImageDir, string stateDir)
    {
        if (string.IsNullOrWhiteSpace(localImageDir))
            throw new VascoException(ErrorCodes.ParameterInvalid, "ImageSource=local but LocalImageDir is not set.",
                "set LocalImageDir to the folder of POSS-I FITS plates (relative to the run file).");
        return LocalPlateIndex.Open(Path.GetFullPath(Path.Combine(runDir, localImageDir)), Path.Combine(stateDir, "local-plates.tsv"));
    }

    /// <summary>
    /// With local plates, the tiles of each plate run one after another and the plate is read once for them all:
    /// reading and gunzipping a plate costs the same for every tile cut from it. Cutouts from STScI mostly wait for the archive.
    /// </summary>
    public override TileWork Work() => base.Work() with
    {
        WaitsOnNetwork = _client is not null,
        Arrange = _local is null ? null : stale =>
        {
            var plateOf = stale.ToDictionary(t => t.TileId, t => _local.Choose(t.RaDeg, t.DecDeg, t.SizeArcmin).Path, StringComparer.Ordinal);
            _plates = new PlateCache(plateOf.Values.OfType<string>());
            return stale.GroupBy(t => plateOf[t.TileId]).SelectMany(g => g).ToList();
        },
    };

    public override void RunTile(TileContext t)
    {
        var fits = t.Output(Plate);
        var tile = t.Tile;
        if (_config.ImageSource == "synthetic")
        {
            DrawPlate(t, fits);
            return;
        }
        if (_local is not null)
        {
            var choice = _local.Choose(tile.RaDeg, tile.DecDeg, tile.SizeArcmin);
            if (choice.Path is null)
            {
                t.Fields["skipped_files"] = SkippedFiles();
                throw new VascoException(ErrorCodes.NoLocalPlate, $"No plate for tile {tile.TileId}: {choice.Reason}.",
                    "put a POSS-I red plate covering the tile in LocalImageDir, or use ImageSource=stsci.");
            }
            // The tile's square of the plate, as STScI would cut it: a whole plate would bring sources the tile's catalogs do not cover.
            Cutout cut = null!;
            var read = _plates.Use(choice.Path, plate =>
            {
                cut = PlateCutout.Write(plate, tile.RaDeg, tile.DecDeg, tile.SizeArcmin, fits);
                t.AddInput(plate.Path, plate.Bytes, plate.Sha256);
            });
            // Summed in the step's manifest.json: how many times the tiles' plates were read from disk.
            t.Counts["plate_reads"] = read ? 1 : 0;
            t.Fields["cutout"] = cut.WholePlate ? "whole plate" : $"x {cut.X0}..{cut.X0 + cut.Width - 1}, y {cut.Y0}..{cut.Y0 + cut.Height - 1}";
            t.Counts["covered_fraction"] = Math.Round(choice.CoveredFraction, 4);
            if (choice.CoveredFraction < 0.99)
                t.Warn(ErrorCodes.PlatePartialCoverage, string.Create(CultureInfo.InvariantCulture,
                    $"the plate {Path.GetFileName(choice.Path)} covers {choice.CoveredFraction:P1} of the tile: no source can be found on the rest"));
            Record(t, choice.Plate!, cacheHit: false);
            WarnOfHeader(t, choice.Plate!, choice.Path);
        }
        else
        {
            var result = _client!.DownloadAsync(tile.RaDeg, tile.DecDeg, tile.SizeArcmin, t.Cancellation).GetAwaiter().GetResult();
            t.Retries = result.Retries;
            t.Fields["url"] = result.Url;
            t.Fields["attempts"] = result.AttemptLog;
            // Every attempt broken or cut short is the archive's trouble (a later build may succeed), not a wrong plate.
            if (!result.Ok)
                throw new VascoException(result.GaveUp || result.RejectedPath is null ? ErrorCodes.DownloadFailed : ErrorCodes.NotAPossPlate,
                    $"No plate for tile {tile.TileId}: {result.FailureReason}" + (result.RejectedPath is null ? "." : $" (the answer is saved in {Env.Relative(result.RejectedPath)})."),
                    result.GaveUp || result.RejectedPath is null
                        ? "check the network and the STScI service, then build again (cached plates are not fetched twice)."
                        : "look at the saved answer; south of Dec -30 the archive has no POSS-I plates.");
            PlateCutout.CopyWhole(result.CachePath!, fits);
            Record(t, result.Plate!, result.CacheHit);
            WarnOfHeader(t, result.Plate!, result.CachePath!);
        }
        t.AddOutput(fits);
        t.Counts["fits"] = 1;
    }

    /// <summary>The files of LocalImageDir that are not usable plates, each with why (for the manifests).</summary>
    List<Dictionary<string, string>> SkippedFiles() =>
        _local!.Skipped.Select(s => new Dictionary<string, string> { ["file"] = Env.Relative(s.Path), ["reason"] = s.Reason }).ToList();

    /// <summary>A synthetic plate and, beside it, the truth: every source drawn on it and what the modern catalog lists.</summary>
    void DrawPlate(TileContext t, string fits)
    {
        var sky = SyntheticSky.For(t.Tile, _config.Synthetic);
        var (pixels, header) = SyntheticPlate.Render(sky);
        var truth = t.Output(Truth);
        TruthCsv.Write(truth, sky.Sources);
        var writer = new FitsWriter();
        writer.AddImage(pixels, [sky.Width, sky.Height], header);
        writer.WriteTo(fits);
        t.AddOutput(truth);
        t.AddOutput(fits);
        t.Fields["plate_id"] = header.GetString("PLATEID");
        t.Fields["date_obs"] = header.GetString("DATE-OBS");
        t.Fields["plate_epoch"] = Math.Round(sky.PlateEpoch, 6);
        t.Fields["synthetic_seed"] = _config.Synthetic.Seed;
        t.Fields["synthetic_generator_version"] = SyntheticPlate.Version;
        foreach (var kind in new[] { SourceKind.Star, SourceKind.Faint, SourceKind.Vanished, SourceKind.Mover, SourceKind.Defect }.Concat(SourceKind.Vetting))
            t.Counts[$"synthetic_{kind}"] = sky.Sources.Count(s => s.Kind == kind);
        t.Counts["fits"] = 1;
    }

    static void WarnOfHeader(TileContext t, PlateInfo plate, string path)
    {
        foreach (var card in plate.HeaderWarnings)
            t.Warn(ErrorCodes.PlateHeaderNonStandard, $"plate {Path.GetFileName(path)}: {card}");
    }

    static void Record(TileContext t, PlateInfo plate, bool cacheHit)
    {
        t.Fields["cache_hit"] = cacheHit;
        t.Fields["plate_id"] = plate.PlateId;
        t.Fields["region"] = plate.Region;
        t.Fields["plate_label"] = plate.Label;
        t.Fields["survey"] = plate.Survey;
        t.Fields["date_obs"] = plate.DateObs;
        t.Fields["plate_epoch"] = double.IsNaN(plate.Epoch) ? null : Math.Round(plate.Epoch, 6);
        t.Fields["plate_evidence"] = plate.Evidence;
        t.Counts["cache_hits"] = cacheHit ? 1 : 0;
    }
}
