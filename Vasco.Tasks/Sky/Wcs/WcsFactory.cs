using Vasco.Fits;

namespace Vasco.Sky;

/// <summary>Picks the WCS a header describes.</summary>
public static class WcsFactory
{
    /// <summary>TAN or TAN-TPV when CTYPE1 is present, else the DSS plate solution when PLTRAH/AMDX are present.</summary>
    public static IWcs FromHeader(FitsHeader header)
    {
        if (header.Contains("CTYPE1"))
            return TanWcs.FromHeader(header);
        if (DssPlateWcs.IsPresent(header))
            return DssPlateWcs.FromHeader(header);
        throw new WcsException("no usable WCS: the header has neither CTYPE1/CTYPE2 (TAN, TPV) nor a DSS plate solution (PLTRAH, AMDX1..)");
    }
}
