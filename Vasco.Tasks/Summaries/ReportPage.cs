using System.Globalization;
using System.Net;
using System.Text;
using Vasco.Sky;
using Vasco.SolarSystem;

namespace Vasco.Summaries;

/// <summary>
/// One stamp of a candidate's strip: its label, the PNG, a caption. <paramref name="OnPlateGrid"/>: drawn on the red plate's
/// pixels (<see cref="StampInfo.Grid"/>), so the neighbours' circles, the compass and the scale bar apply to it.
/// </summary>
public sealed record StripStamp(string Label, byte[] Png, string Caption, bool OnPlateGrid);

/// <summary>A candidate as the report shows it: its candidates.csv cells by column name, its strip of stamps, and step 8's facts (null when step 8 made none).</summary>
public sealed record ReportCandidate(IReadOnlyDictionary<string, string> Cells, IReadOnlyList<StripStamp> Strip, StampInfo? Info)
{
    /// <summary>The digest of what its card is made from (<see cref="PageCards.Digest"/>); null: its card is always made.</summary>
    public byte[]? Digest { get; init; }
}

/// <summary>Where a card's links ask: SkyBoT's cone search (the run's SkybotUrl) for an observatory (SkybotObserver).</summary>
public sealed record ReportLinks(string SkybotUrl, string SkybotObserver)
{
    /// <summary>The radius of the SkyBoT cone around a candidate, degrees (3').</summary>
    public const double SkybotRadiusDeg = 0.05;
    /// <summary>Aladin Lite's field of view, degrees (3'; a stamp is 1.7').</summary>
    public const double AladinFovDeg = 0.05;

    /// <summary>SkyBoT's known objects within <see cref="SkybotRadiusDeg"/> of (ra, dec) at <paramref name="midUtc"/> from the observer, as a page.</summary>
    public string Skybot(double ra, double dec, DateTime midUtc) =>
        SkybotClient.QueryUrl(new Uri(SkybotUrl), SkybotObserver, new SkybotQuery(midUtc, ra, dec, SkybotRadiusDeg), "html").AbsoluteUri;

    /// <summary>Aladin Lite on (ra, dec) with a HiPS survey.</summary>
    public static string Aladin(double ra, double dec, string survey) =>
        "https://aladin.cds.unistra.fr/AladinLite/?target=" + Uri.EscapeDataString(Degrees(ra, dec)) + "&fov=" + AladinFovDeg.ToString(CultureInfo.InvariantCulture)
        + "&survey=" + Uri.EscapeDataString(survey);

    public static string Simbad(double ra, double dec) =>
        "https://simbad.cds.unistra.fr/simbad/sim-coo?Coord=" + Uri.EscapeDataString(Degrees(ra, dec)) + "&Radius=10&Radius.unit=arcsec";

    /// <summary>"132.820431 +11.913357": a position in degrees as the cards print it.</summary>
    public static string Degrees(double ra, double dec) => ra.ToString("0.000000", CultureInfo.InvariantCulture) + " " + dec.ToString("+0.000000;-0.000000", CultureInfo.InvariantCulture);
}

public static partial class Report
{
    /// <summary>
    /// The overview's columns: a header and the candidates.csv column it shows. A column the run's candidates.csv does not have
    /// is left out, so a column a later step adds (mag_cal, classification) shows when it is there.
    /// </summary>
    static readonly (string Header, string Column)[] OverviewColumns =
    [
        ("tile", "tile_id"), ("#", "number"), ("RA", "ra"), ("Dec", "dec"), ("mag", "mag"), ("mag_cal", "mag_cal"),
        ("archives", "vet_archives"), ("asteroids", "vet_asteroids"), ("variables", "vet_variables"), ("second scan", "vet_second_scan"),
        ("motion", "vet_motion"), ("shadow", "earth_shadow"), ("vetting", "vetting"), ("classification", "classification"),
    ];

    /// <summary>The vetting's columns on a card, each with the columns that say what explains the candidate.</summary>
    static readonly (string Stage, string Column, string[] Details)[] VettingRows =
    [
        ("other archives", "vet_archives", ["archive_matches"]),
        ("known minor planets", "vet_asteroids", ["asteroid", "asteroid_class", "asteroid_sep_arcsec", "asteroid_mv"]),
        ("known variables", "vet_variables", ["variable", "variable_sep_arcsec"]),
        ("second digitisation", "vet_second_scan", ["second_scan_sep_arcsec"]),
        ("high proper motion", "vet_motion", ["mover", "mover_pm_mas_yr", "mover_offset_arcsec"]),
        ("Earth's shadow", "earth_shadow", []),
    ];

    /// <summary>The summary's sections the report shows in forms of its own (the overview and cards, the funnel table, the plots).</summary>
    static readonly string[] SummarySectionsShownAbove = ["Candidates", "Vetting funnel", "Distributions"];

    /// <summary>
    /// A candidate's strip, from the files step 8 wrote in its tile's stamp folder (<see cref="StampFolder"/>): the red plate,
    /// then the modern sky; then <paramref name="others"/>, stamps on other pixels (other plates), as (label, PNG file, caption).
    /// </summary>
    public static IReadOnlyList<StripStamp> Strip(string stampFolder, IReadOnlyDictionary<string, string> cells, StampInfo? info,
        IEnumerable<(string Label, string Png, string Caption)> others)
    {
        string V(string k) => cells.TryGetValue(k, out var v) ? v : "";
        var number = V("number");
        var scale = info is null ? "" : $" of {F(info.ArcsecPerPixel, "0.00")}\" ({F(info.Grid.Size * info.ArcsecPerPixel / 60, "0.0")}')";
        var entries = new List<(string Label, string Png, string Caption, bool OnPlateGrid)>
        {
            ("POSS-I red", Path.Combine(stampFolder, TileStamps.PlateFile(number)),
                $"the clean plate {(V("plate_label").Length > 0 ? V("plate_label") + ", " : "")}epoch {Cell("plate_epoch", V("plate_epoch"))}, "
                + $"{(info is null ? 61 : info.Grid.Size)}x{(info is null ? 61 : info.Grid.Size)} pixels{scale}, square-root stretch.", true),
        };
        if (info is { ModernSkyDrawn: true })
            entries.Add(($"modern sky ({info.Catalog})", Path.Combine(stampFolder, TileStamps.ModernFile(number)),
                $"{info.Catalog}'s {info.Drawn} sources here at the plate epoch (carried back with their proper motions), {info.ModernSky}; "
                + $"asinh stretch, linear up to a tenth of the peak of a mag {F(info.StretchMag, "0.0")} source ({info.StretchWhy}). "
                + "A model drawn from the catalog, not an image.", true));
        var strip = entries.Where(e => File.Exists(e.Png)).Select(e => new StripStamp(e.Label, File.ReadAllBytes(e.Png), e.Caption, e.OnPlateGrid)).ToList();
        // Another plate without a stamp (not fetched, no plate, not registered) keeps its place, with why.
        strip.AddRange(others.Select(o => new StripStamp(o.Label, o.Png.Length > 0 && File.Exists(o.Png) ? File.ReadAllBytes(o.Png) : [], o.Caption, false)));
        return strip;
    }

    static string E(string s) => WebUtility.HtmlEncode(s);
    static string F(double v, string format) => (Math.Round(v, 6) + 0.0).ToString(format, CultureInfo.InvariantCulture);
    // Appended piece by piece: an interpolated string of a stamp's base64 was copied three times more (at 10,000 tiles the
    // report is 66 MB, and building it as strings was most of step 9's time).
    static StringBuilder Img(StringBuilder sb, byte[] png, string alt, string cls) =>
        sb.Append("<img class=\"").Append(cls).Append("\" alt=\"").Append(E(alt)).Append("\" src=\"data:image/png;base64,").Append(Convert.ToBase64String(png)).Append("\">");

    /// <summary>A candidates.csv cell as the report prints it: a float64 column to its decimals (<see cref="CandidateColumns.Decimals"/>), anything else as it is.</summary>
    public static string Cell(string column, string text)
    {
        if (CandidateColumns.Of(column).Type != "float64" || !double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var v) || !double.IsFinite(v)) return text;
        var decimals = CandidateColumns.Decimals(column);
        return (Math.Round(v, decimals) + 0.0).ToString("F" + decimals, CultureInfo.InvariantCulture);
    }

    public static string Html(string runId, string summaryMarkdown, IReadOnlyList<(string Name, byte[] Png)> plots, IReadOnlyList<ReportCandidate> candidates,
        ReportLinks links, IReadOnlyList<(string TileId, string Reason)>? failedTiles = null, IReadOnlyList<IReadOnlyDictionary<string, string>>? funnel = null)
    {
        var page = new StringWriter(CultureInfo.InvariantCulture);
        WriteHtml(page, runId, summaryMarkdown, plots, candidates, links, failedTiles, funnel);
        return page.ToString();
    }

    /// <summary>
    /// The page (<see cref="Html"/>) into <paramref name="page"/>, a card at a time: a page of 2,000 candidates is tens of MB.
    /// With <paramref name="cards"/> (and a page that is a file), a card with a <see cref="ReportCandidate.Digest"/> the last
    /// page has is copied from it, and every card written is noted there.
    /// </summary>
    public static void WriteHtml(TextWriter page, string runId, string summaryMarkdown, IReadOnlyList<(string Name, byte[] Png)> plots, IReadOnlyList<ReportCandidate> candidates,
        ReportLinks links, IReadOnlyList<(string TileId, string Reason)>? failedTiles = null, IReadOnlyList<IReadOnlyDictionary<string, string>>? funnel = null,
        PageCards? cards = null)
    {
        var file = cards is null ? null : page as StreamWriter;
        var sb = new StringBuilder();
        sb.Append("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>Vasco run ").Append(E(runId)).Append("</title>\n<style>").Append(Style).Append("</style></head>\n<body>\n");
        sb.Append("<h1>Vasco run ").Append(E(runId)).Append("</h1>\n");
        sb.Append("<p>").Append(candidates.Count).Append(" candidate(s): sources on the POSS-I plate with no modern counterpart that pass the selection. Files: ")
          .Append("<a href=\"../../filter/").Append(E(runId)).Append("/candidates.csv\">candidates.csv</a>, <a href=\"candidates.ecsv\">candidates.ecsv</a> (astropy), ")
          .Append("<a href=\"candidates.vot\">candidates.vot</a> (VOTable), <a href=\"candidates.reg\">candidates.reg</a> (DS9), <a href=\"summary.csv\">summary.csv</a>.</p>\n");
        // Before the candidates: a failed tile contributes none, and the reader must know which tiles that is.
        if (failedTiles is { Count: > 0 })
        {
            sb.Append("<h2 id=\"failed\">Failed tiles</h2>\n<p>").Append(failedTiles.Count)
              .Append(" tile(s) did not complete in the current state and contribute no candidate; a rebuild retries them.</p>\n<ul>");
            foreach (var (tile, reason) in failedTiles.Take(200)) sb.Append("<li><b>").Append(E(tile)).Append("</b>: ").Append(E(reason)).Append("</li>");
            if (failedTiles.Count > 200) sb.Append("<li>").Append(failedTiles.Count - 200).Append(" more in summary.csv</li>");
            sb.Append("</ul>\n");
        }
        if (candidates.Count > 0) Overview(sb, candidates);
        if (funnel is { Count: > 0 }) Funnel(sb, funnel);
        sb.Append("<h2 id=\"candidates\">Candidates</h2>\n");
        if (candidates.Count == 0) sb.Append("<p>None.</p>\n");
        else sb.Append("<p><label><input type=\"checkbox\" id=\"overlays\" checked> neighbours' circles, compass and scale bar on the stamps</label></p>\n");
        page.Write(sb);  // before the cards: a card's bytes are its own
        sb.Clear();
        foreach (var c in candidates)
        {
            if (file is not null && c.Digest is { } digest)
            {
                if (cards!.Has(CardId(c), digest)) cards.Copy(file, CardId(c), digest);
                else cards.Write(file, CardId(c), digest, Card(sb, c, links));
            }
            else page.Write(Card(sb, c, links));
            sb.Clear();
        }
        sb.Append("<h2>Distributions</h2>\n");
        foreach (var (name, png) in plots) Img(sb, png, name, "plot");
        sb.Append("\n<h2 id=\"summary\">Summary</h2>\n<div class=\"summary\">\n")
          .Append(MarkdownHtml.Render(summaryMarkdown, 1, heading => !SummarySectionsShownAbove.Any(s => heading.StartsWith(s, StringComparison.Ordinal))))
          .Append("</div>\n");
        sb.Append("<script>").Append(Script).Append("</script>\n");
        sb.Append("</body></html>\n");
        page.Write(sb);
    }

    const string Style =
        "body{font-family:sans-serif;margin:2em;max-width:1180px}table{border-collapse:collapse}td,th{border:1px solid #ccc;padding:2px 6px;text-align:right}"
        + "th{background:#f4f4f4}td.t,th.t{text-align:left}.plot{width:48%}pre{background:#f6f6f6;padding:1em;overflow:auto}"
        + "table.sortable th{cursor:pointer;user-select:none}table.sortable th[aria-sort=ascending]::after{content:' \\25B2'}table.sortable th[aria-sort=descending]::after{content:' \\25BC'}"
        + ".st{display:inline-block;padding:0 5px;border-radius:3px;white-space:nowrap}.scroll{overflow-x:auto}#overview-table{font-size:82%}#overview-table td,#overview-table th{white-space:nowrap;padding:1px 4px}.st.passed{background:#d5f0d5}.st.removed{background:#f6d0d0}"
        + ".st.unchecked{background:#fbeabf}.st.umbra{background:#cfe0f7}"
        + ".cand{margin:1.5em 0;padding:1em;border:1px solid #ccc;border-radius:4px}.cand h3{margin:0 0 .6em 0}"
        + ".strip{display:flex;flex-wrap:wrap;gap:1em;align-items:flex-start}figure{margin:0;width:305px}figure.missing{width:190px}figcaption{font-size:85%;color:#333;margin-top:.3em}"
        + ".frame{position:relative;width:305px;height:305px;background:#000}.frame.missing{background:#eee;color:#555;font-size:13px;padding:10px;box-sizing:border-box;width:190px;height:auto;min-height:90px}.stamp{image-rendering:pixelated;width:305px;height:305px;display:block}"
        + ".overlay{position:absolute;left:0;top:0}.overlay text{font:bold 13px sans-serif;paint-order:stroke;stroke:#000;stroke-width:3px}"
        + ".overlay .nb circle{fill:none;stroke:#ffd84a;stroke-width:1.5}.overlay .nb text{fill:#ffd84a}"
        + ".overlay .compass line,.overlay .scalebar line{stroke:#fff;stroke-width:2}.overlay .compass polygon{fill:#fff}.overlay .compass text,.overlay .scalebar text{fill:#fff}"
        + "body.plain .overlay{display:none}"
        + ".facts{display:grid;grid-template-columns:minmax(400px,1fr) minmax(0,1.3fr);gap:1.5em;margin-top:1em}.facts h4{margin:.8em 0 .3em 0}.kv{width:100%}.kv th{text-align:left;font-weight:normal;background:#f8f8f8;white-space:nowrap;width:1%}.kv td{text-align:left;overflow-wrap:anywhere}"
        + ".summary td:first-child{text-align:left}.links{line-height:1.6}.note{color:#555;font-size:90%}";

    /// <summary>Sorts a table.sortable by the clicked column (numbers as numbers, empty cells last), and marks the page once every image has decoded, for headless checks.</summary>
    const string Script =
        "document.querySelectorAll('table.sortable').forEach(function(t){var hs=t.tHead.rows[0].cells;[].forEach.call(hs,function(h,k){"
        + "h.addEventListener('click',function(){var up=h.getAttribute('aria-sort')!=='ascending';[].forEach.call(hs,function(o){o.removeAttribute('aria-sort');});"
        + "h.setAttribute('aria-sort',up?'ascending':'descending');var num=h.dataset.type==='num';var b=t.tBodies[0];"
        + "[].slice.call(b.rows).sort(function(r,s){var x=r.cells[k].dataset.v,y=s.cells[k].dataset.v;if(x===''||y==='')return x===y?0:(x===''?1:-1);"
        + "var d=num?parseFloat(x)-parseFloat(y):x.localeCompare(y);return up?d:-d;}).forEach(function(r){b.appendChild(r);});});});});"
        + "var box=document.getElementById('overlays');if(box)box.addEventListener('change',function(){document.body.classList.toggle('plain',!box.checked);});"
        + "var vascoErrors=0;window.addEventListener('error',function(){vascoErrors++;},true);"
        + "window.addEventListener('load',function(){var imgs=[].slice.call(document.images);document.body.dataset.errors=vascoErrors;"
        + "document.body.dataset.images=imgs.length;document.body.dataset.broken=imgs.filter(function(i){return !(i.complete&&i.naturalWidth>0)}).length;"
        + "document.body.dataset.loaded='yes';});";

    /// <summary>The table of every candidate, sortable by any column, each row linking to its card.</summary>
    static void Overview(StringBuilder sb, IReadOnlyList<ReportCandidate> candidates)
    {
        var columns = OverviewColumns.Where(c => candidates.Any(k => k.Cells.ContainsKey(c.Column))).ToList();
        // Sorted as numbers when every value there is one (a column a later step adds may hold text).
        var numeric = columns.Select(c => c.Column).Where(c => candidates.All(k => k.Cells.GetValueOrDefault(c, "") is var v && (v.Length == 0 || Parse(v) is not null)))
            .ToHashSet();
        bool IsNumeric(string column) => numeric.Contains(column);
        sb.Append("<h2 id=\"overview\">Overview</h2>\n<p class=\"note\">Click a column's header to sort by it; a row's tile opens its card. ")
          .Append("Positions J2000 at the plate epoch. The vetting: <span class=\"st passed\">passed</span>, <span class=\"st removed\">removed</span> (with the reason), ")
          .Append("<span class=\"st unchecked\">not checked</span> (hover for the reason).</p>\n");
        sb.Append("<div class=\"scroll\"><table class=\"sortable\" id=\"overview-table\"><thead><tr>");
        foreach (var (header, column) in columns)
            sb.Append("<th data-col=\"").Append(column).Append("\" data-type=\"").Append(IsNumeric(column) ? "num" : "text").Append("\"")
              .Append(IsNumeric(column) ? "" : " class=\"t\"").Append('>').Append(E(header)).Append("</th>");
        sb.Append("</tr></thead><tbody>\n");
        foreach (var c in candidates)
        {
            string V(string k) => c.Cells.TryGetValue(k, out var v) ? v : "";
            sb.Append("<tr>");
            foreach (var (_, column) in columns)
            {
                var value = V(column);
                var sort = IsNumeric(column) ? Cell(column, value) : value;
                var shown = column switch
                {
                    "tile_id" => $"<a href=\"#{E(CardId(c))}\">{E(value)}</a>",
                    "ra" when Parse(value) is { } ra => WcsMath.FormatRightAscension(ra, 2),
                    "dec" when Parse(value) is { } dec => WcsMath.FormatDeclination(dec, 1),
                    _ when IsStatus(column) => Status(value, brief: true),
                    _ => E(Cell(column, value)),
                };
                sb.Append("<td data-v=\"").Append(E(sort)).Append('"').Append(IsNumeric(column) ? "" : " class=\"t\"").Append('>').Append(shown).Append("</td>");
            }
            sb.Append("</tr>\n");
        }
        sb.Append("</tbody></table></div>\n");
    }

    static bool IsStatus(string column) => column is "vetting" or "earth_shadow" || column.StartsWith("vet_", StringComparison.Ordinal);
    static double? Parse(string s) => double.TryParse(s, NumberStyles.Float, CultureInfo.InvariantCulture, out var v) && double.IsFinite(v) ? v : null;
    static string CardId(ReportCandidate c) => CardId(c.Cells);
    /// <summary>A card's id in the page (its anchor): the candidate's tile and number.</summary>
    public static string CardId(IReadOnlyDictionary<string, string> cells) => cells.GetValueOrDefault("tile_id", "") + "-" + cells.GetValueOrDefault("number", "");

    /// <summary>A vetting status as a coloured label: passed, removed: reason (<paramref name="brief"/>: the reason alone), not checked (the reason on hover), sunlit, in umbra.</summary>
    static string Status(string value, bool brief = false)
    {
        var colon = value.IndexOf(':');
        var (kind, rest) = colon < 0 ? (value, "") : (value[..colon], value[(colon + 1)..]);
        var (cls, text) = kind switch
        {
            "passed" => ("passed", "passed"),
            "removed" => ("removed", brief ? rest : "removed: " + rest),
            "not_checked" => ("unchecked", "not checked"),
            "in_umbra" => ("umbra", "in umbra"),
            _ => ("", value),
        };
        return value.Length == 0 ? "" : $"<span class=\"st {cls}\" title=\"{E(value)}\">{E(text)}</span>";
    }

    static void Funnel(StringBuilder sb, IReadOnlyList<IReadOnlyDictionary<string, string>> funnel)
    {
        // The vetting funnel beside the paper's (data/vetting/<RunId>/funnel.csv): what explains how many candidates.
        sb.Append("<h2 id=\"funnel\">Vetting funnel</h2>\n<p>Each stage counts the candidates no earlier stage removed; <i>not checked</i>: the stage could not look ")
          .Append("(offline, a service down), and those stay in. Right: Solano et al. (2022, MNRAS 515, 1380).</p>\n<table><tr><th>stage</th><th>in</th><th>removed</th><th>out</th>")
          .Append("<th>by reason</th><th>not checked</th><th>paper: in</th><th>paper: removed</th><th>paper: out</th></tr>\n");
        foreach (var r in funnel)
        {
            sb.Append("<tr><th>").Append(E(r["stage"])).Append("</th>");
            foreach (var k in new[] { "in", "removed", "out", "removed_by_reason", "not_checked", "paper_in", "paper_removed", "paper_out" })
                sb.Append("<td>").Append(E(r[k].Replace(";", ", "))).Append("</td>");
            sb.Append("</tr>\n");
        }
        sb.Append("</table>\n");
    }

    /// <summary>A candidate's card: the strip of stamps, where it is, its numbers, the vetting, its modern neighbours and the links that ask about it.</summary>
    static StringBuilder Card(StringBuilder sb, ReportCandidate c, ReportLinks links)
    {
        string V(string k) => c.Cells.TryGetValue(k, out var v) ? v : "";
        var info = c.Info;
        sb.Append("<section class=\"cand\" id=\"").Append(E(CardId(c))).Append("\"><h3>").Append(E(V("tile_id"))).Append(" #").Append(E(V("number"))).Append(' ')
          .Append(Status(V("vetting"))).Append("</h3>\n<div class=\"strip\">");
        if (c.Strip.Count == 0) sb.Append("<p>(no plate image)</p>");
        foreach (var s in c.Strip)
        {
            if (s.Png.Length == 0)
            {
                sb.Append("<figure class=\"missing\"><div class=\"frame missing\"><b>").Append(E(s.Label)).Append("</b><br>").Append(E(s.Caption)).Append("</div></figure>");
                continue;
            }
            Img(sb.Append("<figure><div class=\"frame\">"), s.Png, $"{s.Label} of {V("tile_id")} #{V("number")}", "stamp");
            if (s.OnPlateGrid && info is not null) Overlay(sb, info);
            sb.Append("</div><figcaption><b>").Append(E(s.Label)).Append("</b>: ").Append(E(s.Caption)).Append("</figcaption></figure>");
        }
        sb.Append("</div>\n");
        if (info is { ModernSkyDrawn: false }) sb.Append("<p class=\"note\">Modern sky: ").Append(E(info.ModernSky)).Append(".</p>\n");
        sb.Append("<div class=\"facts\"><div>\n<h4>Position and measures</h4><table class=\"kv\">");
        void Row(string label, string value) => sb.Append("<tr><th>").Append(label).Append("</th><td>").Append(value).Append("</td></tr>");
        var (ra, dec) = (Parse(V("ra")), Parse(V("dec")));
        if (ra is { } r && dec is { } d)
        {
            Row("RA, Dec <small>(J2000, plate epoch)</small>", WcsMath.FormatRightAscension(r, 2) + " &nbsp;" + WcsMath.FormatDeclination(d, 1));
            Row("in degrees", ReportLinks.Degrees(r, d));
        }
        Row("plate pixel <small>(x, y)</small>", E(Cell("x_image", V("x_image")) + ", " + Cell("y_image", V("y_image"))));
        string WithError(string value, string error) => E(Cell(value, V(value)) + (V(error).Length > 0 ? " ± " + Cell(error, V(error)) : ""));
        Row("mag <small>(MAG_AUTO, instrumental)</small>", WithError("mag", "magerr_auto"));
        if (c.Cells.ContainsKey("mag_cal")) Row("mag_cal <small>(calibrated)</small>", WithError("mag_cal", "mag_cal_err"));
        Row("SNR_WIN", E(Cell("snr_win", V("snr_win"))));
        var fwhm = Parse(V("fwhm_image"));
        Row("FWHM", E(Cell("fwhm_image", V("fwhm_image")) + " px" + (fwhm is { } w && info is not null ? $" ({F(w * info.ArcsecPerPixel, "0.0")}\")" : "")));
        Row("elongation", E(Cell("elongation", V("elongation"))));
        Row("SPREAD_MODEL", E(Cell("spread_model", V("spread_model"))));
        Row("flags, imaflags_iso", E(V("flags") + ", " + V("imaflags_iso")));
        Row("plate", E((V("plate_label").Length > 0 ? V("plate_label") + " " : "") + $"(DSS {V("plate_id")}), epoch {Cell("plate_epoch", V("plate_epoch"))}"));
        var mid = info?.MidExposureUtc is { } m ? DateTime.Parse(m, CultureInfo.InvariantCulture, DateTimeStyles.AdjustToUniversal | DateTimeStyles.AssumeUniversal) : (DateTime?)null;
        Row("mid-exposure", E(mid is { } t ? t.ToString("yyyy-MM-dd HH:mm", CultureInfo.InvariantCulture) + " UT" : info?.MidExposureUnknown ?? "(step 8 made no record)"));
        Row("nearest modern source", E(Cell("nearest_modern_arcsec", V("nearest_modern_arcsec")) + "\""));
        Row("nearest bright star", E(Cell("nearest_bright_arcsec", V("nearest_bright_arcsec")) + "\" (mag " + Cell("nearest_bright_mag", V("nearest_bright_mag")) + ")"));
        sb.Append("</table>\n");
        if (c.Cells.ContainsKey("vetting"))
        {
            sb.Append("<h4>Vetting</h4><table class=\"kv\">");
            foreach (var (stage, column, details) in VettingRows.Where(v => c.Cells.ContainsKey(v.Column)))
            {
                // What explains it (a name, a separation, a motion), or why the stage could not look.
                var notes = details.Where(d => V(d).Length > 0).Select(d => Cell(d, V(d)) + CandidateColumns.Of(d).Unit switch
                {
                    "arcsec" => "\"", "arcsec/h" => "\"/h", "mas/yr" => " mas/yr", "mag" => " mag", _ => "",
                }).ToList();
                if (V(column).StartsWith("not_checked:", StringComparison.Ordinal)) notes.Add(V(column)["not_checked:".Length..]);
                Row(E(stage), Status(V(column)) + (notes.Count > 0 ? " <span class=\"note\">" + E(string.Join(", ", notes)) + "</span>" : ""));
            }
            if (c.Cells.ContainsKey("classification"))
                Row("second look", E(V("classification")) + (V("classification_why").Length > 0 ? " <span class=\"note\">" + E(V("classification_why")) + "</span>" : ""));
            sb.Append("</table>\n");
        }
        sb.Append("</div><div>\n");
        Neighbours(sb, info);
        sb.Append("<h4>Ask</h4><p class=\"links\">");
        if (ra is { } ra2 && dec is { } dec2)
        {
            sb.Append(mid is { } when
                ? $"<a class=\"skybot\" href=\"{E(links.Skybot(ra2, dec2, when))}\">SkyBoT</a>: known solar-system objects within 3' at mid-exposure ({when.ToString("yyyy-MM-dd HH:mm", CultureInfo.InvariantCulture)} UT), seen from observatory {E(links.SkybotObserver)}<br>"
                : $"SkyBoT: no query, {E(info?.MidExposureUnknown ?? "step 8 made no record of the plate's exposure")}<br>");
            sb.Append($"<a class=\"aladin\" href=\"{E(ReportLinks.Aladin(ra2, dec2, dec2 >= -30 ? "CDS/P/PanSTARRS/DR1/color-z-zg-g" : "CDS/P/DSS2/color"))}\">Aladin Lite</a>: ")
              .Append(dec2 >= -30 ? "the modern sky (Pan-STARRS DR1)" : "the sky of DSS2 (colour)")
              .Append($", <a class=\"aladin\" href=\"{E(ReportLinks.Aladin(ra2, dec2, "CDS/P/DSS2/red"))}\">DSS2 red</a> (the 1980s-90s plates)<br>")
              .Append($"<a href=\"{E(ReportLinks.Simbad(ra2, dec2))}\">SIMBAD</a>: known objects within 10\"");
        }
        return sb.Append("</p></div></div></section>\n");
    }

    /// <summary>The modern sources nearest the candidate, labelled as on the stamps.</summary>
    static void Neighbours(StringBuilder sb, StampInfo? info)
    {
        if (info is null)
        {
            sb.Append("<h4>Modern neighbours</h4><p class=\"note\">Step 8 made no record of this candidate's neighbours: rebuild it (-p:FromStep=8).</p>\n");
            return;
        }
        sb.Append("<h4>Modern neighbours within ").Append(F(info.NeighbourRadiusArcsec, "0")).Append("\"</h4>");
        if (info.Catalog is null || info.Neighbours.Count == 0)
        {
            sb.Append("<p class=\"note\">").Append(info.Catalog is null ? "The tile has no modern source." : $"No {E(info.Catalog)} source.").Append("</p>\n");
            return;
        }
        sb.Append("<p class=\"note\">").Append(E(info.Catalog)).Append(" at the plate epoch (carried back with its proper motions), nearest first")
          .Append(info.Neighbours.Count == TileStamps.MaxNeighbours ? $", the first {TileStamps.MaxNeighbours}" : "").Append(".</p>");
        sb.Append("<table class=\"neighbours\"><tr><th>#</th><th class=\"t\">").Append(E(info.Catalog)).Append(" id</th><th>sep (\")</th><th>PA (°)</th><th>mag</th><th>RA (°)</th><th>Dec (°)</th></tr>");
        foreach (var n in info.Neighbours)
            sb.Append("<tr><td>").Append(n.Label).Append(info.Grid.Contains(n.X, n.Y) ? "" : "*").Append("</td><td class=\"t\">").Append(E(n.Id)).Append("</td><td>").Append(F(n.SeparationArcsec, "0.00"))
              .Append("</td><td>").Append(F(n.PositionAngleDeg, "0")).Append("</td><td>").Append(double.IsFinite(n.Mag) ? F(n.Mag, "0.00") : "")
              .Append("</td><td>").Append(F(n.Ra, "0.000000")).Append("</td><td>").Append(F(n.Dec, "+0.000000;-0.000000")).Append("</td></tr>");
        sb.Append("</table>");
        if (info.Neighbours.Any(n => !info.Grid.Contains(n.X, n.Y))) sb.Append("<p class=\"note\">*: off the stamps.</p>");
        sb.Append('\n');
    }

    /// <summary>
    /// Drawn over a stamp on the plate's pixels: a circle and label per neighbour, the compass (north and east from the WCS, the
    /// directions in data-north and data-east, PNG right and down) and a 30" scale bar.
    /// </summary>
    static void Overlay(StringBuilder sb, StampInfo info)
    {
        var g = info.Grid;
        var size = g.DisplaySize;
        sb.Append($"<svg class=\"overlay\" viewBox=\"0 0 {size} {size}\" width=\"{size}\" height=\"{size}\" aria-hidden=\"true\"><g class=\"nb\">");
        foreach (var n in info.Neighbours.Where(n => g.Contains(n.X, n.Y)))
        {
            var (u, v) = g.Display(n.X, n.Y);
            // The label at the circle's upper right, or inside the stamp where that would leave it.
            var (lx, ly) = (u + 3.2 * g.Scale + 8 > size ? u - 3.2 * g.Scale - 8 : u + 3.2 * g.Scale, v - 2.4 * g.Scale - 13 < 0 ? v + 2.4 * g.Scale + 13 : v - 2.4 * g.Scale);
            sb.Append($"<circle data-label=\"{n.Label}\" cx=\"{F(u, "0.0")}\" cy=\"{F(v, "0.0")}\" r=\"{3 * g.Scale}\"/>")
              .Append($"<text x=\"{F(lx, "0.0")}\" y=\"{F(ly, "0.0")}\">{n.Label}</text>");
        }
        sb.Append("</g>");
        // The compass in the top right corner: arrows 28 px long towards north and east.
        var (ox, oy, length) = (size - 42.0, 42.0, 28.0);
        sb.Append($"<g class=\"compass\" data-north=\"{F(info.North[0], "0.0000")} {F(info.North[1], "0.0000")}\" data-east=\"{F(info.East[0], "0.0000")} {F(info.East[1], "0.0000")}\">");
        foreach (var (name, dir) in new[] { ("N", info.North), ("E", info.East) })
        {
            var (ex, ey) = (ox + length * dir[0], oy + length * dir[1]);
            // The arrowhead: a triangle at the tip, 7 px long.
            var (bx, by, px, py) = (ex - 7 * dir[0], ey - 7 * dir[1], -dir[1], dir[0]);
            sb.Append($"<line x1=\"{F(ox, "0.0")}\" y1=\"{F(oy, "0.0")}\" x2=\"{F(bx, "0.0")}\" y2=\"{F(by, "0.0")}\"/>")
              .Append($"<polygon points=\"{F(ex, "0.0")},{F(ey, "0.0")} {F(bx + 3.5 * px, "0.0")},{F(by + 3.5 * py, "0.0")} {F(bx - 3.5 * px, "0.0")},{F(by - 3.5 * py, "0.0")}\"/>")
              .Append($"<text x=\"{F(ex + 9 * dir[0] - 4.5, "0.0")}\" y=\"{F(ey + 9 * dir[1] + 4.5, "0.0")}\">{name}</text>");
        }
        sb.Append("</g>");
        var bar = 30 / info.ArcsecPerPixel * g.Scale;
        sb.Append($"<g class=\"scalebar\" data-arcsec=\"30\" data-px=\"{F(bar, "0.0")}\"><line x1=\"12\" y1=\"{size - 14}\" x2=\"{F(12 + bar, "0.0")}\" y2=\"{size - 14}\"/>")
          .Append($"<text x=\"{F(12 + bar / 2 - 10, "0.0")}\" y=\"{size - 20}\">30\"</text></g></svg>");
    }
}
