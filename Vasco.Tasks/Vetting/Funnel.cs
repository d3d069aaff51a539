using System.Globalization;
using Vasco.IO;

namespace Vasco.Vetting;

/// <summary>
/// A vetting stage in the funnel's order (the paper's: other archives, asteroids, variables, the second scan, high proper
/// motion), with what Solano et al. (2022, MNRAS 515, 1380) removed at it; the Earth-shadow stage is a flag, not a cut.
/// </summary>
public sealed record FunnelStage(string Folder, string Column, string Title, bool Cut, long? PaperRemoved);

/// <summary>One row of funnel.csv: how many candidates came to a stage, left it, and why the others were removed.</summary>
public sealed record FunnelRow(string Stage, int In, int Out, IReadOnlyDictionary<string, int> ByReason, int NotChecked, long? PaperIn, long? PaperRemoved, long? PaperOut)
{
    public int Removed => In - Out;
}

/// <summary>
/// The run's vetting funnel. Every stage checks every candidate (so each row of candidates.csv has every stage's
/// status), and the funnel counts them in order: a stage's "in" are the candidates no earlier stage removed. A
/// candidate a stage could not check stays in, and is counted as not_checked, never as passed.
/// </summary>
public static class Funnel
{
    /// <summary>The paper's POSS-I-only sources after its selection, and what remained after its vetting.</summary>
    public const long PaperSelected = 298_165;
    public const long PaperRemaining = 5_399;

    public static readonly IReadOnlyList<FunnelStage> Stages =
    [
        new("archives", "vet_archives", "other archives (counterpart within the radius)", true, 288_770),
        new("asteroids", "vet_asteroids", "known minor planets (SkyBoT)", true, 189),
        new("variables", "vet_variables", "known variables (VSX, PTF)", true, 35),
        new("second-scan", "vet_second_scan", "second digitisation (SuperCOSMOS)", true, 3_592),
        new("motion", "vet_motion", "high proper motion", true, 180),
        new("shadow", "earth_shadow", "Earth's shadow (a flag, not a cut)", false, null),
    ];

    public static FunnelStage Stage(string folder) => Stages.First(s => s.Folder == folder);

    /// <summary>The overall verdict of one candidate: the first stage's removal, else not_checked when a cut stage could not look, else passed.</summary>
    public static string Overall(IReadOnlyDictionary<string, string> statusByFolder)
    {
        var notChecked = false;
        foreach (var s in Stages.Where(s => s.Cut))
        {
            var status = statusByFolder[s.Folder];
            if (VettingStatus.IsRemoved(status)) return status;
            notChecked |= VettingStatus.IsNotChecked(status);
        }
        return notChecked ? "not_checked" : VettingStatus.Passed;
    }

    /// <summary>The funnel's rows: the selection (from <paramref name="selectionIn"/> sources to the candidates), each stage, and what remains.</summary>
    public static IReadOnlyList<FunnelRow> Compute(int selectionIn, IReadOnlyList<IReadOnlyDictionary<string, string>> candidates)
    {
        var rows = new List<FunnelRow> { new("selection", selectionIn, candidates.Count, new Dictionary<string, int>(), 0, null, null, PaperSelected) };
        var alive = candidates.ToList();
        long? paperIn = PaperSelected;
        foreach (var stage in Stages)
        {
            var statuses = alive.Select(c => c[stage.Folder]).ToList();
            var reasons = statuses.Where(s => !VettingStatus.IsNotChecked(s) && s != VettingStatus.Passed)
                // A flag counts by its kind (in_umbra, whatever the distances).
                .GroupBy(s => VettingStatus.ReasonOf(s) ?? s.Split(':')[0]).OrderBy(g => g.Key, StringComparer.Ordinal).ToDictionary(g => g.Key, g => g.Count());
            var notChecked = statuses.Count(VettingStatus.IsNotChecked);
            var kept = stage.Cut ? alive.Where(c => !VettingStatus.IsRemoved(c[stage.Folder])).ToList() : alive;
            long? paperOut = stage.Cut ? paperIn - stage.PaperRemoved : null;
            rows.Add(new FunnelRow(stage.Folder, alive.Count, kept.Count, reasons, notChecked, stage.Cut ? paperIn : null, stage.PaperRemoved, paperOut));
            if (stage.Cut) paperIn = paperOut;
            alive = kept;
        }
        var unchecked_ = alive.Count(c => Stages.Where(s => s.Cut).Any(s => VettingStatus.IsNotChecked(c[s.Folder])));
        rows.Add(new FunnelRow("remaining", alive.Count, alive.Count, new Dictionary<string, int>(), unchecked_, PaperRemaining, null, PaperRemaining));
        return rows;
    }

    public static readonly string[] Columns = ["stage", "in", "out", "removed", "removed_by_reason", "not_checked", "paper_in", "paper_removed", "paper_out"];

    public static string ToCsv(IReadOnlyList<FunnelRow> rows)
    {
        static string N(long? v) => v is { } x ? x.ToString(CultureInfo.InvariantCulture) : "";
        return CsvText.PlainTable(Columns, rows.Select(r => new[]
        {
            r.Stage, N(r.In), N(r.Out), N(r.Removed), string.Join(';', r.ByReason.Select(p => $"{p.Key}={p.Value}")), N(r.NotChecked),
            N(r.PaperIn), N(r.PaperRemoved), N(r.PaperOut),
        }));
    }
}
