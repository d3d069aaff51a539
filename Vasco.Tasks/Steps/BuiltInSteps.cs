namespace Vasco.Steps;

/// <summary>Vasco's steps, in order. A new step adds its contract here (one line) and its targets in Vasco.Steps.targets.</summary>
public static class BuiltInSteps
{
    public static readonly IReadOnlyList<StepContract> All =
    [
        TilingStep.Contract,
        DownloadStep.Contract,
        PreprocessStep.Contract,
        Pass1Step.Contract,
        PsfStep.Contract,
        Pass2Step.Contract,
        ExternalStep.Contract,
        CrossMatchStep.Contract,
        FilterStep.Contract,
        VetArchivesStep.Contract,
        VetAsteroidsStep.Contract,
        VetVariablesStep.Contract,
        VetSecondScanStep.Contract,
        VetMotionStep.Contract,
        VetShadowStep.Contract,
        OtherPlatesStep.Contract,
        SummarizeStep.Contract,
        PackageStep.Contract,
    ];

    public static StepContract? Find(string name) => All.FirstOrDefault(s => s.Name == name);
}
