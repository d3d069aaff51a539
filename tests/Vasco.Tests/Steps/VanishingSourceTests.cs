using System.Globalization;
using NUnit.Framework;
using Vasco.CrossMatch;
using Vasco.Filtering;
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
        var chosen = ChooseStars(all);
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

    /// <summary>The spike and halo rule with a margin: the nearest bright star is faint enough for its distance.</summary>
    static bool ClearOfBrightStars(double ra, double dec, List<(double Ra, double Dec, double Mag)> bright)
    {
        var nearest = bright.MinBy(b => Angles.SeparationDeg(ra, dec, b.Ra, b.Dec));
        var d = Angles.SeparationDeg(ra, dec, nearest.Ra, nearest.Dec) * 3600;
        return nearest.Mag > 12.4 + 0.3 && nearest.Mag > -0.09 * d + 15.3 + 0.5;
    }

    static List<int> CandidateNumbers(RunFolder run) =>
        File.ReadAllLines(run.Path("data", "filter", run.RunId, "candidates.csv")).Skip(1).Where(l => l.Length > 0)
            .Select(l => (int)double.Parse(l.Split(',')[1], CultureInfo.InvariantCulture)).Order().ToList();

    static string[] Rows(RunFolder run) => File.ReadAllLines(run.Path("data", "filter", run.RunId, "candidates.csv"));

    sealed record Chosen(string GaiaId, int Number);

    /// <summary>
    /// Matched plate sources, well inside every threshold (so that the choice does not hang on
    /// a boundary), fainter than the bright-star limit, far from bright stars and with no other
    /// modern source within 15".
    /// </summary>
    static List<Chosen> ChooseStars(RunFolder run)
    {
        var dir = run.Path("data", "xmatch", run.RunId);
        var matched = PlateSources.ReadCsv(Path.Combine(dir, "M67_xmatch.csv"));
        var lines = File.ReadAllLines(Path.Combine(dir, "M67_xmatch.csv"));
        var header = lines[0].Split(',').ToList();
        var rows = lines.Skip(1).Select(l => l.Split(',')).ToList();
        var modern = ModernPositions.Read(Path.Combine(dir, "M67_xmatch.csv"), Path.Combine(dir, "M67_cdss.csv"));
        var modernIndex = new SkyIndex(modern.Ra, modern.Dec);
        // Tycho-2 stars by their observed positions (every row has one; the mean position is empty for some).
        var tycho = File.ReadAllLines(Repo.Path("runs", "m67", "input", "tycho2_M67_r1deg.csv")).Skip(1).Select(l => l.Split(','))
            .Select(f => (Ra: double.Parse(f[13], CultureInfo.InvariantCulture), Dec: double.Parse(f[14], CultureInfo.InvariantCulture),
                Mag: double.Parse(f[10].Length > 0 ? f[10] : f[8], CultureInfo.InvariantCulture))).ToList();
        var bright = tycho.Concat(Enumerable.Range(0, modern.Ra.Length).Select(k => (Ra: modern.Ra[k], Dec: modern.Dec[k], Mag: modern.Mag[k])))
            .Where(b => b.Mag < 15.3).ToList();
        var all = PlateSources.Concat(PlateSources.ReadCsv(Path.Combine(dir, "M67_local.csv")), matched);
        var clip = Selection.Clip(all, new SelectionThresholds());
        var chosen = new List<Chosen>();
        for (var i = 0; i < matched.Count && chosen.Count < Removed; i++)
        {
            double V(string c) => matched[c][i];
            double R(string c) => double.Parse(rows[i][header.IndexOf(c)], CultureInfo.InvariantCulture);
            var (ra, dec) = (V("ra"), V("dec"));
            var ok = V("flags") == 0 && V("imaflags_iso") == 0 && V("snr_win") > 45 && V("fwhm_image") is > 2.5 and < 6
                && V("elongation") < 1.2 && Math.Abs(V("fwhm_image") - clip.FwhmMedian) < clip.FwhmSigma
                && Math.Abs(V("elongation") - clip.ElongationMedian) < clip.ElongationSigma
                && Math.Abs((V("xmax_image") - V("xmin_image")) - (V("ymax_image") - V("ymin_image"))) < 1.5
                && V("xmax_image") - V("xmin_image") > 1.5 && V("ymax_image") - V("ymin_image") > 1.5
                && V("spread_model") > 0.0 && R("sep_arcsec") < 1.0 && R("ref_mag") > 16
                && modernIndex.Within(ra, dec, 15).Count() == 1
                && ClearOfBrightStars(ra, dec, bright);
            if (ok) chosen.Add(new Chosen(rows[i][header.IndexOf("ref_id")], (int)V("number")));
        }
        return chosen;
    }
}
