using System.Globalization;
using Vasco.CrossMatch;
using Vasco.Filtering;
using Vasco.Sky;
using Vasco.Tests.Support;

namespace Vasco.Tests.Steps;

/// <summary>Stars of a built M67 run (with SpreadModel=all) that the tests take out of, or move in, the modern sky.</summary>
public static class M67Stars
{
    public sealed record Chosen(string GaiaId, int Number);

    /// <summary>
    /// Matched plate sources, well inside every threshold (so that the choice does not hang on
    /// a boundary), fainter than the bright-star limit, far from bright stars and with no other
    /// modern source within 15".
    /// </summary>
    public static List<Chosen> ChooseVanishable(RunFolder run, int count)
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
        for (var i = 0; i < matched.Count && chosen.Count < count; i++)
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

    /// <summary>The spike and halo rule with a margin: the nearest bright star is faint enough for its distance.</summary>
    static bool ClearOfBrightStars(double ra, double dec, List<(double Ra, double Dec, double Mag)> bright)
    {
        var nearest = bright.MinBy(b => Angles.SeparationDeg(ra, dec, b.Ra, b.Dec));
        var d = Angles.SeparationDeg(ra, dec, nearest.Ra, nearest.Dec) * 3600;
        return nearest.Mag > 12.4 + 0.3 && nearest.Mag > -0.09 * d + 15.3 + 0.5;
    }

}
