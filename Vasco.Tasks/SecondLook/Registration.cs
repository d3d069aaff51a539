namespace Vasco.SecondLook;

/// <summary>What a registration needs: how stars are found and matched, and when the fit is good enough to use.</summary>
public sealed record RegistrationOptions(int MinStars = 6, double MaxRmsArcsec = 2.0, double MatchRadiusArcsec = 6.0, double DetectSigma = 8.0);

/// <summary>
/// A plate's local registration on the modern catalog's stars carried to its epoch: the affine map from where the plate's
/// own solution puts a star to where the star is on the plate (x' = A0 + A1 x + A2 y, y' = B0 + B1 x + B2 y), fitted to the
/// matched stars with one 3-sigma clip, and its residual. A cutout's solution is the whole plate's, good to an arcsecond or
/// two; the affine takes out what is left near the candidate.
/// </summary>
public sealed record Registration(int Stars, double RmsArcsec, double[] A, double[] B)
{
    /// <summary>Why no registration could be made, or null.</summary>
    public string? Failure { get; init; }
    public bool Ok => Failure is null;

    public (double X, double Y) Apply(double x, double y) => (A[0] + A[1] * x + A[2] * y, B[0] + B[1] * x + B[2] * y);

    public static Registration Failed(string why, int stars = 0, double rms = double.NaN) => new(stars, rms, [0, 1, 0], [0, 0, 1]) { Failure = why };

    /// <summary>
    /// Registers <paramref name="plate"/> on <paramref name="stars"/> (positions at the plate's epoch): finds the plate's stars,
    /// pairs each catalog star with the nearest found within the match radius (one each), fits the affine map.
    /// </summary>
    public static Registration Fit(OtherPlate plate, IEnumerable<(double Ra, double Dec)> stars, RegistrationOptions options)
    {
        var scale = plate.PixelScaleArcsec;
        var found = StarFinder.Find(plate.Pixels, plate.Width, plate.Height, options.DetectSigma);
        var radius = options.MatchRadiusArcsec / scale;
        var used = new HashSet<int>();
        var pairs = new List<(double Px, double Py, double Mx, double My)>();
        foreach (var (ra, dec) in stars)
        {
            var (px, py) = plate.Wcs.SkyToPixel(ra, dec);
            if (!double.IsFinite(px) || px < 1 || py < 1 || px > plate.Width || py > plate.Height) continue;
            var best = -1;
            var bestD = radius;
            for (var i = 0; i < found.Count; i++)
            {
                var d = Math.Sqrt(Math.Pow(found[i].X - px, 2) + Math.Pow(found[i].Y - py, 2));
                if (d < bestD) (best, bestD) = (i, d);
            }
            if (best >= 0 && used.Add(best)) pairs.Add((px, py, found[best].X, found[best].Y));
        }
        if (pairs.Count < options.MinStars)
            return Failed($"{pairs.Count} catalog star(s) found on the plate within {options.MatchRadiusArcsec:0.#}\" of where its solution puts them (at least {options.MinStars} needed)", pairs.Count);

        var (a, b, rms) = Solve(pairs);
        var clip = Math.Max(3 * rms, 0.5);
        var kept = pairs.Where(p => Residual(a, b, p) <= clip).ToList();
        if (kept.Count >= options.MinStars && kept.Count < pairs.Count) (a, b, rms) = Solve(kept);
        var rmsArcsec = rms * scale;
        if (kept.Count < options.MinStars)
            return Failed($"only {kept.Count} star(s) agree with the fit (at least {options.MinStars} needed)", kept.Count, rmsArcsec);
        if (rmsArcsec > options.MaxRmsArcsec)
            return Failed($"the fit's residual is {rmsArcsec:0.00}\" (at most {options.MaxRmsArcsec:0.0#}\")", kept.Count, rmsArcsec);
        return new Registration(kept.Count, rmsArcsec, a, b);
    }

    static double Residual(double[] a, double[] b, (double Px, double Py, double Mx, double My) p) =>
        Math.Sqrt(Math.Pow(a[0] + a[1] * p.Px + a[2] * p.Py - p.Mx, 2) + Math.Pow(b[0] + b[1] * p.Px + b[2] * p.Py - p.My, 2));

    /// <summary>Least squares for both axes (normal equations, 3x3), and the rms of the 2-d residuals.</summary>
    static (double[] A, double[] B, double Rms) Solve(IReadOnlyList<(double Px, double Py, double Mx, double My)> pairs)
    {
        // Centred on the pairs' mean, so that the normal equations are well conditioned.
        var (cx, cy) = (pairs.Average(p => p.Px), pairs.Average(p => p.Py));
        var m = new double[3, 3];
        var vx = new double[3];
        var vy = new double[3];
        foreach (var p in pairs)
        {
            double[] row = [1, p.Px - cx, p.Py - cy];
            for (var i = 0; i < 3; i++)
            {
                for (var j = 0; j < 3; j++) m[i, j] += row[i] * row[j];
                vx[i] += row[i] * p.Mx;
                vy[i] += row[i] * p.My;
            }
        }
        var sx = Solve3(m, vx);
        var sy = Solve3(m, vy);
        // Back to plain pixel coordinates: x' = s0 + s1 (x - cx) + s2 (y - cy).
        double[] a = [sx[0] - sx[1] * cx - sx[2] * cy, sx[1], sx[2]];
        double[] b = [sy[0] - sy[1] * cx - sy[2] * cy, sy[1], sy[2]];
        var rms = Math.Sqrt(pairs.Average(p => Math.Pow(Residual(a, b, p), 2)));
        return (a, b, rms);
    }

    static double[] Solve3(double[,] m, double[] v)
    {
        double Det(double[,] x) =>
            x[0, 0] * (x[1, 1] * x[2, 2] - x[1, 2] * x[2, 1]) - x[0, 1] * (x[1, 0] * x[2, 2] - x[1, 2] * x[2, 0]) + x[0, 2] * (x[1, 0] * x[2, 1] - x[1, 1] * x[2, 0]);
        var d = Det(m);
        var result = new double[3];
        for (var k = 0; k < 3; k++)
        {
            var c = (double[,])m.Clone();
            for (var i = 0; i < 3; i++) c[i, k] = v[i];
            result[k] = d == 0 ? double.NaN : Det(c) / d;
        }
        return result;
    }
}

/// <summary>Star-like peaks of a plate cutout: local maxima well above the sky, with their intensity-weighted centroids.</summary>
public static class StarFinder
{
    public static IReadOnlyList<(double X, double Y, double Peak)> Find(float[] pixels, int width, int height, double sigmas)
    {
        var (sky, noise) = Sky(pixels);
        var threshold = sky + sigmas * noise;
        var found = new List<(double X, double Y, double Peak)>();
        for (var y = 3; y < height - 3; y++)
            for (var x = 3; x < width - 3; x++)
            {
                var v = pixels[y * width + x];
                if (v <= threshold) continue;
                var isPeak = true;
                for (var dy = -1; dy <= 1 && isPeak; dy++)
                    for (var dx = -1; dx <= 1; dx++)
                        if ((dx != 0 || dy != 0) && (pixels[(y + dy) * width + x + dx] > v || pixels[(y + dy) * width + x + dx] == v && (dy < 0 || dy == 0 && dx < 0)))
                        {
                            isPeak = false;
                            break;
                        }
                if (!isPeak) continue;
                double sum = 0, sx = 0, sy = 0;
                for (var dy = -2; dy <= 2; dy++)
                    for (var dx = -2; dx <= 2; dx++)
                    {
                        var w = Math.Max(0, pixels[(y + dy) * width + x + dx] - sky);
                        (sum, sx, sy) = (sum + w, sx + w * dx, sy + w * dy);
                    }
                // FITS pixel coordinates: the first pixel's centre is (1, 1).
                found.Add((x + 1 + sx / sum, y + 1 + sy / sum, v - sky));
            }
        return found.OrderByDescending(f => f.Peak).Take(300).ToList();
    }

    /// <summary>The sky level (median) and its noise (1.4826 MAD) of an image.</summary>
    public static (double Sky, double Noise) Sky(float[] pixels)
    {
        var sorted = pixels.Where(float.IsFinite).Select(p => (double)p).Order().ToArray();
        if (sorted.Length == 0) return (0, 1);
        var median = sorted[sorted.Length / 2];
        var deviations = sorted.Select(v => Math.Abs(v - median)).Order().ToArray();
        return (median, Math.Max(1.4826 * deviations[deviations.Length / 2], 1e-9));
    }
}
