using Vasco.Sky;

namespace Vasco.SolarSystem;

/// <summary>A candidate explained by a known object: the object, how far its predicted position is, and the radius it was allowed.</summary>
public sealed record KnownObjectMatch(SkybotObject Object, double SeparationArcsec, double RadiusArcsec);

/// <summary>
/// Whether a plate source is a known solar-system object. SkyBoT is asked at mid-exposure, where the photographic centroid
/// of a moving object lies; each object is then allowed a radius of its own: the larger of a floor (the plate's own
/// astrometric error) and <c>sigmas</c> times its position uncertainty, plus half of its trail over the exposure (a fast
/// object may be detected at one end of its trail). A fixed 5" radius misses an object that moved 30" in 50 minutes.
/// </summary>
public static class KnownObjects
{
    /// <summary>The radius, arcsec, that <paramref name="o"/> is allowed on a plate exposed for <paramref name="exposure"/>.</summary>
    public static double RadiusArcsec(SkybotObject o, TimeSpan exposure, double floorArcsec, double sigmas) =>
        Math.Max(floorArcsec, sigmas * o.ErrArcsec) + o.RateArcsecPerHour * exposure.TotalHours / 2;

    /// <summary>The nearest object whose allowed radius holds (RA, Dec), or null.</summary>
    public static KnownObjectMatch? Match(double raDeg, double decDeg, IEnumerable<SkybotObject> objects, TimeSpan exposure, double floorArcsec, double sigmas) =>
        objects.Select(o => new KnownObjectMatch(o, Angles.SeparationDeg(raDeg, decDeg, o.RaDeg, o.DecDeg) * 3600, RadiusArcsec(o, exposure, floorArcsec, sigmas)))
            .Where(m => m.SeparationArcsec <= m.RadiusArcsec)
            .OrderBy(m => m.SeparationArcsec)
            .FirstOrDefault();
}
