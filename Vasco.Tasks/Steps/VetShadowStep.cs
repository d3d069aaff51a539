using System.Globalization;
using Vasco.Pipeline;
using Vasco.Sky;
using Vasco.Vetting;

namespace Vasco.Steps;

/// <summary>
/// Vetting stage 6, a flag and not a cut: whether each candidate's line of sight, from the plate's site at the middle
/// of its exposure, passes through Earth's umbra at each of EarthShadowDistancesKm (by default the geostationary
/// distance, 42,164 km): a sunlit reflecting object there could flash on a plate, one in the shadow could not.
/// </summary>
public sealed class VetShadowStep : VettingStage
{
    public static readonly ParameterDefinition EarthShadowDistancesKm = new("EarthShadowDistancesKm", ParameterType.Text, "42164",
        "distances from Earth's centre (km, ';'-separated) at which each candidate's line of sight is tested for Earth's umbra (42164: geostationary)");

    public static readonly TileDataset Results = VerdictsOf("VetShadow");

    public static readonly StepContract Contract = StepContract.PerTile("VetShadow", 8, typeof(VetShadowStep), Bind, (env, c) => new VetShadowStep(env, c));

    /// <summary>The distances as the run gives them; checked when the step is made, before any tile runs.</summary>
    public sealed record Config(string DistancesKm);

    public static Config Bind(ParameterReader p) => new(p.Text(EarthShadowDistancesKm));

    public static IReadOnlyList<double> Distances(string text)
    {
        var distances = new List<double>();
        foreach (var part in text.Split(';', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries))
            distances.Add(double.TryParse(part, NumberStyles.Float, CultureInfo.InvariantCulture, out var km) && km > EarthShadow.EarthRadiusKm && double.IsFinite(km) ? km
                : throw new VascoException(ErrorCodes.ParameterInvalid, $"EarthShadowDistancesKm=\"{text}\": '{part}' is not a distance in km beyond Earth's radius ({EarthShadow.EarthRadiusKm} km).",
                    "give distances from Earth's centre in km, separated by ';' (42164 is the geostationary distance)."));
        return distances.Count > 0 ? distances
            : throw new VascoException(ErrorCodes.ParameterInvalid, "EarthShadowDistancesKm is empty.", "give at least one distance in km (42164: geostationary).");
    }

    readonly IReadOnlyList<double> _distances;

    public VetShadowStep(StepEnvironment env, Config config) : base(env)
    {
        _distances = Distances(config.DistancesKm);
        StepFields["distances_km"] = _distances;
    }

    protected override TileDataset Verdicts => Results;
    protected override IReadOnlyList<string> DetailColumns { get; } = [];

    public override void RunTile(TileContext t)
    {
        var candidates = CandidatesOf(t);
        if (MidExposure(t, candidates) is not { } exposure) return;
        var site = exposure.Site;
        if (site is null)
        {
            site = ObservingSite.Palomar;
            if (candidates.Count > 0) t.Warn(ErrorCodes.VettingAssumed, "the plate header gives no SITELAT/SITELONG: the Earth-shadow flag assumes Palomar, where POSS-I was exposed");
        }
        t.Fields["site"] = site.Name;
        Write(t, candidates, candidates.Select(c =>
        {
            var inside = _distances.Where(km => EarthShadow.InUmbra(site, exposure.MidUtc, c.Ra, c.Dec, km)).ToList();
            return new StageVerdict(inside.Count == 0 ? "sunlit" : "in_umbra:" + string.Join(';', inside.Select(km => km.ToString(CultureInfo.InvariantCulture))), []);
        }).ToList());
    }
}
