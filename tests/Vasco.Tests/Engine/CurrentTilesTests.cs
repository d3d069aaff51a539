using NUnit.Framework;
using Vasco.Pipeline;

namespace Vasco.Tests.Engine;

/// <summary>A tile manifest's stamp, read from the manifest's start as the run-level steps check 10,000 tiles.</summary>
public class CurrentTilesTests
{
    string _dir = "";

    [SetUp] public void SetUp() => _dir = Directory.CreateTempSubdirectory("vasco-current-").FullName;
    [TearDown] public void TearDown() => Directory.Delete(_dir, recursive: true);

    [Test]
    public void AManifestsStampIsReadWhereverItIsAndMissingOnesAreNull()
    {
        var written = Path.Combine(_dir, "a.tile.json");
        var m = new Manifest { Step = "Filter", StepNumber = 8, RunId = "r", TileId = "a", Stamp = "d1" };
        for (var i = 0; i < 200; i++) m.Warnings.Add($"warning {i} that makes the manifest longer than the part read first");
        m.Write(written);
        Assert.That(CurrentTiles.ManifestStamp(written), Is.EqualTo("d1"), "as Vasco writes it: the stamp near the start");

        // Properties in another order: the stamp after the first 2 KB, and one nested deeper that is not the manifest's.
        var late = Path.Combine(_dir, "b.tile.json");
        File.WriteAllText(late, "{\"counts\": {\"stamp\": 3}, \"warnings\": [" + string.Join(",", Enumerable.Range(0, 400).Select(i => $"\"w{i}\"")) + "], \"stamp\": \"d2\"}");
        Assert.That(new FileInfo(late).Length, Is.GreaterThan(2048));
        Assert.That(CurrentTiles.ManifestStamp(late), Is.EqualTo(Manifest.TryRead(late)?.Stamp).And.EqualTo("d2"));

        var none = Path.Combine(_dir, "c.tile.json");
        File.WriteAllText(none, "{\"counts\": {\"stamp\": 3}}");
        Assert.That(CurrentTiles.ManifestStamp(none), Is.Null);
        Assert.That(CurrentTiles.ManifestStamp(Path.Combine(_dir, "missing.tile.json")), Is.Null);
    }
}
