using NUnit.Framework;
using Vasco.Tests.Support;
using Vasco.Vetting;

namespace Vasco.Tests.Vetting;

/// <summary>
/// The run's vetted candidates.csv from the tiles' files: every candidate's row with each stage's status and columns, in the
/// tiles' order; a tile without candidates adds nothing (its stages' files are not needed), and a tile whose files have
/// other columns than the first tile's stops the list.
/// </summary>
public class VettedCandidatesTests
{
    static readonly IReadOnlyList<FunnelStage> Stages = Funnel.Stages;

    // The header of the list: step 8's columns, each stage's status and its one column (the archives' matches, d_<stage> else), the verdict.
    static readonly string Header = "tile_id,number,ra,dec," + string.Join(',', Stages.Select(s => $"{s.Column},{Detail(s)}")) + ",vetting";

    static string Detail(FunnelStage s) => s.Folder == "archives" ? "archive_matches" : "d_" + s.Folder;

    /// <summary>A tile's candidates and stage files: the archives' verdicts as given, every other stage passed.</summary>
    static VettedTile Tile(string dir, string id, (string Number, string Status, string Match)[] rows, string otherColumn = "")
    {
        var candidates = Path.Combine(dir, id + "_candidates.csv");
        File.WriteAllText(candidates, "tile_id,number,ra,dec\n" + string.Concat(rows.Select(r => $"{id},{r.Number},10.5,20.25\n")));
        var files = new Dictionary<string, string>();
        foreach (var s in Stages)
        {
            files[s.Folder] = Path.Combine(dir, $"{id}_{s.Folder}.csv");
            var archives = s.Folder == "archives";
            File.WriteAllText(files[s.Folder], $"tile_id,number,ra,dec,status,{(otherColumn.Length > 0 && archives ? otherColumn : Detail(s))}\n"
                + string.Concat(rows.Select(r => $"{id},{r.Number},10.5,20.25,{(archives ? r.Status : "passed")},{(archives ? r.Match : "")}\n")));
        }
        return new VettedTile(id, candidates, files);
    }

    static string Row(string tile, string number, string status, string match, string vetting) =>
        $"{tile},{number},10.5,20.25,{status},{match}," + string.Concat(Stages.Skip(1).Select(_ => "passed,,")) + vetting;

    [Test]
    public void EveryCandidateKeepsItsRowWithItsStagesVerdictAndEmptyTilesNeedNoStageFiles()
    {
        var dir = Directory.CreateDirectory(TestTemp.NewPath("vetted-")).FullName;
        var t1 = Tile(dir, "t1", []);
        var t2 = Tile(dir, "t2", [("3", "passed", ""), ("7", "removed:ir_only", "allwise")]);
        var t3 = Tile(dir, "t3", []);
        foreach (var file in t3.StageFiles.Values) File.Delete(file);  // a tile without candidates: its stages' files are not read
        var t4 = Tile(dir, "t4", [("1", "not_checked:offline", "")]);
        var path = Path.Combine(dir, "candidates.csv");

        var list = VettedCandidates.Write(path, Path.Combine(dir, "ir_only.csv"), [t1, t2, t3, t4], Stages, maxParallel: 2);

        Assert.That(File.ReadAllLines(path), Is.EqualTo(new[]
        {
            Header,
            Row("t2", "3", "passed", "", "passed"),
            Row("t2", "7", "removed:ir_only", "allwise", "removed:ir_only"),
            Row("t4", "1", "not_checked:offline", "", "not_checked"),
        }));
        Assert.That((list.Count, list.TilesWithCandidates, list.IrOnly, list.NotCheckedByStage["archives"]), Is.EqualTo((3, 2, 1, 1)));
        Assert.That(File.ReadAllLines(Path.Combine(dir, "ir_only.csv")), Is.EqualTo(new[] { "tile_id,number,ra,dec,mag,archive_matches", "t2,7,10.5,20.25,,allwise" }));
    }

    [Test]
    public void TheFirstTileGivesTheHeaderEvenWithoutCandidatesAndOtherColumnsStopTheList()
    {
        var dir = Directory.CreateDirectory(TestTemp.NewPath("vetted-")).FullName;
        var path = Path.Combine(dir, "candidates.csv");
        VettedCandidates.Write(path, Path.Combine(dir, "ir_only.csv"), [Tile(dir, "t1", [])], Stages);
        Assert.That(File.ReadAllLines(path), Is.EqualTo(new[] { Header }), "the stages' own columns, with no row");

        var other = Tile(dir, "t2", [("3", "passed", "")], otherColumn: "other_column");
        var e = Assert.Throws<VascoException>(() => VettedCandidates.Write(path, Path.Combine(dir, "ir_only.csv"), [Tile(dir, "t1", []), other], Stages));
        Assert.That(e!.Message, Does.Contain("Tile t2's candidates or vetting files have other columns than the run's first tile's"));
    }

    [Test]
    public void ATileWhoseRecordsAreAsTheyWereIsNotReadAgainAndARerunTileIs()
    {
        var dir = Directory.CreateDirectory(TestTemp.NewPath("vetted-")).FullName;
        var (path, irOnly, cache) = (Path.Combine(dir, "candidates.csv"), Path.Combine(dir, "ir_only.csv"), Path.Combine(dir, "obj", "Filter.vetted.cache"));
        var t1 = Tile(dir, "t1", [("3", "passed", "")]) with { Signature = [120, 638000000000000000] };
        VettedCandidates.Write(path, irOnly, [t1], Stages, cacheFile: cache);
        var first = File.ReadAllLines(path);
        Assert.That(first, Has.Length.EqualTo(2));

        // Its records unchanged, the tile's files are not opened: gone, they are not missed.
        File.Delete(t1.CandidatesFile);
        foreach (var file in t1.StageFiles.Values) File.Delete(file);
        VettedCandidates.Write(path, irOnly, [t1], Stages, cacheFile: cache);
        Assert.That(File.ReadAllLines(path), Is.EqualTo(first));

        // Rerun (a record rewritten), it is read again.
        var rerun = Tile(dir, "t1", [("3", "passed", ""), ("8", "removed:ir_only", "allwise")]) with { Signature = [180, 638000000000000001] };
        var list = VettedCandidates.Write(path, irOnly, [rerun], Stages, cacheFile: cache);
        Assert.That(File.ReadAllLines(path), Is.EqualTo(new[] { Header, Row("t1", "3", "passed", "", "passed"), Row("t1", "8", "removed:ir_only", "allwise", "removed:ir_only") }));
        Assert.That(list.IrOnly, Is.EqualTo(1));

        // A damaged cache is not trusted.
        File.WriteAllBytes(cache, File.ReadAllBytes(cache)[..40]);
        File.Delete(rerun.CandidatesFile);
        Assert.Throws<FileNotFoundException>(() => VettedCandidates.Write(path, irOnly, [rerun], Stages, cacheFile: cache));
    }
}
