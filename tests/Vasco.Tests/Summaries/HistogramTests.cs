using NUnit.Framework;
using Vasco.Summaries;

namespace Vasco.Tests.Summaries;

/// <summary>The magnitude histogram's range (1st to 99th percentile) is the sorted values' own, found without sorting them.</summary>
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
}
