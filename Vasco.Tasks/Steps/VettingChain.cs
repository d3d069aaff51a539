using Vasco.Pipeline;
using Vasco.Vetting;

namespace Vasco.Steps;

/// <summary>The vetting stages as steps: each stage's step and its place in the funnel; and the run's vetted list, written once per run by step 8.</summary>
public static class VettingChain
{
    public static readonly IReadOnlyList<(string Step, FunnelStage Stage)> Stages =
    [
        (VetArchivesStep.Contract.Name, Funnel.Stage("archives")),
        (VetAsteroidsStep.Contract.Name, Funnel.Stage("asteroids")),
        (VetVariablesStep.Contract.Name, Funnel.Stage("variables")),
        (VetSecondScanStep.Contract.Name, Funnel.Stage("second-scan")),
        (VetMotionStep.Contract.Name, Funnel.Stage("motion")),
        (VetShadowStep.Contract.Name, Funnel.Stage("shadow")),
    ];

    /// <summary>The stages the run declares: all of them, or none (a run of the engine's own steps).</summary>
    public static IReadOnlyList<(StepDeclaration Step, FunnelStage Stage)> In(IReadOnlyDictionary<string, StepDeclaration> steps)
    {
        var present = Stages.Where(s => steps.ContainsKey(s.Step)).Select(s => (steps[s.Step], s.Stage)).ToList();
        return present.Count == 0 || present.Count == Stages.Count ? present
            : throw new VascoException(ErrorCodes.Internal, $"The run declares only some vetting stages ({string.Join(", ", present.Select(p => p.Item1.Name))}).",
                "declare all six VetX steps or none (Vasco.Steps.targets declares them all).");
    }
}
