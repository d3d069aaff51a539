using Microsoft.Extensions.Time.Testing;
using NUnit.Framework;
using Vasco.Pipeline;

namespace Vasco.Tests.Engine;

/// <summary>What a step says while its tiles run: a line at each tenth, or each minute on a slow step, with what is left.</summary>
public class StepProgressTests
{
    [Test]
    public void AStepOfTwentyTilesSaysEachTenthWithTheTimeLeftOnceItIsNotQuick()
    {
        var clock = new FakeTimeProvider();
        var progress = new StepProgress("Pass1", 20, clock);
        var lines = new List<string>();
        for (var i = 1; i <= 20; i++)
        {
            clock.Advance(TimeSpan.FromSeconds(3));
            if (progress.Tile(failed: i == 5) is { } line) lines.Add(line);
        }
        Assert.That(lines, Has.Count.EqualTo(8), "quiet for the first 10 s, then at 4, 6, ... 18 of 20; the step's summary says the end");
        Assert.That(lines[0], Is.EqualTo("Pass1: 4 of 20 tile(s) done, 12 s, about 48 s left"));
        Assert.That(lines[1], Is.EqualTo("Pass1: 6 of 20 tile(s) done (1 failed), 18 s, about 42 s left"));
    }

    [Test]
    public void ASlowStepSaysSomethingEachMinuteAndASmallOneNothing()
    {
        var clock = new FakeTimeProvider();
        var progress = new StepProgress("Download", 1000, clock);
        var lines = new List<string>();
        for (var i = 1; i <= 30; i++)
        {
            clock.Advance(TimeSpan.FromSeconds(10));
            if (progress.Tile(false) is { } line) lines.Add(line);
        }
        Assert.That(lines, Has.Count.EqualTo(5), "30 tiles of 1000 in 5 minutes: no tenth reached, a line a minute");
        Assert.That(lines[^1], Is.EqualTo("Download: 30 of 1000 tile(s) done, 5 min 00 s, about 2 h 41 min left"));

        var small = new StepProgress("Psf", 4, clock);
        Assert.That(Enumerable.Range(0, 4).Select(_ => small.Tile(false)), Has.All.Null);
    }

    [Test]
    public void AFlowCountsATileOnceItIsThroughAllItsStepsAndFailedIfAnyFailedIt()
    {
        var clock = new FakeTimeProvider();
        // Ten tiles through Pass1 and Psf; tile t9 is stale only for Psf.
        var tiles = Enumerable.Range(0, 10).Select(i => $"t{i}").ToList();
        var progress = new FlowProgress(tiles.Take(9).Concat(tiles), clock);
        var lines = new List<string>();
        void Through(string step, string tile, TileStatus status)
        {
            clock.Advance(TimeSpan.FromSeconds(2));
            if (progress.Through(new TileOutcome(tile, status, 2)) is { } line) lines.Add(step + " " + line);
        }
        foreach (var t in tiles.Take(9)) Through("Pass1", t, t == "t3" ? TileStatus.Failed : TileStatus.Ok);
        Assert.That(lines, Is.Empty, "no tile is through Psf yet");
        foreach (var t in tiles) Through("Psf", t, t == "t3" ? TileStatus.Skipped : TileStatus.Ok);
        Assert.That(lines[0], Is.EqualTo("Psf Vasco: 1 of 10 tile(s) through their steps, 20 s, about 3 min 00 s left"));
        Assert.That(lines, Has.Some.Contains("Vasco: 4 of 10 tile(s) through their steps (1 failed)"), "t3 failed in Pass1, skipped in Psf");
        Assert.That(lines, Has.None.Contains("10 of 10"), "the steps' own summaries say the end");
    }
}
