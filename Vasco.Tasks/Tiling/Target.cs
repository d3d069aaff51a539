namespace Vasco.Tiling;

/// <summary>
/// A field the user asked for: a name, a centre, and the side of the square field
/// (arcmin) that the tiles must cover. <see cref="Source"/> says where it was written,
/// for error messages ("run file", "targets.csv line 12").
/// </summary>
public sealed record Target(string Name, double RaDeg, double DecDeg, double WidthArcmin, double HeightArcmin, string Source);
