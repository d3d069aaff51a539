namespace Vasco.Download;

/// <summary>Why a file is not a usable POSS-I red plate scan.</summary>
public enum PlateProblem
{
    None,
    /// <summary>FITS that stops short of what its header promises: a cut transfer, worth fetching again.</summary>
    Truncated,
    NotFits,
    NotAnImage,
    NotPossIRed,
    NoWcs,
}

/// <summary>The verdict on one file: the plate, or the problem and a reason an astronomer can act on.</summary>
public sealed record PlateCheck(PlateInfo? Plate, PlateProblem Problem, string? Reason)
{
    public bool IsPlate => Problem == PlateProblem.None;

    public static PlateCheck Accept(PlateInfo plate) => new(plate, PlateProblem.None, null);

    public static PlateCheck Reject(PlateProblem problem, string reason) => new(null, problem, reason);
}
