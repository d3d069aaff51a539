using System.Text;

namespace Vasco.Fits;

/// <summary>
/// A FITS header: logical cards in file order (END excluded). Value keywords are looked up by name
/// (the first card wins when a keyword repeats); commentary cards keep their place.
/// </summary>
public sealed class FitsHeader
{
    public const int BlockSize = 2880;

    private readonly List<FitsCard> _cards = [];

    public FitsHeader() { }

    public FitsHeader(IEnumerable<FitsCard> cards) => _cards.AddRange(cards);

    public IReadOnlyList<FitsCard> Cards => _cards;

    public bool Contains(string keyword) => Find(keyword) != null;

    /// <summary>One line per card read as uninterpreted text because it is not FITS standard (<see cref="FitsCard.NonStandard"/>).</summary>
    public IReadOnlyList<string> NonStandardCards => _cards.Where(c => c.NonStandard != null).Select(c => c.NonStandard!).ToList();

    public string GetString(string keyword) => TryGetString(keyword, out var value) ? value : throw Missing(keyword);

    public bool GetBool(string keyword) => TryGetBool(keyword, out var value) ? value : throw Missing(keyword);

    public long GetLong(string keyword) => TryGetLong(keyword, out var value) ? value : throw Missing(keyword);

    public int GetInt(string keyword) => TryGetInt(keyword, out var value) ? value : throw Missing(keyword);

    public double GetDouble(string keyword) => TryGetDouble(keyword, out var value) ? value : throw Missing(keyword);

    /// <summary>False when the keyword is absent; a value of another type is a <see cref="FitsFormatException"/>.</summary>
    public bool TryGetString(string keyword, out string value) => TryGet(keyword, "a string", v => v as string, out value!);

    /// <inheritdoc cref="TryGetString"/>
    public bool TryGetBool(string keyword, out bool value) => TryGet(keyword, "a logical", v => v as bool?, out value);

    /// <inheritdoc cref="TryGetString"/>
    public bool TryGetLong(string keyword, out long value) => TryGet(keyword, "an integer", v => v as long?, out value);

    /// <inheritdoc cref="TryGetString"/>
    public bool TryGetInt(string keyword, out int value) =>
        TryGet(keyword, "a 32-bit integer", v => v is long l && l is >= int.MinValue and <= int.MaxValue ? (int)l : null, out value);

    /// <summary>Integers are accepted as doubles. <inheritdoc cref="TryGetString"/></summary>
    public bool TryGetDouble(string keyword, out double value) =>
        TryGet(keyword, "a number", v => v switch { double d => d, long l => l, _ => null }, out value);

    /// <summary>Replaces the value (and comment, when given) of the first card with this keyword in place, or appends a new card.</summary>
    public void Set(string keyword, string value, string? comment = null) => SetValue(keyword, value, comment);

    /// <inheritdoc cref="Set(string, string, string?)"/>
    public void Set(string keyword, bool value, string? comment = null) => SetValue(keyword, value, comment);

    /// <inheritdoc cref="Set(string, string, string?)"/>
    public void Set(string keyword, long value, string? comment = null) => SetValue(keyword, value, comment);

    /// <inheritdoc cref="Set(string, string, string?)"/>
    public void Set(string keyword, double value, string? comment = null) => SetValue(keyword, value, comment);

    /// <summary>Removes every value card with this keyword; returns whether there was one.</summary>
    public bool Remove(string keyword) => _cards.RemoveAll(c => !c.IsCommentary && c.Keyword == keyword) > 0;

    public void Add(FitsCard card) => _cards.Add(card);

    public void AddComment(string text) => _cards.Add(FitsCard.Commentary("COMMENT", text));

    public void AddHistory(string text) => _cards.Add(FitsCard.Commentary("HISTORY", text));

    public FitsHeader Clone() => new(_cards);

    /// <summary>All card images followed by END, 80 characters each, without block padding (the LDAC_IMHEAD layout).</summary>
    public string ToCardText()
    {
        var text = new StringBuilder();
        foreach (var card in _cards)
            foreach (var image in card.ToCardImages())
                text.Append(image);
        text.Append("END".PadRight(FitsCard.Length));
        return text.ToString();
    }

    /// <summary>The header as written in a file: card images, END, blank-padded to a multiple of 2880 bytes.</summary>
    public byte[] ToBytes()
    {
        var text = ToCardText();
        var padded = (text.Length + BlockSize - 1) / BlockSize * BlockSize;
        return Encoding.ASCII.GetBytes(text.PadRight(padded));
    }

    /// <summary>Parses header text made of 80-character cards (such as an LDAC_IMHEAD cell), up to END or the end of the text.</summary>
    public static FitsHeader Parse(string cardText)
    {
        var padded = cardText.PadRight((cardText.Length + FitsCard.Length - 1) / FitsCard.Length * FitsCard.Length);
        // Characters beyond one byte must not be folded into printable ones before the ASCII check.
        var bytes = padded.Select(c => c <= 0xFF ? (byte)c : (byte)0xFF).ToArray();
        var header = new FitsHeader();
        header.ParseCards(bytes, "header text", 0, requireEnd: false);
        return header;
    }

    /// <summary>Parses cards from <paramref name="bytes"/> up to END; returns the index of the byte after the END card (or the length when END is optional and absent).</summary>
    internal int ParseCards(ReadOnlySpan<byte> bytes, string source, long baseOffset, bool requireEnd)
    {
        var raw = new List<(FitsCard Card, string Image)>();
        for (var offset = 0; offset + FitsCard.Length <= bytes.Length; offset += FitsCard.Length)
        {
            var where = $"{source}, card {offset / FitsCard.Length + 1} (byte {baseOffset + offset})";
            var cardBytes = bytes.Slice(offset, FitsCard.Length);
            foreach (var b in cardBytes)
                if (b < 0x20 || b > 0x7E)
                    throw new FitsFormatException($"{where}: byte 0x{b:X2} is not printable ASCII");
            var image = Encoding.ASCII.GetString(cardBytes);
            if (image == "END".PadRight(FitsCard.Length))
            {
                Merge(raw);
                return offset + FitsCard.Length;
            }
            if (image.StartsWith("END     ", StringComparison.Ordinal))
                throw new FitsFormatException($"{where}: END card has text after the keyword");
            raw.Add((FitsCard.Parse(image, where), image));
        }
        if (requireEnd)
            throw new FitsFormatException($"{source}: no END card before byte {baseOffset + bytes.Length} (truncated or not FITS)");
        Merge(raw);
        return bytes.Length;
    }

    /// <summary>Joins long strings split over CONTINUE cards into one logical card.</summary>
    private void Merge(List<(FitsCard Card, string Image)> raw)
    {
        for (var i = 0; i < raw.Count; i++)
        {
            var card = raw[i].Card;
            if (IsContinuation(card))
            {
                // A CONTINUE that follows no string ending in '&' is kept as plain text.
                _cards.Add(FitsCard.Commentary("CONTINUE", raw[i].Image[8..]));
                continue;
            }
            if (card.Value is string text && text.EndsWith('&') && i + 1 < raw.Count && IsContinuation(raw[i + 1].Card))
            {
                var value = new StringBuilder(text);
                var comments = new List<string?> { card.Comment };
                while (value.Length > 0 && value[^1] == '&' && i + 1 < raw.Count && IsContinuation(raw[i + 1].Card))
                {
                    var next = raw[++i].Card;
                    value.Length--;
                    value.Append((string)next.Value!);
                    comments.Add(next.Comment);
                }
                var comment = string.Join(" ", comments.Where(c => !string.IsNullOrEmpty(c)));
                _cards.Add(FitsCard.Create(card.Keyword, value.ToString(), comment.Length > 0 ? comment : null));
                continue;
            }
            _cards.Add(card);
        }
    }

    private static bool IsContinuation(FitsCard card) => card.Keyword == "CONTINUE" && card.Value is string;

    private FitsCard? Find(string keyword)
    {
        foreach (var card in _cards)
            if (!card.IsCommentary && card.Keyword == keyword)
                return card;
        return null;
    }

    private bool TryGet<T>(string keyword, string expected, Func<object, T?> convert, out T value) where T : struct
    {
        var card = Find(keyword);
        if (card == null)
        {
            value = default;
            return false;
        }
        var converted = card.Value == null ? null : convert(card.Value);
        value = converted ?? throw new FitsFormatException($"keyword {keyword} = {Describe(card.Value)} is not {expected}");
        return true;
    }

    private bool TryGet(string keyword, string expected, Func<object, string?> convert, out string? value)
    {
        var card = Find(keyword);
        if (card == null)
        {
            value = null;
            return false;
        }
        value = (card.Value == null ? null : convert(card.Value)) ?? throw new FitsFormatException($"keyword {keyword} = {Describe(card.Value)} is not {expected}");
        return true;
    }

    private void SetValue(string keyword, object value, string? comment)
    {
        var index = _cards.FindIndex(c => !c.IsCommentary && c.Keyword == keyword);
        if (index < 0)
        {
            _cards.Add(FitsCard.Create(keyword, value, comment));
            return;
        }
        _cards[index] = FitsCard.Create(keyword, value, comment ?? _cards[index].Comment);
    }

    private static string Describe(object? value) => value switch
    {
        null => "(undefined)",
        string s => $"'{s}'",
        _ => Convert.ToString(value, System.Globalization.CultureInfo.InvariantCulture) ?? "?",
    };

    private static FitsFormatException Missing(string keyword) => new($"required keyword {keyword} is missing");
}
