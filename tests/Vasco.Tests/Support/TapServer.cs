using System.Buffers.Binary;
using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;
using System.Xml.Linq;
using Vasco.Tests.Download;

namespace Vasco.Tests.Support;

/// <summary>
/// A stand-in for an IVOA TAP service's synchronous queries on 127.0.0.1 (POST {ServiceUrl}/sync). It reads the
/// multipart form (REQUEST=doQuery, LANG=ADQL, FORMAT=votable, QUERY, UPLOAD=name,param:part and MAXREC), the uploaded
/// VOTable (FIELD names, TABLEDATA rows), and ADQL of the shape the vetting chain sends:
/// <c>SELECT u.a, t.b [AS c], ... FROM TAP_UPLOAD.name AS u JOIN schema.table AS t ON 1=CONTAINS(POINT('ICRS', t.ra, t.dec),
/// CIRCLE('ICRS', u.ra, u.dec, R/3600.0)) [WHERE t.col IS NOT NULL | IS NULL | &gt; &gt;= &lt; &lt;= = number]</c>
/// (keywords in any case). It joins the upload with the named in-memory table (each uploaded row, then the table's
/// rows within R arcsec in table order) and answers a VOTable: TABLEDATA, or BINARY2 when <see cref="Binary2"/>,
/// datatypes inferred from the values (long, double, else char), NULL for empty cells. More rows than the limit
/// (the smaller of <see cref="MaxRec"/> and the request's MAXREC) are cut there, with QUERY_STATUS=OVERFLOW after the
/// table, as DALI has it. Anything else (another query shape, an unknown table or column, a missing upload) gets
/// HTTP 400 and a VOTable with QUERY_STATUS=ERROR and the message.
/// <example><code>
/// using var tap = new TapServer(new Dictionary&lt;string, ArchiveTable&gt;
/// {
///     ["supercosmos.sources"] = ArchiveTable.Csv("raj2000,dej2000,objidr1\n132.8375,11.8028,4242\n"),
/// }, maxRec: 1000);
/// var result = await client.QueryAsync(TapQueries.SuperCosmosR1(points, 5) with { ServiceUrl = tap.ServiceUrl });
/// </code></example>
/// </summary>
sealed partial class TapServer : LoopbackArchive
{
    const string Ns = "http://www.ivoa.net/xml/VOTable/v1.3";
    readonly IReadOnlyDictionary<string, ArchiveTable> _tables;

    /// <param name="tables">The tables served, by their ADQL name ("supercosmos.sources", "ptf_objects"), compared without regard to case.</param>
    /// <param name="maxRec">The service's own row limit.</param>
    public TapServer(IReadOnlyDictionary<string, ArchiveTable> tables, int maxRec = 100_000)
    {
        _tables = tables.ToDictionary(t => t.Key, t => t.Value, StringComparer.OrdinalIgnoreCase);
        MaxRec = maxRec;
    }

    /// <summary>The service's base URL, as TapQuery.ServiceUrl.</summary>
    public Uri ServiceUrl => new(BaseUri, "tap");

    public int MaxRec { get; set; }

    /// <summary>Answers in BINARY2 (base64) instead of TABLEDATA.</summary>
    public bool Binary2 { get; set; }

    /// <summary>The ADQL of every request, in order.</summary>
    public IReadOnlyList<string> Queries => Requests.Select(r => MultipartBody.Parse(r).GetValueOrDefault("QUERY")?.Text ?? "").ToList();

    /// <summary>The number of uploaded rows of every request, in order.</summary>
    public IReadOnlyList<int> UploadSizes => Requests.Select(r => ReadUpload(MultipartBody.Parse(r)) is { } u ? u.Rows.Count : 0).ToList();

    /// <summary>TAP's refusal: HTTP 400 and a VOTable whose results resource says QUERY_STATUS=ERROR.</summary>
    public static ArchiveReplyText Refusal(string message, int status = 400) => new(status, "application/x-votable+xml",
        Document(new XElement(X("INFO"), new XAttribute("name", "QUERY_STATUS"), new XAttribute("value", "ERROR"), message)));

    static XName X(string name) => XName.Get(name, Ns);

    static string Document(params object?[] resourceContent) =>
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n" +
        new XElement(X("VOTABLE"), new XAttribute("version", "1.3"), new XElement(X("RESOURCE"), new XAttribute("type", "results"), resourceContent)) + "\n";

    protected override ArchiveReplyText Answer(ScriptedRequest request)
    {
        if (request.Method != "POST" || request.Path != ServiceUrl.AbsolutePath + "/sync") return new ArchiveReplyText(404, "text/plain", "no such endpoint");
        var form = MultipartBody.Parse(request);
        string Field(string name) => form.TryGetValue(name, out var part) ? part.Text.Trim() : "";
        if (!Field("REQUEST").Equals("doQuery", StringComparison.OrdinalIgnoreCase)) return Refusal($"REQUEST must be doQuery, not '{Field("REQUEST")}'");
        if (!Field("LANG").StartsWith("ADQL", StringComparison.OrdinalIgnoreCase)) return Refusal($"LANG '{Field("LANG")}' is not supported");
        if (Field("FORMAT") is not ("votable" or "application/x-votable+xml")) return Refusal($"FORMAT '{Field("FORMAT")}' is not served here");
        var limit = MaxRec;
        if (Field("MAXREC") is { Length: > 0 } maxRec) limit = Math.Min(limit, int.Parse(maxRec, CultureInfo.InvariantCulture));

        var query = Shape().Match(Field("QUERY"));
        if (!query.Success) return Refusal($"the stand-in does not understand this ADQL: {Field("QUERY")}");
        if (ReadUpload(form) is not { } upload || !upload.Name.Equals(query.Groups["up"].Value, StringComparison.OrdinalIgnoreCase))
            return Refusal($"TAP_UPLOAD.{query.Groups["up"].Value} was not uploaded (UPLOAD='{Field("UPLOAD")}')");
        if (!_tables.TryGetValue(query.Groups["table"].Value, out var table)) return Refusal($"Table '{query.Groups["table"].Value}' could not be located");
        var (u, t) = (query.Groups["ua"].Value, query.Groups["ta"].Value);

        // Each selected column: where it comes from (upload or table), its index there, and its name in the answer.
        var selected = new List<(bool FromUpload, int At, string Name)>();
        foreach (var item in query.Groups["cols"].Value.Split(','))
        {
            var m = SelectItem().Match(item);
            if (!m.Success) return Refusal($"cannot read the select item '{item.Trim()}'");
            var (alias, column) = (m.Groups["alias"].Value, m.Groups["col"].Value);
            var fromUpload = alias.Equals(u, StringComparison.OrdinalIgnoreCase);
            if (!fromUpload && !alias.Equals(t, StringComparison.OrdinalIgnoreCase)) return Refusal($"unknown table alias '{alias}'");
            var at = fromUpload ? upload.IndexOf(column) : table.IndexOf(column);
            if (at < 0) return Refusal($"column '{column}' is not in {(fromUpload ? "TAP_UPLOAD." + upload.Name : query.Groups["table"].Value)}");
            selected.Add((fromUpload, at, m.Groups["as"].Success ? m.Groups["as"].Value : column));
        }
        var (tRa, tDec, uRa, uDec) = (table.IndexOf(query.Groups["ra"].Value), table.IndexOf(query.Groups["dec"].Value),
            upload.IndexOf(query.Groups["ura"].Value), upload.IndexOf(query.Groups["udec"].Value));
        if (tRa < 0 || tDec < 0 || uRa < 0 || uDec < 0) return Refusal("a column of POINT or CIRCLE does not exist");
        var radius = double.Parse(query.Groups["r"].Value, CultureInfo.InvariantCulture);
        Func<IReadOnlyList<string>, bool> where = _ => true;
        if (query.Groups["wcol"].Success)
        {
            var at = table.IndexOf(query.Groups["wcol"].Value);
            if (at < 0) return Refusal($"column '{query.Groups["wcol"].Value}' does not exist");
            var op = Regex.Replace(query.Groups["wop"].Value.ToUpperInvariant(), @"\s+", " ");
            var value = query.Groups["wval"].Success ? double.Parse(query.Groups["wval"].Value, CultureInfo.InvariantCulture) : double.NaN;
            // SQL: a comparison with NULL is not true.
            where = row => op switch
            {
                "IS NOT NULL" => row[at].Length > 0,
                "IS NULL" => row[at].Length == 0,
                _ when row[at].Length == 0 => false,
                ">" => ArchiveTable.Number(row[at]) > value,
                ">=" => ArchiveTable.Number(row[at]) >= value,
                "<" => ArchiveTable.Number(row[at]) < value,
                "<=" => ArchiveTable.Number(row[at]) <= value,
                _ => ArchiveTable.Number(row[at]) == value,
            };
        }

        var rows = new List<string[]>();
        foreach (var up in upload.Rows)
            foreach (var row in table.Rows)
                if (row[tRa].Length > 0 && row[tDec].Length > 0 && where(row) &&
                    ArchiveTable.DistanceArcsec(ArchiveTable.Number(up[uRa]), ArchiveTable.Number(up[uDec]), ArchiveTable.Number(row[tRa]), ArchiveTable.Number(row[tDec])) <= radius)
                    rows.Add(selected.Select(s => s.FromUpload ? up[s.At] : row[s.At]).ToArray());
        var overflow = rows.Count > limit;
        if (overflow) rows = rows.Take(limit).ToList();
        return new ArchiveReplyText(200, "application/x-votable+xml", Table(selected.Select(s => s.Name).ToList(), rows, overflow));
    }

    string Table(IReadOnlyList<string> names, IReadOnlyList<string[]> rows, bool overflow)
    {
        var types = names.Select((name, c) =>
        {
            var cells = rows.Select(r => r[c]).Where(v => v.Length > 0).ToList();
            return cells.Count > 0 && cells.All(v => long.TryParse(v, NumberStyles.Integer, CultureInfo.InvariantCulture, out _)) ? "long"
                : cells.Count > 0 && cells.All(v => double.TryParse(v, NumberStyles.Float, CultureInfo.InvariantCulture, out _)) ? "double" : "char";
        }).ToList();
        var fields = names.Select((n, c) => new XElement(X("FIELD"), new XAttribute("name", n), new XAttribute("datatype", types[c]),
            types[c] == "char" ? new XAttribute("arraysize", "*") : null));
        object data = Binary2
            ? new XElement(X("BINARY2"), new XElement(X("STREAM"), new XAttribute("encoding", "base64"), Convert.ToBase64String(Binary(rows, types), Base64FormattingOptions.InsertLineBreaks)))
            : new XElement(X("TABLEDATA"), rows.Select(r => new XElement(X("TR"), r.Select(v => new XElement(X("TD"), v)))));
        return Document(new XElement(X("INFO"), new XAttribute("name", "QUERY_STATUS"), new XAttribute("value", "OK")),
            new XElement(X("TABLE"), fields, new XElement(X("DATA"), data)),
            overflow ? new XElement(X("INFO"), new XAttribute("name", "QUERY_STATUS"), new XAttribute("value", "OVERFLOW")) : null);
    }

    /// <summary>BINARY2 rows: null flags (a bit per field, most significant first), then each value big-endian; char* as a length and bytes.</summary>
    static byte[] Binary(IReadOnlyList<string[]> rows, IReadOnlyList<string> types)
    {
        var bytes = new MemoryStream();
        Span<byte> eight = stackalloc byte[8];
        foreach (var row in rows)
        {
            var flags = new byte[(types.Count + 7) / 8];
            for (var c = 0; c < types.Count; c++)
                if (row[c].Length == 0) flags[c / 8] |= (byte)(0x80 >> (c % 8));
            bytes.Write(flags);
            for (var c = 0; c < types.Count; c++)
            {
                switch (types[c])
                {
                    case "long":
                        BinaryPrimitives.WriteInt64BigEndian(eight, row[c].Length == 0 ? 0 : long.Parse(row[c], CultureInfo.InvariantCulture));
                        bytes.Write(eight);
                        break;
                    case "double":
                        BinaryPrimitives.WriteDoubleBigEndian(eight, row[c].Length == 0 ? double.NaN : ArchiveTable.Number(row[c]));
                        bytes.Write(eight);
                        break;
                    default:
                        var text = Encoding.Latin1.GetBytes(row[c]);
                        BinaryPrimitives.WriteInt32BigEndian(eight, text.Length);
                        bytes.Write(eight[..4]);
                        bytes.Write(text);
                        break;
                }
            }
        }
        return bytes.ToArray();
    }

    /// <summary>The uploaded table named by UPLOAD=name,param:part, read from its VOTable; null when there is none.</summary>
    static Upload? ReadUpload(IReadOnlyDictionary<string, FormPart> form)
    {
        var upload = form.GetValueOrDefault("UPLOAD")?.Text.Trim().Split(',');
        if (upload is not [var name, var source] || !source.StartsWith("param:", StringComparison.Ordinal)) return null;
        if (!form.TryGetValue(source["param:".Length..], out var part)) return null;
        var doc = XDocument.Parse(part.Text);
        var columns = doc.Descendants().Where(e => e.Name.LocalName == "FIELD").Select(e => (string)e.Attribute("name")!).ToList();
        var rows = doc.Descendants().Where(e => e.Name.LocalName == "TR")
            .Select(tr => (IReadOnlyList<string>)tr.Elements().Where(e => e.Name.LocalName == "TD").Select(td => td.Value.Trim()).ToList());
        return new Upload(name, new ArchiveTable(columns, rows));
    }

    sealed record Upload(string Name, ArchiveTable Table)
    {
        public IReadOnlyList<IReadOnlyList<string>> Rows => Table.Rows;
        public int IndexOf(string column) => Table.IndexOf(column);
    }

    [GeneratedRegex(@"^\s*SELECT\s+(?<cols>.+?)\s+FROM\s+TAP_UPLOAD\.(?<up>\w+)\s+AS\s+(?<ua>\w+)\s+JOIN\s+(?<table>[\w.]+)\s+AS\s+(?<ta>\w+)\s+ON\s+1\s*=\s*CONTAINS\s*\(\s*POINT\s*\(\s*'ICRS'\s*,\s*\k<ta>\.(?<ra>\w+)\s*,\s*\k<ta>\.(?<dec>\w+)\s*\)\s*,\s*CIRCLE\s*\(\s*'ICRS'\s*,\s*\k<ua>\.(?<ura>\w+)\s*,\s*\k<ua>\.(?<udec>\w+)\s*,\s*(?<r>[0-9.eE+-]+)\s*/\s*3600(\.0*)?\s*\)\s*\)(\s+WHERE\s+\k<ta>\.(?<wcol>\w+)\s+(?<wop>IS\s+NOT\s+NULL|IS\s+NULL|>=|<=|>|<|=)\s*(?<wval>[0-9.eE+-]+)?)?\s*;?\s*$",
        RegexOptions.IgnoreCase | RegexOptions.Singleline)]
    private static partial Regex Shape();

    [GeneratedRegex(@"^\s*(?<alias>\w+)\.(?<col>\w+)(\s+AS\s+(?<as>\w+))?\s*$", RegexOptions.IgnoreCase)]
    private static partial Regex SelectItem();
}
