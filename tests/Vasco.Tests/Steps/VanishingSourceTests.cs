using System.Globalization;
using NUnit.Framework;
using Vasco.CrossMatch;
using Vasco.Filtering;
using Vasco.IO;
using Vasco.Pipeline;
using Vasco.Sky;
using Vasco.Tests.Support;

namespace Vasco.Tests.Steps;

/// <summary>
/// The whole pipeline on M67 with stars taken out of the modern sky: detected, isolated
/// Gaia stars removed from a copy of the reference catalog must come out as candidates
/// (and only they, beside the baseline ones), and go away again when restored. Run both
/// with SPREAD_MODEL for every source and measured only where the selection needs it:
/// the candidates must be identical.
/// </summary>
[TestFixture, NonParallelizable]
public class VanishingSourceTests
{
    const int Removed = 5;

    [Test]
    public void RemovedGaiaStarsComeOutAsCandidatesAndGoAwayWhenRestored()
    {
        var original = Repo.Path("runs", "m67", "input", "gaia-dr3_M67_r22arcmin.csv");
        using var all = M67Run.Create("spreadall", "<SpreadModel>all</SpreadModel>", "gaia.csv");
        using var selected = M67Run.Create("spreadsel", "", "gaia.csv");
        File.Copy(original, all.Path("gaia.csv"));
        File.Copy(original, selected.Path("gaia.csv"));

        // Baselines with the full modern sky.
        var allBase = all.Build();
        Assert.That(allBase.ExitCode, Is.EqualTo(0), allBase.Output);
        var selBase = selected.Build();
        Assert.That(selBase.ExitCode, Is.EqualTo(0), selBase.Output);
        var baseline = CandidateNumbers(selected);
        Assert.That(CandidateNumbers(all), Is.EqualTo(baseline), "SPREAD_MODEL where needed gives the baseline of SPREAD_MODEL everywhere");

        // Pick stars that pass every criterion once their Gaia counterpart is gone.
        var chosen = M67Stars.ChooseVanishable(all, Removed);
        Assert.That(chosen, Has.Count.EqualTo(Removed), "the field has enough isolated, well-measured stars");
        TestContext.Out.WriteLine("removed Gaia sources: " + string.Join(", ", chosen.Select(c => $"{c.GaiaId} (plate #{c.Number})")));
        var removedIds = chosen.Select(c => c.GaiaId).ToHashSet();
        var kept = File.ReadAllLines(original).Where((line, i) => i == 0 || !removedIds.Contains(line.Split(',')[0])).ToArray();
        Assert.That(kept, Has.Length.EqualTo(File.ReadAllLines(original).Length - Removed));
        File.WriteAllLines(all.Path("gaia.csv"), kept);
        File.WriteAllLines(selected.Path("gaia.csv"), kept);

        var expected = baseline.Concat(chosen.Select(c => c.Number)).Order().ToList();
        var selRemoved = selected.Build();
        Assert.That(selRemoved.ExitCode, Is.EqualTo(0), selRemoved.Output);
        Assert.That(CandidateNumbers(selected), Is.EqualTo(expected));
        // A real plate's truth for the calibrated magnitudes: each removed star's mag_cal (on Gaia G) against its Gaia G.
        var gaia = File.ReadAllLines(original);
        var gColumn = Array.IndexOf(gaia[0].Split(','), "phot_g_mean_mag");
        var gaiaG = gaia.Skip(1).Select(l => l.Split(',')).Where(f => removedIds.Contains(f[0]))
            .ToDictionary(f => f[0], f => double.Parse(f[gColumn], CultureInfo.InvariantCulture));
        var rows = PlainCsv.Read(selected.Path("data", "filter", selected.RunId, "candidates.csv")).Records();
        foreach (var c in chosen)
        {
            var row = rows.Single(r => r["number"] == c.Number.ToString(CultureInfo.InvariantCulture));
            var (mag, error) = (double.Parse(row["mag_cal"], CultureInfo.InvariantCulture), double.Parse(row["mag_cal_err"], CultureInfo.InvariantCulture));
            TestContext.Out.WriteLine($"plate #{c.Number}: mag_cal {row["mag_cal"]} +- {row["mag_cal_err"]}, Gaia G {gaiaG[c.GaiaId]}");
            Assert.That(mag, Is.EqualTo(gaiaG[c.GaiaId]).Within(3 * error), $"plate #{c.Number}");
        }
        foreach (var early in new[] { "VascoDownload", "VascoPreprocess", "VascoPass1", "VascoPsf", "VascoPass2" })
            Assert.That(selRemoved.TilesRun(early), Is.Empty, $"{early} does not read the modern catalog");
        Assert.That(selRemoved.TilesRun("VascoExternal"), Is.EqualTo(new[] { "M67" }));
        Assert.That(selRemoved.TilesRun("VascoFilter"), Is.EqualTo(new[] { "M67" }));

        var allRemoved = all.Build();
        Assert.That(allRemoved.ExitCode, Is.EqualTo(0), allRemoved.Output);
        Assert.That(Rows(all), Is.EqualTo(Rows(selected)), "identical candidates, SPREAD_MODEL included, in both modes");

        // Restored: back to the baseline, through an incremental build.
        File.Copy(original, selected.Path("gaia.csv"), overwrite: true);
        var restored = selected.Build();
        Assert.That(restored.ExitCode, Is.EqualTo(0), restored.Output);
        Assert.That(restored.TilesRun("VascoPass2"), Is.Empty);
        Assert.That(CandidateNumbers(selected), Is.EqualTo(baseline));

        var filter = Manifest.Read(selected.Path("data", "filter", selected.RunId, "filter.manifest.json"));
        Assert.That(filter.Counts["kept_count"], Is.EqualTo(baseline.Count));
        Assert.That(filter.Counts["kept_count"] + filter.Counts["dropped_count"], Is.EqualTo(filter.Counts["unmatched"]));
    }

    static List<int> CandidateNumbers(RunFolder run) =>
        File.ReadAllLines(run.Path("data", "filter", run.RunId, "candidates.csv")).Skip(1).Where(l => l.Length > 0)
            .Select(l => (int)double.Parse(l.Split(',')[1], CultureInfo.InvariantCulture)).Order().ToList();

    static string[] Rows(RunFolder run) => File.ReadAllLines(run.Path("data", "filter", run.RunId, "candidates.csv"));

}
