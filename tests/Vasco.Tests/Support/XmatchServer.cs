using System.Globalization;
using System.Security;
using Vasco.Tests.Download;

namespace Vasco.Tests.Support;

/// <summary>
/// A stand-in for CDS XMatch's synchronous API on 127.0.0.1 (POST {BaseUri}xmatch/api/v1/sync, see <see cref="Url"/>).
/// It reads the multipart form as CDS documents it (REQUEST=xmatch, cat1 an uploaded CSV with colRA1/colDec1,
/// cat2=vizier:TABLE, distMaxArcsec at most 180, RESPONSEFORMAT=csv, selection=best or all, all by default), cross-
/// matches the upload against the named in-memory table, and answers CDS's CSV: angDist (arcsec, 6 decimals) first,
/// then the uploaded columns as uploaded, then the table's; rows without a counterpart within the radius are absent.
/// A request it cannot serve (an unknown table, a missing or wrong parameter) gets CDS's refusal: HTTP 400 with a
/// VOTable holding INFO name="QUERY_STATUS" value="ERROR" and the message.
/// <example><code>
/// using var xmatch = new XmatchServer(new Dictionary&lt;string, ArchiveTable&gt;
/// {
///     ["II/246/out"] = ArchiveTable.Csv("2MASS,RAJ2000,DEJ2000,Jmag\n08512100+1148100,132.8375,11.8028,12.1\n"),
/// });
/// var options = new XmatchClientOptions { XmatchUrl = xmatch.Url, CacheDir = dir };
/// xmatch.Inject(ServerFault.Status(503, retryAfterSeconds: 1));   // the first request fails, the next is served
/// </code></example>
/// </summary>
sealed class XmatchServer : LoopbackArchive
{
    // Tried in order as each table's position, as VizieR tables name it.
    static readonly (string Ra, string Dec)[] Positions = [("RAJ2000", "DEJ2000"), ("ra", "dec"), ("RAdeg", "DEdeg"), ("RA_ICRS", "DE_ICRS")];

    readonly IReadOnlyDictionary<string, ArchiveTable> _tables;

    /// <param name="tables">The VizieR tables served, by id ("II/246/out"); each needs a position column pair (RAJ2000/DEJ2000, ra/dec, RAdeg/DEdeg or RA_ICRS/DE_ICRS).</param>
    public XmatchServer(IReadOnlyDictionary<string, ArchiveTable> tables)
    {
        foreach (var (id, table) in tables)
            if (PositionOf(table) is null) throw new ArgumentException($"table {id} has no position columns (it has {string.Join(",", table.Columns)})");
        _tables = tables;
    }

    /// <summary>The endpoint, as XmatchClientOptions.XmatchUrl.</summary>
    public Uri Url => new(BaseUri, "xmatch/api/v1/sync");

    static (int Ra, int Dec)? PositionOf(ArchiveTable table)
    {
        foreach (var (ra, dec) in Positions)
            if (table.IndexOf(ra) is >= 0 and var r && table.IndexOf(dec) is >= 0 and var d) return (r, d);
        return null;
    }

    /// <summary>CDS's refusal: HTTP 400 and a VOTable with QUERY_STATUS=ERROR (the shape astroquery parses).</summary>
    public static ArchiveReplyText Refusal(string message) => new(400, "text/xml;charset=UTF-8", $"""
        <?xml version="1.0" encoding="UTF-8"?>
        <VOTABLE version="1.2" xmlns="http://www.ivoa.net/xml/VOTable/v1.2">
        	<DESCRIPTION>
        		Synchronous version of the CDS XMatch Service (Vasco's loopback stand-in).
        	</DESCRIPTION>
        	<INFO ID="QUERY_STATUS" name="QUERY_STATUS" value="ERROR">{SecurityElement.Escape(message)}</INFO>
        </VOTABLE>

        """);

    protected override ArchiveReplyText Answer(ScriptedRequest request)
    {
        if (request.Method != "POST" || request.Path != Url.AbsolutePath) return new ArchiveReplyText(404, "text/plain", "no such endpoint");
        var form = MultipartBody.Parse(request);
        string? Field(string name) => form.TryGetValue(name, out var part) ? part.Text.Trim() : null;
        if (!string.Equals(Field("REQUEST"), "xmatch", StringComparison.OrdinalIgnoreCase)) return Refusal("Parameter REQUEST must be xmatch");
        if (!string.Equals(Field("RESPONSEFORMAT"), "csv", StringComparison.OrdinalIgnoreCase)) return Refusal("this stand-in answers RESPONSEFORMAT=csv only");
        if (!double.TryParse(Field("distMaxArcsec"), NumberStyles.Float, CultureInfo.InvariantCulture, out var radius) || !(radius > 0 && radius <= 180))
            return Refusal($"Wrong value for parameter distMaxArcsec: '{Field("distMaxArcsec")}' (must be in ]0, 180])");
        var selection = Field("selection") ?? "all";
        if (selection is not ("best" or "all")) return Refusal($"Wrong value for parameter selection: '{selection}'");
        var cat2 = Field("cat2") ?? "";
        if (!cat2.StartsWith("vizier:", StringComparison.Ordinal)) return Refusal("Catalogue must be a URL or simbad or vizier:tabName");
        if (!_tables.TryGetValue(cat2["vizier:".Length..], out var table)) return Refusal($"Catalogue '{cat2}' not found");
        if (!form.TryGetValue("cat1", out var cat1) || cat1.FileName is null) return Refusal("cat1 must be an uploaded file");

        var upload = ArchiveTable.Records(cat1.Text);
        if (upload.Count == 0) return Refusal("the uploaded table has no header");
        var header = upload[0];
        var (raAt, decAt) = (Array.IndexOf(header, Field("colRA1")), Array.IndexOf(header, Field("colDec1")));
        if (raAt < 0 || decAt < 0) return Refusal($"colRA1/colDec1 ({Field("colRA1")}/{Field("colDec1")}) are not columns of cat1 ({string.Join(",", header)})");
        var (tableRa, tableDec) = PositionOf(table)!.Value;

        var lines = new List<IEnumerable<string>> { header.Prepend("angDist").Concat(table.Columns) };
        foreach (var row in upload.Skip(1))
        {
            var (ra, dec) = (ArchiveTable.Number(row[raAt]), ArchiveTable.Number(row[decAt]));
            if (!(ra >= 0 && ra < 360)) return Refusal($"field RA < 0 or > 360 in cat1: {row[raAt]}");
            var matches = table.Rows
                .Select(t => (Row: t, Dist: ArchiveTable.DistanceArcsec(ra, dec, ArchiveTable.Number(t[tableRa]), ArchiveTable.Number(t[tableDec]))))
                .Where(m => m.Dist <= radius).OrderBy(m => m.Dist).ToList();
            foreach (var (match, dist) in selection == "best" ? matches.Take(1) : matches)
                lines.Add(row.Prepend(dist.ToString("0.000000", CultureInfo.InvariantCulture)).Concat(match));
        }
        return new ArchiveReplyText(200, "text/csv;charset=UTF-8", Vasco.IO.CsvText.Table(null, lines));
    }
}
