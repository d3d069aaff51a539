namespace Vasco.Sky;

/// <summary>A place on Earth (geodetic, WGS84): where a plate was exposed, seen as a point in space at a given time.</summary>
public sealed record ObservingSite(string Name, double LatitudeDeg, double EastLongitudeDeg, double HeightM)
{
    const double EquatorialRadiusKm = 6378.137;
    const double Flattening = 1 / 298.257223563;

    /// <summary>The Palomar 48-inch Schmidt (IAU code 675), as the POSS-I plate headers give it (SITELAT +33:24:24, SITELONG -116:51:48).</summary>
    public static readonly ObservingSite Palomar = new("Palomar (675)", 33 + 24 / 60.0 + 24 / 3600.0, -(116 + 51 / 60.0 + 48 / 3600.0), 1706);

    /// <summary>Earth's centre, for geometry seen from there.</summary>
    public static readonly ObservingSite Geocentre = new("geocentre", double.NaN, double.NaN, double.NaN);

    /// <summary>The site's position from Earth's centre, km, in the J2000 equatorial frame, at <paramref name="utc"/>.</summary>
    public Vector Position(DateTime utc)
    {
        if (double.IsNaN(LatitudeDeg)) return new Vector(0, 0, 0);
        var lat = LatitudeDeg * Angles.DegToRad;
        var e2 = Flattening * (2 - Flattening);
        var n = EquatorialRadiusKm / Math.Sqrt(1 - e2 * Math.Sin(lat) * Math.Sin(lat));
        var h = HeightM / 1000;
        var rho = (n + h) * Math.Cos(lat);               // distance from Earth's axis
        var z = (n * (1 - e2) + h) * Math.Sin(lat);
        var lst = (Sun.SiderealTimeDeg(utc) + EastLongitudeDeg) * Angles.DegToRad;
        // Equator and equinox of date; carried to J2000 as the candidates' positions are.
        return Sun.ToJ2000(new Vector(rho * Math.Cos(lst), rho * Math.Sin(lst), z), utc);
    }
}

/// <summary>A 3-vector (km, or a direction).</summary>
public readonly record struct Vector(double X, double Y, double Z)
{
    public static Vector operator +(Vector a, Vector b) => new(a.X + b.X, a.Y + b.Y, a.Z + b.Z);
    public static Vector operator -(Vector a, Vector b) => new(a.X - b.X, a.Y - b.Y, a.Z - b.Z);
    public static Vector operator *(double k, Vector a) => new(k * a.X, k * a.Y, k * a.Z);
    public double Dot(Vector b) => X * b.X + Y * b.Y + Z * b.Z;
    public double Length => Math.Sqrt(Dot(this));
    public Vector Unit => 1 / Length * this;

    /// <summary>The direction of (RA, Dec), degrees.</summary>
    public static Vector Direction(double raDeg, double decDeg)
    {
        var (ra, dec) = (raDeg * Angles.DegToRad, decDeg * Angles.DegToRad);
        return new(Math.Cos(dec) * Math.Cos(ra), Math.Cos(dec) * Math.Sin(ra), Math.Sin(dec));
    }
}

/// <summary>
/// The Sun's geocentric position to about 0.01 degree for 1950-2050 (the Astronomical Almanac's low-precision formulae),
/// and Greenwich mean sidereal time.
/// </summary>
public static class Sun
{
    const double AuKm = 149_597_870.7;
    const double ObliquityJ2000Deg = 23.4392911;

    static double DaysFromJ2000(DateTime utc) => (utc - new DateTime(2000, 1, 1, 12, 0, 0, DateTimeKind.Utc)).TotalDays;

    /// <summary>The Sun's position from Earth's centre, km, in the J2000 equatorial frame.</summary>
    public static Vector Position(DateTime utc)
    {
        var n = DaysFromJ2000(utc);
        var g = (357.528 + 0.9856003 * n) * Angles.DegToRad;
        var longitude = 280.460 + 0.9856474 * n + 1.915 * Math.Sin(g) + 0.020 * Math.Sin(2 * g);   // ecliptic, equinox of date
        var distance = (1.00014 - 0.01671 * Math.Cos(g) - 0.00014 * Math.Cos(2 * g)) * AuKm;
        // Referred to the equinox of J2000: undo the general precession in longitude (1.3970 degrees a century).
        var lambda = (longitude - 1.3970 * n / 36525) * Angles.DegToRad;
        var eps = ObliquityJ2000Deg * Angles.DegToRad;
        return distance * new Vector(Math.Cos(lambda), Math.Cos(eps) * Math.Sin(lambda), Math.Sin(eps) * Math.Sin(lambda));
    }

    /// <summary>Greenwich mean sidereal time, degrees (IAU 1982, to well under a second of time for 1950-2050).</summary>
    public static double SiderealTimeDeg(DateTime utc)
    {
        var d = DaysFromJ2000(utc);
        var t = d / 36525;
        return ((280.46061837 + 360.98564736629 * d + 0.000387933 * t * t) % 360 + 360) % 360;
    }

    /// <summary>
    /// A vector of the equator and equinox of date carried to J2000: a rotation about the ecliptic pole by the general
    /// precession in longitude (about 0.7 degree between 1950 and 2000), which is all of precession to 0.01 degree here.
    /// </summary>
    public static Vector ToJ2000(Vector ofDate, DateTime utc)
    {
        var eps = ObliquityJ2000Deg * Angles.DegToRad;
        var (c, s) = (Math.Cos(eps), Math.Sin(eps));
        // Equatorial to ecliptic, rotate, back.
        var (x, y, z) = (ofDate.X, c * ofDate.Y + s * ofDate.Z, -s * ofDate.Y + c * ofDate.Z);
        var p = -1.3970 * DaysFromJ2000(utc) / 36525 * Angles.DegToRad;
        var (xr, yr) = (x * Math.Cos(p) - y * Math.Sin(p), x * Math.Sin(p) + y * Math.Cos(p));
        return new Vector(xr, c * yr - s * z, s * yr + c * z);
    }
}

/// <summary>
/// Whether a line of sight passes through Earth's umbra at a given distance from Earth's centre: the flag of a
/// candidate that a sunlit object (a satellite, debris) could not have made at that distance. A flag, not a cut.
/// </summary>
public static class EarthShadow
{
    public const double EarthRadiusKm = 6378.137;
    public const double SunRadiusKm = 695_700;
    /// <summary>Geostationary orbit's radius from Earth's centre, km.</summary>
    public const double GeostationaryKm = 42_164;

    /// <summary>
    /// Where the line of sight from <paramref name="site"/> towards (RA, Dec) (J2000, degrees) at <paramref name="utc"/> reaches
    /// <paramref name="distanceKm"/> from Earth's centre, and whether that point is inside the umbra: the cone behind Earth whose
    /// radius shrinks from Earth's by (R_sun - R_earth)/d_sun per km behind it.
    /// </summary>
    public static bool InUmbra(ObservingSite site, DateTime utc, double raDeg, double decDeg, double distanceKm)
    {
        var observer = site.Position(utc);
        var u = Vector.Direction(raDeg, decDeg);
        // |observer + s u| = distance, s > 0 (the observer is inside the sphere).
        var b = observer.Dot(u);
        var s = -b + Math.Sqrt(b * b - observer.Dot(observer) + distanceKm * distanceKm);
        var point = observer + s * u;
        var sun = Sun.Position(utc);
        var axis = -1 * sun.Unit;                           // from Earth's centre, away from the Sun
        var behind = point.Dot(axis);
        if (behind <= 0) return false;                      // on the sunlit side of Earth's centre
        var offAxis = (point - behind * axis).Length;
        return offAxis < EarthRadiusKm - behind * (SunRadiusKm - EarthRadiusKm) / sun.Length;
    }
}
