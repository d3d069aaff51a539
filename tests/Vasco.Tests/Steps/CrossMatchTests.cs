using NUnit.Framework;
using Vasco.Tests.Support;
using Vasco.CrossMatch;
using Vasco.Pipeline;
using Vasco.Tools;

namespace Vasco.Tests.Steps;

/// <summary>The STILTS cross-match (the real STILTS) on small hand-made tiles.</summary>
public class CrossMatchTests
{
    static StiltsMatcher Matcher() => new(ProcessRunner.FindOnPath("stilts")!, TimeSpan.FromMinutes(5));

    static string Log() => TestTemp.NewPath("stilts-", ".log");

    [Test]
    public void TilesAreMatchedSeparatelyAndTheSplitsAddUp()
    {
        const double arcsec = 1 / 3600.0;
        // Tile a: plate 0 has a counterpart 2" away, plate 1 one 4.9" away, plate 2 none (one at 5.1");
        // modern 3 is 60" from everything. Tile b has the same positions but no modern sources.
        var a = new MatchInput("a",
            [10, 10.01, 10.02], [20, 20, 20],
            [10 + 2 * arcsec / Math.Cos(20 * Math.PI / 180), 10.01, 10.02, 10.05], [20, 20 + 4.9 * arcsec, 20 + 5.1 * arcsec, 20]);
        var b = new MatchInput("b", [10, 10.01], [20, 20], [], []);
        var results = Matcher().Match([a, b], 5, Log(), CancellationToken.None);

        Assert.That(results["a"].Pairs, Is.EqualTo(new[] { (0, 0), (1, 1) }));
        Assert.That(results["a"].Local, Is.EqualTo(new[] { 2 }));
        Assert.That(results["a"].Cdss, Is.EqualTo(new[] { 2, 3 }));
        Assert.That(results["b"].Pairs, Is.Empty, "tile b's plate sources are not matched to tile a's modern ones");
        Assert.That(results["b"].Local, Is.EqualTo(new[] { 0, 1 }));
    }

    [Test]
    public void TwoPlateSourcesMayShareTheirBestCounterpart()
    {
        const double arcsec = 1 / 3600.0;
        var t = new MatchInput("t", [10, 10 + 3 * arcsec], [0, 0], [10 + 1.5 * arcsec], [0]);
        var r = Matcher().Match([t], 5, Log(), CancellationToken.None)["t"];
        Assert.That(r.Pairs, Is.EqualTo(new[] { (0, 0), (1, 0) }), "each plate source keeps its nearest modern source: neither is unmatched");
        Assert.That(r.Local, Is.Empty);
        Assert.That(r.Cdss, Is.Empty);
    }

    [TestCase(double.NaN, 0)]
    [TestCase(10, double.NaN)]
    [TestCase(360, 0)]
    [TestCase(10, 91)]
    public void PositionsThatAreNotDegreesNeverReachStilts(double ra, double dec)
    {
        var t = new MatchInput("bad", [ra], [dec], [10], [0]);
        var e = Assert.Throws<VascoException>(() => Matcher().Match([t], 5, Log(), CancellationToken.None));
        Assert.That(e!.Code, Is.EqualTo("VASCO7001"));
    }

    [Test]
    public void ManyTilesSplitIntoSeveralStiltsRunsGiveTheSameResult()
    {
        var tiles = Enumerable.Range(0, 6).Select(i => new MatchInput($"t{i}", [i, i + 0.5], [i, i], [i + 0.0001], [i])).ToList();
        var one = Matcher().Match(tiles, 5, Log(), CancellationToken.None);
        var several = new StiltsMatcher(ProcessRunner.FindOnPath("stilts")!, TimeSpan.FromMinutes(5)) { MaxRowsPerRun = 7 }.Match(tiles, 5, Log(), CancellationToken.None);
        foreach (var t in tiles)
        {
            Assert.That(several[t.TileId].Pairs, Is.EqualTo(one[t.TileId].Pairs));
            Assert.That(several[t.TileId].Local, Is.EqualTo(one[t.TileId].Local));
        }
        Assert.That(one["t3"].Pairs, Is.EqualTo(new[] { (0, 0) }));
        Assert.That(one["t3"].Local, Is.EqualTo(new[] { 1 }));
    }
}
