using System.IO.Compression;
using NUnit.Framework;
using Vasco.Packaging;
using Vasco.Pipeline;

namespace Vasco.Tests.BadInputs;

/// <summary>
/// Archives from elsewhere, beyond the hostile names of PackageTests: bombs, links already in the destination,
/// duplicate and control-character names, damaged data. Each is VASCO1101 and leaves no file outside the
/// destination and no partial file inside it.
/// </summary>
public class HostileArchiveTests
{
    string _root = "";

    [SetUp]
    public void SetUp() => _root = Directory.CreateTempSubdirectory("vasco-zip-").FullName;

    [TearDown]
    public void TearDown() => Directory.Delete(_root, recursive: true);

    string Zip(params (string Name, byte[] Content)[] entries)
    {
        var zip = Path.Combine(_root, "in.zip");
        using var archive = ZipFile.Open(zip, ZipArchiveMode.Create);
        foreach (var (name, content) in entries)
            using (var s = archive.CreateEntry(name, CompressionLevel.Optimal).Open())
                s.Write(content);
        return zip;
    }

    VascoException Refused(string zip, string destination, long maxBytes = RunArchive.DefaultMaxExtractedBytes)
    {
        var e = Assert.Throws<VascoException>(() => RunArchive.ExtractSafely(zip, destination, maxBytes))!;
        Assert.That(e.Code, Is.EqualTo(ErrorCodes.ArchiveInvalid));
        Assert.That(e.UserMessage, Does.Not.Match(@"[\u0000-\u001f]"));
        Assert.That(Directory.Exists(destination) ? Directory.GetFiles(destination, ".*.tmp-*", SearchOption.AllDirectories) : [], Is.Empty,
            "no partial file");
        return e;
    }

    [Test]
    public void ABombIsRefusedBeforeAnythingIsWritten()
    {
        // 10 MB of zeros compresses to about 10 kB; the limit here is 1 MB.
        var zip = Zip(("data/a.txt", "fine"u8.ToArray()), ("data/zeros.bin", new byte[10 << 20]));
        Assert.That(new FileInfo(zip).Length, Is.LessThan(100_000));
        var destination = Path.Combine(_root, "out");
        Assert.That(Refused(zip, destination, maxBytes: 1 << 20).Cause, Does.Contain("zip bomb"));
        Assert.That(Directory.Exists(destination), Is.False, "nothing extracted");
    }

    [Test]
    public void APathThroughASymbolicLinkInTheDestinationIsRefused()
    {
        var outside = Directory.CreateDirectory(Path.Combine(_root, "outside")).FullName;
        var destination = Directory.CreateDirectory(Path.Combine(_root, "out")).FullName;
        Directory.CreateSymbolicLink(Path.Combine(destination, "data"), outside);
        var zip = Zip(("data/evil.txt", "escaped"u8.ToArray()));
        Assert.That(Refused(zip, destination).Cause, Does.Contain("symbolic link"));
        Assert.That(Directory.GetFileSystemEntries(outside), Is.Empty);
    }

    [Test]
    public void ADuplicateEntryIsRefused()
    {
        var zip = Zip(("data/a.txt", "one"u8.ToArray()), ("data/a.txt", "two"u8.ToArray()));
        Assert.That(Refused(zip, Path.Combine(_root, "out")).Cause, Does.Contain("twice"));
    }

    [Test]
    public void AnEntryNameWithAControlCharacterIsRefusedAndShownEscaped()
    {
        var zip = Zip(("data/a\u001b[2Jb.txt", "x"u8.ToArray()));
        Assert.That(Refused(zip, Path.Combine(_root, "out")).Cause, Does.Contain("\\u001B"));
    }

    [Test]
    public void AnExistingFileIsNotOverwritten()
    {
        var destination = Directory.CreateDirectory(Path.Combine(_root, "out")).FullName;
        File.WriteAllText(Path.Combine(destination, "a.txt"), "mine");
        Refused(Zip(("a.txt", "theirs"u8.ToArray())), destination);
        Assert.That(File.ReadAllText(Path.Combine(destination, "a.txt")), Is.EqualTo("mine"));
    }

    [Test]
    public void ADamagedEntryLeavesNoPartialFile()
    {
        var zip = Zip(("data/a.txt", "fine"u8.ToArray()), ("data/b.bin", Enumerable.Range(0, 200_000).Select(i => (byte)(i * 7919 % 251)).ToArray()));
        // Flip bytes in the middle of the second entry's compressed data.
        var bytes = File.ReadAllBytes(zip);
        var at = bytes.AsSpan().IndexOf("data/b.bin"u8) + 200;
        for (var i = 0; i < 64; i++) bytes[at + i] ^= 0x5A;
        File.WriteAllBytes(zip, bytes);
        var destination = Path.Combine(_root, "out");
        Refused(zip, destination);
        Assert.That(File.Exists(Path.Combine(destination, "data", "b.bin")), Is.False, "the damaged file is not left half-written");
    }

    [Test]
    public void NotAZipIsACodedError() =>
        Refused(Path.Combine(_root, "x.zip").Also(p => File.WriteAllText(p, "<html>not a zip</html>")), Path.Combine(_root, "out"));
}

static class FluentExtensions
{
    public static T Also<T>(this T value, Action<T> act)
    {
        act(value);
        return value;
    }
}
