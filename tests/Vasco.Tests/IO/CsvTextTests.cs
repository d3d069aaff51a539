using NUnit.Framework;
using Vasco.IO;

namespace Vasco.Tests.IO;

/// <summary>The one CSV writer, and its files read back by HeadedCsv.ReadWritten.</summary>
public class CsvTextTests
{
    [Test]
    public void ATableQuotesACellOnlyWhereCsvNeedsItAndReadsBackAsWritten()
    {
        string[][] rows = [["x,y", "q\"z", " s", "line\nend"], ["plain", "", "=1", "e "]];

        var text = CsvText.Table(["a", "b", "c", "d"], rows);

        Assert.That(text, Is.EqualTo("a,b,c,d\n\"x,y\",\"q\"\"z\",\" s\",\"line\nend\"\nplain,,=1,\"e \"\n"));
        // As CsvHelper writes with "\n" line ends: a lone carriage return is not quoted (and would not read back).
        Assert.That(CsvText.Table(null, [["cr\rhere"]]), Is.EqualTo("cr\rhere\n"));
        var path = Path.Combine(Path.GetTempPath(), "vasco-tests", $"csvtext-{Guid.NewGuid():N}.csv");
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        try
        {
            File.WriteAllText(path, text);
            string[]? header = null;
            var read = new List<string[]>();
            HeadedCsv.ReadWritten(path, h => header = h, row => read.Add(new[] { "a", "b", "c", "d" }.Select(c => row[c]!).ToArray()));
            Assert.That(header, Is.EqualTo(new[] { "a", "b", "c", "d" }));
            Assert.That(read, Is.EqualTo(rows));
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Test]
    public void APlainTableWritesCellsAsTheyAre()
    {
        var text = CsvText.PlainTable(["id", "ra", "why"],
            [[CsvText.PlainCell("a,b"), CsvText.Number(0.1), CsvText.QuotedCell("said \"no\",\nthen")], ["q\"", CsvText.NumberOrEmpty(double.NaN), CsvText.QuotedCell("")]]);

        Assert.That(text, Is.EqualTo("id,ra,why\na;b,0.1,\"said \"\"no\"\", then\"\nq\",,\"\"\n"));
        Assert.That(CsvText.PlainTable(null, []), Is.Empty);
        Assert.That((CsvText.Number(double.NaN), CsvText.Number(-0.0), CsvText.NumberOrEmpty(double.PositiveInfinity)), Is.EqualTo(("NaN", "-0", "Infinity")));
    }
}
