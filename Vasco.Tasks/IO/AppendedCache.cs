using System.Text;

namespace Vasco.IO;

/// <summary>
/// A cache of entries of which a build changes a few (a tile's, of 10,000): kept as a whole file (its header, an id, all
/// entries) and a journal beside it (the path + ".journal": the same header and id, then parts, each the entries one
/// build changed, framed by its length and a checksum). Read, a later part's entry stands for an earlier one; a part
/// cut short (a build killed while appending) ends the journal there. Written as a part appended to the journal while
/// the journal stays under a quarter of the whole file, else whole, with a new id that voids the old journal. At
/// 10,000 tiles a one-tile build wrote fifteen records caches of 3-20 MB and step 9's cache of 19 MB whole; a part is
/// a few KB. Only a cache: a failure to write it fails nothing, and what cannot be read reads as nothing.
/// </summary>
public static class AppendedCache
{
    /// <summary>What was read of a cache: enough to append to it.</summary>
    /// <param name="Id">The whole file's id, which its journal repeats.</param>
    /// <param name="WholeBytes">The whole file's size.</param>
    /// <param name="JournalBytes">The journal's size up to its last whole part (0: none).</param>
    /// <param name="JournalClean">Whether the journal ends with its last whole part (none cut short after it).</param>
    public sealed record State(Guid Id, long WholeBytes, long JournalBytes, bool JournalClean);

    /// <summary>
    /// A cache read whole: <see cref="Parts"/> are the entries of the whole file, then of each part of the journal, in the
    /// order written, as slices of lent buffers (valid until disposal).
    /// </summary>
    public sealed class Read : IDisposable
    {
        readonly PooledBytes.File _whole;
        readonly PooledBytes.File? _journal;

        internal Read(PooledBytes.File whole, PooledBytes.File? journal, List<ReadOnlyMemory<byte>> parts, State state) =>
            (_whole, _journal, Parts, State) = (whole, journal, parts, state);

        public IReadOnlyList<ReadOnlyMemory<byte>> Parts { get; }
        public State State { get; }

        public void Dispose()
        {
            _whole.Dispose();
            _journal?.Dispose();
        }
    }

    public static string JournalOf(string path) => path + ".journal";

    /// <summary>A reader's stream over a part, on the lent buffer it is a slice of (no copy: a copy is fresh memory, which costs here).</summary>
    public static MemoryStream StreamOf(ReadOnlyMemory<byte> part) =>
        System.Runtime.InteropServices.MemoryMarshal.TryGetArray(part, out var array)
            ? new MemoryStream(array.Array!, array.Offset, array.Count, writable: false)
            : new MemoryStream(part.ToArray(), writable: false);

    /// <summary>The cache at <paramref name="path"/> written under <paramref name="header"/>, or null (missing, damaged, another header).</summary>
    public static Read? Open(string path, string header)
    {
        PooledBytes.File? whole = null, journal = null;
        try
        {
            whole = PooledBytes.File.Read(path);
            var start = Start(whole.Memory.Span, header) ?? throw new InvalidDataException("another cache");
            var id = new Guid(whole.Memory.Span.Slice(start - 16, 16));
            var parts = new List<ReadOnlyMemory<byte>> { whole.Memory[start..] };
            var (journalBytes, clean) = (0L, true);
            if (File.Exists(JournalOf(path)))
            {
                journal = PooledBytes.File.Read(JournalOf(path));
                (journalBytes, clean) = JournalParts(journal.Memory, header, id, parts);
                if (journalBytes == 0) { journal.Dispose(); journal = null; }
            }
            return new Read(whole, journal, parts, new State(id, whole.Length, journalBytes, clean));
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or InvalidDataException or ArgumentException)
        {
            whole?.Dispose();
            journal?.Dispose();
            return null;
        }
    }

    /// <summary>
    /// The entries of the whole file's start and of each journal part, each read by <paramref name="read"/> from a reader
    /// placed at its start (it need not read all), without reading the rest of the whole file; null as <see cref="Open"/>.
    /// </summary>
    public static List<T>? Heads<T>(string path, string header, Func<BinaryReader, T> read)
    {
        try
        {
            var heads = new List<T>();
            Guid id;
            using (var reader = new BinaryReader(new BufferedStream(File.OpenRead(path), 1 << 16), Encoding.UTF8))
            {
                if (reader.ReadString() != header) return null;
                id = new Guid(reader.ReadBytes(16));
                heads.Add(read(reader));
            }
            if (!File.Exists(JournalOf(path))) return heads;
            using var journal = PooledBytes.File.Read(JournalOf(path));
            var parts = new List<ReadOnlyMemory<byte>>();
            JournalParts(journal.Memory, header, id, parts);
            foreach (var part in parts)
            {
                using var reader = new BinaryReader(StreamOf(part), Encoding.UTF8);
                heads.Add(read(reader));
            }
            return heads;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or InvalidDataException or FormatException or ArgumentException or OverflowException)
        {
            return null;
        }
    }

    /// <summary>
    /// Writes entries: <paramref name="changed"/> (those not as <paramref name="last"/> has them) as a part of the journal when
    /// that can be (<paramref name="last"/> read, its journal clean and small enough, and <paramref name="whole"/> not required),
    /// else <paramref name="all"/> as the whole file.
    /// </summary>
    public static void Write(string path, string header, State? last, bool wholeRequired, Action<BinaryWriter> changed, Action<BinaryWriter> all)
    {
        try
        {
            Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(path))!);
            if (!wholeRequired && last is { JournalClean: true } && TryAppend(path, header, last, changed)) return;
            var id = Guid.NewGuid();
            AtomicFile.Write(path, stream =>
            {
                using var w = new BinaryWriter(stream, Encoding.UTF8, leaveOpen: true);
                w.Write(header);
                w.Write(id.ToByteArray());
                all(w);
            }, durable: false);
            // The new id voids the old journal; deleted so that it is not read for nothing.
            File.Delete(JournalOf(path));
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException) { }
    }

    static bool TryAppend(string path, string header, State last, Action<BinaryWriter> changed)
    {
        using var part = new MemoryStream();
        using (var w = new BinaryWriter(part, Encoding.UTF8, leaveOpen: true))
        {
            w.Write(0);  // the length, once known
            changed(w);
        }
        var length = (int)part.Length - 4;
        if (last.JournalBytes + part.Length + 8 > Math.Max(last.WholeBytes / 4, 1 << 16)) return false;
        var bytes = part.GetBuffer().AsSpan(0, (int)part.Length);
        BitConverter.TryWriteBytes(bytes, length);
        var journal = JournalOf(path);
        // A journal of another whole file (or none) starts again; the file is this build's alone (the run's build lock).
        using var file = new FileStream(journal, last.JournalBytes == 0 ? FileMode.Create : FileMode.Append, FileAccess.Write, FileShare.None);
        if (file.Length != last.JournalBytes && last.JournalBytes != 0) return false;  // changed since it was read
        using var w2 = new BinaryWriter(file, Encoding.UTF8, leaveOpen: true);
        if (last.JournalBytes == 0)
        {
            w2.Write(header);
            w2.Write(last.Id.ToByteArray());
        }
        w2.Write(bytes);
        w2.Write(Checksum(bytes[4..]));
        return true;
    }

    /// <summary>Where the entries start after the header and id, or null when the header is another's.</summary>
    static int? Start(ReadOnlySpan<byte> file, string header)
    {
        using var reader = new BinaryReader(new MemoryStream(file[..Math.Min(file.Length, 4096)].ToArray(), writable: false), Encoding.UTF8);
        try
        {
            if (reader.ReadString() != header) return null;
            var start = (int)reader.BaseStream.Position + 16;
            return start <= file.Length ? start : null;
        }
        catch (EndOfStreamException) { return null; }
    }

    /// <summary>Adds the journal's whole parts to <paramref name="parts"/>: its size up to the last of them (0: another whole file's journal) and whether it ends there.</summary>
    static (long Bytes, bool Clean) JournalParts(ReadOnlyMemory<byte> journal, string header, Guid id, List<ReadOnlyMemory<byte>> parts)
    {
        // Another whole file's journal (left by a build stopped between writing the whole and deleting it) is none.
        var at = Start(journal.Span, header);
        if (at is not { } start || new Guid(journal.Span.Slice(start - 16, 16)) != id) return (0, true);
        var end = start;
        while (journal.Length - end >= 4)
        {
            var length = BitConverter.ToInt32(journal.Span.Slice(end, 4));
            if (length < 0 || (long)end + 4 + length + 8 > journal.Length) break;
            var part = journal.Slice(end + 4, length);
            if (BitConverter.ToUInt64(journal.Span.Slice(end + 4 + length, 8)) != Checksum(part.Span)) break;
            parts.Add(part);
            end += 4 + length + 8;
        }
        return (end, end == journal.Length);
    }

    /// <summary>FNV-1a, 64 bits: enough to tell a part cut short or overwritten from one written whole.</summary>
    static ulong Checksum(ReadOnlySpan<byte> bytes)
    {
        var hash = 14695981039346656037UL;
        foreach (var b in bytes) hash = (hash ^ b) * 1099511628211UL;
        return hash;
    }
}
