using System.Globalization;
using Vasco.Catalogs;
using Vasco.Download;
using Vasco.Fits;
using Vasco.IO;
using Vasco.Pipeline;
using Vasco.Preprocess;
using Vasco.SecondLook;
using Vasco.Summaries;
using Vasco.Synthetic;
using Vasco.Vetting;

namespace Vasco.Steps;

/// <summary>
/// The second look (issue 19), after the selection: each candidate on the other plates of its sky (POSS-I blue, POSS-II red,
/// blue and IR, or UKST in the south), fetched from STScI's DSS (or drawn, for a synthetic sky), registered locally on the
/// modern catalog's stars carried to each plate's epoch, and measured by forced photometry at the candidate's position. From
/// what each plate shows, a class (<see cref="SecondLookClass"/>): red_only, vanished, still_present or undecided.
/// Writes per tile data/otherplates/&lt;RunId&gt;/&lt;tile&gt;.csv (one row per candidate: its class and per plate its SNR),
/// &lt;tile&gt;.plates.csv (one row per candidate and plate, with the registration and the measurement) and a stamp per plate.
/// </summary>
public sealed class OtherPlatesStep : TileStep
{
    public static readonly ParameterDefinition OtherPlates = new("OtherPlates", ParameterType.Choice, "auto",
        "where the other plates come from: auto (ImageSource's way: STScI, or the synthetic sky; none for local plates), stsci, synthetic or offline",
        Choices: ["auto", "stsci", "synthetic", "offline"]);
    public static readonly ParameterDefinition OtherPlatesFor = new("OtherPlatesFor", ParameterType.Choice, "unexplained",
        "which candidates the second look looks at: unexplained (those no vetting stage removed: a survey asks STScI for these only) or all",
        Choices: ["unexplained", "all"]);
    public static readonly ParameterDefinition OtherPlatesSurveys = new("OtherPlatesSurveys", ParameterType.Text, "poss1_blue;poss2ukstu_red;poss2ukstu_blue;poss2ukstu_ir",
        "the other plates to look at: STScI dss_search survey names, ';'-separated (poss1_blue, poss2ukstu_red, poss2ukstu_blue, poss2ukstu_ir)");
    public static readonly ParameterDefinition OtherPlatesCutoutArcmin = new("OtherPlatesCutoutArcmin", ParameterType.Number, "5", "side of each other plate's cutout around a candidate, arcmin (its stars register it)", Min: 1, Max: 30);
    public static readonly ParameterDefinition OtherPlatesApertureArcsec = new("OtherPlatesApertureArcsec", ParameterType.Number, "3", "radius of the forced-photometry aperture, arcsec (sky from 2 to 4 radii)", Min: 0.5, Max: 30);
    public static readonly ParameterDefinition OtherPlatesDetectSnr = new("OtherPlatesDetectSnr", ParameterType.Number, "5", "signal-to-noise ratio at which a candidate counts as seen on another plate", Min: 1, Max: 100);
    public static readonly ParameterDefinition OtherPlatesTransientMaxHours = new("OtherPlatesTransientMaxHours", ParameterType.Number, "24", "a source absent from a POSS-I blue plate exposed at most this long from the red one is red_only (a short transient)", Min: 0);
    public static readonly ParameterDefinition OtherPlatesMinStars = new("OtherPlatesMinStars", ParameterType.Integer, "6", "catalog stars a cutout's registration needs", Min: 3, Max: 1000);
    public static readonly ParameterDefinition OtherPlatesMaxRmsArcsec = new("OtherPlatesMaxRmsArcsec", ParameterType.Number, "2", "largest residual of a usable registration, arcsec", Min: 0.05, Max: 30);

    public static readonly TileDataset Results = new("OtherPlates", ".csv");
    public static readonly TileDataset Plates = new("OtherPlates", ".plates.csv");
    /// <summary>For a synthetic sky: each vanished source's fate on the other plates, as drawn (what a recovery run compares the classes with).</summary>
    public static readonly TileDataset Fates = new("OtherPlates", ".truth.csv");

    public sealed record Config(string ImageSource, string Source, bool UnexplainedOnly, IReadOnlyList<PlateSurvey> Surveys, double CutoutArcmin, double ApertureArcsec, SecondLookThresholds Thresholds,
        RegistrationOptions Registration, SyntheticOptions Synthetic, int Retries, double Backoff, double TimeoutSeconds, int Concurrency);

    public static readonly StepContract Contract = StepContract.PerTile("OtherPlates", 8, typeof(OtherPlatesStep), Bind, (env, c) => new OtherPlatesStep(env, c));

    public static Config Bind(ParameterReader p)
    {
        var imageSource = p.Text(DownloadStep.ImageSource);
        var source = p.Text(OtherPlates) is "auto" ? imageSource switch { "stsci" => "stsci", "synthetic" => "synthetic", _ => "offline" } : p.Text(OtherPlates);
        var surveys = StepDeclaration.SplitList(p.Text(OtherPlatesSurveys)).Select(n => PlateSurvey.Find(n) ?? throw new VascoException(ErrorCodes.ParameterInvalid,
            $"OtherPlatesSurveys names '{n}', which is not a DSS survey Vasco knows.", $"use {string.Join(", ", PlateSurvey.All.Select(s => s.DssName))}, ';'-separated.")
            { InRunFile = RunFileElement.Property(OtherPlatesSurveys.Name) }).Distinct().ToList();
        return new Config(imageSource, source, p.Text(OtherPlatesFor) == "unexplained", surveys, p.Number(OtherPlatesCutoutArcmin), p.Number(OtherPlatesApertureArcsec),
            new SecondLookThresholds(p.Number(OtherPlatesDetectSnr), p.Number(OtherPlatesTransientMaxHours)),
            new RegistrationOptions(p.Integer(OtherPlatesMinStars), p.Number(OtherPlatesMaxRmsArcsec)),
            DownloadStep.BindSyntheticPlate(p),
            p.Unstamped.Integer(DownloadStep.DownloadRetries), p.Unstamped.Number(DownloadStep.DownloadBackoff),
            p.Unstamped.Number(DownloadStep.DownloadTimeoutSeconds), p.Unstamped.Integer(DownloadStep.DownloadConcurrency));
    }

    readonly Config _config;
    readonly Dictionary<string, DssClient> _clients = [];

    public OtherPlatesStep(StepEnvironment env, Config config) : base(env)
    {
        _config = config;
        if (config.Source == "stsci")
            foreach (var survey in config.Surveys)
                _clients[survey.DssName] = new DssClient(new DssClientOptions
                {
                    Endpoint = string.IsNullOrWhiteSpace(env.StsciEndpoint) ? DssClientOptions.DefaultEndpoint : new Uri(env.StsciEndpoint),
                    Survey = survey.DssName,
                    Plates = survey,
                    MaxRetries = config.Retries,
                    BackoffBase = config.Backoff,
                    AttemptTimeout = TimeSpan.FromSeconds(config.TimeoutSeconds),
                    // DownloadConcurrency is what STScI gets from this build at once, shared among the surveys' clients.
                    MaxConcurrency = Math.Max(1, config.Concurrency / config.Surveys.Count),
                    CacheDir = Path.Combine(env.CacheDir, "dss-other", survey.DssName),
                    RejectedDir = Path.Combine(env.Steps["OtherPlates"].OutputDir, "rejected"),
                });
        StepFields["source"] = config.Source;
        StepFields["surveys"] = config.Surveys.Select(s => s.DssName).ToList();
    }

    /// <summary>Cutouts from STScI: the tiles mostly wait for the archive.</summary>
    public override TileWork Work() => base.Work() with { WaitsOnNetwork = _clients.Count > 0 };

    public override void Dispose()
    {
        foreach (var c in _clients.Values) c.Dispose();
        base.Dispose();
    }

    /// <summary>The per-candidate file's columns after tile_id, number, ra, dec, status (the class): why, then each plate's SNR.</summary>
    public IReadOnlyList<string> DetailColumns => DetailColumnsFor(_config.Surveys);

    public static IReadOnlyList<string> DetailColumnsFor(IEnumerable<PlateSurvey> surveys) => ["classification_why", .. surveys.Select(s => s.Short + "_snr")];

    /// <summary>Where a candidate's stamp of one other plate goes.</summary>
    public static string StampPath(string outputDir, string tileId, string number, PlateSurvey survey) =>
        Path.Combine(outputDir, tileId + ".plates", $"{number}_{survey.Short}.png");

    public override void RunTile(TileContext t)
    {
        var candidatesPath = t.Input(FilterStep.Candidates);
        t.AddInput(candidatesPath);
        var candidates = VettingCandidate.Read(candidatesPath, t.Tile.TileId);
        var clean = t.Input(PreprocessStep.Clean);
        t.AddInput(clean);
        var red = PlateExposure.FromHeader(FitsFile.ReadPrimaryHeader(clean), clean);
        DateTime? redMid = red.StartUnknown is null ? red.MidUtc : null;
        if (redMid is { } m) t.Fields["red_mid_exposure_utc"] = m.ToString("yyyy-MM-dd'T'HH:mm:ss", CultureInfo.InvariantCulture);

        var stars = ModernStars(t);
        var sky = _config.Source == "synthetic" ? SyntheticSky.For(t.Tile, _config.Synthetic) : null;
        if (sky is not null)
        {
            var fates = t.Output(Fates);
            TruthCsv.Write(fates, sky.Sources.Where(s => s.Kind == SourceKind.Vanished));
            t.AddOutput(fates);
        }
        var looks = new List<PlateLook>[candidates.Count];
        var rows = new List<string[]>();
        var stampDir = Path.Combine(t.Step.OutputDir, t.Tile.TileId + ".plates");
        if (Directory.Exists(stampDir)) Directory.Delete(stampDir, recursive: true);
        var transient = new List<string>();
        var removed = _config.UnexplainedOnly ? RemovedByVetting(t) : new Dictionary<string, string>();
        // Every cutout of the tile asked at once (each client keeps its share of DownloadConcurrency): the tile waits for
        // the slowest answer, not for the sum of them.
        var downloads = _config.Source != "stsci" ? [] : candidates.Where(c => !removed.ContainsKey(c.Number))
            .SelectMany(c => _config.Surveys.Select(s => (Key: (c.Number, s.DssName), Task: _clients[s.DssName].DownloadAsync(c.Ra, c.Dec, _config.CutoutArcmin, t.Cancellation))))
            .ToDictionary(d => d.Key, d => d.Task);
        Task.WaitAll([.. downloads.Values], t.Cancellation);
        for (var i = 0; i < candidates.Count; i++)
        {
            looks[i] = [];
            var c = candidates[i];
            if (removed.ContainsKey(c.Number)) continue;
            foreach (var survey in _config.Surveys)
            {
                var (look, row) = Look(t, c, survey, stars, sky, redMid, transient, downloads.GetValueOrDefault((c.Number, survey.DssName))?.Result);
                looks[i].Add(look);
                rows.Add(row);
            }
        }

        var verdicts = candidates.Select((c, i) =>
        {
            if (removed.TryGetValue(c.Number, out var reason))
                return new StageVerdict(SecondLookClass.NotLooked, [$"removed by the vetting ({reason}): not looked at (OtherPlatesFor=unexplained)", .. _config.Surveys.Select(_ => "")]);
            var (cls, why) = SecondLookClass.Classify(looks[i], _config.Thresholds);
            return new StageVerdict(cls, [why, .. looks[i].Select(l => l.IsMeasured ? l.Snr.ToString("0.0", CultureInfo.InvariantCulture) : "")]);
        }).ToList();
        var results = t.Output(Results);
        AtomicFile.WriteAllText(results, StageTable.Write(candidates, verdicts, DetailColumns));
        t.AddOutput(results);
        var plates = t.Output(Plates);
        AtomicFile.WriteAllText(plates, CsvText.PlainTable(PlateColumns, rows));
        t.AddOutput(plates);
        if (Directory.Exists(stampDir))
            foreach (var png in Directory.GetFiles(stampDir, "*.png").Order(StringComparer.Ordinal)) t.AddOutput(png);

        t.Counts["candidates"] = candidates.Count;
        foreach (var cls in SecondLookClass.Classes) t.Counts["class_" + cls] = verdicts.Count(v => v.Status == cls);
        var notMeasured = looks.SelectMany(l => l).Where(l => !l.IsMeasured).GroupBy(l => l.Status).ToDictionary(g => g.Key, g => g.Count());
        if (notMeasured.Count > 0) t.Fields["not_measured"] = notMeasured;
        // Another build may get what the archive could not give now; an answer that there is no plate stands.
        if (transient.Count > 0) t.RetryNextBuild = $"STScI gave no usable answer for {transient.Count} cutout(s): {transient[0]}";
    }

    public static readonly string[] PlateColumns =
        ["tile_id", "number", "survey", "status", "plate_label", "epoch", "hours_from_red", "registration_stars", "registration_rms_arcsec", "x", "y", "flux", "flux_err", "snr", "upper_limit", "stamp"];

    (PlateLook Look, string[] Row) Look(TileContext t, VettingCandidate c, PlateSurvey survey, IReadOnlyList<ReferenceStar> stars, SyntheticSky? sky, DateTime? redMid,
        List<string> transient, DssDownload? download)
    {
        string[] Row(string status, OtherPlate? plate = null, double hours = double.NaN, Registration? reg = null, ForcedFlux? flux = null, string stamp = "") =>
        [
            t.Tile.TileId, c.Number, survey.DssName, CsvText.PlainCell(status), CsvText.PlainCell(plate?.Label ?? ""), plate is null ? "" : plate.Epoch.ToString("0.0000", CultureInfo.InvariantCulture),
            Num(hours, "0.00"), reg is null ? "" : reg.Stars.ToString(CultureInfo.InvariantCulture), Num(reg?.RmsArcsec ?? double.NaN, "0.000"),
            Num(flux?.X ?? double.NaN, "0.00"), Num(flux?.Y ?? double.NaN, "0.00"), Num(flux?.Flux ?? double.NaN, "0.0"), Num(flux?.Error ?? double.NaN, "0.0"),
            Num(flux?.Snr ?? double.NaN, "0.00"), Num(flux?.UpperLimit ?? double.NaN, "0.0"), stamp,
        ];
        byte[] fits;
        string source;
        switch (_config.Source)
        {
            case "synthetic":
                fits = SyntheticOtherPlate.Cutout(sky!, survey, c.Ra, c.Dec, _config.CutoutArcmin);
                source = $"the synthetic {survey.Label} cutout";
                break;
            case "stsci":
                if (download is null) throw new InvalidOperationException($"no download was started for candidate {c.Number} on {survey.DssName}");
                if (!download.Ok)
                {
                    if (download.GaveUp || download.RejectedPath is null) transient.Add(download.FailureReason ?? "");
                    var why = (download.GaveUp || download.RejectedPath is null ? "not_fetched:" : "no_plate:") + download.FailureReason;
                    return (PlateLook.NotMeasured(survey, why), Row(why));
                }
                fits = File.ReadAllBytes(download.CachePath!);
                source = download.CachePath!;
                break;
            default:
                var offline = "not_fetched:offline (OtherPlates=offline, or local plates: set OtherPlates=stsci to fetch them)";
                return (PlateLook.NotMeasured(survey, offline), Row(offline));
        }

        var plate = OtherPlate.Read(fits, survey, source);
        var hours = plate.MidUtc is { } mid && redMid is { } r ? (mid - r).TotalHours : double.NaN;
        var reg = Registration.Fit(plate, stars.Select(s => s.PropagatedTo(plate.Epoch)).Select(s => (s.Ra, s.Dec)), _config.Registration);
        if (!reg.Ok)
        {
            var why = "not_registered:" + reg.Failure;
            return (PlateLook.NotMeasured(survey, why, hours, plate.Epoch), Row(why, plate, hours, reg));
        }
        // The candidate is where the red plate saw it (no proper motion: the modern catalog does not know it).
        var (px, py) = plate.Wcs.SkyToPixel(c.Ra, c.Dec);
        var (x, y) = reg.Apply(px, py);
        var flux = ForcedFlux.Measure(plate.Pixels, plate.Width, plate.Height, x, y, _config.ApertureArcsec / plate.PixelScaleArcsec);
        if (flux is null)
        {
            const string edge = "off_image:the candidate is too near the cutout's edge for the aperture and its sky";
            return (PlateLook.NotMeasured(survey, edge, hours, plate.Epoch), Row(edge, plate, hours, reg));
        }
        var stamp = StampPath(t.Step.OutputDir, t.Tile.TileId, c.Number, survey);
        Directory.CreateDirectory(Path.GetDirectoryName(stamp)!);
        AtomicFile.WriteAllBytes(stamp, Report.Stamp(plate.Pixels, plate.Width, plate.Height, x, y));
        return (new PlateLook(survey, PlateLook.Measured, flux.Snr, hours, plate.Epoch),
            Row(PlateLook.Measured, plate, hours, reg, flux, Path.GetRelativePath(t.Step.OutputDir, stamp).Replace('\\', '/')));
    }

    /// <summary>The vetting stages that remove candidates, in the funnel's order (the shadow stage only flags).</summary>
    static readonly TileDataset[] RemovingStages = [VetArchivesStep.Results, VetAsteroidsStep.Results, VetVariablesStep.Results, VetSecondScanStep.Results, VetMotionStep.Results];

    /// <summary>The tile's candidates some vetting stage removed, with the first stage's reason.</summary>
    static Dictionary<string, string> RemovedByVetting(TileContext t)
    {
        var removed = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var stage in RemovingStages)
        {
            var path = t.Input(stage);
            t.AddInput(path);
            foreach (var (number, verdict) in StageTable.Read(path).ByNumber)
                if (VettingStatus.ReasonOf(verdict.Status) is { } reason) removed.TryAdd(number, reason);
        }
        return removed;
    }

    static string Num(double v, string format) => double.IsFinite(v) ? v.ToString(format, CultureInfo.InvariantCulture) : "";

    /// <summary>The tile's modern catalog stars (step 6's files), for registering the other plates.</summary>
    IReadOnlyList<ReferenceStar> ModernStars(TileContext t)
    {
        var stars = new List<ReferenceStar>();
        foreach (var item in ExternalStep.CatalogsOf(Env, _config.ImageSource))
        {
            var path = ExternalStep.TileCatalogPath(Env, item.Name, t.Tile.TileId);
            if (!File.Exists(path)) continue;
            t.AddInput(path);
            stars.AddRange(ReferenceCatalogCsv.Read(path));
        }
        return stars;
    }
}
