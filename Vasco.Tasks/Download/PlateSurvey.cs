namespace Vasco.Download;

/// <summary>
/// A photographic survey of the Digitized Sky Survey other than the POSS-I red plates Vasco searches: what STScI's
/// dss_search calls it (v=), the SURVEY keywords its cutouts carry, and the years its plates were taken. POSS-I blue
/// (103aO, usually exposed the same night as the red plate) is of the first epoch; the POSS-II and UK Schmidt plates
/// (1975-2002: STScI serves UKST plates where POSS-II has none, in the south) are the later epoch.
/// Source: the DSS survey table (CADC's copy of STScI's): codes XO, XP, XJ, XI; SERC and AAO plates in the south.
/// </summary>
public sealed record PlateSurvey(string DssName, string Label, bool FirstEpoch, int FirstYear, int LastYear, IReadOnlyList<string> SurveyKeywords)
{
    public static readonly PlateSurvey PossIBlue = new("poss1_blue", "POSS-I blue", true, 1949, 1958, ["POSSI-O"]);
    public static readonly PlateSurvey PossIIRed = new("poss2ukstu_red", "POSS-II red", false, 1975, 2002, ["POSSII-F", "SERC-ER", "AAO-SES", "AAO-SR"]);
    public static readonly PlateSurvey PossIIBlue = new("poss2ukstu_blue", "POSS-II blue", false, 1975, 2002, ["POSSII-J", "SERC-J", "SERC-EJ"]);
    public static readonly PlateSurvey PossIIInfrared = new("poss2ukstu_ir", "POSS-II IR", false, 1975, 2002, ["POSSII-N", "SERC-I"]);

    public static readonly IReadOnlyList<PlateSurvey> All = [PossIBlue, PossIIRed, PossIIBlue, PossIIInfrared];

    public static PlateSurvey? Find(string dssName) => All.FirstOrDefault(s => s.DssName.Equals(dssName.Trim(), StringComparison.OrdinalIgnoreCase));

    /// <summary>A short name for file and column names: poss1_blue, poss2_red, ...</summary>
    public string Short => DssName.Replace("poss2ukstu_", "poss2_", StringComparison.Ordinal);
}
