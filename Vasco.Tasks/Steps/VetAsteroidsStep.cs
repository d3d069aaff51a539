using System.Globalization;
using Vasco.Catalogs;
using Vasco.Pipeline;
using Vasco.SolarSystem;
using Vasco.Vetting;

namespace Vasco.Steps;

/// <summary>
/// Vetting stage 2: known minor planets. IMCCE's SkyBoT is asked, once per tile, which known objects were in the
/// tile's cone at the middle of the exposure (DATE-OBS/UT plus half of EXPOSURE, from the plate header) as seen from
/// Palomar (observatory 675: from the geocentre a main-belt asteroid moves by more than the radius). Each object is
/// allowed a radius of its own: the larger of AsteroidRadiusArcsec and AsteroidErrorSigmas times its position error,
/// plus half its trail over the exposure (<see cref="KnownObjects"/>).
/// </summary>
public sealed class VetAsteroidsStep : VettingStage
{
    public static readonly ParameterDefinition SkybotObserver = new("SkybotObserver", ParameterType.Text, "675", "the IAU observatory code SkyBoT computes positions for (675: Palomar, where POSS-I was exposed; 500: the geocentre), in the vetting and the report's links");
    public static readonly ParameterDefinition AsteroidRadiusArcsec = new("AsteroidRadiusArcsec", ParameterType.Number, "5", "a known object explains a candidate within this radius at least (plus half its trail over the exposure)", Min: 0, MinExclusive: true);
    public static readonly ParameterDefinition AsteroidErrorSigmas = new("AsteroidErrorSigmas", ParameterType.Number, "3", "a known object's radius is at least this many times its predicted position's error", Min: 0);

    public static readonly TileDataset Results = VerdictsOf("VetAsteroids");

    public sealed record Config(VettingSettings Vetting, string Observer, double RadiusArcsec, double Sigmas);

    public static readonly StepContract Contract = StepContract.PerTile("VetAsteroids", 8, typeof(VetAsteroidsStep), Bind, (env, c) => new VetAsteroidsStep(env, c));

    public static Config Bind(ParameterReader p) => new(VettingSettings.BindServices(p), p.Text(SkybotObserver).Trim(), p.Number(AsteroidRadiusArcsec), p.Number(AsteroidErrorSigmas));

    readonly Config _config;
    readonly CatalogItem? _file;
    readonly SkybotClient? _client;

    public VetAsteroidsStep(StepEnvironment env, Config config) : base(env)
    {
        _config = config;
        _file = VettingServiceSources.FileItem(env, "skybot");
        if (_file is null && config.Vetting.Online)
            _client = new SkybotClient(new SkybotClientOptions
            {
                Endpoint = new Uri(config.Vetting.SkybotUrl),
                Observer = config.Observer,
                MaxRetries = config.Vetting.Retries,
                AttemptTimeout = TimeSpan.FromSeconds(config.Vetting.TimeoutSeconds),
                MinInterval = TimeSpan.FromSeconds(config.Vetting.MinIntervalSeconds),
                CacheDir = Path.Combine(env.CacheDir, "skybot"),
            });
        StepFields["source"] = _file is not null ? $"skybot: file {_file.Meta("File")}"
            : _client is not null ? $"skybot: {config.Vetting.SkybotUrl} (observer {config.Observer})" : $"skybot: not asked ({VettingSettings.OfflineWhy})";
        StepFields["observer"] = config.Observer;
        StepFields["radius_floor_arcsec"] = config.RadiusArcsec;
        StepFields["error_sigmas"] = config.Sigmas;
    }

    /// <summary>SkyBoT asked per tile: the tiles mostly wait for it.</summary>
    public override TileWork Work() => base.Work() with { WaitsOnNetwork = _client is not null };

    public override void Dispose()
    {
        _client?.Dispose();
        base.Dispose();
    }

    protected override TileDataset Verdicts => Results;
    protected override IReadOnlyList<string> DetailColumns { get; } =
        ["asteroid", "asteroid_class", "asteroid_ra", "asteroid_dec", "asteroid_sep_arcsec", "asteroid_radius_arcsec", "asteroid_rate_arcsec_h", "asteroid_mv"];

    public override void RunTile(TileContext t)
    {
        var candidates = CandidatesOf(t);
        if (MidExposure(t, candidates) is not { Duration: { } duration } exposure) return;
        if (candidates.Count == 0)
        {
            Write(t, candidates, []);
            return;
        }
        var (objects, why) = KnownObjectsOf(t, exposure.MidUtc);
        t.Counts["known_objects"] = objects?.Count ?? 0;
        if (objects is null)
        {
            Write(t, candidates, NoneChecked(candidates.Count, why!));
            return;
        }
        Write(t, candidates, candidates.Select(c => KnownObjects.Match(c.Ra, c.Dec, objects, duration, _config.RadiusArcsec, _config.Sigmas) is { } m
            ? new StageVerdict(VettingStatus.Removed("asteroid"),
            [
                (m.Object.Number is { Length: > 0 } n && n != "-" ? $"({n}) " : "") + m.Object.Name, m.Object.Class,
                F(m.Object.RaDeg, 6), F(m.Object.DecDeg, 6), F(m.SeparationArcsec, 3), F(m.RadiusArcsec, 3), F(m.Object.RateArcsecPerHour, 2), F(m.Object.Mv, 2),
            ])
            : StageVerdict.Passed(DetailColumns.Count)).ToList());
    }

    static string F(double v, int digits) => double.IsFinite(v) ? Math.Round(v, digits).ToString(CultureInfo.InvariantCulture) : "";

    /// <summary>The known objects in the tile's cone at mid-exposure (from the file or SkyBoT), or why there are none to give.</summary>
    (IReadOnlyList<SkybotObject>? Objects, string? Why) KnownObjectsOf(TileContext t, DateTime midUtc)
    {
        if (_file is not null)
        {
            var path = Path.GetFullPath(Path.Combine(Env.RunDir, _file.Meta("File")!.Replace("{tile}", t.Tile.TileId)));
            if (!File.Exists(path)) return (null, $"skybot: no file {Path.GetFileName(path)} for the tile");
            var answer = SkybotAnswer.Parse(File.ReadAllText(path));
            if (answer.Kind is not (SkybotAnswerKind.Objects or SkybotAnswerKind.None))
                throw new VascoException(ErrorCodes.VettingFileUnreadable, $"The SkyBoT file '{path}' is not a SkyBoT answer: {answer.Message}.",
                    "save SkyBoT's text answer (-mime=text) for the tile's cone at mid-exposure, or remove the VascoVettingFile item to ask SkyBoT.", path);
            t.AddInput(path);
            return (answer.Objects, null);
        }
        if (_client is null) return (null, $"skybot: {VettingSettings.OfflineWhy}");
        var cone = Cone.ForTile(t.Tile);
        t.Fields["cone_radius_deg"] = Math.Round(cone.RadiusArcmin / 60, 6);
        var result = _client.ConeSearchAsync(new SkybotQuery(midUtc, cone.Ra, cone.Dec, cone.RadiusArcmin / 60), t.Cancellation).GetAwaiter().GetResult();
        t.Retries += result.Retries;
        t.Fields["skybot_url"] = result.Url;
        t.Fields["skybot_cache_hit"] = result.CacheHit;
        if (result.Ok) return (result.Objects, null);
        if (!result.Refused) t.RetryNextBuild = "SkyBoT did not answer: the next build asks again";
        return (null, $"skybot: {result.FailureReason}");
    }
}
