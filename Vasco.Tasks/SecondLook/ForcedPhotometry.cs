namespace Vasco.SecondLook;

/// <summary>
/// Light at a fixed position, whether or not anything is there: the sum in a circular aperture less the sky, taken as the
/// median of an annulus around it, with its error from the annulus' scatter (robust: 1.4826 MAD). In the plate's own units
/// (scan density above the sky), so a flux compares only within one plate; its signal-to-noise ratio says whether a source is there.
/// </summary>
public sealed record ForcedFlux(double X, double Y, double Flux, double Error, int Pixels)
{
    public double Snr => Error > 0 ? Flux / Error : double.NaN;

    /// <summary>A flux it is 3 sigma unlikely the source exceeds (for a non-detection).</summary>
    public double UpperLimit => Math.Max(Flux, 0) + 3 * Error;

    /// <summary>The aperture's measurement, or null when the aperture or its annulus leaves the image.</summary>
    public static ForcedFlux? Measure(float[] pixels, int width, int height, double x, double y, double radiusPx)
    {
        var (inner, outer) = (radiusPx * 2, radiusPx * 4);
        if (x - outer < 1 || y - outer < 1 || x + outer > width || y + outer > height) return null;
        var annulus = new List<double>();
        double sum = 0;
        var n = 0;
        for (var py = (int)Math.Floor(y - outer); py <= (int)Math.Ceiling(y + outer); py++)
            for (var px = (int)Math.Floor(x - outer); px <= (int)Math.Ceiling(x + outer); px++)
            {
                if (px < 1 || py < 1 || px > width || py > height) continue;
                var v = pixels[(py - 1) * width + (px - 1)];
                if (!float.IsFinite(v)) continue;
                var r = Math.Sqrt((px - x) * (px - x) + (py - y) * (py - y));
                if (r <= radiusPx) { sum += v; n++; }
                else if (r >= inner && r <= outer) annulus.Add(v);
            }
        if (n == 0 || annulus.Count < 10) return null;
        var (sky, noise) = StarFinder.Sky(annulus.Select(v => (float)v).ToArray());
        var flux = sum - n * sky;
        var error = noise * Math.Sqrt(n + (double)n * n * Math.PI / (2 * annulus.Count));
        return new ForcedFlux(x, y, flux, error, n);
    }
}
