namespace Vasco.Sky;

/// <summary>
/// A mapping between image pixels and celestial coordinates. Pixels follow the FITS convention (the centre of
/// the first pixel is (1, 1)); right ascension and declination are in degrees.
/// </summary>
public interface IWcs
{
    (double Ra, double Dec) PixelToSky(double x, double y);

    /// <summary>The pixel position of a sky position; (NaN, NaN) when the position has none (far hemisphere, no convergence).</summary>
    (double X, double Y) SkyToPixel(double ra, double dec);
}
