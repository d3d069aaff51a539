using NUnit.Framework;
using Vasco.Tests.Support;

namespace Vasco.Tests.Engine;

/// <summary>The tests' run folders: a passed test's go, a failed test's stay and are named.</summary>
public class RunFolderTests
{
    [Test]
    public void DisposedFoldersGoWhenTheirTestPassedAndStayWhenItFailed()
    {
        var said = new List<string>();
        var kept = new RunFolder("keep");
        kept.Dispose();
        RunFolder.Finish(TestContext.CurrentContext.Test.ID, passed: false, said.Add);
        Assert.That(Directory.Exists(kept.Dir), "a failed test's folder is kept");
        Assert.That(said, Is.EqualTo(new[] { $"Kept the run folder for inspection: {kept.Dir}" }));

        var gone = new RunFolder("gone");
        gone.WriteFile("data/x.txt", "x");
        gone.Dispose();
        RunFolder.Finish("another test", passed: true, said.Add);
        Assert.That(Directory.Exists(gone.Dir), "only the finished test's folders are decided");
        RunFolder.Finish(TestContext.CurrentContext.Test.ID, passed: true, said.Add);
        Assert.That(Directory.Exists(gone.Dir), Is.False);
        Directory.Delete(kept.Dir, recursive: true);
    }
}
