using Vasco.Pipeline;
using Vasco.Vetting;

namespace Vasco.Steps;

/// <summary>
/// Vetting stage 4: the second digitisation of the same plate. SuperCOSMOS scanned the POSS-I E plates (its R1
/// detections) independently of STScI's DSS: a candidate with no SuperCOSMOS detection within the radius is taken to
/// be an artefact of the DSS scan (the paper's rule: sources with a SuperCOSMOS counterpart within 5" were kept).
/// </summary>
public sealed class VetSecondScanStep : MatchStage
{
    public static readonly TileDataset Results = VerdictsOf("VetSecondScan");

    public static readonly StepContract Contract = StepContract.PerTile("VetSecondScan", 8, typeof(VetSecondScanStep), VettingSettings.Bind, (env, c) => new VetSecondScanStep(env, c));

    readonly IReadOnlyList<VettingSource> _sources;

    public VetSecondScanStep(StepEnvironment env, VettingSettings settings) : base(env, settings)
    {
        _sources = [Services.FileOr("supercosmos", [], Services.SuperCosmos)];
        DescribeSources();
    }

    protected override TileDataset Verdicts => Results;
    protected override IReadOnlyList<string> DetailColumns { get; } = ["second_scan_sep_arcsec"];
    protected override IReadOnlyList<VettingSource> Sources => _sources;

    /// <summary>South of this, SuperCOSMOS's R1 scans are of ESO-R plates (1978-90), not POSS-I E: no second scan of the same plate.</summary>
    public const double SuperCosmosPossIDecMin = -17.5;

    protected override StageVerdict Judge(VettingCandidate c, IReadOnlyList<(VettingSource Source, SourceAnswer Answer)> answers)
    {
        var (source, answer) = answers[0];
        // A later plate's scan would "miss" every real transient: a service answer there says nothing of this plate.
        if (source.IsService && c.Dec < SuperCosmosPossIDecMin)
            return new(VettingStatus.NotChecked($"SuperCOSMOS scanned ESO-R plates, not POSS-I E, south of Dec {SuperCosmosPossIDecMin}"), [""]);
        if (NotCheckedBy(c, answers) is { Length: > 0 } why) return new(VettingStatus.NotChecked(why), [""]);
        return answer.Matches.TryGetValue(c.Key, out var m) ? new(VettingStatus.Passed, [Arcsec(m.SeparationArcsec)]) : new(VettingStatus.Removed("scan_artefact"), [""]);
    }
}
