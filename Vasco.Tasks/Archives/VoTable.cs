using System.Buffers.Binary;
using System.Globalization;
using System.Text;
using System.Xml;
using Vasco.Net;

namespace Vasco.Archives;

public enum VoTableKind
{
    /// <summary>A table, read whole (it may still say QUERY_STATUS=OVERFLOW: see <see cref="VoTableAnswer.Overflow"/>).</summary>
    Table,
    /// <summary>QUERY_STATUS=ERROR: the service refused or failed the query, with its message.</summary>
    Error,
    /// <summary>Not a VOTable, or one cut short or garbled: not an answer.</summary>
    Damaged,
    /// <summary>A whole VOTable whose table is serialised as Vasco does not read (FITS, a gzip stream).</summary>
    Unsupported,
}

/// <summary>
/// A VOTable answer read: its columns (FIELD names) and rows, each cell as text (TABLEDATA as written; BINARY and
/// BINARY2 values in invariant culture, numbers as the shortest text that reads back the same, arrays separated by
/// spaces; null cells empty), the QUERY_STATUS it carries, and a message for the log.
/// </summary>
public sealed record VoTableAnswer(VoTableKind Kind, string? QueryStatus, bool Overflow, IReadOnlyList<string> Columns,
    IReadOnlyList<IReadOnlyList<string>> Rows, string Message);

/// <summary>
/// VOTable as TAP services speak it (IVOA VOTable 1.3, DALI): the upload Vasco sends (TABLEDATA), and the answers it
/// reads. Element names are matched without their namespace (some services write vot:INFO). The first TABLE of the
/// RESOURCE of type "results" is the answer (else the first TABLE); INFO name="QUERY_STATUS" (or ID="QUERY_STATUS")
/// anywhere says ERROR, with the message as its content, or OVERFLOW: the rows stop at a limit. A document that is not
/// well-formed to its end (cut short) is damaged.
/// </summary>
public static class VoTable
{
    /// <summary>The upload table: columns vasco_id (char), ra, dec (double, degrees), RA wrapped into [0, 360).</summary>
    public static string Upload(IReadOnlyList<SkyPoint> points, string tableName)
    {
        var text = new MemoryStream();
        using (var xml = XmlWriter.Create(text, new XmlWriterSettings { Indent = true, IndentChars = " ", NewLineChars = "\n", Encoding = new UTF8Encoding(false) }))
        {
            const string ns = "http://www.ivoa.net/xml/VOTable/v1.3";
            xml.WriteStartElement("VOTABLE", ns);
            xml.WriteAttributeString("version", "1.3");
            xml.WriteStartElement("RESOURCE", ns);
            xml.WriteAttributeString("type", "results");
            xml.WriteStartElement("TABLE", ns);
            xml.WriteAttributeString("name", tableName);
            foreach (var (name, type, unit, ucd) in new[] { ("vasco_id", "char", "", "meta.id;meta.main"), ("ra", "double", "deg", "pos.eq.ra;meta.main"), ("dec", "double", "deg", "pos.eq.dec;meta.main") })
            {
                xml.WriteStartElement("FIELD", ns);
                xml.WriteAttributeString("name", name);
                xml.WriteAttributeString("datatype", type);
                if (type == "char") xml.WriteAttributeString("arraysize", "*");
                if (unit.Length > 0) xml.WriteAttributeString("unit", unit);
                xml.WriteAttributeString("ucd", ucd);
                xml.WriteEndElement();
            }
            xml.WriteStartElement("DATA", ns);
            xml.WriteStartElement("TABLEDATA", ns);
            foreach (var p in points)
            {
                xml.WriteStartElement("TR", ns);
                xml.WriteElementString("TD", ns, p.Id);
                xml.WriteElementString("TD", ns, SkyPoint.Number(Sky.Angles.WrapRa(p.Ra)));
                xml.WriteElementString("TD", ns, SkyPoint.Number(p.Dec));
                xml.WriteEndElement();
            }
            xml.WriteEndDocument();
        }
        return Encoding.UTF8.GetString(text.ToArray()) + "\n";
    }

    /// <summary>The message of a QUERY_STATUS=ERROR VOTable, or null when <paramref name="body"/> is not one.</summary>
    public static string? ErrorMessage(string body) => Parse(body) is { Kind: VoTableKind.Error } error ? error.Message : null;

    public static VoTableAnswer Parse(string body)
    {
        try
        {
            return Read(body);
        }
        catch (XmlException e)
        {
            return Damaged($"not a whole VOTable ({e.Message}): \"{HttpRetry.Excerpt(body.Length > 300 ? body[^300..] : body)}\"");
        }
        catch (FormatException e)
        {
            return Damaged($"a binary stream that does not decode: {e.Message}");
        }
    }

    static VoTableAnswer Damaged(string message) => new(VoTableKind.Damaged, null, false, [], [], message);

    sealed class Field(string name, string datatype, string? arraysize, string? nullValue)
    {
        public string Name { get; } = name;
        public string Datatype { get; } = datatype;
        public string? Arraysize { get; } = arraysize;
        public string? Null { get; set; } = nullValue;
    }

    static VoTableAnswer Read(string body)
    {
        using var reader = XmlReader.Create(new StringReader(body), new XmlReaderSettings
        {
            DtdProcessing = DtdProcessing.Ignore, XmlResolver = null, IgnoreComments = true, IgnoreProcessingInstructions = true,
        });
        string? status = null, statusMessage = null;
        var sawRoot = false;
        var resourceTypes = new Stack<string?>();
        var tables = 0;
        bool inAnswer = false, haveAnswer = false, answerFromResults = false;
        var fields = new List<Field>();
        var rows = new List<IReadOnlyList<string>>();
        string? unsupported = null;
        while (reader.Read())
        {
            if (reader.NodeType == XmlNodeType.EndElement)
            {
                if (reader.LocalName == "RESOURCE") resourceTypes.Pop();
                else if (reader.LocalName == "TABLE") inAnswer = false;
                continue;
            }
            if (reader.NodeType != XmlNodeType.Element) continue;
            switch (reader.LocalName)
            {
                case "VOTABLE":
                    sawRoot = true;
                    break;
                case "RESOURCE":
                    if (!reader.IsEmptyElement) resourceTypes.Push(reader.GetAttribute("type"));
                    break;
                case "INFO" when reader.GetAttribute("name") == "QUERY_STATUS" || reader.GetAttribute("ID") == "QUERY_STATUS":
                {
                    var value = reader.GetAttribute("value")?.Trim().ToUpperInvariant();
                    var message = ElementText(reader);
                    // ERROR wins over anything else said; OVERFLOW over OK.
                    if (status != "ERROR" && (value == "ERROR" || value == "OVERFLOW" || status is null))
                        (status, statusMessage) = (value, message);
                    break;
                }
                case "TABLE":
                {
                    tables++;
                    // The answer's table: the first in a results resource, or the first of all while no resource says results.
                    var inResults = resourceTypes.Contains("results");
                    if (!answerFromResults && (inResults || !haveAnswer))
                    {
                        (inAnswer, haveAnswer, answerFromResults) = (!reader.IsEmptyElement, true, inResults);
                        fields.Clear();
                        rows.Clear();
                        unsupported = null;
                    }
                    break;
                }
                case "FIELD" when inAnswer:
                {
                    var field = new Field(reader.GetAttribute("name") ?? reader.GetAttribute("ID") ?? $"col{fields.Count + 1}",
                        reader.GetAttribute("datatype") ?? "char", reader.GetAttribute("arraysize"), null);
                    fields.Add(field);
                    if (!reader.IsEmptyElement)
                    {
                        using var inner = reader.ReadSubtree();
                        while (inner.Read())
                            if (inner.NodeType == XmlNodeType.Element && inner.LocalName == "VALUES" && inner.GetAttribute("null") is { } n)
                                field.Null = n;
                    }
                    break;
                }
                case "TABLEDATA" when inAnswer:
                    ReadTableData(reader, fields.Count, rows);
                    break;
                case "BINARY" or "BINARY2" when inAnswer:
                {
                    var binary2 = reader.LocalName == "BINARY2";
                    using var inner = reader.ReadSubtree();
                    while (inner.Read())
                        if (inner.NodeType == XmlNodeType.Element && inner.LocalName == "STREAM")
                        {
                            var encoding = inner.GetAttribute("encoding");
                            if (encoding != "base64") { unsupported = $"a {reader.LocalName} stream of encoding '{encoding}'"; break; }
                            ReadBinary(Convert.FromBase64String(ElementText(inner)), fields, binary2, rows);
                        }
                    break;
                }
                case "FITS" when inAnswer:
                    unsupported = "a FITS-serialised table";
                    break;
            }
        }
        if (!sawRoot) return Damaged("not a VOTable: no VOTABLE element");
        if (status == "ERROR")
            return new VoTableAnswer(VoTableKind.Error, status, false, [], [], statusMessage is { Length: > 0 } m ? m : "(the service gave no message)");
        if (unsupported is not null)
            return new VoTableAnswer(VoTableKind.Unsupported, status, false, [], [], $"the answer is {unsupported}: Vasco reads TABLEDATA, BINARY and BINARY2 (base64)");
        if (tables == 0) return Damaged($"a VOTable without a table (QUERY_STATUS {status ?? "not given"})");
        var overflow = status == "OVERFLOW";
        return new VoTableAnswer(VoTableKind.Table, status, overflow, fields.Select(f => f.Name).ToList(), rows,
            $"{rows.Count} row(s){(overflow ? ", QUERY_STATUS=OVERFLOW: the rows stop at the service's limit" : "")}");
    }

    static void ReadTableData(XmlReader reader, int fieldCount, List<IReadOnlyList<string>> rows)
    {
        using var inner = reader.ReadSubtree();
        List<string>? row = null;
        StringBuilder? cell = null;
        while (inner.Read())
            switch (inner.NodeType)
            {
                case XmlNodeType.Element when inner.LocalName == "TR":
                    row = new List<string>(fieldCount);
                    if (inner.IsEmptyElement) EndRow(row, fieldCount, rows);
                    break;
                case XmlNodeType.Element when inner.LocalName == "TD":
                    if (inner.IsEmptyElement) row?.Add("");
                    else cell = new StringBuilder();
                    break;
                case XmlNodeType.Text or XmlNodeType.CDATA or XmlNodeType.Whitespace or XmlNodeType.SignificantWhitespace:
                    cell?.Append(inner.Value);
                    break;
                case XmlNodeType.EndElement when inner.LocalName == "TD":
                    row?.Add(cell!.ToString().Trim());
                    cell = null;
                    break;
                case XmlNodeType.EndElement when inner.LocalName == "TR":
                    EndRow(row!, fieldCount, rows);
                    break;
            }
    }

    static void EndRow(List<string> row, int fieldCount, List<IReadOnlyList<string>> rows)
    {
        if (row.Count != fieldCount)
            throw new XmlException($"row {rows.Count + 1} has {row.Count} cells for {fieldCount} fields");
        rows.Add(row);
    }

    /// <summary>The text inside the element the reader is on; the reader is left on its end.</summary>
    static string ElementText(XmlReader reader)
    {
        if (reader.IsEmptyElement) return "";
        var text = new StringBuilder();
        using var inner = reader.ReadSubtree();
        while (inner.Read())
            if (inner.NodeType is XmlNodeType.Text or XmlNodeType.CDATA or XmlNodeType.Whitespace or XmlNodeType.SignificantWhitespace)
                text.Append(inner.Value);
        return text.ToString().Trim();
    }

    // Bytes per element of each VOTable datatype ("bit" arrays are packed: see ElementCount).
    static int Size(string datatype) => datatype switch
    {
        "boolean" or "unsignedByte" or "char" or "bit" => 1,
        "short" or "unicodeChar" => 2,
        "int" or "float" => 4,
        "long" or "double" or "floatComplex" => 8,
        "doubleComplex" => 16,
        _ => throw new FormatException($"unknown datatype '{datatype}'"),
    };

    /// <summary>BINARY (no null flags) or BINARY2 (a null-flag bit per field, most significant first, before each row).</summary>
    static void ReadBinary(byte[] bytes, IReadOnlyList<Field> fields, bool binary2, List<IReadOnlyList<string>> rows)
    {
        var at = 0;
        var flagBytes = binary2 ? (fields.Count + 7) / 8 : 0;
        while (at < bytes.Length)
        {
            if (at + flagBytes > bytes.Length) throw new FormatException($"the stream ends inside row {rows.Count + 1}");
            var flags = bytes.AsSpan(at, flagBytes).ToArray();
            at += flagBytes;
            var row = new string[fields.Count];
            for (var f = 0; f < fields.Count; f++)
            {
                var field = fields[f];
                int count;
                var fixedCount = FixedCount(field.Arraysize);
                if (fixedCount is { } n) count = n;
                else
                {
                    Need(bytes, at, 4, rows.Count);
                    count = BinaryPrimitives.ReadInt32BigEndian(bytes.AsSpan(at));
                    at += 4;
                    if (count < 0) throw new FormatException($"row {rows.Count + 1}: a negative array length");
                }
                var length = field.Datatype == "bit" ? (count + 7) / 8 : checked(count * Size(field.Datatype));
                Need(bytes, at, length, rows.Count);
                var isNull = binary2 && (flags[f / 8] & (0x80 >> (f % 8))) != 0;
                var text = isNull ? "" : Format(bytes.AsSpan(at, length), field, count);
                row[f] = field.Null is { } nullText && text == nullText ? "" : text;
                at += length;
            }
            rows.Add(row);
        }
    }

    static void Need(byte[] bytes, int at, int length, int row)
    {
        if (at + length > bytes.Length) throw new FormatException($"the stream ends inside row {row + 1}");
    }

    /// <summary>Elements of a fixed-size field (1 for a scalar), or null for a variable one ("*", "10*").</summary>
    static int? FixedCount(string? arraysize)
    {
        if (string.IsNullOrWhiteSpace(arraysize)) return 1;
        if (arraysize.Contains('*')) return null;
        var count = 1;
        foreach (var dimension in arraysize.Split('x'))
            count = checked(count * int.Parse(dimension, NumberStyles.None, CultureInfo.InvariantCulture));
        return count;
    }

    static string Format(ReadOnlySpan<byte> bytes, Field field, int count)
    {
        switch (field.Datatype)
        {
            case "char":
                return Encoding.Latin1.GetString(bytes).TrimEnd('\0').Trim();
            case "unicodeChar":
                return Encoding.BigEndianUnicode.GetString(bytes).TrimEnd('\0').Trim();
        }
        var size = Size(field.Datatype);
        var values = new string[count];
        for (var i = 0; i < count; i++)
            values[i] = field.Datatype == "bit" ? ((bytes[i / 8] & (0x80 >> (i % 8))) != 0 ? "1" : "0") : Scalar(bytes.Slice(i * size, size), field.Datatype);
        return string.Join(' ', values);
    }

    static string Scalar(ReadOnlySpan<byte> b, string datatype)
    {
        static string Real(double v) => double.IsNaN(v) ? "" : v.ToString("R", CultureInfo.InvariantCulture);
        static string Single(float v) => float.IsNaN(v) ? "" : v.ToString("R", CultureInfo.InvariantCulture);
        return datatype switch
        {
            "boolean" => (char)b[0] switch { 'T' or 't' or '1' => "true", 'F' or 'f' or '0' => "false", _ => "" },
            "unsignedByte" => b[0].ToString(CultureInfo.InvariantCulture),
            "short" => BinaryPrimitives.ReadInt16BigEndian(b).ToString(CultureInfo.InvariantCulture),
            "int" => BinaryPrimitives.ReadInt32BigEndian(b).ToString(CultureInfo.InvariantCulture),
            "long" => BinaryPrimitives.ReadInt64BigEndian(b).ToString(CultureInfo.InvariantCulture),
            "float" => Single(BinaryPrimitives.ReadSingleBigEndian(b)),
            "double" => Real(BinaryPrimitives.ReadDoubleBigEndian(b)),
            "floatComplex" => $"{Single(BinaryPrimitives.ReadSingleBigEndian(b))} {Single(BinaryPrimitives.ReadSingleBigEndian(b[4..]))}",
            _ => $"{Real(BinaryPrimitives.ReadDoubleBigEndian(b))} {Real(BinaryPrimitives.ReadDoubleBigEndian(b[8..]))}",
        };
    }
}
