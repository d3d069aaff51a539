using System.Globalization;
using Vasco.Catalogs;
using Vasco.Pipeline;
using Vasco.Preprocess;
using Vasco.Vetting;

namespace Vasco.Steps;

/// <summary>
/// Vetting stage 5: high proper motion. A candidate is a mover, not a vanished source, when a modern star of the
/// run's catalogs (step 6's files of the tile) within MoverSearchArcsec, run back to the plate epoch along its
/// catalogued motion (or the same star's motion in another of the run's catalogs, as USNO-B1 gives where Gaia has
/// none), lands on it (<see cref="MoverCheck"/>). Step 7 matched at the plate epoch with each catalog's own motions;
/// this stage catches the stars whose motion only another catalog knows, and fast stars whose motion error exceeds
/// the match radius over the decades since the plate.
/// </summary>
public sealed class VetMotionStep : VettingStage
{
    public static readonly ParameterDefinition MoverSearchArcsec = new("MoverSearchArcsec", ParameterType.Number, "120", "high proper motion: modern stars this close to a candidate are run back to the plate epoch", Min: 0, MinExclusive: true);
    public static readonly ParameterDefinition MoverPmMinMasYr = new("MoverPmMinMasYr", ParameterType.Number, "50", "high proper motion: only stars moving at least this fast (mas/yr) explain a candidate", Min: 0);
    public static readonly ParameterDefinition MoverToleranceArcsec = new("MoverToleranceArcsec", ParameterType.Number, "5", "high proper motion: a star run back to the plate epoch explains a candidate within this, plus the motion's error", Min: 0, MinExclusive: true);
    public static readonly ParameterDefinition MoverPmErrorFraction = new("MoverPmErrorFraction", ParameterType.Number, "0.1", "high proper motion: the motion's error, as a fraction of the star's displacement since the plate", Min: 0, Max: 1);

    public static readonly TileDataset Results = VerdictsOf("VetMotion");

    public sealed record Config(double SearchArcsec, double PmMinMasYr, double ToleranceArcsec, double PmErrorFraction, string ImageSource);

    public static readonly StepContract Contract = StepContract.PerTile("VetMotion", 8, typeof(VetMotionStep), Bind, (env, c) => new VetMotionStep(env, c));

    public static Config Bind(ParameterReader p) => new(p.Number(MoverSearchArcsec), p.Number(MoverPmMinMasYr), p.Number(MoverToleranceArcsec), p.Number(MoverPmErrorFraction), p.Text(DownloadStep.ImageSource));

    readonly Config _config;
    readonly IReadOnlyList<CatalogItem> _catalogs;

    public VetMotionStep(StepEnvironment env, Config config) : base(env)
    {
        _config = config;
        _catalogs = ExternalStep.CatalogsOf(env, config.ImageSource);
        StepFields["catalogs"] = _catalogs.Select(c => c.Name).ToList();
        StepFields["search_arcsec"] = config.SearchArcsec;
        StepFields["pm_min_mas_yr"] = config.PmMinMasYr;
    }

    protected override TileDataset Verdicts => Results;
    protected override IReadOnlyList<string> DetailColumns { get; } = ["mover", "mover_pm_mas_yr", "mover_pm_from", "mover_offset_arcsec"];

    public override void RunTile(TileContext t)
    {
        var candidates = CandidatesOf(t);
        var epoch = CleanPlate.Read(t.Input(PreprocessStep.Clean)).Epoch;
        var stars = new List<(string, ReferenceStar)>();
        foreach (var c in _catalogs)
        {
            var path = ExternalStep.TileCatalogPath(Env, c.Name, t.Tile.TileId);
            t.AddInput(path);
            stars.AddRange(ReferenceCatalogCsv.Read(path).Select(s => (c.Name, s)));
        }
        var check = new MoverCheck(stars, _config.SearchArcsec, _config.PmMinMasYr, _config.ToleranceArcsec, _config.PmErrorFraction);
        t.Fields["plate_epoch"] = epoch;
        Write(t, candidates, candidates.Select(c => check.Explain(c.Ra, c.Dec, epoch) is { } m
            ? new StageVerdict(VettingStatus.Removed("mover"), [$"{m.Catalog}:{m.Star.Id}", F(m.PmMasYr, 1), m.PmFrom, F(m.OffsetArcsec, 3)])
            : StageVerdict.Passed(DetailColumns.Count)).ToList());
    }

    static string F(double v, int digits) => Math.Round(v, digits).ToString(CultureInfo.InvariantCulture);
}
