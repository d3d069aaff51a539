using System.Globalization;
using System.Text;
using Vasco.IO;

namespace Vasco.Summaries;

/// <summary>Counts of a quantity in equal bins; values outside [Low, High) go to the first or last bin.</summary>
public sealed record Histogram(string Quantity, string Unit, double Low, double High, int[] Counts)
{
    public double BinWidth => (High - Low) / Counts.Length;

    /// <summary>Equal bins over [Low, High): a histogram's counts can be made apart (a tile's) and summed.</summary>
    public sealed record Bins(double Low, double High, int Count)
    {
        /// <summary>How many of the finite values fall in each bin (those outside in the first or last).</summary>
        public int[] CountsOf(ReadOnlySpan<double> values)
        {
            var counts = new int[Count];
            foreach (var v in values)
            {
                if (!double.IsFinite(v)) continue;
                var i = (int)Math.Floor((v - Low) / (High - Low) * Count);
                counts[Math.Clamp(i, 0, Count - 1)]++;
            }
            return counts;
        }
    }

    public static Histogram Of(string quantity, string unit, ReadOnlySpan<double> values, double low, double high, int bins) =>
        new(quantity, unit, low, high, new Bins(low, high, bins).CountsOf(values));

    /// <summary>The histogram of counts made apart in the same bins (an empty part counts nothing).</summary>
    public static Histogram Sum(string quantity, string unit, Bins bins, IEnumerable<int[]> parts)
    {
        var counts = new int[bins.Count];
        foreach (var part in parts)
            for (var i = 0; i < part.Length; i++) counts[i] += part[i];
        return new Histogram(quantity, unit, bins.Low, bins.High, counts);
    }

    /// <summary>A histogram over the 1st to 99th percentile of the values (for quantities with no natural range).</summary>
    public static Histogram OverRange(string quantity, string unit, IReadOnlyList<double> values, int bins) =>
        OverRangeOfFinite(quantity, unit, values.Where(double.IsFinite).ToArray(), bins);

    /// <summary>As <see cref="OverRange"/>, of values all finite; reorders them.</summary>
    internal static Histogram OverRangeOfFinite(string quantity, string unit, double[] finite, int bins)
    {
        if (finite.Length == 0) return Of(quantity, unit, [], 0, 1, bins);
        // The two order statistics without sorting millions of sources (a run of 10,000 tiles): the same values.
        var low = Math.Floor(Select(finite, (int)(0.01 * (finite.Length - 1))));
        var high = Math.Ceiling(Select(finite, (int)(0.99 * (finite.Length - 1))));
        if (high <= low) high = low + 1;
        return Of(quantity, unit, finite, low, high, bins);
    }

    /// <summary>The k-th smallest of the values (as values sorted ascending would have at k); reorders them.</summary>
    internal static double Select(double[] values, int k)
    {
        var (left, right) = (0, values.Length - 1);
        while (left < right)
        {
            var pivot = values[left + (right - left) / 2];
            var (i, j) = (left, right);
            while (i <= j)
            {
                while (values[i] < pivot) i++;
                while (values[j] > pivot) j--;
                if (i <= j) (values[i], values[j], i, j) = (values[j], values[i], i + 1, j - 1);
            }
            if (k <= j) right = j;
            else if (k >= i) left = i;
            else return values[k];
        }
        return values[k];
    }

    public int Total => Counts.Sum();

    /// <summary>The bins as CSV rows: quantity, bin_low, bin_high, count.</summary>
    public void AppendCsv(StringBuilder sb) =>
        sb.Append(CsvText.PlainTable(null, Counts.Select((count, i) => new[]
        {
            Quantity, CsvText.Number(Low + i * BinWidth), CsvText.Number(Low + (i + 1) * BinWidth), count.ToString(CultureInfo.InvariantCulture),
        })));

    /// <summary>A bar chart of the bins (ScottPlot), written atomically as PNG.</summary>
    public void SavePng(string path, string title)
    {
        var plot = new ScottPlot.Plot();
        var bars = Counts.Select((c, i) => new ScottPlot.Bar { Position = Low + (i + 0.5) * BinWidth, Value = c, Size = BinWidth * 0.95 }).ToList();
        plot.Add.Bars(bars);
        plot.Title(title);
        plot.XLabel(Unit.Length > 0 ? $"{Quantity} ({Unit})" : Quantity);
        plot.YLabel("sources");
        plot.Axes.Margins(bottom: 0);
        Vasco.IO.AtomicFile.WriteAllBytes(path, plot.GetImageBytes(800, 500, ScottPlot.ImageFormat.Png));
    }
}
