using System.Text;
using NUnit.Framework;
using Vasco.Fits;

namespace Vasco.Tests.Fits;

public class FitsHeaderTests
{
    private static string Card(string text) => text.PadRight(80);

    private static FitsHeader ParseCards(params string[] cards) => FitsHeader.Parse(string.Concat(cards.Select(Card)));

    [Test]
    public void ParsesEveryValueTypeAndComment()
    {
        var header = ParseCards(
            "OBJECT  = 'M67 ''open'' cluster' / with quotes",
            "SIMPLE  =                    T / logical",
            "DONE    =                    F",
            "NAXIS1  =                 1059 / integer",
            "EPOCH   =  1.9519110107422E+03 /Epoch of plate",
            "DEXP    =              1.5D-03 / Fortran exponent",
            "NEG     =                 -.25",
            "UNDEF   =                      / no value",
            "LEADING = '  x'");

        Assert.Multiple(() =>
        {
            Assert.That(header.GetString("OBJECT"), Is.EqualTo("M67 'open' cluster"));
            Assert.That(header.Cards[0].Comment, Is.EqualTo("with quotes"));
            Assert.That(header.GetBool("SIMPLE"), Is.True);
            Assert.That(header.GetBool("DONE"), Is.False);
            Assert.That(header.GetInt("NAXIS1"), Is.EqualTo(1059));
            Assert.That(header.GetLong("NAXIS1"), Is.EqualTo(1059L));
            Assert.That(header.GetDouble("NAXIS1"), Is.EqualTo(1059.0));
            Assert.That(header.GetDouble("EPOCH"), Is.EqualTo(1951.9110107422));
            Assert.That(header.GetDouble("DEXP"), Is.EqualTo(1.5e-3));
            Assert.That(header.GetDouble("NEG"), Is.EqualTo(-0.25));
            Assert.That(header.Cards[7].Value, Is.Null);
            Assert.That(header.Cards[7].Comment, Is.EqualTo("no value"));
            Assert.That(header.GetString("LEADING"), Is.EqualTo("  x"));
        });
    }

    [Test]
    public void TryGettersReportAbsenceAndRejectWrongTypes()
    {
        var header = ParseCards("NAME    = 'text'", "COUNT   =                    3", "BIG     =          10000000000");

        Assert.Multiple(() =>
        {
            Assert.That(header.TryGetString("MISSING", out _), Is.False);
            Assert.That(header.TryGetDouble("MISSING", out _), Is.False);
            Assert.That(header.TryGetInt("MISSING", out _), Is.False);
            Assert.That(header.TryGetLong("MISSING", out _), Is.False);
            Assert.That(header.TryGetBool("MISSING", out _), Is.False);
            Assert.That(header.TryGetString("NAME", out var name) && name == "text", Is.True);
            Assert.That(header.TryGetInt("COUNT", out var count) && count == 3, Is.True);
            Assert.That(header.TryGetLong("BIG", out var big) && big == 10000000000L, Is.True);
        });
        Assert.That(() => header.GetDouble("NAME"), Throws.TypeOf<FitsFormatException>().With.Message.Contains("NAME"));
        Assert.That(() => header.GetInt("BIG"), Throws.TypeOf<FitsFormatException>().With.Message.Contains("32-bit"));
        Assert.That(() => header.TryGetBool("COUNT", out _), Throws.TypeOf<FitsFormatException>());
        Assert.That(() => header.GetString("MISSING"), Throws.TypeOf<FitsFormatException>().With.Message.Contains("MISSING is missing"));
        Assert.That(() => header.GetBool("MISSING"), Throws.TypeOf<FitsFormatException>());
        Assert.That(() => header.GetLong("MISSING"), Throws.TypeOf<FitsFormatException>());
    }

    [Test]
    public void SetReplacesInPlaceAndAppendsNewKeywords()
    {
        var header = new FitsHeader();
        header.Set("A", 1L, "first");
        header.Set("B", "two");
        header.Set("A", 1.5);
        header.Set("C", true, "flag");

        Assert.That(header.Cards.Select(c => c.Keyword), Is.EqualTo(new[] { "A", "B", "C" }));
        Assert.That(header.GetDouble("A"), Is.EqualTo(1.5));
        Assert.That(header.Cards[0].Comment, Is.EqualTo("first"), "an omitted comment keeps the old one");
        Assert.That(header.Contains("B"), Is.True);
        Assert.That(header.Remove("B"), Is.True);
        Assert.That(header.Remove("B"), Is.False);
        Assert.That(header.Contains("B"), Is.False);
    }

    [Test]
    public void CommentaryCardsKeepTheirOrderAndText()
    {
        var header = new FitsHeader();
        header.Set("A", 1L);
        header.AddComment("first comment");
        header.Add(FitsCard.Commentary("", "  indented blank-keyword text"));
        header.AddHistory("did something");
        header.Set("B", 2L);

        var reread = FitsHeader.Parse(header.ToCardText());

        Assert.That(reread.Cards.Select(c => (c.Keyword, c.Comment, c.IsCommentary)), Is.EqualTo(new[]
        {
            ("A", (string?)null, false),
            ("COMMENT", "first comment", true),
            ("", "  indented blank-keyword text", true),
            ("HISTORY", "did something", true),
            ("B", null, false),
        }));
    }

    [Test]
    public void LongCommentaryTextIsSplitOverSeveralCards()
    {
        var text = new string('x', 100);
        var card = FitsCard.Commentary("HISTORY", text);

        var images = card.ToCardImages();

        Assert.That(images, Has.Count.EqualTo(2));
        Assert.That(images.All(i => i.Length == 80 && i.StartsWith("HISTORY ")), Is.True);
        Assert.That(string.Concat(images.Select(i => i[8..])).TrimEnd(), Is.EqualTo(text));
    }

    [Test]
    public void LongStringsAreWrittenWithContinueAndReadBack()
    {
        // 150 characters with quotes placed so that naive splitting would cut a doubled quote.
        var value = string.Concat(Enumerable.Range(0, 15).Select(i => $"part{i}'s--"));
        var header = new FitsHeader();
        header.Set("LONGSTR", value, "a long string");
        header.Set("AFTER", 1L);

        var text = header.ToCardText();
        var cards = Enumerable.Range(0, text.Length / 80).Select(i => text.Substring(80 * i, 80)).ToArray();
        var reread = FitsHeader.Parse(text);

        Assert.That(cards.Count(c => c.StartsWith("CONTINUE  '")), Is.GreaterThanOrEqualTo(2));
        Assert.That(reread.GetString("LONGSTR"), Is.EqualTo(value));
        Assert.That(reread.Cards[0].Comment, Is.EqualTo("a long string"));
        Assert.That(reread.GetLong("AFTER"), Is.EqualTo(1));
        Assert.That(reread.Cards, Has.Count.EqualTo(2));
    }

    [Test]
    public void ReadsContinueCardsWrittenByOtherSoftware()
    {
        var header = ParseCards(
            "STRKEY  = 'This keyword value is continued &' / first",
            "CONTINUE  ' over several&'",
            "CONTINUE  ' cards.' / last",
            "CONTINUE  'orphan'");

        Assert.That(header.GetString("STRKEY"), Is.EqualTo("This keyword value is continued  over several cards."));
        Assert.That(header.Cards[0].Comment, Is.EqualTo("first last"));
        Assert.That(header.Cards[1].IsCommentary, Is.True, "a CONTINUE after a finished string is kept as text");
        Assert.That(header.Cards[1].Keyword, Is.EqualTo("CONTINUE"));
    }

    [Test]
    public void WritesFixedFormatValuesAndPadsToBlocks()
    {
        var header = new FitsHeader();
        header.Set("SIMPLE", true);
        header.Set("NAXIS", 2L);
        header.Set("SCALE", 1e-6);
        header.Set("WHOLE", 67.0);
        header.Set("NAME", "ab");

        var bytes = header.ToBytes();
        var text = Encoding.ASCII.GetString(bytes);

        Assert.That(bytes.Length, Is.EqualTo(2880));
        Assert.That(text[..80], Is.EqualTo(Card("SIMPLE  =                    T")));
        Assert.That(text.Substring(80, 80), Is.EqualTo(Card("NAXIS   =                    2")));
        Assert.That(text.Substring(160, 80), Is.EqualTo(Card("SCALE   = " + "1.0E-06".PadLeft(20))));
        Assert.That(text.Substring(240, 80), Is.EqualTo(Card("WHOLE   = " + "67.0".PadLeft(20))));
        Assert.That(text.Substring(320, 80), Is.EqualTo(Card("NAME    = 'ab      '")));
        Assert.That(text.Substring(400, 80), Is.EqualTo(Card("END")));
        Assert.That(text[480..].Trim(), Is.Empty);
    }

    [Test]
    public void DoublesRoundTripExactly()
    {
        var values = new[] { 174974.71555, -9.574964e-06, 1.0 / 3.0, 6.02214076e23, -0.0, double.Epsilon, 1e300 };
        var header = new FitsHeader();
        for (var i = 0; i < values.Length; i++)
            header.Set($"V{i}", values[i]);

        var reread = FitsHeader.Parse(header.ToCardText());

        Assert.That(Enumerable.Range(0, values.Length).Select(i => reread.GetDouble($"V{i}")), Is.EqualTo(values));
    }

    [Test]
    public void CloneIsIndependent()
    {
        var header = new FitsHeader();
        header.Set("A", 1L);
        var copy = header.Clone();
        copy.Set("A", 2L);
        copy.Set("B", 3L);

        Assert.That(header.GetLong("A"), Is.EqualTo(1));
        Assert.That(header.Contains("B"), Is.False);
        Assert.That(new FitsHeader(copy.Cards).GetLong("B"), Is.EqualTo(3));
    }

    [Test]
    public void InvalidKeywordsAndValuesAreRejected()
    {
        var header = new FitsHeader();
        Assert.That(() => header.Set("lower", 1L), Throws.ArgumentException);
        Assert.That(() => header.Set("TOOLONGKEY", 1L), Throws.ArgumentException);
        Assert.That(() => header.Set("NAN", double.NaN), Throws.ArgumentException);
        Assert.That(() => header.Set("TEXT", "caf\u00e9"), Throws.ArgumentException);
        Assert.That(() => header.Set("COMMENT", "x"), Throws.ArgumentException);
        Assert.That(() => FitsCard.Create("OBJ", new object()), Throws.ArgumentException);
        Assert.That(() => FitsCard.Commentary("END", "x"), Throws.ArgumentException);
    }

    [Test]
    public void MalformedCardsThrowWithTheirPosition()
    {
        Assert.That(() => ParseCards("A       = 1", "bad     = 1"),
            Throws.TypeOf<FitsFormatException>().With.Message.Contains("card 2").And.Message.Contains("invalid keyword"));
        Assert.That(() => FitsHeader.Parse(Card("A       = 'caf\u00e9'")), Throws.TypeOf<FitsFormatException>().With.Message.Contains("0xE9"));
        Assert.That(() => FitsHeader.Parse(Card("A       = '\u03b1'")), Throws.TypeOf<FitsFormatException>().With.Message.Contains("not printable ASCII"));
    }

    [Test]
    public void ValuesThatAreNotFitsAreReadAsTextWithAWarning()
    {
        var header = ParseCards("A       = 'unclosed", "B       = what?", "C       = (1.0, 2.0)", "D       = 'x' junk", "SKEW    = a, b", "E       = 2");

        Assert.Multiple(() =>
        {
            Assert.That(header.GetString("A"), Is.EqualTo("'unclosed"));
            Assert.That(header.GetString("B"), Is.EqualTo("what?"));
            Assert.That(header.GetString("C"), Is.EqualTo("(1.0, 2.0)"));
            Assert.That(header.GetString("D"), Is.EqualTo("'x' junk"));
            Assert.That(() => header.GetDouble("SKEW"), Throws.TypeOf<FitsFormatException>().With.Message.Contains("'a, b' is not a number"));
            Assert.That(header.GetLong("E"), Is.EqualTo(2));
            Assert.That(header.NonStandardCards, Has.Count.EqualTo(5));
            Assert.That(header.NonStandardCards[0], Does.Contain("closing quote"));
            Assert.That(header.NonStandardCards[2], Does.Contain("complex"));
            Assert.That(header.NonStandardCards[4], Is.EqualTo("card 'SKEW    = a, b' is not FITS standard (cannot parse the value 'a, b' of 'SKEW'): read as the text 'a, b'"));
            // Written back, the card is standard FITS: a string holding the text.
            Assert.That(header.Cards[4].ToString(), Is.EqualTo(Card("SKEW    = 'a, b    '")));
            Assert.That(FitsHeader.Parse(header.ToCardText()).NonStandardCards, Is.Empty);
        });
    }

    /// <summary>astropy's verify('fix') on the same cards (nonstandard_cards.json, made by nonstandard_cards.py).</summary>
    [Test]
    public void CardsAreStandardOrNotAsAstropySaysAndReadAsItFixesThem()
    {
        var cards = Support.AstropyData.Json("nonstandard_cards.json").GetProperty("cards").EnumerateArray().ToList();
        Assert.That(cards, Has.Count.GreaterThanOrEqualTo(5));
        foreach (var expected in cards)
        {
            var image = expected.GetProperty("card").GetString()!;
            var card = ParseCards(image).Cards.Single();
            var value = expected.GetProperty("value").GetString()!;
            Assert.That(card.NonStandard != null, Is.EqualTo(expected.GetProperty("not_standard").GetBoolean()), image);
            switch (expected.GetProperty("value_type").GetString())
            {
                case "str": Assert.That(card.Value, Is.EqualTo(value), image); break;
                case "int": Assert.That(card.Value, Is.EqualTo(long.Parse(value, System.Globalization.CultureInfo.InvariantCulture)), image); break;
                case "float": Assert.That(card.Value, Is.EqualTo(double.Parse(value, System.Globalization.CultureInfo.InvariantCulture)), image); break;
                case "bool": Assert.That(card.Value, Is.EqualTo(value == "True"), image); break;
                default: Assert.Fail($"unexpected type in the data for {image}"); break;
            }
        }
    }

    [Test]
    public void CardToStringShowsItsImages()
    {
        var card = FitsCard.Create("EXPTIME", 50.0, "minutes");

        Assert.That(card.ToString(), Is.EqualTo(Card("EXPTIME = " + "50.0".PadLeft(20) + " / minutes")));
        Assert.That(card.ToCardImages(), Has.Count.EqualTo(1));
    }
}
