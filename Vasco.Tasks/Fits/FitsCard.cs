using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;

namespace Vasco.Fits;

/// <summary>
/// One logical header card. A value card has a keyword, a value (<see cref="string"/>, <see cref="bool"/>,
/// <see cref="long"/>, <see cref="double"/>, or null when undefined) and an optional comment. A commentary
/// card (COMMENT, HISTORY, blank keyword, or any keyword without "= ") holds free text in <see cref="Comment"/>.
/// A long string read from CONTINUE cards is one logical card.
/// </summary>
public sealed partial class FitsCard
{
    public const int Length = 80;

    /// <summary>Room for the value field: columns 11-80.</summary>
    private const int ValueFieldLength = Length - 10;

    /// <summary>Room for commentary text: columns 9-80.</summary>
    private const int CommentaryTextLength = Length - 8;

    private FitsCard(string keyword, object? value, string? comment, bool isCommentary)
    {
        Keyword = keyword;
        Value = value;
        Comment = comment;
        IsCommentary = isCommentary;
    }

    public string Keyword { get; }

    /// <summary>string, bool, long, double, or null (undefined value, or a commentary card).</summary>
    public object? Value { get; }

    /// <summary>The comment after '/', or the text of a commentary card.</summary>
    public string? Comment { get; }

    public bool IsCommentary { get; }

    /// <summary>
    /// Why the card as read is not FITS standard (its value field parses as no FITS value), or null. Such a card is
    /// kept, as astropy's verify('fix') keeps it, with its value field as uninterpreted text: <see cref="Value"/> is
    /// that text, and the card is written back as a standard string card.
    /// </summary>
    public string? NonStandard { get; private init; }

    /// <summary>A value card; <paramref name="value"/> must be a string, bool, integer, finite floating-point number, or null.</summary>
    public static FitsCard Create(string keyword, object? value, string? comment = null)
    {
        ValidateKeyword(keyword);
        if (keyword is "" or "COMMENT" or "HISTORY" or "CONTINUE" or "END")
            throw new ArgumentException($"'{keyword}' cannot hold a value", nameof(keyword));
        ValidateText(comment, "comment");
        object? normalized = value switch
        {
            null => null,
            // Trailing blanks are not significant in FITS strings; drop them so values round-trip.
            string s => ValidateText(s, "string value")!.TrimEnd(' '),
            bool b => (object)b,
            int i => (long)i,
            long l => l,
            short s => (long)s,
            float f => CheckFinite(f, keyword),
            double d => CheckFinite(d, keyword),
            _ => throw new ArgumentException($"FITS cannot store a {value.GetType().Name} in '{keyword}'", nameof(value)),
        };
        return new FitsCard(keyword, normalized, comment, isCommentary: false);
    }

    /// <summary>A commentary card such as COMMENT or HISTORY; long text is split over several cards when written.</summary>
    public static FitsCard Commentary(string keyword, string text)
    {
        ValidateKeyword(keyword);
        if (keyword == "END")
            throw new ArgumentException("END is not a commentary card", nameof(keyword));
        ValidateText(text, "commentary text");
        return new FitsCard(keyword, null, text.TrimEnd(), isCommentary: true);
    }

    public override string ToString() => string.Concat(ToCardImages());

    /// <summary>The 80-character card images of this logical card (several when CONTINUE or split commentary is needed).</summary>
    public IReadOnlyList<string> ToCardImages()
    {
        var prefix = Keyword.PadRight(8);
        if (IsCommentary)
        {
            var text = Comment ?? "";
            var images = new List<string>();
            for (var start = 0; start == 0 || start < text.Length; start += CommentaryTextLength)
                images.Add((prefix + text.Substring(start, Math.Min(CommentaryTextLength, text.Length - start))).PadRight(Length));
            return images;
        }
        if (Value is string s)
            return StringCardImages(prefix, s);
        return [ValueCardImage(prefix + "= ", FormatScalar(Value), Comment)];
    }

    internal static string FormatReal(double value)
    {
        var text = value.ToString("R", CultureInfo.InvariantCulture);
        // A FITS real needs a decimal point or exponent to be told from an integer.
        if (!text.Contains('.') && !text.Contains('E'))
            text += ".0";
        else if (text.Contains('E') && !text.Contains('.'))
            text = text.Replace("E", ".0E", StringComparison.Ordinal);
        return text;
    }

    /// <summary>Parses one 80-character card image. CONTINUE cards are returned as commentary-like raw cards and merged by the header parser.</summary>
    internal static FitsCard Parse(string image, string where)
    {
        var keyword = image[..8].TrimEnd();
        if (!KeywordPattern().IsMatch(keyword) || image[..8].TrimEnd().Length != image[..8].Trim().Length)
            throw new FitsFormatException($"{where}: invalid keyword '{image[..8]}' (only A-Z, 0-9, '-', '_', left-justified)");
        var hasValue = keyword switch
        {
            "COMMENT" or "HISTORY" or "" => false,
            // A CONTINUE card carries the next piece of a long string; anything else under that name is commentary.
            "CONTINUE" => image[8..10] == "  " && image[10..].TrimStart().StartsWith('\''),
            _ => image[8] == '=' && image[9] == ' ',
        };
        if (!hasValue)
            return new FitsCard(keyword, null, image[8..].TrimEnd(), isCommentary: true);
        try
        {
            var (value, comment) = ParseValueField(image[10..], keyword, where);
            return new FitsCard(keyword, value, comment, isCommentary: false);
        }
        catch (FitsFormatException e)
        {
            // Real DSS headers hold cards like "SKEW    = a, b": one odd value is no reason to refuse a whole plate.
            // The structure (END, block sizes, the mandatory keywords' values) is checked elsewhere and stays strict.
            var text = image[10..].Trim();
            var why = e.Message.StartsWith(where + ": ", StringComparison.Ordinal) ? e.Message[(where.Length + 2)..] : e.Message;
            return new FitsCard(keyword, text, null, isCommentary: false)
            {
                NonStandard = $"card '{image.TrimEnd()}' is not FITS standard ({why}): read as the text '{text}'",
            };
        }
    }

    private static (object? Value, string? Comment) ParseValueField(string field, string keyword, string where)
    {
        var i = 0;
        while (i < field.Length && field[i] == ' ')
            i++;
        if (i == field.Length)
            return (null, null);
        if (field[i] == '/')
            return (null, CommentAfterSlash(field, i));
        if (field[i] == '\'')
        {
            var text = new StringBuilder();
            i++;
            while (true)
            {
                if (i >= field.Length)
                    throw new FitsFormatException($"{where}: string value of '{keyword}' has no closing quote");
                if (field[i] == '\'')
                {
                    if (i + 1 < field.Length && field[i + 1] == '\'')
                    {
                        text.Append('\'');
                        i += 2;
                        continue;
                    }
                    i++;
                    break;
                }
                text.Append(field[i++]);
            }
            while (i < field.Length && field[i] == ' ')
                i++;
            if (i < field.Length && field[i] != '/')
                throw new FitsFormatException($"{where}: unexpected text after the string value of '{keyword}'");
            // Trailing blanks in a FITS string are not significant; leading ones are.
            return (text.ToString().TrimEnd(' '), i < field.Length ? CommentAfterSlash(field, i) : null);
        }
        var slash = field.IndexOf('/', i);
        var token = (slash < 0 ? field[i..] : field[i..slash]).Trim();
        var parsed = ParseScalar(token) ?? throw new FitsFormatException(
            token.StartsWith('(')
                ? $"{where}: complex value of '{keyword}' is not supported"
                : $"{where}: cannot parse the value '{token}' of '{keyword}'");
        return (parsed, slash < 0 ? null : CommentAfterSlash(field, slash));
    }

    private static object? ParseScalar(string token)
    {
        if (token == "T")
            return true;
        if (token == "F")
            return false;
        if (IntegerPattern().IsMatch(token))
        {
            if (long.TryParse(token, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var integer))
                return integer;
            return double.Parse(token, CultureInfo.InvariantCulture);
        }
        if (RealPattern().IsMatch(token))
        {
            var real = double.Parse(token.Replace('D', 'E'), NumberStyles.Float, CultureInfo.InvariantCulture);
            return double.IsFinite(real) ? real : null;
        }
        return null;
    }

    private static string CommentAfterSlash(string field, int slash) => field[(slash + 1)..].Trim();

    private static string FormatScalar(object? value) => value switch
    {
        null => "",
        bool b => (b ? "T" : "F").PadLeft(20),
        long l => l.ToString(CultureInfo.InvariantCulture).PadLeft(20),
        double d => FormatReal(d).PadLeft(20),
        _ => throw new InvalidOperationException("unreachable: values are normalized on creation"),
    };

    private static string ValueCardImage(string head, string valueText, string? comment)
    {
        var image = head + valueText;
        if (comment is { Length: > 0 })
            image += " / " + comment;
        // Comments are the only part that may be cut to fit; values never are.
        return image.Length > Length ? image[..Length] : image.PadRight(Length);
    }

    private IReadOnlyList<string> StringCardImages(string prefix, string value)
    {
        var escaped = value.Replace("'", "''", StringComparison.Ordinal);
        if (escaped.Length + 2 <= ValueFieldLength)
            return [ValueCardImage(prefix + "= ", "'" + escaped.PadRight(8) + "'", Comment)];

        // Long-string convention: each piece but the last ends in '&' and continues on a CONTINUE card.
        var images = new List<string>();
        var head = prefix + "= ";
        var start = 0;
        while (start < escaped.Length)
        {
            var room = ValueFieldLength - 3;
            var take = Math.Min(room, escaped.Length - start);
            if (start + take < escaped.Length && CountTrailingQuotes(escaped, start, take) % 2 == 1)
                take--; // never split a doubled quote across cards
            var last = start + take >= escaped.Length;
            var piece = escaped.Substring(start, take);
            images.Add(last
                ? ValueCardImage(head, "'" + piece + "'", Comment)
                : ValueCardImage(head, "'" + piece + "&'", null));
            head = "CONTINUE  ";
            start += take;
        }
        return images;
    }

    private static int CountTrailingQuotes(string text, int start, int length)
    {
        var count = 0;
        for (var i = start + length - 1; i >= start && text[i] == '\''; i--)
            count++;
        return count;
    }

    private static void ValidateKeyword(string keyword)
    {
        if (keyword.Length > 8 || !KeywordPattern().IsMatch(keyword))
            throw new ArgumentException($"invalid FITS keyword '{keyword}' (at most 8 of A-Z, 0-9, '-', '_')", nameof(keyword));
    }

    private static string? ValidateText(string? text, string what)
    {
        if (text != null && text.Any(c => c < ' ' || c > '~'))
            throw new ArgumentException($"FITS {what} must be printable ASCII: '{text}'");
        return text;
    }

    private static double CheckFinite(double value, string keyword) =>
        double.IsFinite(value) ? value : throw new ArgumentException($"FITS cannot store {value} in '{keyword}'", nameof(value));

    [GeneratedRegex("^[A-Z0-9_-]*$")]
    private static partial Regex KeywordPattern();

    [GeneratedRegex("^[+-]?[0-9]+$")]
    private static partial Regex IntegerPattern();

    [GeneratedRegex("^[+-]?([0-9]+\\.?[0-9]*|\\.[0-9]+)([ED][+-]?[0-9]+)?$")]
    private static partial Regex RealPattern();
}
