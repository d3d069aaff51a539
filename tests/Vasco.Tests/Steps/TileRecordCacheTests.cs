using NUnit.Framework;
using Vasco.Pipeline;
using Vasco.Tests.Support;

namespace Vasco.Tests.Steps;

/// <summary>
/// A step's manifest.json remembers what it read of each tile's records (TileRecordCache): with the cache it is the same
/// file as without, a rewritten or removed record is read again, an unchanged one is not, and a damaged cache only costs
/// a full read.
/// </summary>
public class TileRecordCacheTests
{
    static readonly ParameterSet Values = new([new ResolvedParameter("StarMagLimit", "12", ParameterSource.Default), new ResolvedParameter("MaxParallel", "2", ParameterSource.Default)]);

    static void WriteOk(StepDeclaration step, string tile, double stars, params string[] warnings) => new Manifest
    {
        Step = step.Name, TileId = tile, RunId = "r",
        StartedUtc = new DateTimeOffset(2026, 12, 3, 10, 0, (int)stars % 60, TimeSpan.Zero),
        FinishedUtc = new DateTimeOffset(2026, 12, 3, 11, 0, 0, TimeSpan.FromHours(1)),
        ElapsedSeconds = 0.25, Retries = 1,
        Inputs = [new FileRecord("stars.csv", 10, "aa"), new FileRecord($"in/{tile}.fits", 20, "bb")],
        Outputs = [new FileRecord($"out/{tile}.txt", (long)stars, "cc")],
        Counts = new(StringComparer.Ordinal) { ["stars"] = stars },
        Warnings = [.. warnings],
    }.Write(TileRecords.ManifestPath(step.OutputDir, tile));

    static void WriteFailed(StepDeclaration step, string tile, string reason) => new Manifest
    {
        Step = step.Name, TileId = tile, Status = "failed", ElapsedSeconds = 0.5, Retries = 2,
        FailedTiles = [new FailedTile(tile, "VASCO0402", reason)],
    }.Write(TileRecords.FailedPath(step.OutputDir, tile));

    /// <summary>manifest.json over the tiles, with the cache and (into another folder) without, which must be the same file.</summary>
    static Manifest Aggregate(StepDeclaration step, string[] tiles, string cache)
    {
        StepManifests.Aggregate(step with { ManifestDir = step.ManifestDir + "plain/" }, "/run", "r", tiles, Values, new Dictionary<string, string>());
        var cached = StepManifests.Aggregate(step, "/run", "r", tiles, Values, new Dictionary<string, string>(), cacheFile: cache);
        Assert.That(File.ReadAllText(Path.Combine(step.ManifestDir, StepManifests.FileName)),
            Is.EqualTo(File.ReadAllText(Path.Combine(step.ManifestDir, "plain", StepManifests.FileName))), "the cache changes nothing in manifest.json");
        var written = Manifest.Read(cached.Path);
        Assert.That((written.Status, written.Counts, written.Warnings), Is.EqualTo((cached.Status, cached.Counts, cached.Warnings)));
        return written;
    }

    [Test]
    public void OnlyRewrittenRecordsAreReadAgainAndTheManifestIsTheSameAsWithoutTheCache()
    {
        var run = TestTemp.NewPath("record-cache-");
        var step = new StepDeclaration("StarCount", 1, true, [], ["StarMagLimit"], [], [], Path.Combine(run, "starcount") + "/", Path.Combine(run, "logs"));
        Directory.CreateDirectory(step.OutputDir);
        string[] tiles = ["t1", "t2", "t3"];
        WriteOk(step, "t1", 10, "near the edge");
        WriteOk(step, "t2", 20);
        WriteFailed(step, "t3", "no stars file");
        var cache = TileRecordCache.PathOf(Path.Combine(run, "obj", "stamps"), step.Name);

        var first = Aggregate(step, tiles, cache);
        Assert.That(File.Exists(cache));
        Assert.That(first.Counts["stars"], Is.EqualTo(30));
        Assert.That(first.Status, Is.EqualTo("partial"));

        // t2 rebuilt (by rename, as the steps write), t3 now built; t1 untouched.
        WriteOk(step, "t2", 25);
        File.Delete(TileRecords.FailedPath(step.OutputDir, "t3"));
        WriteOk(step, "t3", 5);
        var second = Aggregate(step, tiles, cache);
        Assert.That(second.Counts["stars"], Is.EqualTo(40));
        Assert.That(second.Status, Is.EqualTo("ok"));
        Assert.That(second.Warnings, Is.EqualTo(new[] { "t1: near the edge" }));
        // The two tiles read again were appended to the cache (its journal), where the check of current tiles finds them too.
        Assert.That(File.Exists(Vasco.IO.AppendedCache.JournalOf(cache)), Is.True);
        Assert.That(TileRecordCache.Stamps(cache)["t2"].Signature[0], Is.EqualTo(new FileInfo(TileRecords.ManifestPath(step.OutputDir, "t2")).Length));
        Assert.That(TileRecordCache.Load(cache).Tiles["t3"].Kind, Is.EqualTo(TileRecordCache.Kind.Ok));

        // The unchanged tile came from the cache: its manifest now says something else but has its old size and time.
        var t1 = TileRecords.ManifestPath(step.OutputDir, "t1");
        var (length, time) = (new FileInfo(t1).Length, File.GetLastWriteTimeUtc(t1));
        File.WriteAllText(t1, File.ReadAllText(t1).Replace("\"stars\": 10", "\"stars\": 70"));
        File.SetLastWriteTimeUtc(t1, time);
        Assert.That(new FileInfo(t1).Length, Is.EqualTo(length));
        Assert.That(StepManifests.Aggregate(step, "/run", "r", tiles, Values, new Dictionary<string, string>(), cacheFile: cache).Counts["stars"], Is.EqualTo(40), "read from the cache");
        Assert.That(StepManifests.Aggregate(step, "/run", "r", tiles, Values, new Dictionary<string, string>()).Counts["stars"], Is.EqualTo(100), "read from the file");

        // A removed record is read as missing; a tile no longer in the run leaves the cache.
        WriteOk(step, "t1", 70, "near the edge");
        File.Delete(TileRecords.ManifestPath(step.OutputDir, "t3"));
        var third = Aggregate(step, ["t1", "t3"], cache);
        Assert.That(third.Tiles!.Select(t => (t.TileId, t.Status)), Is.EqualTo(new[] { ("t1", "ok"), ("t3", "not built") }));
        Assert.That(TileRecordCache.Load(cache).Tiles.Keys, Is.EquivalentTo(new[] { "t1", "t3" }));

        // A damaged cache is no cache.
        var bytes = File.ReadAllBytes(cache);
        File.WriteAllBytes(cache, bytes[..(bytes.Length / 2)]);
        Assert.That(TileRecordCache.Load(cache).Tiles, Is.Empty);
        Assert.That(Aggregate(step, ["t1", "t3"], cache).Counts["stars"], Is.EqualTo(70));
    }

    [Test]
    public void TheStepManifestSaysWhatItsTilesSay()
    {
        var run = TestTemp.NewPath("record-cache-");
        var step = new StepDeclaration("StarCount", 1, true, [], ["StarMagLimit"], ["stilts", "psfex"], [], Path.Combine(run, "starcount") + "/", Path.Combine(run, "logs"));
        Directory.CreateDirectory(step.OutputDir);
        WriteOk(step, "t1", 10, "near the edge");
        WriteFailed(step, "t2", "no stars file");
        WriteOk(step, "t4", 20);
        var t5 = TileRecords.ManifestPath(step.OutputDir, "t5");
        WriteOk(step, "t5", 1);
        var nan = Manifest.Read(t5);
        nan.Counts["mean_fwhm"] = double.NaN;
        nan.Write(t5);
        var fields = new Dictionary<string, object?> { ["endpoint"] = "http://127.0.0.1:1/", ["tiles_count"] = 4 };

        var totals = StepManifests.Aggregate(step, "/run", "r", ["t1", "t2", "t3", "t4", "t5"], Values, new Dictionary<string, string> { ["psfex"] = "3.21.1" }, fields,
            cacheFile: TileRecordCache.PathOf(Path.Combine(run, "obj"), step.Name));
        var m = Manifest.Read(totals.Path);

        Assert.That((m.Step, m.StepNumber, m.RunId, m.Status, m.TileId), Is.EqualTo(("StarCount", 1, "r", "partial", (string?)null)));
        Assert.That(m.Parameters, Is.EqualTo(new SortedDictionary<string, string> { ["StarMagLimit"] = "12" }));
        Assert.That(m.Tools, Is.EqualTo(new SortedDictionary<string, string> { ["psfex"] = "3.21.1", ["stilts"] = "unknown" }));
        Assert.That(m.Inputs.Select(i => i.Path), Is.EqualTo(new[] { "stars.csv", "in/t1.fits", "in/t4.fits", "in/t5.fits" }), "shared inputs once, in first-seen order");
        Assert.That(m.Outputs, Is.EqualTo(new[] { new FileRecord("out/t1.txt", 10, "cc"), new FileRecord("out/t4.txt", 20, "cc"), new FileRecord("out/t5.txt", 1, "cc") }));
        Assert.That(m.Counts["stars"], Is.EqualTo(31));
        Assert.That(m.Counts["mean_fwhm"], Is.NaN);
        Assert.That((m.Counts["tiles_ok"], m.Counts["tiles_failed"], m.Counts["tiles_not_built"]), Is.EqualTo((3.0, 1.0, 1.0)));
        Assert.That(m.Retries, Is.EqualTo(1 + 2 + 1 + 1));
        Assert.That(m.Warnings, Is.EqualTo(new[] { "t1: near the edge" }));
        Assert.That(m.FailedTiles, Is.EqualTo(new[] { new FailedTile("t2", "VASCO0402", "no stars file") }));
        Assert.That(m.Tiles, Is.EqualTo(new[]
        {
            new TileSummary("t1", "ok", 0.25), new TileSummary("t2", "failed", 0.5, "no stars file"), new TileSummary("t3", "not built", 0),
            new TileSummary("t4", "ok", 0.25), new TileSummary("t5", "ok", 0.25),
        }));
        Assert.That(m.ElapsedSeconds, Is.EqualTo(1.25));
        Assert.That(m.StartedUtc, Is.EqualTo(new DateTimeOffset(2026, 12, 3, 10, 0, 1, TimeSpan.Zero)), "the earliest tile's start");
        Assert.That(m.FinishedUtc, Is.EqualTo(new DateTimeOffset(2026, 12, 3, 11, 0, 0, TimeSpan.FromHours(1))));
        Assert.That((m.Fields["endpoint"]?.ToString(), m.Fields["tiles_count"]?.ToString()), Is.EqualTo(("http://127.0.0.1:1/", "4")));
        Assert.That((totals.Status, totals.Counts["stars"]), Is.EqualTo(("partial", 31.0)));
    }
}
