using System.Globalization;
using Vasco.Fits;
using Vasco.IO;
using Vasco.Pipeline;
using Vasco.Preprocess;
using Vasco.Vetting;

namespace Vasco.Steps;

/// <summary>
/// What the vetting stages (the steps after the selection) share: each reads step 8's candidates of a tile, judges
/// every one of them, and writes one file per tile (<see cref="StageTable"/>) in data/vetting/&lt;RunId&gt;/&lt;stage&gt;/.
/// Candidates a stage could not check are counted and said in a warning (VASCO8504), never passed.
/// </summary>
public abstract class VettingStage(StepEnvironment env) : TileStep(env)
{
    /// <summary>The stage's per-tile file.</summary>
    protected abstract TileDataset Verdicts { get; }

    /// <summary>The stage's own columns, after tile_id, number, ra, dec, status.</summary>
    protected abstract IReadOnlyList<string> DetailColumns { get; }

    /// <summary>The dataset of a stage's per-tile verdicts (data/vetting/&lt;RunId&gt;/&lt;folder&gt;/&lt;tile&gt;.csv).</summary>
    public static TileDataset VerdictsOf(string stepName) => new(stepName, ".csv");

    protected static IReadOnlyList<VettingCandidate> CandidatesOf(TileContext t)
    {
        var path = t.Input(FilterStep.Candidates);
        t.AddInput(path);
        return VettingCandidate.Read(path, t.Tile.TileId);
    }

    protected void Write(TileContext t, IReadOnlyList<VettingCandidate> candidates, IReadOnlyList<StageVerdict> verdicts)
    {
        var path = t.Output(Verdicts);
        AtomicFile.WriteAllText(path, StageTable.Write(candidates, verdicts, DetailColumns));
        t.AddOutput(path);
        t.Counts["candidates"] = candidates.Count;
        t.Counts["passed"] = verdicts.Count(v => v.Status == VettingStatus.Passed);
        t.Counts["not_checked"] = verdicts.Count(v => VettingStatus.IsNotChecked(v.Status));
        foreach (var g in verdicts.Where(v => v.Status != VettingStatus.Passed && !VettingStatus.IsNotChecked(v.Status)).GroupBy(v => VettingStatus.ReasonOf(v.Status) ?? v.Status))
            t.Counts[(VettingStatus.IsRemoved(g.First().Status) ? "removed_" : "flagged_") + g.Key] = g.Count();
        // Said once per run by step 8 (VASCO8504), not per tile: an offline survey run would otherwise warn per tile and stage.
        var whys = verdicts.Where(v => VettingStatus.IsNotChecked(v.Status)).GroupBy(v => v.Status).ToDictionary(g => g.Key["not_checked:".Length..], g => g.Count());
        if (whys.Count > 0) t.Fields["not_checked"] = whys;
    }

    /// <summary>
    /// When and where the tile's plate was exposed (the clean image's header), recorded in the tile's manifest; or null after
    /// writing every candidate not_checked, when the header gives no start to the minute or no EXPOSURE (no mid-exposure).
    /// </summary>
    protected PlateExposure? MidExposure(TileContext t, IReadOnlyList<VettingCandidate> candidates)
    {
        var clean = t.Input(PreprocessStep.Clean);
        var exposure = PlateExposure.FromHeader(FitsFile.ReadPrimaryHeader(clean), clean);
        t.AddInput(clean);
        if (exposure.MidUnknown is { } why)
        {
            Write(t, candidates, NoneChecked(candidates.Count, why));
            return null;
        }
        t.Fields["exposure_start_utc"] = exposure.StartUtc.ToString("yyyy-MM-dd'T'HH:mm:ss", CultureInfo.InvariantCulture);
        t.Fields["exposure_minutes"] = exposure.Duration!.Value.TotalMinutes;
        t.Fields["mid_exposure_utc"] = exposure.MidUtc.ToString("yyyy-MM-dd'T'HH:mm:ss", CultureInfo.InvariantCulture);
        return exposure;
    }

    /// <summary>Every candidate not checked, for the same reason.</summary>
    protected IReadOnlyList<StageVerdict> NoneChecked(int count, string why) =>
        Enumerable.Range(0, count).Select(_ => StageVerdict.NotChecked(why, DetailColumns.Count)).ToList();
}
