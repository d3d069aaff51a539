using NUnit.Framework;
using Vasco.IO;

namespace Vasco.Tests.IO;

public class AtomicFileTests
{
    [Test]
    public void ReplacesTheTargetAndLeavesNoTemporaryFile()
    {
        var folder = Directory.CreateTempSubdirectory("vasco-atomic-");
        try
        {
            var path = Path.Combine(folder.FullName, "out.fits");
            File.WriteAllText(path, "old");

            AtomicFile.WriteAllBytes(path, "new"u8);

            Assert.That(File.ReadAllText(path), Is.EqualTo("new"));
            Assert.That(folder.GetFiles().Select(f => f.Name), Is.EqualTo(new[] { "out.fits" }));
        }
        finally
        {
            folder.Delete(recursive: true);
        }
    }

    [Test]
    public void AMissingFolderIsCreated()
    {
        var path = Path.Combine(Path.GetTempPath(), $"vasco-missing-{Guid.NewGuid():N}", "out.fits");
        AtomicFile.WriteAllBytes(path, [1, 2, 3]);
        Assert.That(File.ReadAllBytes(path), Is.EqualTo(new byte[] { 1, 2, 3 }));
        Directory.Delete(Path.GetDirectoryName(path)!, recursive: true);
    }

    [Test]
    public void AWriterThatFailsLeavesTheOldContentAndNoTemporaryFile()
    {
        var folder = Directory.CreateTempSubdirectory("vasco-atomic-");
        try
        {
            var path = Path.Combine(folder.FullName, "tiles.csv");
            File.WriteAllText(path, "old");
            Assert.That(() => AtomicFile.Write(path, s => { s.WriteByte(1); throw new IOException("disk full"); }), Throws.InstanceOf<IOException>());
            Assert.That(File.ReadAllText(path), Is.EqualTo("old"));
            Assert.That(folder.GetFiles().Select(f => f.Name), Is.EqualTo(new[] { "tiles.csv" }));
        }
        finally
        {
            folder.Delete(recursive: true);
        }
    }
}
