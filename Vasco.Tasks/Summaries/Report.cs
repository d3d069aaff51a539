using System.Globalization;
using System.Net;
using System.Text;
using SkiaSharp;

namespace Vasco.Summaries;

/// <summary>A candidate as the report shows it: its candidates.csv cells by column name, and its plate stamp.</summary>
public sealed record ReportCandidate(IReadOnlyDictionary<string, string> Cells, byte[]? StampPng);

/// <summary>
/// The run's HTML report: one self-contained file (images inline), an overview, the
/// histograms, and for each candidate a stamp of the plate, its numbers and links. A small
/// script marks the page once every image has loaded, so a headless browser can tell.
/// </summary>
public static class Report
{
    /// <summary>A north-up cutout of the plate around (x, y) (1-based pixels), stretched between the 1st and 99.7th percentiles with a square root.</summary>
    public static byte[] Stamp(float[] pixels, int width, int height, double x, double y, int half = 30, int scale = 5)
    {
        var (cx, cy) = ((int)Math.Round(x) - 1, (int)Math.Round(y) - 1);
        var size = 2 * half + 1;
        var cut = new double[size * size];
        for (var j = 0; j < size; j++)
            for (var i = 0; i < size; i++)
            {
                var (px, py) = (cx - half + i, cy - half + j);
                cut[j * size + i] = px >= 0 && px < width && py >= 0 && py < height ? pixels[py * width + px] : double.NaN;
            }
        var finite = cut.Where(double.IsFinite).Order().ToArray();
        var lo = finite.Length == 0 ? 0 : finite[(int)(0.01 * (finite.Length - 1))];
        var hi = finite.Length == 0 ? 1 : finite[(int)(0.997 * (finite.Length - 1))];
        if (hi <= lo) hi = lo + 1;
        using var bitmap = new SKBitmap(size * scale, size * scale, SKColorType.Gray8, SKAlphaType.Opaque);
        // Grey levels written row by row into the bitmap's memory (SetPixel per pixel cost 0.15 s a stamp).
        var rowBytes = bitmap.RowBytes;
        var gray = new byte[rowBytes * size * scale];
        for (var j = 0; j < size; j++)
            for (var i = 0; i < size; i++)
            {
                var v = cut[j * size + i];
                var g = double.IsFinite(v) ? (byte)Math.Round(255 * Math.Sqrt(Math.Clamp((v - lo) / (hi - lo), 0, 1))) : (byte)0;
                // FITS row 1 is the bottom of the image: draw it last so north is up.
                for (var dy = 0; dy < scale; dy++)
                    gray.AsSpan(((size - 1 - j) * scale + dy) * rowBytes + i * scale, scale).Fill(g);
            }
        System.Runtime.InteropServices.Marshal.Copy(gray, 0, bitmap.GetPixels(), gray.Length);
        // A tick either side of the centre, not over the source.
        using var canvas = new SKCanvas(bitmap);
        using var paint = new SKPaint { Color = SKColors.White, StrokeWidth = 2 };
        var c = (half + 0.5f) * scale;
        canvas.DrawLine(c - 6 * scale, c, c - 3 * scale, c, paint);
        canvas.DrawLine(c, c - 6 * scale, c, c - 3 * scale, paint);
        using var data = bitmap.Encode(SKEncodedImageFormat.Png, 100);
        return data.ToArray();
    }

    /// <summary>
    /// Where step 8 keeps a candidate's stamp, &lt;filter folder&gt;/&lt;tile&gt;.stamps/&lt;number&gt;.png: made per tile, in
    /// parallel and only for the tiles that changed, so the run's report only gathers them.
    /// </summary>
    public static string StampPath(string filterDir, string tileId, string number) => Path.Combine(StampFolder(filterDir, tileId), number + ".png");

    /// <summary>A tile's folder of stamps in step 8's folder.</summary>
    public static string StampFolder(string filterDir, string tileId) => Path.Combine(filterDir, tileId + ".stamps");

    /// <summary>The pixels of a tile's clean plate image (step 2's &lt;tile&gt;.clean.fits), as <see cref="Stamp"/> takes them.</summary>
    public static (float[] Pixels, int Width, int Height) PlateImage(string cleanFits)
    {
        var image = Fits.FitsFile.Read(cleanFits).Primary;
        return (image.ReadFloats(), image.Axes[0], image.Axes[1]);
    }

    public static string Html(string runId, string summaryMarkdown, IReadOnlyList<(string Name, byte[] Png)> plots, IReadOnlyList<ReportCandidate> candidates,
        IReadOnlyList<(string TileId, string Reason)>? failedTiles = null, IReadOnlyList<IReadOnlyDictionary<string, string>>? funnel = null)
    {
        static string E(string s) => WebUtility.HtmlEncode(s);
        static string Img(byte[] png, string alt, string cls) => $"<img class=\"{cls}\" alt=\"{E(alt)}\" src=\"data:image/png;base64,{Convert.ToBase64String(png)}\">";
        var sb = new StringBuilder();
        sb.Append("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>Vasco run ").Append(E(runId)).Append("</title>\n<style>")
          .Append("body{font-family:sans-serif;margin:2em;max-width:1100px}table{border-collapse:collapse}td,th{border:1px solid #ccc;padding:2px 6px;text-align:right}")
          .Append(".cand{display:flex;gap:1.5em;margin:1em 0;padding:1em;border:1px solid #ddd}.stamp{image-rendering:pixelated;width:305px;height:305px}.plot{width:48%}pre{background:#f6f6f6;padding:1em;overflow:auto}")
          .Append("</style></head>\n<body>\n");
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
        if (funnel is { Count: > 0 })
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
        sb.Append("<h2>Candidates</h2>\n");
        foreach (var c in candidates)
        {
            string V(string k) => c.Cells.TryGetValue(k, out var v) ? v : "";
            var (ra, dec) = (V("ra"), V("dec"));
            sb.Append("<div class=\"cand\" id=\"").Append(E(V("tile_id") + "-" + V("number"))).Append("\">");
            sb.Append(c.StampPng is null ? "<p>(no plate image)</p>" : Img(c.StampPng, $"plate stamp of {V("tile_id")} #{V("number")}", "stamp"));
            sb.Append("<div><h3>").Append(E(V("tile_id"))).Append(" #").Append(E(V("number"))).Append("</h3><table>");
            foreach (var k in new[] { "ra", "dec", "mag", "mag_cal", "snr_win", "fwhm_image", "elongation", "spread_model", "flags", "plate_id", "plate_label", "plate_epoch", "nearest_modern_arcsec", "nearest_bright_arcsec", "nearest_bright_mag" })
                sb.Append("<tr><th>").Append(k).Append("</th><td>").Append(E(V(k))).Append("</td></tr>");
            // The vetting's verdicts, when the run has them: overall first, then each stage with what explains the candidate.
            foreach (var (k, detail) in new[] { ("vetting", ""), ("vet_archives", "archive_matches"), ("vet_asteroids", "asteroid"), ("vet_variables", "variable"),
                         ("vet_second_scan", ""), ("vet_motion", "mover"), ("earth_shadow", "") })
                if (c.Cells.ContainsKey(k))
                    sb.Append("<tr><th>").Append(k).Append("</th><td style=\"text-align:left\">").Append(E(V(k) + (detail.Length > 0 && V(detail).Length > 0 ? $" ({V(detail)})" : ""))).Append("</td></tr>");
            sb.Append("</table><p>")
              .Append($"<a href=\"https://simbad.cds.unistra.fr/simbad/sim-coo?Coord={E(ra)}+{E(dec)}&amp;Radius=10&amp;Radius.unit=arcsec\">SIMBAD</a> · ")
              .Append($"<a href=\"https://aladin.cds.unistra.fr/AladinLite/?target={E(ra)}+{E(dec)}&amp;fov=0.05\">Aladin Lite</a> · ")
              .Append($"<a href=\"https://ssd.jpl.nasa.gov/tools/sbwobs.html\">JPL small bodies</a> (epoch {E(V("plate_epoch"))})")
              .Append("</p><p>Stamp: 61x61 plate pixels (1.7\"/px), north up, east left.</p></div></div>\n");
        }
        if (candidates.Count == 0) sb.Append("<p>None.</p>\n");
        sb.Append("<h2>Distributions</h2>\n");
        foreach (var (name, png) in plots) sb.Append(Img(png, name, "plot"));
        sb.Append("\n<h2>Summary</h2>\n<pre>").Append(E(summaryMarkdown)).Append("</pre>\n");
        // Marks the page when every image has decoded (or counts the ones that failed), for headless checks.
        sb.Append("<script>var vascoErrors=0;window.addEventListener('error',function(){vascoErrors++;},true);")
          .Append("window.addEventListener('load',function(){var imgs=[].slice.call(document.images);document.body.dataset.errors=vascoErrors;")
          .Append("document.body.dataset.images=imgs.length;document.body.dataset.broken=imgs.filter(function(i){return !(i.complete&&i.naturalWidth>0)}).length;")
          .Append("document.body.dataset.loaded='yes';});</script>\n");
        sb.Append("</body></html>\n");
        return sb.ToString();
    }

    /// <summary>A DS9 region file: a 5" circle and a label per candidate (FK5, degrees).</summary>
    public static string Ds9Regions(IEnumerable<IReadOnlyDictionary<string, string>> candidates)
    {
        var sb = new StringBuilder("# Region file format: DS9 version 4.1\n# Vasco candidates\nglobal color=red width=2 font=\"helvetica 10 normal\"\nfk5\n");
        foreach (var c in candidates)
            sb.Append($"circle({c["ra"]},{c["dec"]},5\") # text={{{c["tile_id"]} #{c["number"]}}}\n");
        return sb.ToString();
    }


    /// <summary>The candidates as ECSV 1.0 (astropy reads it with types and units).</summary>
    public static string Ecsv(IReadOnlyList<string> columns, IEnumerable<IReadOnlyDictionary<string, string>> candidates)
    {
        var sb = new StringBuilder("# %ECSV 1.0\n# ---\n# datatype:\n");
        foreach (var c in columns)
        {
            var m = CandidateColumns.Of(c);
            sb.Append("# - {name: ").Append(c).Append(", datatype: ").Append(m.Type).Append(m.Unit is null ? "" : ", unit: " + m.Unit).Append("}\n");
        }
        sb.Append("# delimiter: ','\n").Append(string.Join(',', columns)).Append('\n');
        foreach (var c in candidates)
            sb.Append(string.Join(',', columns.Select(k => CandidateColumns.Of(k).Type == "string" ? c[k] : c[k].Length == 0 ? "nan" : c[k]))).Append('\n');
        return sb.ToString();
    }

    /// <summary>The candidates as a VOTable 1.4 (TOPCAT, STILTS and Aladin read it), positions tagged with their UCDs.</summary>
    public static string VoTable(string runId, IReadOnlyList<string> columns, IEnumerable<IReadOnlyDictionary<string, string>> candidates)
    {
        static string X(string s) => System.Security.SecurityElement.Escape(s);
        var sb = new StringBuilder("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<VOTABLE version=\"1.4\" xmlns=\"http://www.ivoa.net/xml/VOTable/v1.3\">\n");
        var rows = candidates.ToList();
        var epochs = rows.Select(r => r.TryGetValue("plate_epoch", out var e) ? e : "").Distinct().ToList();
        var epoch = epochs.Count == 1 && double.TryParse(epochs[0], System.Globalization.NumberStyles.Float, CultureInfo.InvariantCulture, out var year)
            ? $" epoch=\"J{year.ToString("0.000", CultureInfo.InvariantCulture)}\"" : "";
        sb.Append($" <RESOURCE name=\"vasco\">\n  <COOSYS ID=\"plate\" system=\"ICRS\"{epoch}/>\n  <TABLE name=\"candidates_{X(runId)}\">\n");
        sb.Append("   <DESCRIPTION>Vasco vanishing-source candidates: positions at the plate epoch (J2000)</DESCRIPTION>\n");
        foreach (var c in columns)
        {
            var m = CandidateColumns.Of(c);
            var votype = m.Type switch { "string" => "char\" arraysize=\"*", "int64" => "long", _ => "double" };
            // J2000 positions (the DSS plate solutions; ICRS and FK5 J2000 differ by tens of mas) at the plate epoch, which the COOSYS gives when the rows share one plate.
            var reference = c is "ra" or "dec" or "asteroid_ra" or "asteroid_dec" ? " ref=\"plate\"" : "";
            sb.Append($"   <FIELD name=\"{X(c)}\" datatype=\"{votype}\"{(m.Unit is null ? "" : $" unit=\"{m.Unit}\"")} ucd=\"{m.Ucd}\"{reference}/>\n");
        }
        sb.Append("   <DATA><TABLEDATA>\n");
        foreach (var row in rows)
            sb.Append("    <TR>").Append(string.Concat(columns.Select(c => $"<TD>{X(row[c])}</TD>"))).Append("</TR>\n");
        sb.Append("   </TABLEDATA></DATA>\n  </TABLE>\n </RESOURCE>\n</VOTABLE>\n");
        return sb.ToString();
    }

    public static double Number(string s) => double.Parse(s, CultureInfo.InvariantCulture);
}
