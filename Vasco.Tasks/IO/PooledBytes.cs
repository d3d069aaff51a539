using System.Buffers;

namespace Vasco.IO;

/// <summary>
/// Large buffers lent and given back, instead of new arrays. The first touch of fresh memory is
/// what costs on a virtual machine that hands freed memory back to its host (this one: 11 MB copied into a new array
/// 35-45 ms, into one used before 1 ms; docs/performance.md), and a build of 10,000 tiles reads and writes some hundred
/// files of megabytes (the step caches, listings, manifests) in one process, where a lent buffer is warm after its first use.
/// </summary>
public static class PooledBytes
{
    // Not ArrayPool<byte>.Shared: it keeps a returned array for the thread that returned it first, and a build's step
    // manifests are written on whichever pool thread finished the step (measured: most rents got a new array).
    static readonly List<byte[]> Kept = [];
    const int MaxKept = 8;
    const long MaxKeptBytes = 256L << 20;

    /// <summary>An array of at least <paramref name="length"/> bytes, not cleared: the smallest one kept, else a new one.</summary>
    public static byte[] Rent(int length)
    {
        lock (Kept)
        {
            var best = -1;
            for (var i = 0; i < Kept.Count; i++)
                if (Kept[i].Length >= length && (best < 0 || Kept[i].Length < Kept[best].Length)) best = i;
            if (best >= 0)
            {
                var kept = Kept[best];
                Kept.RemoveAt(best);
                return kept;
            }
        }
        // A power of two, so that one array serves the files of a size class; uninitialized, so that only the pages
        // written are ever touched.
        var size = length <= 1 << 16 ? 1 << 16 : (int)Math.Min(System.Numerics.BitOperations.RoundUpToPowerOf2((uint)length), Array.MaxLength);
        return GC.AllocateUninitializedArray<byte>(Math.Max(size, length));
    }

    /// <summary>Gives an array back for the next <see cref="Rent"/>; beyond what is kept, the smallest go.</summary>
    public static void Return(byte[] array)
    {
        lock (Kept)
        {
            Kept.Add(array);
            while (Kept.Count > MaxKept || Kept.Count > 1 && Kept.Sum(a => (long)a.Length) > MaxKeptBytes)
                Kept.Remove(Kept.MinBy(a => a.Length)!);
        }
    }

    /// <summary>A whole file in a lent buffer: <see cref="Memory"/> is the file; dispose to give the buffer back.</summary>
    public sealed class File : IDisposable
    {
        byte[]? _buffer;

        public int Length { get; }
        public ReadOnlyMemory<byte> Memory => (_buffer ?? throw new ObjectDisposedException(nameof(File))).AsMemory(0, Length);

        File(byte[] buffer, int length) => (_buffer, Length) = (buffer, length);

        /// <summary>Reads the file whole (throws as <see cref="System.IO.File.ReadAllBytes"/> does).</summary>
        public static File Read(string path)
        {
            using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, bufferSize: 1, FileOptions.SequentialScan);
            var length = stream.Length <= Array.MaxLength ? (int)stream.Length : throw new IOException($"{path} is too large to read whole");
            var buffer = Rent(length);
            try
            {
                stream.ReadExactly(buffer, 0, length);
                return new File(buffer, length);
            }
            catch
            {
                Return(buffer);
                throw;
            }
        }

        /// <summary>A reader over the file (valid until disposal).</summary>
        public MemoryStream Stream() => new(_buffer ?? throw new ObjectDisposedException(nameof(File)), 0, Length, writable: false);

        public void Dispose()
        {
            if (_buffer is { } buffer) Return(buffer);
            _buffer = null;
        }
    }

    /// <summary>A growing buffer of lent arrays (an <see cref="ArrayBufferWriter{T}"/> that gives them back).</summary>
    public sealed class Writer(int capacity) : IBufferWriter<byte>, IDisposable
    {
        byte[] _buffer = Rent(Math.Max(capacity, 256));
        int _written;

        public ReadOnlyMemory<byte> WrittenMemory => _buffer.AsMemory(0, _written);
        public int WrittenCount => _written;

        public void Advance(int count) => _written = count >= 0 && count <= _buffer.Length - _written ? _written + count : throw new ArgumentOutOfRangeException(nameof(count));

        public Memory<byte> GetMemory(int sizeHint = 0)
        {
            Reserve(sizeHint);  // first: it may replace the buffer
            return _buffer.AsMemory(_written);
        }

        public Span<byte> GetSpan(int sizeHint = 0)
        {
            Reserve(sizeHint);
            return _buffer.AsSpan(_written);
        }

        void Reserve(int sizeHint)
        {
            var need = _written + Math.Max(sizeHint, 1);
            if (need > _buffer.Length)
            {
                var larger = Rent((int)Math.Min(Math.Max(need, 2L * _buffer.Length), Array.MaxLength));
                _buffer.AsSpan(0, _written).CopyTo(larger);
                Return(_buffer);
                _buffer = larger;
            }
        }

        public void Dispose()
        {
            Return(_buffer);
            _buffer = [];
            _written = 0;
        }
    }
}
