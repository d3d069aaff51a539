using Vasco.Fits;

namespace Vasco.Recovery;

/// <summary>
/// A PSFEx PSF model (.psf): basis images on a grid of PSF_SAMP image pixels, mixed by a polynomial in
/// (X_IMAGE - POLZERO1) / POLSCAL1 and (Y_IMAGE - POLZERO2) / POLSCAL2 (terms x^i y^j, i + j &lt;= POLDEG1,
/// x's power running fastest, as PSFEx orders them).
/// </summary>
public sealed class PsfexModel
{
    readonly float[] _basis;
    readonly int _size, _terms, _degree;
    readonly double _zeroX, _zeroY, _scaleX, _scaleY, _sampling;

    public double FwhmPixels { get; }

    PsfexModel(float[] basis, int size, int terms, int degree, double zeroX, double scaleX, double zeroY, double scaleY, double sampling, double fwhm)
    {
        (_basis, _size, _terms, _degree, _zeroX, _scaleX, _zeroY, _scaleY, _sampling, FwhmPixels) =
            (basis, size, terms, degree, zeroX, scaleX, zeroY, scaleY, sampling, fwhm);
    }

    public static PsfexModel Read(string path)
    {
        if (!File.Exists(path))
            throw new VascoException(ErrorCodes.InjectionFailed, $"The PSF model '{path}' does not exist.", "build step 4 (VascoPsf) of the base run first.", path);
        var table = FitsFile.Read(path).Hdus.OfType<BinaryTableHdu>().FirstOrDefault()
            ?? throw new VascoException(ErrorCodes.InjectionFailed, $"'{path}' has no PSF_DATA table.", "rebuild step 4: PSFEx writes it.", path);
        var h = table.Header;
        var size = h.GetInt("PSFAXIS1");
        var terms = h.GetInt("PSFNAXIS") == 3 ? h.GetInt("PSFAXIS3") : 1;
        var degree = h.TryGetInt("POLDEG1", out var d) ? d : 0;
        if (h.GetInt("PSFAXIS2") != size || terms != (degree + 1) * (degree + 2) / 2)
            throw new VascoException(ErrorCodes.InjectionFailed, $"'{path}' is not a square PSF varying with X_IMAGE and Y_IMAGE only.",
                "use PSFVAR_KEYS X_IMAGE,Y_IMAGE with one group (config/psfex/psfex.conf).", path);
        var basis = table.ReadFloatVectors("PSF_MASK")[0];
        return new PsfexModel(basis, size, terms, degree,
            h.TryGetDouble("POLZERO1", out var z1) ? z1 : 0, h.TryGetDouble("POLSCAL1", out var s1) ? s1 : 1,
            h.TryGetDouble("POLZERO2", out var z2) ? z2 : 0, h.TryGetDouble("POLSCAL2", out var s2) ? s2 : 1,
            h.GetDouble("PSF_SAMP"), h.TryGetDouble("PSF_FWHM", out var f) ? f : double.NaN);
    }

    /// <summary>The PSF image (size x size, PSF_SAMP pixels) at an image position.</summary>
    public double[] At(double x, double y)
    {
        var (u, v) = ((x - _zeroX) / _scaleX, (y - _zeroY) / _scaleY);
        var weights = new double[_terms];
        var k = 0;
        for (var j = 0; j <= _degree; j++)
            for (var i = 0; i <= _degree - j; i++)
                weights[k++] = Math.Pow(u, i) * Math.Pow(v, j);
        var n = _size * _size;
        var image = new double[n];
        for (var t = 0; t < _terms; t++)
            for (var p = 0; p < n; p++)
                image[p] += weights[t] * _basis[t * n + p];
        return image;
    }

    /// <summary>
    /// The PSF centred on (x0, y0) resampled onto the image's pixels within the model's footprint, normalised
    /// to a sum of 1: (pixel index, fraction of the flux).
    /// </summary>
    public IReadOnlyList<(int X, int Y, double Fraction)> Stamp(double x0, double y0, int width, int height)
    {
        var model = At(x0, y0);
        var centre = _size / 2;
        var reach = centre * _sampling;
        var pixels = new List<(int, int, double)>();
        for (var y = Math.Max(1, (int)Math.Floor(y0 - reach)); y <= Math.Min(height, (int)Math.Ceiling(y0 + reach)); y++)
            for (var x = Math.Max(1, (int)Math.Floor(x0 - reach)); x <= Math.Min(width, (int)Math.Ceiling(x0 + reach)); x++)
            {
                // Bilinear interpolation of the model at this pixel's offset, in PSF-grid units.
                var (gx, gy) = ((x - x0) / _sampling + centre, (y - y0) / _sampling + centre);
                var (ix, iy) = ((int)Math.Floor(gx), (int)Math.Floor(gy));
                if (ix < 0 || iy < 0 || ix + 1 >= _size || iy + 1 >= _size) continue;
                var (fx, fy) = (gx - ix, gy - iy);
                var value = (1 - fx) * (1 - fy) * model[iy * _size + ix] + fx * (1 - fy) * model[iy * _size + ix + 1]
                    + (1 - fx) * fy * model[(iy + 1) * _size + ix] + fx * fy * model[(iy + 1) * _size + ix + 1];
                pixels.Add((x, y, Math.Max(0, value)));
            }
        var sum = pixels.Sum(p => p.Item3);
        if (!(sum > 0))
            throw new VascoException(ErrorCodes.InjectionFailed, $"The PSF model is empty at pixel ({x0:0.#}, {y0:0.#}).", "rebuild step 4 of the base run: PSFEx's model is unusable.");
        return pixels.Select(p => (p.Item1, p.Item2, p.Item3 / sum)).ToList();
    }
}
