using NUnit.Framework;
using Vasco.Fits;
using Vasco.Pipeline;
using Vasco.Summaries;
using Vasco.Tests.Support;

namespace Vasco.Tests.Steps;

/// <summary>
/// Step 9 remembers what it read of each tile (SummaryCache): a rebuilt tile's new figures and sources are
/// read, an unchanged tile's are not, and a damaged cache only costs a full read.
/// </summary>
public class SummaryCacheTests
{
    [Test]
    public void OnlyChangedTilesAreReadAgainAndTheFiguresAreTheFreshOnes()
    {
        var run = TestTemp.NewPath("summary-cache-");
        var steps = new[] { "Pass1", "Psf", "Pass2" }.Select((name, k) =>
            new StepDeclaration(name, k + 3, true, [], [], [], [], Path.Combine(run, name) + "/", Path.Combine(run, "logs"))).ToList();
        string[] tiles = ["t1", "t2"];
        foreach (var tile in tiles) { WriteTile(steps, tile, detections: 10); WriteCatalog(steps, tile, [2.0, 3.0]); }
        var cache = Path.Combine(run, "obj", "summary-tiles.cache");

        var first = RunSummary.Collect(steps, tiles, Pass2Of(steps), 2, cache);
        Assert.That(first.Select(t => t.Figures.Values["detections_p1"]), Is.EqualTo(new[] { 10.0, 10.0 }));
        Assert.That(File.Exists(cache));

        // t2 is rebuilt (new manifests and catalog, written by rename as the steps write them); t1 is not.
        WriteTile(steps, "t2", detections: 12);
        WriteCatalog(steps, "t2", [4.0, 5.0, 6.0]);
        var second = RunSummary.Collect(steps, tiles, Pass2Of(steps), 2, cache);
        Assert.That(second.Select(t => t.Figures.Values["detections_p1"]), Is.EqualTo(new[] { 10.0, 12.0 }));
        // FWHM in bins of 0.25 px from 0: 4, 5 and 6 px in bins 16, 20 and 24; MAG_AUTO's values as they were.
        Assert.That(second[1].FwhmCounts.Select((n, bin) => (n, bin)).Where(p => p.n > 0).Select(p => p.bin), Is.EqualTo(new[] { 16, 20, 24 }));
        Assert.That(second[1].Mag, Is.EqualTo(new[] { 4.0, 5.0, 6.0 }));
        Assert.That(second[0].Mag, Is.EqualTo(new[] { 2.0, 3.0 }));
        Assert.That(RunSummary.Histograms(second)[0].Total, Is.EqualTo(5));

        // A manifest rewritten alone (the catalog as it was) is read again too.
        WriteTile(steps, "t2", detections: 13);
        Assert.That(RunSummary.Collect(steps, tiles, Pass2Of(steps), 2, cache)[1].Figures.Values["detections_p1"], Is.EqualTo(13.0));

        // The unchanged tile came from the cache: its manifest now says something else but has its old size and time.
        var p1 = TileRecords.ManifestPath(steps[0].OutputDir, "t1");
        var (length, time) = (new FileInfo(p1).Length, File.GetLastWriteTimeUtc(p1));
        File.WriteAllText(p1, File.ReadAllText(p1).Replace("\"objects_detected\": 10", "\"objects_detected\": 77"));
        File.SetLastWriteTimeUtc(p1, time);
        Assert.That(new FileInfo(p1).Length, Is.EqualTo(length));
        Assert.That(RunSummary.Collect(steps, tiles, Pass2Of(steps), 2, cache)[0].Figures.Values["detections_p1"], Is.EqualTo(10.0), "read from the cache");
        Assert.That(RunSummary.Collect(steps, tiles, Pass2Of(steps), 2, cacheFile: null)[0].Figures.Values["detections_p1"], Is.EqualTo(77.0), "read from the file");

        // A failed step: the tile's failure record replaces its manifest, and the figures say so.
        File.Delete(TileRecords.ManifestPath(steps[1].OutputDir, "t2"));
        new Manifest { Step = "Psf", Status = "failed", TileId = "t2", FailedTiles = [new FailedTile("t2", "VASCO0402", "too few stars")] }
            .Write(TileRecords.FailedPath(steps[1].OutputDir, "t2"));
        Assert.That(RunSummary.Collect(steps, tiles, Pass2Of(steps), 2, cache)[1].Figures.Failure, Is.EqualTo("VASCO0402 Psf: too few stars"));

        // A damaged cache is no cache.
        var bytes = File.ReadAllBytes(cache);
        File.WriteAllBytes(cache, bytes[..(bytes.Length / 2)]);
        Assert.That(RunSummary.Collect(steps, tiles, Pass2Of(steps), 2, cache)[0].Figures.Values["detections_p1"], Is.EqualTo(77.0));
        Assert.That(RunSummary.Collect(steps, tiles, Pass2Of(steps), 2, cache)[1].Figures.Failure, Is.EqualTo("VASCO0402 Psf: too few stars"));
    }

    static void WriteTile(IReadOnlyList<StepDeclaration> steps, string tile, int detections)
    {
        foreach (var step in steps)
            new Manifest { Step = step.Name, TileId = tile, ElapsedSeconds = 0.5, Counts = new(StringComparer.Ordinal) { ["objects_detected"] = detections, ["stars_used"] = 7 } }
                .Write(TileRecords.ManifestPath(step.OutputDir, tile));
    }

    // A pass-2 catalog as SExtractor writes it, as far as step 9 reads it: LDAC_OBJECTS with the three columns.
    /// <summary>Where step 9 finds a tile's pass-2 catalog: step 5's dataset.</summary>
    static Func<string, string> Pass2Of(IReadOnlyList<StepDeclaration> steps) =>
        tile => Vasco.Steps.Pass2Step.Catalog.PathOf(steps.ToDictionary(s => s.Name), tile);

    static void WriteCatalog(IReadOnlyList<StepDeclaration> steps, string tile, double[] fwhm)
    {
        var header = new FitsHeader();
        header.Set("EXTNAME", "LDAC_OBJECTS");
        var writer = new FitsWriter();
        writer.AddImage(Array.Empty<short>(), []);
        writer.AddBinaryTable([TableColumn.Create("FWHM_IMAGE", fwhm), TableColumn.Create("MAG_AUTO", fwhm), TableColumn.Create("SNR_WIN", fwhm)], header);
        writer.WriteTo(Pass2Of(steps)(tile));
    }
}
