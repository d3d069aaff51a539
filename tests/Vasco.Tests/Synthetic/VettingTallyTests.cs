using System.Globalization;
using System.Text.Json;
using NUnit.Framework;
using Vasco.Recovery;
using Vasco.Synthetic;
using Vasco.Tests.Support;

namespace Vasco.Tests.Synthetic;

/// <summary>
/// The vetting section of recovery.json, from hand-made stage files (data/vetting/&lt;RunId&gt;/&lt;stage&gt;/&lt;tile&gt;.csv):
/// per stage, how many of the planted sources of its class that step 8 kept it removed, how many vanished sources it
/// removed, how many candidates it did not check.
/// </summary>
public class VettingTallyTests
{
    const double Ra0 = 150, Dec0 = 20;

    /// <summary>A truth source <paramref name="i"/> arcmin east of the tile's corner.</summary>
    static SyntheticSource Truth(string id, string kind, int i) =>
        new(id, kind, Ra0 + i / 60.0, Dec0, 100 + 35 * i, 100, 17, 0, 0, kind is SourceKind.Star or SourceKind.Mover);

    /// <summary>
    /// One tile: 2 vanished sources, 3 asteroids, 2 scan artefacts, 1 infrared source, 1 star; step 8 kept both vanished
    /// sources (candidates 1, 2), two asteroids (3, 4), both artefacts (5, 6), the infrared source (7), and one candidate
    /// on nothing planted (8).
    /// </summary>
    static readonly SyntheticSource[] Sources =
    [
        Truth("v0", SourceKind.Vanished, 0), Truth("v1", SourceKind.Vanished, 1),
        Truth("a0", SourceKind.Asteroid, 2), Truth("a1", SourceKind.Asteroid, 3), Truth("a2", SourceKind.Asteroid, 4),
        Truth("sa0", SourceKind.ScanArtefact, 5), Truth("sa1", SourceKind.ScanArtefact, 6),
        Truth("ir0", SourceKind.Infrared, 7), Truth("s0", SourceKind.Star, 8),
    ];

    static readonly (string Id, int Number)[] Kept = [("v0", 1), ("v1", 2), ("a0", 3), ("a1", 4), ("sa0", 5), ("sa1", 6), ("ir0", 7)];

    string _folder = "";

    [SetUp]
    public void NewFolder() => _folder = TestTemp.NewPath("vetting-") + Path.DirectorySeparatorChar;

    /// <summary>A stage's file for the tile: one row per (candidate number, status).</summary>
    void Stage(string stage, params (int Number, string Status)[] rows)
    {
        var path = VettingFiles.PathOf(_folder, stage, "syn-t");
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllText(path, "tile_id,number,ra,dec,status,extra\n" + string.Concat(rows.Select(r =>
            string.Create(CultureInfo.InvariantCulture, $"syn-t,{r.Number},{Ra0 + r.Number / 600.0},{Dec0},{r.Status},x\n"))));
    }

    /// <summary>The tile's candidates 0.4" from the kept sources, plus candidate 8 on nothing; its stage files as written so far.</summary>
    RecoveryInputs Inputs(string? folder = null)
    {
        var byId = Sources.ToDictionary(s => s.Id);
        var candidates = Kept.Select(k => (byId[k.Id].Ra + 0.4 / 3600, byId[k.Id].Dec, k.Number)).Append((Ra0 + 20 / 60.0, Dec0, 8)).ToList();
        var detections = candidates.Select(c => (c.Item1, c.Item2)).ToList();
        folder ??= _folder;
        return new RecoveryInputs("syn-t", "synthetic", Sources, detections, candidates, [], folder, VettingFiles.ReadTile(folder, "syn-t"));
    }

    static JsonElement Report(params RecoveryInputs[] tiles) =>
        JsonDocument.Parse(new RecoveryReport(tiles.Select(TileRecovery.Compare).ToList(), new RecoveryGoal()).ToJson()).RootElement;

    static JsonElement StageOf(JsonElement report, string stage) =>
        report.GetProperty("vetting").GetProperty("stages").EnumerateArray().Single(s => s.GetProperty("stage").GetString() == stage);

    [Test]
    public void Without_stage_files_the_vetting_section_says_it_was_not_checked_and_gives_no_figures()
    {
        var vetting = Report(Inputs()).GetProperty("vetting");
        Assert.That(vetting.GetProperty("checked").GetBoolean(), Is.False);
        Assert.That(vetting.GetProperty("why").GetString(), Does.Contain("no vetting stage").And.Contain(Path.Combine(_folder, "<stage>", "<tile_id>.csv")));
        Assert.That(vetting.TryGetProperty("stages", out _), Is.False, "no zeros that would look like a result");

        var unnamed = Report(Inputs(folder: "")).GetProperty("vetting");
        Assert.That(unnamed.GetProperty("why").GetString(), Does.Contain("name no folder"));
    }

    [Test]
    public void Each_stage_is_tallied_against_the_class_it_must_remove()
    {
        Stage("asteroids", (1, "passed"), (2, "not_checked:no_mid_exposure"), (3, "removed:asteroid"), (4, "passed"), (5, "passed"), (6, "passed"), (7, "passed"), (8, "passed"));
        Stage("second-scan", (1, "removed:scan_artefact"), (2, "passed"), (3, "passed"), (4, "passed"), (5, "removed:scan_artefact"), (6, "removed:scan_artefact"), (7, "passed"));
        Stage("archives", (1, "passed"), (2, "passed"), (3, "passed"), (4, "passed"), (5, "passed"), (6, "passed"), (7, "removed:ir_only"), (8, "removed:counterpart"));
        var report = Report(Inputs());
        Assert.That(report.GetProperty("vetting").GetProperty("checked").GetBoolean(), Is.True);

        var asteroids = StageOf(report, "asteroids");
        Assert.That(asteroids.GetProperty("class").GetString(), Is.EqualTo(SourceKind.Asteroid));
        Assert.That(asteroids.GetProperty("planted").GetInt32(), Is.EqualTo(3));
        Assert.That(asteroids.GetProperty("selected").GetInt32(), Is.EqualTo(2), "step 8 kept a0 and a1, not a2");
        Assert.That(asteroids.GetProperty("removed").GetInt32(), Is.EqualTo(1));
        Assert.That(asteroids.GetProperty("completeness").GetDouble(), Is.EqualTo(0.5));
        Assert.That(asteroids.GetProperty("removed_reasons").GetProperty("asteroid").GetInt32(), Is.EqualTo(1));
        Assert.That(asteroids.GetProperty("wrongly_removed_vanished").GetInt32(), Is.Zero);
        Assert.That(asteroids.GetProperty("not_checked").GetInt32(), Is.EqualTo(1));
        Assert.That(asteroids.GetProperty("not_listed").GetInt32(), Is.Zero);

        var scan = StageOf(report, "second-scan");
        Assert.That((scan.GetProperty("selected").GetInt32(), scan.GetProperty("removed").GetInt32(), scan.GetProperty("completeness").GetDouble()), Is.EqualTo((2, 2, 1.0)));
        Assert.That(scan.GetProperty("wrongly_removed_vanished").GetInt32(), Is.EqualTo(1), "v0 (candidate 1) is a vanished source");
        Assert.That(scan.GetProperty("not_listed").GetInt32(), Is.EqualTo(1), "candidate 8 has no row");
        Assert.That(scan.GetProperty("removed_by_class").GetProperty(SourceKind.Vanished).GetInt32(), Is.EqualTo(1));
        Assert.That(scan.GetProperty("removed_by_class").GetProperty(SourceKind.ScanArtefact).GetInt32(), Is.EqualTo(2));

        var archives = StageOf(report, "archives");
        Assert.That((archives.GetProperty("class").GetString(), archives.GetProperty("selected").GetInt32(), archives.GetProperty("removed").GetInt32()), Is.EqualTo((SourceKind.Infrared, 1, 1)));
        Assert.That(archives.GetProperty("removed_reasons").GetProperty("ir_only").GetInt32(), Is.EqualTo(1));
        Assert.That(archives.GetProperty("removed_by_class").GetProperty(TileVetting.Unplanted).GetInt32(), Is.EqualTo(1), "candidate 8 lies on nothing planted");

        // The stages that wrote nothing say so; a selected class of none has no completeness.
        var variables = StageOf(report, "variables");
        Assert.That(variables.GetProperty("checked").GetBoolean(), Is.False);
        Assert.That(variables.GetProperty("why").GetString(), Does.Contain("variables/<tile_id>.csv"));
        Assert.That(variables.TryGetProperty("completeness", out _), Is.False);

        var removed = report.GetProperty("vetting").GetProperty("vanished_removed").EnumerateArray().Single();
        Assert.That((removed.GetProperty("id").GetString(), removed.GetProperty("stages")[0].GetString()), Is.EqualTo(("v0", "second-scan")));
    }

    [Test]
    public void Candidates_on_sources_of_the_vetting_classes_are_no_false_candidates_of_step_8()
    {
        var tile = Report(Inputs()).GetProperty("tiles")[0];
        Assert.That(tile.GetProperty("candidates").GetInt32(), Is.EqualTo(8));
        Assert.That(tile.GetProperty("recovered").GetInt32(), Is.EqualTo(2));
        Assert.That(tile.GetProperty("vetting_class_candidates").GetInt32(), Is.EqualTo(5));
        Assert.That(tile.GetProperty("false_candidates").GetInt32(), Is.EqualTo(1), "only candidate 8");
    }

    [TestCase("removed", "its status 'removed' is not passed")]
    [TestCase("kept", "its status 'kept' is not passed")]
    public void A_stage_file_with_a_status_Vasco_does_not_know_is_an_error_naming_it(string status, string message)
    {
        Stage("motion", (1, "passed"), (2, status));
        var e = Assert.Throws<VascoException>(() => Inputs())!;
        Assert.That(e.Code, Is.EqualTo(ErrorCodes.RecoveryVettingInvalid));
        Assert.That(e.Message, Does.Contain(message).And.Contain("line 3"));
    }

    [Test]
    public void A_stage_file_without_the_status_column_is_an_error()
    {
        var path = VettingFiles.PathOf(_folder, "shadow", "syn-t");
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllText(path, "tile_id,number,ra,dec,flag\nsyn-t,1,150,20,ok\n");
        var e = Assert.Throws<VascoException>(() => Inputs())!;
        Assert.That(e.Code, Is.EqualTo(ErrorCodes.RecoveryVettingInvalid));
        Assert.That(e.Message, Does.Contain("status"));
    }
}
