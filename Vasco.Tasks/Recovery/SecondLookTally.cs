using System.Globalization;
using Vasco.SecondLook;
using Vasco.Sky;
using Vasco.Synthetic;
using Vasco.Vetting;

namespace Vasco.Recovery;

/// <summary>One vanished source of a synthetic sky that step 8 kept: its fate on the other plates as drawn, and the second look's class of it.</summary>
public sealed record SecondLookOutcome(string TileId, string Id, double Mag, string Fate, string Class);

/// <summary>
/// The second look against the truth (issue 19): for each class a synthetic sky draws (red_only, vanished, still_present),
/// of the sources step 8 kept, how many the second look put in that class (completeness), and how many in another definite
/// class (wrong; undecided is neither). Reads the second look's files of each tile: &lt;tile&gt;.csv (the classes) and
/// &lt;tile&gt;.truth.csv (the fates, written for a synthetic sky).
/// </summary>
public static class SecondLookTally
{
    /// <summary>The tile's outcomes, or none when the folder has no fates for it (a real plate; a run without the second look).</summary>
    public static IReadOnlyList<SecondLookOutcome> ForTile(string tileId, string folder, IReadOnlyList<(double Ra, double Dec, int Number)> candidates)
    {
        if (folder.Length == 0) return [];
        var (fates, classes) = (Path.Combine(folder, tileId + ".truth.csv"), Path.Combine(folder, tileId + ".csv"));
        if (!File.Exists(fates) || !File.Exists(classes)) return [];
        var byNumber = StageTable.Read(classes).ByNumber;
        var index = new SkyIndex(candidates.Select(c => c.Ra).ToList(), candidates.Select(c => c.Dec).ToList());
        return TruthCsv.Read(fates).Where(s => s.SecondLook.Length > 0).Select(s => (s, index.Nearest(s.Ra, s.Dec, TileRecovery.MatchArcsec).Index))
            .Where(x => x.Index >= 0)
            .Select(x => new SecondLookOutcome(tileId, x.s.Id, x.s.Mag, x.s.SecondLook,
                byNumber.TryGetValue(candidates[x.Index].Number.ToString(CultureInfo.InvariantCulture), out var v) ? v.Status : "missing"))
            .ToList();
    }

    /// <summary>recovery.json's second_look: per drawn fate, the kept sources and the classes given them; the goal and whether it is met.</summary>
    public static object? Json(IReadOnlyList<SecondLookOutcome> outcomes, double minCompleteness = 0.95, double maxWrong = 0.02)
    {
        if (outcomes.Count == 0) return null;
        var wrong = outcomes.Count(o => IsWrong(o));
        var wrongFraction = (double)wrong / outcomes.Count;
        var classes = SyntheticSky.SecondLookFates.Select(fate =>
        {
            var of = outcomes.Where(o => o.Fate == fate).ToList();
            var right = of.Count(o => o.Class == fate);
            var completeness = of.Count == 0 ? double.NaN : (double)right / of.Count;
            return new Dictionary<string, object?>
            {
                ["class"] = fate,
                ["kept_by_step_8"] = of.Count,
                ["classified_so"] = right,
                ["completeness"] = double.IsFinite(completeness) ? Math.Round(completeness, 4) : null,
                ["completeness_wilson_95_low"] = of.Count == 0 ? null : Math.Round(WilsonLow(right, of.Count), 4),
                ["classified_as"] = of.GroupBy(o => o.Class).OrderBy(g => g.Key, StringComparer.Ordinal).ToDictionary(g => g.Key, g => g.Count()),
                ["goal_met"] = completeness >= minCompleteness,
            };
        }).ToList();
        return new Dictionary<string, object?>
        {
            ["goal"] = new { min_completeness = minCompleteness, max_wrong_class_fraction = maxWrong },
            ["sources"] = outcomes.Count,
            ["wrong_class"] = wrong,
            ["wrong_class_fraction"] = Math.Round(wrongFraction, 4),
            ["wrong_class_goal_met"] = wrongFraction <= maxWrong,
            ["classes"] = classes,
            ["wrong"] = outcomes.Where(o => o.Class != o.Fate).Select(o => new { tile_id = o.TileId, id = o.Id, mag = o.Mag, fate = o.Fate, @class = o.Class }).ToList(),
        };
    }

    /// <summary>Put in another definite class (undecided, or not looked at after a vetting stage removed it, is no class).</summary>
    public static bool IsWrong(SecondLookOutcome o) => o.Class != o.Fate && o.Class is not (SecondLookClass.Undecided or SecondLookClass.NotLooked);

    /// <summary>The lower end of the 95% Wilson interval of k successes in n.</summary>
    public static double WilsonLow(int k, int n)
    {
        const double z = 1.96;
        var p = (double)k / n;
        var denominator = 1 + z * z / n;
        return (p + z * z / (2 * n) - z * Math.Sqrt(p * (1 - p) / n + z * z / (4.0 * n * n))) / denominator;
    }
}
