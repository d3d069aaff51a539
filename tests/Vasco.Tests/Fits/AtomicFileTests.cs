using NUnit.Framework;
using Vasco.IO;

namespace Vasco.Tests.Fits;

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
    public void AMissingFolderFailsWithoutLeavingAnything()
    {
        var path = Path.Combine(Path.GetTempPath(), $"vasco-missing-{Guid.NewGuid():N}", "out.fits");

        Assert.That(() => AtomicFile.WriteAllBytes(path, [1, 2, 3]), Throws.InstanceOf<IOException>());
        Assert.That(File.Exists(path), Is.False);
    }
}
