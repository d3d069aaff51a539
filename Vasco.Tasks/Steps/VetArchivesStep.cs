using Vasco.Catalogs;
using Vasco.Pipeline;
using Vasco.Vetting;

namespace Vasco.Steps;

/// <summary>
/// Vetting stage 1: other archives. Each candidate is matched within VettingRadiusArcsec against the run's archives
/// (VascoArchive items; by default the infrared and ultraviolet surveys the paper's counterparts came from, and SDSS):
/// a match in any of them explains it. When only infrared archives match it is kept apart as ir_only, as the paper
/// kept its 172,163 infrared-only sources.
/// </summary>
public sealed class VetArchivesStep : MatchStage
{
    public static readonly ParameterDefinition VettingServices = new("VettingServices", ParameterType.Choice, "online",
        "online: the vetting stages ask their services (CDS XMatch, SkyBoT, TAP); offline: they ask none, and what no local file covers is not_checked", ["online", "offline"]);
    public static readonly ParameterDefinition VettingRadiusArcsec = new("VettingRadiusArcsec", ParameterType.Number, "5", "vetting: a counterpart within this radius explains a candidate (other archives, variables, the second scan)", Min: 0, Max: 180, MinExclusive: true);
    public static readonly ParameterDefinition VettingRetries = new("VettingRetries", ParameterType.Integer, "3", "retries of a failed vetting service request", Min: 0, Max: 50);
    public static readonly ParameterDefinition VettingTimeoutSeconds = new("VettingTimeoutSeconds", ParameterType.Number, "300", "time limit of one vetting service request", Min: 1);
    public static readonly ParameterDefinition VettingMinIntervalSeconds = new("VettingMinIntervalSeconds", ParameterType.Number, "1", "least time between two requests to one vetting service", Min: 0);
    public static readonly ParameterDefinition XmatchUrl = new("XmatchUrl", ParameterType.Text, "http://cdsxmatch.cds.unistra.fr/xmatch/api/v1/sync", "CDS XMatch's sync endpoint (other archives, VSX)");
    public static readonly ParameterDefinition SkybotUrl = new("SkybotUrl", ParameterType.Text, "https://ssp.imcce.fr/webservices/skybot/api/conesearch.php", "IMCCE SkyBoT's cone search (known minor planets; the report's SkyBoT links)");
    public static readonly ParameterDefinition TapUrl = new("TapUrl", ParameterType.Text, "https://dc.g-vo.org/tap", "the TAP service of the SuperCOSMOS scans (GAVO's supercosmos.sources)");
    public static readonly ParameterDefinition PtfTapUrl = new("PtfTapUrl", ParameterType.Text, "https://irsa.ipac.caltech.edu/TAP", "IRSA's TAP service (PTF objects, for known variables)");

    /// <summary>An archive of stage 1: its name, VizieR table and band, and its columns for VizieR's cones (when CDS XMatch fails).</summary>
    public sealed record Archive(string Name, string Table, string Band, CatalogItem? Item, CatalogColumns Columns);

    /// <summary>A table's id and J2000 position columns as VizieR's cone search serves them (no magnitude, no motion).</summary>
    static CatalogColumns Columns(string id, string ra = "RAJ2000", string dec = "DEJ2000") => new([id], ra, dec, [], null, null, 2000.0);

    /// <summary>The default archives: those of the open reconstruction of the paper's list (docs/vetting.md), and SDSS.</summary>
    public static readonly IReadOnlyList<Archive> DefaultArchives =
    [
        new("2mass", "II/246/out", "infrared", null, Columns("2MASS")),
        new("allwise", "II/328/allwise", "infrared", null, Columns("AllWISE")),
        new("catwise", "II/365/catwise", "infrared", null, Columns("Name", "RA_ICRS", "DE_ICRS")),
        new("unwise", "II/363/unwise", "infrared", null, Columns("objID")),
        new("galex", "II/335/galex_ais", "ultraviolet", null, Columns("objid")),
        new("sdss", "V/154/sdss16", "optical", null, Columns("objID", "RA_ICRS", "DE_ICRS")),
    ];

    static readonly string[] Bands = ["infrared", "optical", "ultraviolet"];

    public static readonly TileDataset Results = VerdictsOf("VetArchives");

    public static readonly StepContract Contract = StepContract.PerTile("VetArchives", 8, typeof(VetArchivesStep), VettingSettings.Bind, (env, c) => new VetArchivesStep(env, c));

    readonly IReadOnlyList<Archive> _archives;
    readonly IReadOnlyList<VettingSource> _sources;

    public VetArchivesStep(StepEnvironment env, VettingSettings settings) : base(env, settings)
    {
        _archives = ArchivesOf(env);
        _sources = _archives.Select(a => a.Item is { } item && FileSource.Of(item, env.RunDir, []) is { } file ? file
            : Services.Vizier(a.Name, a.Table, a.Columns)).ToList();
        StepFields["archives"] = _archives.Select(a => $"{a.Name} ({a.Table}, {a.Band})").ToList();
        DescribeSources();
    }

    /// <summary>The run's VascoArchive items, or the defaults.</summary>
    public static IReadOnlyList<Archive> ArchivesOf(StepEnvironment env) => env.Archives.Count == 0 ? DefaultArchives : env.Archives.Select(item =>
    {
        var band = (item.Meta("Band") ?? "").Trim().ToLowerInvariant();
        if (!Bands.Contains(band))
            throw new VascoException(ErrorCodes.VettingSourceInvalid, $"VascoArchive '{item.Name}' has Band=\"{item.Meta("Band")}\".",
                "give it Band=\"infrared\", \"optical\" or \"ultraviolet\": an infrared-only match keeps the candidate on the ir_only list.")
            { InRunFile = RunFileElement.Item("VascoArchive", item.Name) };
        var table = item.Meta("Table");
        if (table is null && item.Meta("File") is null)
            throw new VascoException(ErrorCodes.VettingSourceInvalid, $"VascoArchive '{item.Name}' names neither a VizieR Table nor a File.",
                "give it Table=\"II/246/out\" (asked of CDS XMatch) or File=\"path.csv\" (read from disk).")
            { InRunFile = RunFileElement.Item("VascoArchive", item.Name) };
        var (ra, dec) = (item.Meta("RaColumn") ?? "RAJ2000", item.Meta("DecColumn") ?? "DEJ2000");
        // Without an id column, a source is named by its position (VizieR's split cones are joined by id).
        return new Archive(item.Name, table ?? "", band, item, new CatalogColumns(item.Meta("IdColumn") is { } id ? [id] : [ra, dec], ra, dec, [], null, null, 2000.0));
    }).ToList();

    protected override TileDataset Verdicts => Results;
    protected override IReadOnlyList<string> DetailColumns { get; } = ["archive_matches", "archive_not_checked"];
    protected override IReadOnlyList<VettingSource> Sources => _sources;

    protected override StageVerdict Judge(VettingCandidate c, IReadOnlyList<(VettingSource Source, SourceAnswer Answer)> answers)
    {
        var matched = answers.Select((a, i) => (Archive: _archives[i], Match: a.Answer.Matches.GetValueOrDefault(c.Key))).Where(m => m.Match is not null).ToList();
        var notChecked = NotCheckedBy(c, answers);
        var details = new[] { string.Join(';', matched.Select(m => $"{m.Archive.Name}:{Arcsec(m.Match!.SeparationArcsec)}")), notChecked };
        // Infrared-only needs every optical and ultraviolet archive to have looked; else it is a counterpart, band unsure.
        var otherBandsLooked = _archives.Select((a, i) => (a, i)).Where(x => x.a.Band != "infrared").All(x => !answers[x.i].Answer.NotChecked.ContainsKey(c.Key));
        if (matched.Count > 0)
            return new(VettingStatus.Removed(matched.All(m => m.Archive.Band == "infrared") && otherBandsLooked ? "ir_only" : "counterpart"), details);
        return notChecked.Length > 0 ? new(VettingStatus.NotChecked(notChecked), details) : new(VettingStatus.Passed, details);
    }
}
