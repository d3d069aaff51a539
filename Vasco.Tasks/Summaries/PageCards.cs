using System.Security.Cryptography;
using System.Text;
using Vasco.IO;

namespace Vasco.Summaries;

/// <summary>
/// Where each candidate's card is in the last report.html, and a digest of what it was made from (its candidates.csv
/// row, the links, its tile's records of the steps whose files it shows). A card whose digest is unchanged is copied
/// from the last page as it is, bytes for bytes, instead of being made again from its stamps: at 10,000 tiles that was
/// some 1,700 cards, several small files and an encoding of stamps each, on every build that changed one tile. The
/// index is kept in the run's obj/ folder with the last page's size and time, and used only while the page is that
/// file; other code's index, a damaged one, or a page changed since, is ignored (every card is made).
/// </summary>
public sealed class PageCards : IDisposable
{
    const string Format = "vasco-report-cards/1";
    readonly record struct At(byte[] Digest, long Offset, int Length);

    readonly string _index;
    readonly string _withdrawn;
    readonly Dictionary<string, At> _last;
    readonly SafeFileHandleReader? _lastPage;
    readonly List<(string Id, byte[] Digest, long Offset, int Length)> _written = [];
    byte[] _buffer = [];

    PageCards(string index, string withdrawn, Dictionary<string, At> last, SafeFileHandleReader? lastPage) =>
        (_index, _withdrawn, _last, _lastPage) = (index, withdrawn, last, lastPage);

    /// <summary>How many cards this page copied from the last one.</summary>
    public int Copied { get; private set; }

    /// <summary>The digest of what a card is made from: the same text, the same card.</summary>
    public static byte[] Digest(string madeFrom) => SHA256.HashData(Encoding.UTF8.GetBytes(madeFrom));

    /// <summary>Where the index is kept: beside the run's stamps.</summary>
    public static string IndexIn(string stampDir) => Path.Combine(stampDir, "report-cards.index");

    /// <summary>
    /// Where a report withdrawn before tiles rerun is kept (<see cref="RunPublication"/>): no longer published, but its cards
    /// are the ones this build's step 9 copies when their inputs did not change.
    /// </summary>
    public static string WithdrawnIn(string stampDir) => Path.Combine(stampDir, "report.withdrawn.html");

    /// <summary>
    /// The cards of the last page: the one withdrawn in this run's <paramref name="stampDir"/>, else <paramref name="page"/>,
    /// when the index describes it, or none. The index is deleted here: it describes a page about to be replaced.
    /// </summary>
    public static PageCards Open(string stampDir, string page)
    {
        var (index, withdrawn) = (IndexIn(stampDir), WithdrawnIn(stampDir));
        var lastPage = File.Exists(withdrawn) ? withdrawn : page;
        var info = new FileInfo(lastPage);
        var last = info.Exists ? CacheFile.Read(index, CacheFile.Header(Format), r => Read(r, info.Length, info.LastWriteTimeUtc.Ticks)) : null;
        try { File.Delete(index); }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException) { last = null; }  // an index that may outlive its page is not used
        SafeFileHandleReader? reader = null;
        if (last is { Count: > 0 })
            try
            {
                reader = new SafeFileHandleReader(lastPage);
                if (reader.Length != info.Length) (reader, last) = (null, null);  // replaced since it was looked at
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException) { last = null; }
        return new PageCards(index, withdrawn, last ?? [], reader);
    }

    static Dictionary<string, At> Read(BinaryReader r, long pageBytes, long pageTicks)
    {
        if (r.ReadInt64() != pageBytes || r.ReadInt64() != pageTicks) throw new InvalidDataException("the index of another page");
        var cards = new Dictionary<string, At>(StringComparer.Ordinal);
        for (var n = CacheFile.Count(r); n > 0; n--)
        {
            var id = r.ReadString();
            var at = new At(r.ReadBytes(32), r.ReadInt64(), r.ReadInt32());
            if (at.Offset < 0 || at.Length < 0 || at.Offset + at.Length > pageBytes) throw new InvalidDataException("a damaged index");
            cards[id] = at;
        }
        return cards;
    }

    /// <summary>Whether the last page has this card as it would be made now.</summary>
    public bool Has(string id, byte[] digest) => _lastPage is not null && _last.TryGetValue(id, out var at) && at.Digest.AsSpan().SequenceEqual(digest);

    /// <summary>Copies the card from the last page into <paramref name="page"/> (only after <see cref="Has"/> said it is there).</summary>
    public void Copy(StreamWriter page, string id, byte[] digest)
    {
        var at = _last[id];
        if (_buffer.Length < at.Length) _buffer = new byte[Math.Max(at.Length, 2 * _buffer.Length)];
        _lastPage!.ReadExactly(_buffer.AsSpan(0, at.Length), at.Offset);
        page.Flush();
        var offset = page.BaseStream.Position;
        page.BaseStream.Write(_buffer, 0, at.Length);
        _written.Add((id, digest, offset, at.Length));
        Copied++;
    }

    /// <summary>Writes a card just made into <paramref name="page"/>, noting where it is.</summary>
    public void Write(StreamWriter page, string id, byte[] digest, StringBuilder card)
    {
        page.Flush();
        var offset = page.BaseStream.Position;
        page.Write(card);
        page.Flush();
        _written.Add((id, digest, offset, checked((int)(page.BaseStream.Position - offset))));
    }

    /// <summary>
    /// Keeps the index of the page just written to <paramref name="page"/> (only a cache: a failure fails nothing), and
    /// drops the withdrawn page, which the new one replaces.
    /// </summary>
    public void Save(string page)
    {
        _lastPage?.Dispose();
        try { File.Delete(_withdrawn); }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException) { }
        var info = new FileInfo(page);
        if (!info.Exists) return;
        CacheFile.Write(_index, CacheFile.Header(Format), w =>
        {
            w.Write(info.Length);
            w.Write(info.LastWriteTimeUtc.Ticks);
            w.Write(_written.Count);
            foreach (var (id, digest, offset, length) in _written)
            {
                w.Write(id);
                w.Write(digest);
                w.Write(offset);
                w.Write(length);
            }
        });
    }

    public void Dispose() => _lastPage?.Dispose();

    /// <summary>Reads ranges of a file that is about to be replaced by rename (the open handle keeps the old file).</summary>
    sealed class SafeFileHandleReader(string path) : IDisposable
    {
        readonly Microsoft.Win32.SafeHandles.SafeFileHandle _handle = File.OpenHandle(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);

        public long Length => RandomAccess.GetLength(_handle);

        public void ReadExactly(Span<byte> into, long offset)
        {
            while (into.Length > 0)
            {
                var n = RandomAccess.Read(_handle, into, offset);
                if (n == 0) throw new InvalidDataException("the last report.html is shorter than its index says");
                into = into[n..];
                offset += n;
            }
        }

        public void Dispose() => _handle.Dispose();
    }
}
