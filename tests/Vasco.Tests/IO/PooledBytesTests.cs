using System.Buffers;
using System.Text;
using NUnit.Framework;
using Vasco.IO;
using Vasco.Tests.Support;

namespace Vasco.Tests.IO;

/// <summary>Lent buffers (PooledBytes) hold what was written or read, however the buffer grew or was reused.</summary>
public class PooledBytesTests
{
    [Test]
    public void AWriterThatOutgrowsItsBufferKeepsEveryByteInOrder()
    {
        var expected = new List<byte>();
        using var writer = new PooledBytes.Writer(16);
        for (var i = 0; i < 5_000; i++)
        {
            // Pieces of every size, written through the span and the memory, as a JSON writer and a copy do.
            var piece = Encoding.ASCII.GetBytes($"{i}:{new string((char)('a' + i % 26), i % 300)};");
            if (i % 2 == 0) writer.Write(piece);
            else
            {
                piece.CopyTo(writer.GetMemory(piece.Length));
                writer.Advance(piece.Length);
            }
            expected.AddRange(piece);
        }
        Assert.That(writer.WrittenCount, Is.EqualTo(expected.Count));
        Assert.That(writer.WrittenMemory.ToArray(), Is.EqualTo(expected.ToArray()));
        Assert.Throws<ArgumentOutOfRangeException>(() => writer.Advance(int.MaxValue), "past the end of the buffer");
    }

    [Test]
    public void AFileReadIntoAReusedBufferIsThatFileAlone()
    {
        var dir = TestTemp.NewPath("pooled-");
        Directory.CreateDirectory(dir);
        var (large, small) = (Path.Combine(dir, "large.bin"), Path.Combine(dir, "small.bin"));
        File.WriteAllBytes(large, Enumerable.Range(0, 3_000_000).Select(i => (byte)(i * 7)).ToArray());
        File.WriteAllBytes(small, Encoding.ASCII.GetBytes("small"));
        using (var first = PooledBytes.File.Read(large))
            Assert.That(first.Memory.ToArray(), Is.EqualTo(File.ReadAllBytes(large)));
        // The large file's buffer may be lent again: the smaller file is read as itself, not the rest of the larger one.
        using var second = PooledBytes.File.Read(small);
        Assert.That(second.Length, Is.EqualTo(5));
        Assert.That(new StreamReader(second.Stream()).ReadToEnd(), Is.EqualTo("small"));
        Assert.Throws<FileNotFoundException>(() => PooledBytes.File.Read(Path.Combine(dir, "missing.bin")));
        second.Dispose();
        Assert.Throws<ObjectDisposedException>(() => _ = second.Memory);
    }
}
