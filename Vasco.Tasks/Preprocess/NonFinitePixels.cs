namespace Vasco.Preprocess;

/// <summary>The one cosmetic fix applied to a plate: NaN and infinite pixels (BLANK in the scan) get a value.</summary>
internal static class NonFinitePixels
{
    /// <summary>
    /// Replaces each non-finite pixel by the median of its finite 8-neighbours, growing inwards pass by pass so
    /// that a hole larger than one pixel is filled from its rim (each pass only uses values that existed before
    /// it, so the result does not depend on scan order). Returns the indices of the pixels repaired.
    /// The image needs at least one finite pixel.
    /// </summary>
    public static List<int> Repair(float[] pixels, int width, int height)
    {
        var pending = new List<int>();
        for (var i = 0; i < pixels.Length; i++)
            if (!float.IsFinite(pixels[i]))
                pending.Add(i);
        var repaired = new List<int>(pending);
        var neighbours = new List<float>(8);
        var filled = new List<(int Index, float Value)>();
        while (pending.Count > 0)
        {
            filled.Clear();
            var stillPending = new List<int>();
            foreach (var index in pending)
            {
                var (x, y) = (index % width, index / width);
                neighbours.Clear();
                for (var dy = -1; dy <= 1; dy++)
                    for (var dx = -1; dx <= 1; dx++)
                    {
                        var (nx, ny) = (x + dx, y + dy);
                        if ((dx != 0 || dy != 0) && nx >= 0 && nx < width && ny >= 0 && ny < height && float.IsFinite(pixels[ny * width + nx]))
                            neighbours.Add(pixels[ny * width + nx]);
                    }
                if (neighbours.Count == 0)
                    stillPending.Add(index);
                else
                    filled.Add((index, Median(neighbours)));
            }
            if (filled.Count == 0)
                throw new ArgumentException("the image has no finite pixel to fill from", nameof(pixels));
            foreach (var (index, value) in filled)
                pixels[index] = value;
            pending = stillPending;
        }
        return repaired;
    }

    private static float Median(List<float> values)
    {
        values.Sort();
        var mid = values.Count / 2;
        return values.Count % 2 == 1 ? values[mid] : (values[mid - 1] + values[mid]) / 2;
    }
}
