using System.Globalization;
using System.Text.Json;
using Vasco.IO;
using Vasco.Synthetic;
using Vasco.Vetting;

namespace Vasco.Recovery;

/// <summary>The published goal: completeness of the bright injected sources, and false candidates per tile.</summary>
public sealed record RecoveryGoal(double BrighterThanLimitBy = 1, double MinCompleteness = 0.95, int MaxFalsePerTile = 1);

/// <summary>
/// recovery.json and its plot: for each kind of tile (synthetic plates, injections into a real plate), the
/// completeness of injected vanished sources against magnitude relative to each tile's plate limit, where
/// the lost ones went (not detected, which selection criterion dropped them, matched), and the false candidates.
/// </summary>
public sealed class RecoveryReport(IReadOnlyList<TileRecovery> tiles, RecoveryGoal goal)
{
    public IReadOnlyList<TileRecovery> Tiles { get; } = tiles;
    public RecoveryGoal Goal { get; } = goal;

    /// <summary>Bins of m - m_lim (0.5 mag) from 6 mag brighter than the limit to 1 mag fainter.</summary>
    const double BinLow = -6, BinHigh = 1, BinWidth = 0.5;

    public IEnumerable<string> Kinds => Tiles.Select(t => t.Kind).Distinct().Order(StringComparer.Ordinal);

    public sealed record KindSummary(string Kind, int Tiles, int Injected, int BrightInjected, int BrightRecovered, double BrightCompleteness,
        int FalseCandidates, int MaxFalsePerTile, bool CompletenessGoalMet, bool FalseGoalMet, IReadOnlyDictionary<string, int> BrightLosses);

    public KindSummary Summary(string kind)
    {
        var tiles = Tiles.Where(t => t.Kind == kind).ToList();
        var injected = tiles.SelectMany(t => t.Injected).ToList();
        // m - m_lim <= -1: at least BrighterThanLimitBy brighter than the tile's limit.
        var bright = injected.Where(i => i.MagBelowLimit >= Goal.BrighterThanLimitBy).ToList();
        var recovered = bright.Count(i => i.Recovered);
        var completeness = bright.Count == 0 ? double.NaN : (double)recovered / bright.Count;
        var maxFalse = tiles.Count == 0 ? 0 : tiles.Max(t => t.FalseCandidates.Count);
        var losses = bright.Where(i => !i.Recovered).GroupBy(i => i.Fate).OrderByDescending(g => g.Count())
            .ToDictionary(g => g.Key, g => g.Count());
        return new KindSummary(kind, tiles.Count, injected.Count, bright.Count, recovered, Math.Round(completeness, 4),
            tiles.Sum(t => t.FalseCandidates.Count), maxFalse, completeness >= Goal.MinCompleteness, maxFalse <= Goal.MaxFalsePerTile, losses);
    }

    /// <summary>Per bin of m - m_lim: injected, detected, recovered.</summary>
    public IReadOnlyList<(double Low, double High, int Injected, int Detected, int Recovered)> Bins(string kind)
    {
        var injected = Tiles.Where(t => t.Kind == kind).SelectMany(t => t.Injected).Where(i => double.IsFinite(i.MagBelowLimit)).ToList();
        var bins = new List<(double, double, int, int, int)>();
        for (var low = BinLow; low < BinHigh - 1e-9; low += BinWidth)
        {
            var inBin = injected.Where(i => -i.MagBelowLimit >= low && -i.MagBelowLimit < low + BinWidth).ToList();
            bins.Add((low, low + BinWidth, inBin.Count, inBin.Count(i => i.Detected), inBin.Count(i => i.Recovered)));
        }
        return bins;
    }

    public string ToJson()
    {
        var document = new Dictionary<string, object?>
        {
            ["schema"] = "vasco-recovery/1",
            ["goal"] = new
            {
                brighter_than_limit_by_mag = Goal.BrighterThanLimitBy,
                min_completeness = Goal.MinCompleteness,
                max_false_candidates_per_tile = Goal.MaxFalsePerTile,
                plate_limit = "per tile: the magnitude at which half of the point sources put on the plate are detected in pass 2",
                recovered = $"a candidate within {TileRecovery.MatchArcsec}\" of the injected position",
            },
            ["kinds"] = Kinds.Select(k =>
            {
                var s = Summary(k);
                return new Dictionary<string, object?>
                {
                    ["kind"] = k,
                    ["tiles"] = s.Tiles,
                    ["injected"] = s.Injected,
                    ["bright_injected"] = s.BrightInjected,
                    ["bright_recovered"] = s.BrightRecovered,
                    ["bright_completeness"] = Finite(s.BrightCompleteness),
                    ["false_candidates"] = s.FalseCandidates,
                    ["max_false_candidates_per_tile"] = s.MaxFalsePerTile,
                    ["completeness_goal_met"] = s.CompletenessGoalMet,
                    ["false_candidate_goal_met"] = s.FalseGoalMet,
                    ["bright_losses"] = s.BrightLosses,
                    ["bins"] = Bins(k).Select(b => new { mag_minus_limit_low = b.Low, mag_minus_limit_high = b.High, injected = b.Injected, detected = b.Detected, recovered = b.Recovered }).ToList(),
                };
            }).ToList(),
            ["tiles"] = Tiles.Select(t => new Dictionary<string, object?>
            {
                ["tile_id"] = t.TileId,
                ["kind"] = t.Kind,
                ["plate_limit_mag"] = Finite(t.PlateLimitMag),
                ["injected"] = t.Injected.Count,
                ["recovered"] = t.Injected.Count(i => i.Recovered),
                ["candidates"] = t.Candidates,
                ["false_candidates"] = t.FalseCandidates.Count,
                ["vetting_class_candidates"] = t.Vetting.CandidateClass.Values.Count(SourceKind.Vetting.Contains),
            }).ToList(),
            ["vetting"] = VettingJson(),
            ["second_look"] = SecondLookTally.Json(Tiles.SelectMany(t => t.SecondLook).ToList()),
            ["injected"] = Tiles.SelectMany(t => t.Injected).Select(i => new { tile_id = i.TileId, kind = i.Kind, id = i.Id, mag = i.Mag, mag_below_limit = Finite(i.MagBelowLimit), detected = i.Detected, recovered = i.Recovered, fate = i.Fate }).ToList(),
            ["false_candidates"] = Tiles.SelectMany(t => t.FalseCandidates).Select(f => new { tile_id = f.TileId, kind = f.Kind, number = f.Number, ra = f.Ra, dec = f.Dec, nearest_truth_kind = f.NearestTruthKind, nearest_truth_id = f.NearestTruthId, nearest_truth_arcsec = Finite(f.NearestTruthArcsec) }).ToList(),
        };
        return JsonSerializer.Serialize(document, new JsonSerializerOptions { WriteIndented = true }) + "\n";
    }

    static double? Finite(double v) => double.IsFinite(v) ? v : null;

    /// <summary>One stage's tally over the tiles of one kind that have its file.</summary>
    public sealed record StageTally(string Stage, string Kind, string? Class, int TilesChecked, int TilesWithoutFile, int Planted, int Selected, int SelectedNotChecked, int Removed,
        double Completeness, IReadOnlyDictionary<string, int> RemovedReasons, int WronglyRemovedVanished, int Candidates, int NotChecked, int NotListed,
        int UnknownNumbers, IReadOnlyDictionary<string, int> RemovedByClass);

    /// <summary>Whether any tile has a file of any vetting stage: without one, there is no vetting to report.</summary>
    public bool VettingChecked => Tiles.Any(t => t.Vetting.Stages.Count > 0);

    /// <summary>
    /// <paramref name="stage"/>'s tally over the tiles of <paramref name="kind"/> that have its file (null when none has): of the
    /// planted sources of the stage's class that step 8 kept, how many it removed; how many of the vanished ones it removed
    /// (it must remove none); how many candidates it did not check, did not list, or listed but step 8 does not have.
    /// </summary>
    public StageTally? Tally(VettingStage stage, string kind)
    {
        var tiles = Tiles.Where(t => t.Kind == kind).ToList();
        var withFile = tiles.Select(t => (Tile: t, Statuses: t.Vetting.Stages.FirstOrDefault(s => s.Stage == stage.Folder))).Where(x => x.Statuses is not null).ToList();
        if (withFile.Count == 0) return null;
        int planted = 0, selected = 0, selectedNotChecked = 0, removed = 0, wrongly = 0, candidates = 0, notChecked = 0, notListed = 0, unknown = 0;
        var reasons = new SortedDictionary<string, int>(StringComparer.Ordinal);
        var byClass = new SortedDictionary<string, int>(StringComparer.Ordinal);
        foreach (var (tile, statuses) in withFile)
        {
            var v = tile.Vetting;
            string? StatusOf(int number) => statuses!.ByNumber.TryGetValue(number, out var s) ? s : null;
            if (stage.Class is { } c)
            {
                planted += v.Planted.GetValueOrDefault(c);
                foreach (var source in v.Selected.Where(s => s.Class == c))
                {
                    selected++;
                    if (StatusOf(source.Number) is { } nc && VettingStatus.IsNotChecked(nc)) selectedNotChecked++;
                    if (StatusOf(source.Number) is { } s && VettingStatus.IsRemoved(s))
                    {
                        removed++;
                        reasons[VettingStatus.ReasonOf(s)!] = reasons.GetValueOrDefault(VettingStatus.ReasonOf(s)!) + 1;
                    }
                }
            }
            wrongly += v.Selected.Count(s => s.Class == SourceKind.Vanished && StatusOf(s.Number) is { } status && VettingStatus.IsRemoved(status));
            candidates += v.CandidateClass.Count;
            foreach (var (number, what) in v.CandidateClass)
            {
                var status = StatusOf(number);
                if (status is null) notListed++;
                else if (VettingStatus.IsNotChecked(status)) notChecked++;
                else if (VettingStatus.IsRemoved(status)) byClass[what] = byClass.GetValueOrDefault(what) + 1;
            }
            unknown += statuses!.ByNumber.Keys.Count(n => !v.CandidateClass.ContainsKey(n));
        }
        // Completeness over what the stage could look at: a source it did not check is neither found nor missed.
        var looked = selected - selectedNotChecked;
        return new StageTally(stage.Folder, kind, stage.Class, withFile.Count, tiles.Count - withFile.Count, planted, selected, selectedNotChecked, removed,
            looked == 0 ? double.NaN : Math.Round((double)removed / looked, 4), reasons, wrongly, candidates, notChecked, notListed, unknown, byClass);
    }

    /// <summary>The vanished sources step 8 kept that some stage removed, per kind: each one a stage got wrong.</summary>
    public IReadOnlyList<(string TileId, string Id, IReadOnlyList<string> Stages)> VanishedRemoved(string kind) =>
        Tiles.Where(t => t.Kind == kind).SelectMany(t => t.Vetting.Selected.Where(s => s.Class == SourceKind.Vanished).Select(s =>
            (t.TileId, s.Id, (IReadOnlyList<string>)t.Vetting.Stages.Where(st => st.ByNumber.TryGetValue(s.Number, out var status) && VettingStatus.IsRemoved(status)).Select(st => st.Stage).ToList())))
        .Where(x => x.Item3.Count > 0).ToList();

    object VettingJson()
    {
        var stageNames = string.Join(", ", VettingFiles.Stages.Select(s => s.Folder));
        if (!VettingChecked)
        {
            var folders = Tiles.Select(t => t.Vetting.Folder).Where(f => f.Length > 0).Distinct().ToList();
            return new Dictionary<string, object?>
            {
                ["checked"] = false,
                ["why"] = folders.Count == 0
                    ? "the recovery's tiles name no folder of vetting stages' files (VettingDir)"
                    : $"no vetting stage ({stageNames}) has written a file for any of the {Tiles.Count} tile(s): none of {string.Join(", ", folders.Select(f => Path.Combine(f, "<stage>", "<tile_id>.csv")))} exists",
            };
        }
        return new Dictionary<string, object?>
        {
            ["checked"] = true,
            ["files"] = "data/vetting/<RunId>/<stage>/<tile_id>.csv: tile_id,number,ra,dec,status (passed, removed:REASON, not_checked:WHY), number being step 8's candidate NUMBER",
            ["selected"] = $"a planted source step 8 kept: one of its candidates lies within {TileRecovery.MatchArcsec}\" of it; a stage removed it when its row for that candidate says removed:",
            ["stages"] = Kinds.SelectMany(kind => VettingFiles.Stages.Select(stage => Tally(stage, kind) is { } t
                ? new Dictionary<string, object?>
                {
                    ["stage"] = t.Stage,
                    ["kind"] = t.Kind,
                    ["checked"] = true,
                    ["class"] = t.Class,
                    ["tiles_checked"] = t.TilesChecked,
                    ["tiles_without_file"] = t.TilesWithoutFile,
                    ["planted"] = t.Class is null ? null : t.Planted,
                    ["selected"] = t.Class is null ? null : t.Selected,
                    ["removed"] = t.Class is null ? null : t.Removed,
                    ["selected_not_checked"] = t.SelectedNotChecked,
                    ["completeness"] = Finite(t.Completeness),
                    ["removed_reasons"] = t.RemovedReasons,
                    ["wrongly_removed_vanished"] = t.WronglyRemovedVanished,
                    ["candidates"] = t.Candidates,
                    ["not_checked"] = t.NotChecked,
                    ["not_listed"] = t.NotListed,
                    ["unknown_numbers"] = t.UnknownNumbers,
                    ["removed_by_class"] = t.RemovedByClass,
                }
                : new Dictionary<string, object?>
                {
                    ["stage"] = stage.Folder,
                    ["kind"] = kind,
                    ["checked"] = false,
                    ["why"] = $"no {stage.Folder}/<tile_id>.csv for any of the {Tiles.Count(x => x.Kind == kind)} {kind} tile(s)",
                })).ToList(),
            ["vanished_removed"] = Kinds.SelectMany(k => VanishedRemoved(k).Select(v => new { kind = k, tile_id = v.TileId, id = v.Id, stages = v.Stages })).ToList(),
        };
    }

    /// <summary>Completeness (recovered and detected) against m - m_lim per kind, and false candidates per tile.</summary>
    public void SavePlot(string path)
    {
        var plot = new ScottPlot.Plot();
        foreach (var kind in Kinds)
        {
            var bins = Bins(kind).Where(b => b.Injected > 0).ToList();
            var x = bins.Select(b => (b.Low + b.High) / 2).ToArray();
            var summary = Summary(kind);
            var recovered = plot.Add.Scatter(x, bins.Select(b => (double)b.Recovered / b.Injected).ToArray());
            recovered.LegendText = $"{kind}: recovered as candidates ({summary.Tiles} tile(s), {summary.FalseCandidates} false candidate(s), at most {summary.MaxFalsePerTile} per tile)";
            var detected = plot.Add.Scatter(x, bins.Select(b => (double)b.Detected / b.Injected).ToArray());
            detected.LegendText = $"{kind}: detected in pass 2";
            detected.LinePattern = ScottPlot.LinePattern.Dashed;
        }
        var goalLine = plot.Add.HorizontalLine(Goal.MinCompleteness);
        goalLine.LinePattern = ScottPlot.LinePattern.Dotted;
        var limitLine = plot.Add.VerticalLine(-Goal.BrighterThanLimitBy);
        limitLine.LinePattern = ScottPlot.LinePattern.Dotted;
        plot.Title($"Injected vanished sources: goal {Percent(Goal.MinCompleteness)} at least {Goal.BrighterThanLimitBy} mag above the plate limit", size: 13);
        plot.XLabel("magnitude - tile's plate limit (mag)");
        plot.YLabel("fraction");
        plot.Axes.SetLimits(BinLow, BinHigh, 0, 1.05);
        plot.ShowLegend(ScottPlot.Alignment.LowerLeft);
        AtomicFile.WriteAllBytes(path, plot.GetImageBytes(900, 550, ScottPlot.ImageFormat.Png));
    }

    public static string Percent(double v) => double.IsFinite(v) ? (100 * v).ToString("0.0", CultureInfo.InvariantCulture) + "%" : "n/a";
}
