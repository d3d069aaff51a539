using System.Text;
using Vasco.IO;

namespace Vasco.Summaries;

/// <summary>
/// The report's candidate cards as last made, each with what it was made from: the candidate's row of candidates.csv, the
/// sizes and times of its tile's records of the steps whose files the card shows (step 8's stamps, the second look's
/// plates), the links. A card whose key is unchanged is not made again: at 10,000 tiles a card was several small files
/// read and their stamps encoded, about a second of every build that changed a tile. Kept in the run's obj/ folder; a
/// cache written by another build of Vasco's code, or unreadable, is ignored.
/// </summary>
public static class CardCache
{
    static readonly string Header = "vasco-report-cards/1 " + typeof(CardCache).Assembly.ManifestModule.ModuleVersionId;

    public sealed record Card(string Key, string Html);

    /// <summary>The cards by candidate (tile and number), or none.</summary>
    public static Dictionary<string, Card> Load(string path)
    {
        var cards = new Dictionary<string, Card>(StringComparer.Ordinal);
        try
        {
            using var reader = new BinaryReader(new MemoryStream(File.ReadAllBytes(path), writable: false), Encoding.UTF8);
            if (reader.ReadString() != Header) return cards;
            for (var n = reader.ReadInt32(); n > 0; n--)
                cards[reader.ReadString()] = new Card(reader.ReadString(), reader.ReadString());
            return cards;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or FormatException or ArgumentException)
        {
            return new(StringComparer.Ordinal);  // no cache: every card is made
        }
    }

    /// <summary>Keeps these cards (only a cache: a failure to write it fails nothing).</summary>
    public static void Save(string path, IReadOnlyDictionary<string, Card> cards)
    {
        try
        {
            Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(path))!);
            AtomicFile.Write(path, stream =>
            {
                using var w = new BinaryWriter(stream, Encoding.UTF8, leaveOpen: true);
                w.Write(Header);
                w.Write(cards.Count);
                foreach (var (id, card) in cards)
                {
                    w.Write(id);
                    w.Write(card.Key);
                    w.Write(card.Html);
                }
            }, durable: false);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException) { }
    }
}
