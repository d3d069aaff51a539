using NUnit.Framework;
using Vasco.Archives;

namespace Vasco.Tests.Archives;

/// <summary>VOTable as TAP services answer it, and the upload Vasco sends.</summary>
public class VoTableTests
{
    [Test]
    public void AstroquerysBinary2SampleIsRead()
    {
        var answer = VoTable.Parse(AstroquerySamples.TapBinary2);

        Assert.That(answer.Kind, Is.EqualTo(VoTableKind.Table), answer.Message);
        Assert.That((answer.QueryStatus, answer.Overflow), Is.EqualTo(("OK", false)));
        Assert.That(answer.Columns, Is.EqualTo(new[] { "ra", "dec", "source_id", "table1_oid" }));
        Assert.That(answer.Rows, Is.EqualTo(new[] { new[] { "1", "2", "a", "1" }, new[] { "3", "4", "b", "2" }, new[] { "5", "6", "c", "3" } }));
    }

    const string Fields = """<FIELD name="vasco_id" datatype="char" arraysize="*"/><FIELD name="ra" datatype="double"/><FIELD name="n" datatype="int"/>""";

    static string Results(string table, string after = "", string status = """<vot:INFO name="QUERY_STATUS" value="OK"/>""") => $"""
        <?xml version="1.0" encoding="UTF-8"?>
        <vot:VOTABLE version="1.3" xmlns:vot="http://www.ivoa.net/xml/VOTable/v1.3">
        <vot:RESOURCE type="meta"><vot:TABLE><vot:FIELD name="other" datatype="char" arraysize="*"/></vot:TABLE></vot:RESOURCE>
        <vot:RESOURCE type="results">
        {status}
        {table}
        {after}
        </vot:RESOURCE>
        </vot:VOTABLE>
        """.Replace("<FIELD", "<vot:FIELD").Replace("<TABLE", "<vot:TABLE").Replace("</TABLE", "</vot:TABLE").Replace("<DATA", "<vot:DATA").Replace("</DATA", "</vot:DATA")
        .Replace("<TABLEDATA", "<vot:TABLEDATA").Replace("</TABLEDATA", "</vot:TABLEDATA").Replace("<TR", "<vot:TR").Replace("</TR", "</vot:TR")
        .Replace("<TD", "<vot:TD").Replace("</TD", "</vot:TD").Replace("<INFO", "<vot:INFO").Replace("</INFO", "</vot:INFO");

    [Test]
    public void TableDataIsReadFromTheResultsResourceWhateverItsPrefix()
    {
        var answer = VoTable.Parse(Results($"<TABLE>{Fields}<DATA><TABLEDATA><TR><TD>a &amp; b</TD><TD> 1.5 </TD><TD/></TR><TR><TD>c</TD><TD>2</TD><TD>7</TD></TR></TABLEDATA></DATA></TABLE>"));

        Assert.That(answer.Kind, Is.EqualTo(VoTableKind.Table), answer.Message);
        Assert.That(answer.Columns, Is.EqualTo(new[] { "vasco_id", "ra", "n" }), "not the meta resource's table");
        Assert.That(answer.Rows, Is.EqualTo(new[] { new[] { "a & b", "1.5", "" }, new[] { "c", "2", "7" } }));
    }

    [Test]
    public void OverflowAfterTheTableIsSaid()
    {
        var answer = VoTable.Parse(Results($"<TABLE>{Fields}<DATA><TABLEDATA><TR><TD>a</TD><TD>1</TD><TD>1</TD></TR></TABLEDATA></DATA></TABLE>",
            after: """<INFO name="QUERY_STATUS" value="OVERFLOW"/>"""));
        Assert.That((answer.Kind, answer.Overflow, answer.Rows.Count), Is.EqualTo((VoTableKind.Table, true, 1)));
        Assert.That(answer.Message, Does.Contain("OVERFLOW"));
    }

    [Test]
    public void AnErrorCarriesItsMessage()
    {
        var answer = VoTable.Parse(Results("", status: """<INFO name="QUERY_STATUS" value="ERROR">Could not parse your query: unexpected token 'FORM'</INFO>"""));
        Assert.That((answer.Kind, answer.Message), Is.EqualTo((VoTableKind.Error, "Could not parse your query: unexpected token 'FORM'")));
        Assert.That(VoTable.ErrorMessage(Results("", status: """<INFO ID="QUERY_STATUS" value="ERROR"/>""")), Is.EqualTo("(the service gave no message)"));
        Assert.That(VoTable.ErrorMessage("<html>503</html>"), Is.Null);
    }

    [TestCase("cut in a row", 0.8)]
    [TestCase("cut in the header", 0.3)]
    public void ACutDocumentIsDamaged(string what, double fraction)
    {
        var whole = Results($"<TABLE>{Fields}<DATA><TABLEDATA><TR><TD>a</TD><TD>1</TD><TD>1</TD></TR><TR><TD>b</TD><TD>2</TD><TD>2</TD></TR></TABLEDATA></DATA></TABLE>");
        var answer = VoTable.Parse(whole[..(int)(whole.Length * fraction)]);
        Assert.That(answer.Kind, Is.EqualTo(VoTableKind.Damaged), what);
        Assert.That(answer.Rows, Is.Empty);
    }

    [Test]
    public void ARowOfTheWrongWidthIsDamaged()
    {
        var answer = VoTable.Parse(Results($"<TABLE>{Fields}<DATA><TABLEDATA><TR><TD>a</TD><TD>1</TD></TR></TABLEDATA></DATA></TABLE>"));
        Assert.That(answer.Kind, Is.EqualTo(VoTableKind.Damaged));
        Assert.That(answer.Message, Does.Contain("2 cells for 3 fields"));
    }

    [Test]
    public void ATableWithoutRowsIsAnEmptyAnswer()
    {
        var answer = VoTable.Parse(Results($"<TABLE>{Fields}<DATA><TABLEDATA></TABLEDATA></DATA></TABLE>"));
        Assert.That((answer.Kind, answer.Columns.Count, answer.Rows.Count), Is.EqualTo((VoTableKind.Table, 3, 0)));
    }

    [Test]
    public void Binary2NullFlagsAndACutStreamAreRead()
    {
        // Row 1: vasco_id "ab", ra NULL (flag bit 2), n 7. Row 2: "c", 2.5, n NULL (flag bit 3).
        byte[] row1 = [0b0100_0000, 0, 0, 0, 2, (byte)'a', (byte)'b', 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 7];
        byte[] row2 = [0b0010_0000, 0, 0, 0, 1, (byte)'c', 0x40, 0x04, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0];
        string Doc(byte[] bytes) => Results($"<TABLE>{Fields}<DATA><BINARY2><STREAM encoding=\"base64\">{Convert.ToBase64String(bytes)}</STREAM></BINARY2></DATA></TABLE>");

        var answer = VoTable.Parse(Doc([.. row1, .. row2]));
        Assert.That(answer.Kind, Is.EqualTo(VoTableKind.Table), answer.Message);
        Assert.That(answer.Rows, Is.EqualTo(new[] { new[] { "ab", "", "7" }, new[] { "c", "2.5", "" } }));

        var cut = VoTable.Parse(Doc([.. row1, .. row2[..10]]));
        Assert.That(cut.Kind, Is.EqualTo(VoTableKind.Damaged));
        Assert.That(cut.Message, Does.Contain("ends inside row 2"));
    }

    [Test]
    public void ADoctypeNamingAnExternalDtdIsNotFetched()
    {
        // As IRSA's older VOTables begin (astroquery's ipac/irsa/tests/data/Polygon.xml): the DTD is neither fetched nor needed.
        var answer = VoTable.Parse("""
            <?xml version="1.0"?>
            <!DOCTYPE VOTABLE SYSTEM "http://us-vo.org/xml/VOTable.dtd">
            <VOTABLE version="1.0"><RESOURCE><TABLE><FIELD name="ra" datatype="float"/><DATA><TABLEDATA><TR><TD>10.015696</TD></TR></TABLEDATA></DATA></TABLE></RESOURCE></VOTABLE>
            """);
        Assert.That((answer.Kind, answer.QueryStatus, answer.Rows.Single().Single()), Is.EqualTo((VoTableKind.Table, (string?)null, "10.015696")));
    }

    [Test]
    public void AFitsSerialisationIsSaidToBeUnsupported()
    {
        var answer = VoTable.Parse(Results($"<TABLE>{Fields}<DATA><FITS><STREAM href=\"http://x/y.fits\"/></FITS></DATA></TABLE>"));
        Assert.That(answer.Kind, Is.EqualTo(VoTableKind.Unsupported));
        Assert.That(answer.Message, Does.Contain("FITS"));
    }

    [Test]
    public void TheUploadIsAVoTableWithTheIdsEscapedAndRaWrapped()
    {
        var upload = VoTable.Upload([new SkyPoint("t:1 <&>", -1.5, 20.25), new SkyPoint("t:2", 10, -0.0)], "vasco");
        Assert.That(upload, Is.EqualTo("""
            <?xml version="1.0" encoding="utf-8"?>
            <VOTABLE version="1.3" xmlns="http://www.ivoa.net/xml/VOTable/v1.3">
             <RESOURCE type="results">
              <TABLE name="vasco">
               <FIELD name="vasco_id" datatype="char" arraysize="*" ucd="meta.id;meta.main" />
               <FIELD name="ra" datatype="double" unit="deg" ucd="pos.eq.ra;meta.main" />
               <FIELD name="dec" datatype="double" unit="deg" ucd="pos.eq.dec;meta.main" />
               <DATA>
                <TABLEDATA>
                 <TR>
                  <TD>t:1 &lt;&amp;&gt;</TD>
                  <TD>358.5</TD>
                  <TD>20.25</TD>
                 </TR>
                 <TR>
                  <TD>t:2</TD>
                  <TD>10</TD>
                  <TD>0</TD>
                 </TR>
                </TABLEDATA>
               </DATA>
              </TABLE>
             </RESOURCE>
            </VOTABLE>

            """));
        var back = VoTable.Parse(upload);
        Assert.That(back.Rows, Is.EqualTo(new[] { new[] { "t:1 <&>", "358.5", "20.25" }, new[] { "t:2", "10", "0" } }));
    }
}
