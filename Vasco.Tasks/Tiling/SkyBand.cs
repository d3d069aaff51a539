using System.Globalization;
using Vasco.Sky;

namespace Vasco.Tiling;

/// <summary>
/// The part of the sky a survey run covers: declinations [DecMin, DecMax] and RAs from
/// RaMin eastwards to RaMax (RaMin &gt; RaMax wraps through RA 0; 0 to 360 is all RA).
/// The default is POSS-I's footprint: the whole sky north of Dec -30.
/// </summary>
public sealed record SkyBand(double DecMin, double DecMax, double RaMin = 0, double RaMax = 360)
{
    public static readonly SkyBand PossI = new(-30, 90);

    /// <summary>The band of the Footprint* parameters, or VASCO0103 naming the parameters that contradict each other.</summary>
    public static SkyBand Checked(double decMin, double decMax, double raMin, double raMax)
    {
        var band = new SkyBand(decMin, decMax, raMin, raMax);
        if (!(band.DecMin < band.DecMax))
            throw new VascoException(ErrorCodes.ParameterInvalid,
                string.Create(CultureInfo.InvariantCulture, $"FootprintDecMin={band.DecMin} is not below FootprintDecMax={band.DecMax}."),
                "set FootprintDecMin below FootprintDecMax (POSS-I: -30 and 90).");
        if (band.RaSpan <= 0)
            throw new VascoException(ErrorCodes.ParameterInvalid,
                string.Create(CultureInfo.InvariantCulture, $"FootprintRaMin={band.RaMin} and FootprintRaMax={band.RaMax} leave no RA."),
                "give the RA range eastwards from FootprintRaMin to FootprintRaMax (0 and 360 for all RA; 350 and 10 wraps through RA 0).");
        return band;
    }

    public bool AllRa => RaSpan >= 360;

    /// <summary>Degrees of RA from RaMin eastwards to RaMax.</summary>
    public double RaSpan
    {
        get
        {
            var span = RaMax - RaMin;
            if (span >= 360) return 360;
            return span < 0 ? span + 360 : span; // RaMin > RaMax wraps through RA 0
        }
    }

    public bool ContainsRa(double ra) => AllRa || Angles.WrapRa(ra - RaMin) <= RaSpan;

    public bool Contains(double ra, double dec) => dec >= DecMin && dec <= DecMax && ContainsRa(ra);

    /// <summary>True when the RA interval [start, start + width] (eastwards) meets the band's RAs.</summary>
    public bool RaOverlaps(double start, double width) =>
        AllRa || width >= 360 || ContainsRa(start) || Angles.WrapRa(RaMin - start) <= width;

    /// <summary>Solid angle in square degrees.</summary>
    public double AreaSqDeg =>
        RaSpan * (Math.Sin(DecMax * Angles.DegToRad) - Math.Sin(DecMin * Angles.DegToRad)) * Angles.RadToDeg;

    public override string ToString() => string.Create(CultureInfo.InvariantCulture,
        $"Dec {DecMin:0.###} to {DecMax:0.###}{(AllRa ? "" : $", RA {RaMin:0.###} to {RaMax:0.###}")}");
}
