using NUnit.Framework;
using Vasco.Summaries;

namespace Vasco.Tests.Summaries;

/// <summary>
/// The magnitude histogram's range (1st to 99th percentile) is the sorted values' own, found without sorting them; a
/// histogram summed from the tiles' counts is the one of all their values.
/// </summary>
public class HistogramTests
{
    [Test]
    public void TheKthValueIsTheOneSortingGives()
    {
        var random = new Random(20);
        foreach (var n in new[] { 1, 2, 3, 10, 101, 5000 })
            foreach (var distinct in new[] { 2, 50, 1_000_000 })
            {
                var values = Enumerable.Range(0, n).Select(_ => (double)random.Next(distinct) / 7).ToArray();
                var sorted = values.Order().ToArray();
                foreach (var k in new[] { 0, (int)(0.01 * (n - 1)), n / 2, (int)(0.99 * (n - 1)), n - 1 })
                    Assert.That(Histogram.Select((double[])values.Clone(), k), Is.EqualTo(sorted[k]), $"n={n} distinct={distinct} k={k}");
            }
    }

    [Test]
    public void TheRangeIsTheFloorAndCeilingOfThePercentiles()
    {
        var mags = Enumerable.Range(0, 1000).Select(i => 12.3 + i * 0.006).Append(double.NaN).Reverse().ToArray();
        var h = Histogram.OverRange("MAG_AUTO", "mag", mags, 10);
        // sorted: the 1st percentile at index 9 (12.354), the 99th at index 989 (18.234)
        Assert.That((h.Low, h.High, h.Total), Is.EqualTo((12.0, 19.0, 1000)));
    }

    [Test]
    public void CountsMadePerTileSumToTheHistogramOfAllValues()
    {
        var random = new Random(9);
        var bins = new Histogram.Bins(0, 15, 60);
        // Values in range, on bin edges, outside it on both sides, and not finite, over tiles of 0 to 300 sources.
        var tiles = Enumerable.Range(0, 40).Select(_ => Enumerable.Range(0, random.Next(300)).Select(_ => random.Next(10) switch
        {
            0 => double.NaN,
            1 => -3 + random.NextDouble(),
            2 => 15 + random.NextDouble() * 5,
            3 => random.Next(61) * 0.25,
            _ => random.NextDouble() * 15,
        }).ToArray()).ToList();
        var whole = Histogram.Of("FWHM_IMAGE", "px", tiles.SelectMany(t => t).ToArray(), 0, 15, 60);
        var summed = Histogram.Sum("FWHM_IMAGE", "px", bins, tiles.Select(t => bins.CountsOf(t)).Append([]));
        Assert.That(summed.Counts, Is.EqualTo(whole.Counts));
        Assert.That(summed.Total, Is.EqualTo(tiles.Sum(t => t.Count(double.IsFinite))));
    }
}
