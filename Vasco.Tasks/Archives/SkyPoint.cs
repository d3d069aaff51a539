using System.Globalization;
using Vasco.Sky;

namespace Vasco.Archives;

/// <summary>A position to look up in an archive: J2000 degrees, and an id unique within one query.</summary>
public sealed record SkyPoint(string Id, double Ra, double Dec)
{
    /// <summary>Throws for points an archive cannot be asked about: none, an empty or repeated id, a position off the sky.</summary>
    internal static void Check(IReadOnlyList<SkyPoint> points, string paramName)
    {
        var ids = new HashSet<string>(StringComparer.Ordinal);
        foreach (var p in points)
        {
            if (string.IsNullOrEmpty(p.Id)) throw new ArgumentException("a point has no id", paramName);
            if (!ids.Add(p.Id)) throw new ArgumentException($"the id '{p.Id}' is given twice: ids must be unique within one query", paramName);
            if (!double.IsFinite(p.Ra) || !(p.Dec >= -90 && p.Dec <= 90))
                throw new ArgumentOutOfRangeException(paramName, $"{p} is not a position on the sky");
        }
    }

    /// <summary>A coordinate as sent to an archive: the shortest text that reads back to the same double.</summary>
    internal static string Number(double value) => (value + 0.0).ToString("R", CultureInfo.InvariantCulture);
}

/// <summary>
/// An archive's source matched to a <see cref="SkyPoint"/>: the point's id, their distance, the source's own position,
/// and the archive's row (its columns by name, as the archive wrote them).
/// </summary>
public sealed record ArchiveMatch(string Id, double SeparationArcsec, double Ra, double Dec, IReadOnlyDictionary<string, string> Row)
{
    /// <summary>Of several matches of one point, the nearest (the first of equals).</summary>
    internal static IReadOnlyDictionary<string, ArchiveMatch> Nearest(IEnumerable<ArchiveMatch> matches)
    {
        var best = new Dictionary<string, ArchiveMatch>(StringComparer.Ordinal);
        foreach (var m in matches)
            if (!best.TryGetValue(m.Id, out var held) || m.SeparationArcsec < held.SeparationArcsec)
                best[m.Id] = m;
        return best;
    }

    /// <summary>The distance between two J2000 positions, arcsec.</summary>
    internal static double ArcsecBetween(double ra1, double dec1, double ra2, double dec2) => Angles.SeparationDeg(ra1, dec1, ra2, dec2) * 3600.0;
}

/// <summary>
/// A cross-match's result: for each point with a counterpart within the radius, the best (nearest) one; points without
/// one are absent. Not Ok: the archive could not be asked or its answer could not be read, and Best is empty (never a
/// partial answer passed as "no match").
/// </summary>
public sealed record ArchiveResult(bool Ok, IReadOnlyDictionary<string, ArchiveMatch> Best, string Url, bool CacheHit, int Attempts, int Retries,
    string? FailureReason, IReadOnlyList<string> Log)
{
    /// <summary>Not Ok because the archive refused the query for good, not because it was unreachable.</summary>
    public bool Refused { get; init; }
}
