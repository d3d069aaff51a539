namespace Vasco.Archives;

/// <summary>A position sent to an archive (J2000 degrees), under an id unique within one query.</summary>
public sealed record SkyPoint(string Id, double Ra, double Dec);

/// <summary>An archive's row matched to a <see cref="SkyPoint"/>: its separation (arcsec), its position, and its columns by name.</summary>
public sealed record ArchiveMatch(string Id, double SeparationArcsec, double Ra, double Dec, IReadOnlyDictionary<string, string> Row);
