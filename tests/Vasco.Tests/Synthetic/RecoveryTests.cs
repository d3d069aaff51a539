using System.Globalization;
using System.Text.Json;
using NUnit.Framework;
using Vasco.Fits;
using Vasco.Pipeline;
using Vasco.Recovery;
using Vasco.Sky;
using Vasco.Synthetic;
using Vasco.Tests.Steps;
using Vasco.Tests.Support;

namespace Vasco.Tests.Synthetic;

/// <summary>Two synthetic tiles through the whole pipeline, then VascoRecovery against their truth.</summary>
[TestFixture, NonParallelizable]
public class SyntheticRecoveryTests
{
    RunFolder _run = null!;
    BuildRun _build = null!;
    JsonElement _recovery;

    [OneTimeSetUp]
    public void BuildAndRecover()
    {
        _run = new RunFolder("syn").WriteRunFile("""
            <TilingMode>single</TilingMode>
            <TileSizeArcmin>20</TileSizeArcmin>
            <ImageSource>synthetic</ImageSource>
            <SyntheticVanishedPerTile>15</SyntheticVanishedPerTile>
            <SyntheticAsteroidsPerTile>5</SyntheticAsteroidsPerTile>
            <SyntheticInfraredPerTile>5</SyntheticInfraredPerTile>
            <SyntheticArtefactsPerTile>5</SyntheticArtefactsPerTile>
            <SyntheticVariablesPerTile>5</SyntheticVariablesPerTile>
            """, """
            <VascoTarget Include="syn-one" Ra="40" Dec="30" />
            <VascoTarget Include="syn-two" Ra="200" Dec="-10" />
            """, testSteps: false);
        _build = _run.Build("-t:VascoRecovery");
        var json = _run.Path("data", "summaries", _run.RunId, "recovery.json");
        if (File.Exists(json)) _recovery = JsonDocument.Parse(File.ReadAllText(json)).RootElement;
    }

    [OneTimeTearDown]
    public void Dispose() => _run.Dispose();

    [Test]
    public void The_run_builds_offline_and_writes_the_recovery_figures_and_plot()
    {
        Assert.That(_build.ExitCode, Is.EqualTo(0), _build.Output);
        Assert.That(_recovery.GetProperty("tiles").GetArrayLength(), Is.EqualTo(2));
        Assert.That(new FileInfo(_run.Path("data", "summaries", _run.RunId, "recovery.png")).Length, Is.GreaterThan(10_000));
        Assert.That(_build.Output, Does.Contain("Recovery (synthetic, 2 tile(s))"));
    }

    [Test]
    public void Every_injected_source_is_accounted_for_and_the_totals_add_up()
    {
        var injected = _recovery.GetProperty("injected").EnumerateArray().ToList();
        Assert.That(injected, Has.Count.EqualTo(30), "15 per tile");
        Assert.That(injected.All(i => i.GetProperty("fate").GetString() is { Length: > 0 }));
        Assert.That(injected.Where(i => i.GetProperty("recovered").GetBoolean()).Select(i => i.GetProperty("fate").GetString()), Has.All.EqualTo("candidate"));
        var kind = _recovery.GetProperty("kinds")[0];
        var bins = kind.GetProperty("bins").EnumerateArray().Sum(b => b.GetProperty("recovered").GetInt32());
        Assert.That(bins, Is.EqualTo(injected.Count(i => i.GetProperty("recovered").GetBoolean() && i.GetProperty("mag_below_limit").GetDouble() > -1)));
        // Each tile's candidates are its recovered sources plus its false candidates.
        foreach (var tile in _recovery.GetProperty("tiles").EnumerateArray())
        {
            var id = tile.GetProperty("tile_id").GetString();
            var candidates = File.ReadAllLines(_run.Path("data", "filter", _run.RunId, id + "_candidates.csv")).Length - 1;
            Assert.That(tile.GetProperty("candidates").GetInt32(), Is.EqualTo(candidates));
            Assert.That(tile.GetProperty("recovered").GetInt32() + tile.GetProperty("false_candidates").GetInt32() + tile.GetProperty("vetting_class_candidates").GetInt32(),
                Is.EqualTo(candidates), id);
        }
    }

    [Test]
    public void The_vetting_classes_reach_step_8_and_pass_it_as_the_vanished_sources_do()
    {
        // Per class over both tiles: the bright ones (0.5 mag above the plates' limits of about 18.8) that step 8 judged
        // (detected, matched to no modern source: they are in its _filtered.csv), and those it kept as candidates.
        var judged = new Dictionary<string, (int Bright, int Judged, int Planted, int Kept)>();
        foreach (var kind in SourceKind.Vetting.Prepend(SourceKind.Vanished))
        {
            var (bright, seen, planted, kept) = (0, 0, 0, 0);
            foreach (var tile in new[] { "syn-one", "syn-two" })
            {
                var candidates = Positions(tile, "_candidates.csv");
                var verdicts = Positions(tile, "_filtered.csv");
                foreach (var t in TruthCsv.Read(_run.Path("data", "downloads", _run.RunId, tile + ".truth.csv")).Where(t => t.Kind == kind))
                {
                    bool Near(List<(double Ra, double Dec)> list) => list.Any(c => Angles.SeparationDeg(c.Ra, c.Dec, t.Ra, t.Dec) * 3600 <= 2);
                    planted++;
                    if (Near(candidates)) kept++;
                    if (t.Mag > 18.3) continue;
                    bright++;
                    if (Near(verdicts)) seen++;
                }
            }
            judged[kind] = (bright, seen, planted, kept);
            Assert.That(seen, Is.GreaterThanOrEqualTo(0.8 * bright), $"{kind}: step 8 judged {seen} of the {bright} brighter than 18.3");
        }
        // Step 8 keeps a third or so of them, whatever their class (its selection, recovery.md): 10 of a class are too few to
        // compare one by one, 40 together are not.
        var vanished = (double)judged[SourceKind.Vanished].Kept / judged[SourceKind.Vanished].Planted;
        var vetting = SourceKind.Vetting.Select(k => judged[k]).ToList();
        Assert.That((double)vetting.Sum(v => v.Kept) / vetting.Sum(v => v.Planted), Is.GreaterThan(0.5 * vanished),
            string.Join("; ", judged.Select(j => $"{j.Key}: kept {j.Value.Kept} of {j.Value.Planted}")));
    }

    /// <summary>The positions a CSV of step 8 lists.</summary>
    List<(double Ra, double Dec)> Positions(string tile, string suffix)
    {
        var lines = File.ReadAllLines(_run.Path("data", "filter", _run.RunId, tile + suffix));
        var header = lines[0].Split(',');
        var (ra, dec) = (Array.IndexOf(header, "ra"), Array.IndexOf(header, "dec"));
        return lines.Skip(1).Select(l => l.Split(',')).Select(f => (double.Parse(f[ra], CultureInfo.InvariantCulture), double.Parse(f[dec], CultureInfo.InvariantCulture))).ToList();
    }

    int Column(string tile, string name) =>
        Array.IndexOf(File.ReadLines(_run.Path("data", "filter", _run.RunId, tile + "_candidates.csv")).First().Split(','), name);

    [Test]
    public void The_vetting_stages_files_are_tallied_and_what_a_stage_could_not_check_is_not_a_miss()
    {
        // The fixture's run is offline with no local files: the stages that need a service checked nothing, and say so.
        var vetting = _recovery.GetProperty("vetting");
        Assert.That(vetting.GetProperty("checked").GetBoolean(), Is.True);
        JsonElement Stage(JsonElement v, string name) => v.GetProperty("stages").EnumerateArray().Single(s => s.GetProperty("stage").GetString() == name);
        var offline = Stage(vetting, "second-scan");
        Assert.That(offline.GetProperty("tiles_checked").GetInt32(), Is.EqualTo(2));
        Assert.That(offline.GetProperty("not_checked").GetInt32(), Is.EqualTo(offline.GetProperty("candidates").GetInt32()));
        Assert.That(offline.GetProperty("selected_not_checked").GetInt32(), Is.EqualTo(offline.GetProperty("selected").GetInt32()));
        Assert.That(offline.GetProperty("completeness").ValueKind, Is.EqualTo(JsonValueKind.Null), "nothing looked at: no completeness, not 0");
        Assert.That(Stage(vetting, "motion").GetProperty("not_checked").GetInt32(), Is.EqualTo(0), "the motion stage needs no service");

        // A stage that removes every candidate of tile syn-one as a scan artefact (syn-two's stay not_checked).
        var path = _run.Path("data", "vetting", _run.RunId, "second-scan", "syn-one.csv");
        var kept = File.ReadAllText(path);
        var candidates = File.ReadAllLines(_run.Path("data", "filter", _run.RunId, "syn-one_candidates.csv")).Skip(1)
            .Select(l => l.Split(',')[Column("syn-one", "number")]).ToList();
        File.WriteAllText(path, "tile_id,number,ra,dec,status\n" + string.Concat(candidates.Select(n => $"syn-one,{n},0,0,removed:scan_artefact\n")));
        try
        {
            var build = _run.Build("-t:VascoRecovery");
            Assert.That(build.ExitCode, Is.EqualTo(0), build.Output);
            var again = JsonDocument.Parse(File.ReadAllText(_run.Path("data", "summaries", _run.RunId, "recovery.json"))).RootElement.GetProperty("vetting");
            var scan = Stage(again, "second-scan");
            Assert.That(scan.GetProperty("tiles_checked").GetInt32(), Is.EqualTo(2));
            Assert.That(scan.GetProperty("completeness").GetDouble(), Is.EqualTo(1), "every scan artefact it looked at, it removed");
            Assert.That(scan.GetProperty("wrongly_removed_vanished").GetInt32(), Is.EqualTo(_recovery.GetProperty("injected").EnumerateArray()
                .Count(i => i.GetProperty("tile_id").GetString() == "syn-one" && i.GetProperty("recovered").GetBoolean())), "it removed every vanished source step 8 kept");
        }
        finally
        {
            File.WriteAllText(path, kept);
        }
    }

    [Test]
    public void Some_vanished_sources_are_found_and_no_high_proper_motion_star_is_a_candidate()
    {
        Assert.That(_recovery.GetProperty("injected").EnumerateArray().Count(i => i.GetProperty("recovered").GetBoolean()), Is.GreaterThan(0));
        var falses = _recovery.GetProperty("false_candidates").EnumerateArray().ToList();
        Assert.That(falses.Select(f => f.GetProperty("nearest_truth_kind").GetString()), Has.None.EqualTo(SourceKind.Mover),
            "a star that moved 10-40\" since the plate must be matched once its catalog position is carried back");
    }

    [Test]
    public void The_synthetic_plate_passes_fitsverify_and_its_modern_catalog_is_the_truth_less_the_vanished()
    {
        var plate = _run.Path("data", "downloads", _run.RunId, "syn-one.fits");
        Fits.ExternalTools.AssertFitsVerifyClean(plate);
        var truth = TruthCsv.Read(_run.Path("data", "downloads", _run.RunId, "syn-one.truth.csv"));
        var modern = Vasco.Catalogs.ReferenceCatalogCsv.Read(_run.Path("data", "ext", "synthetic", _run.RunId, "syn-one.csv"));
        var modernIds = modern.Select(s => s.Id).ToHashSet();
        Assert.That(truth.Where(t => t.Kind is SourceKind.Vanished or SourceKind.Defect).Select(t => t.Id), Has.None.AnyOf(modernIds.ToArray()));
        Assert.That(modern, Has.Count.GreaterThan(500));
    }

    [Test]
    public void A_second_build_runs_nothing_and_a_new_seed_draws_new_plates()
    {
        var again = _run.Build("-t:VascoFilter");
        Assert.That(again.ExitCode, Is.EqualTo(0), again.Output);
        Assert.That(again.TilesRun("VascoDownload"), Is.Empty);
        var reseeded = _run.Build("-t:VascoDownload", "-p:SyntheticSeed=2");
        Assert.That(reseeded.TilesRun("VascoDownload"), Is.EquivalentTo(new[] { "syn-one", "syn-two" }));
        // Put the first seed's plates back for the other tests.
        Assert.That(_run.Build("-t:VascoFilter").ExitCode, Is.EqualTo(0));
    }
}

/// <summary>PSF-shaped injection into the real M67 plate, from the PSF model, mask and cross-match of a real build.</summary>
[TestFixture, NonParallelizable]
public class PlateInjectionTests
{
    RunFolder _run = null!;
    string _out = null!;
    InjectionResult _result = null!;
    string Data(params string[] parts) => _run.Path(["data", .. parts]);

    [OneTimeSetUp]
    public void BuildAndInject()
    {
        _run = M67Run.Create("m67inj");
        var build = _run.Build("-t:VascoCrossMatch");
        Assert.That(build.ExitCode, Is.EqualTo(0), build.Output);
        _out = _run.Path("injected");
        Directory.CreateDirectory(_out);
        _result = PlateInjector.Run(Repo.Path("runs", "m67", "input", "dss1-red_M67_XE486.fits"), Data("psf", _run.RunId, "M67.psf"),
            Data("masks", _run.RunId, "M67.mask"), Data("xmatch", _run.RunId, "M67_xmatch.csv"), Data("xmatch", _run.RunId, "M67_local.csv"),
            Repo.Path("runs", "m67", "input", "gaia-dr3_M67_r22arcmin.csv"), "source_id",
            Path.Combine(_out, "plate.fits"), Path.Combine(_out, "gaia.csv"), Path.Combine(_out, "truth.csv"), new InjectionOptions(Seed: 3));
    }

    [OneTimeTearDown]
    public void Dispose() => _run.Dispose();

    [Test]
    public void The_PSF_model_is_centred_normalised_and_as_wide_as_PSFEx_says()
    {
        var psf = PsfexModel.Read(Data("psf", _run.RunId, "M67.psf"));
        var stamp = psf.Stamp(500.3, 600.7, 1059, 1059);
        Assert.That(stamp.Sum(p => p.Fraction), Is.EqualTo(1).Within(1e-9));
        Assert.That(stamp.Sum(p => p.X * p.Fraction), Is.EqualTo(500.3).Within(0.1));
        Assert.That(stamp.Sum(p => p.Y * p.Fraction), Is.EqualTo(600.7).Within(0.1));
        // Half the peak is reached about FWHM/2 from the centre.
        var peak = stamp.Max(p => p.Fraction);
        var half = stamp.Where(p => p.Fraction >= peak / 2).Max(p => Math.Sqrt(Math.Pow(p.X - 500.3, 2) + Math.Pow(p.Y - 600.7, 2)));
        Assert.That(half, Is.InRange(0.3 * psf.FwhmPixels, 0.9 * psf.FwhmPixels));
    }

    [Test]
    public void The_catalog_loses_exactly_the_removed_stars_and_keeps_every_other_row_as_it_was()
    {
        var original = File.ReadAllLines(Repo.Path("runs", "m67", "input", "gaia-dr3_M67_r22arcmin.csv"));
        var reduced = File.ReadAllLines(Path.Combine(_out, "gaia.csv"));
        var removed = TruthCsv.Read(Path.Combine(_out, "truth.csv")).Where(t => t.Shape == "removed").Select(t => t.Id[1..]).ToHashSet();
        Assert.That(removed, Has.Count.EqualTo(20));
        Assert.That(_result.Removed, Is.EqualTo(20));
        Assert.That(reduced, Is.EqualTo(original.Where(l => !removed.Contains(l.Split(',')[0])).ToArray()));
    }

    [Test]
    public void Injected_light_lands_only_where_the_truth_says_and_faint_sources_add_their_flux()
    {
        var before = FitsFile.Read(Repo.Path("runs", "m67", "input", "dss1-red_M67_XE486.fits")).Primary.ReadDoubles();
        var after = FitsFile.Read(Path.Combine(_out, "plate.fits")).Primary.ReadDoubles();
        var truth = TruthCsv.Read(Path.Combine(_out, "truth.csv")).Where(t => t.Shape == "injected").ToList();
        Assert.That(truth, Has.Count.EqualTo(150));
        const int w = 1059;
        for (var i = 0; i < before.Length; i++)
            if (before[i] != after[i])
            {
                var (x, y) = (i % w + 1, i / w + 1);
                Assert.That(truth.Min(t => Math.Sqrt(Math.Pow(t.X - x, 2) + Math.Pow(t.Y - y, 2))), Is.LessThan(10), $"pixel ({x}, {y}) changed far from any injection");
            }
        // The faintest injected sources are in the linear part of the response: the added light is their flux.
        foreach (var t in truth.OrderByDescending(t => t.Mag).Take(5))
        {
            double added = 0;
            for (var y = (int)t.Y - 10; y <= (int)t.Y + 10; y++)
                for (var x = (int)t.X - 10; x <= (int)t.X + 10; x++)
                    added += after[(y - 1) * w + x - 1] - before[(y - 1) * w + x - 1];
            var flux = Math.Pow(10, -0.4 * (t.Mag - _result.ZeroPoint));
            Assert.That(added, Is.EqualTo(flux).Within(0.05 * flux + 30), string.Create(CultureInfo.InvariantCulture, $"{t.Id} mag {t.Mag}"));
        }
    }

    [Test]
    public void Injections_avoid_masked_pixels_and_detected_sources()
    {
        var mask = FitsFile.Read(Data("masks", _run.RunId, "M67.mask")).Primary.ReadDoubles();
        var detections = File.ReadAllLines(Data("xmatch", _run.RunId, "M67_xmatch.csv")).Skip(1)
            .Select(l => l.Split(',')).Select(f => (X: double.Parse(f[3], CultureInfo.InvariantCulture), Y: double.Parse(f[4], CultureInfo.InvariantCulture))).ToList();
        foreach (var t in TruthCsv.Read(Path.Combine(_out, "truth.csv")).Where(t => t.Shape == "injected"))
        {
            Assert.That(mask[((int)t.Y - 1) * 1059 + (int)t.X - 1], Is.EqualTo(0), t.Id);
            Assert.That(detections.Min(d => Math.Sqrt(Math.Pow(d.X - t.X, 2) + Math.Pow(d.Y - t.Y, 2))) * 1.7, Is.GreaterThan(8), t.Id);
        }
    }
}
