using System.IO.Compression;
using System.Text.RegularExpressions;
using NUnit.Framework;
using Vasco.Packaging;
using Vasco.Pipeline;
using Vasco.Tests.Support;
using Vasco.Tools;

namespace Vasco.Tests.Steps;

/// <summary>Step 10: the archive, its checksum, its manifests, and reading archives back safely.</summary>
[TestFixture, NonParallelizable]
public class PackageTests
{
    [Test]
    public void TheRunArchiveVerifiesWithSha256sumAndHoldsEveryManifest()
    {
        using var run = M67Run.Create("package");
        var build = run.Build("-t:VascoPackage");
        Assert.That(build.ExitCode, Is.EqualTo(0), build.Output);
        var dir = run.Path("artifacts", run.RunId);
        var zip = Path.Combine(dir, run.RunId + ".zip");

        var check = ProcessRunner.Run("sha256sum", ["-c", run.RunId + ".zip.sha256"], dir, TimeSpan.FromMinutes(1));
        Assert.That(check.ExitCode, Is.EqualTo(0), check.StdOut + check.StdErr);
        Assert.That(check.StdOut, Does.Contain(": OK"));

        using (var archive = ZipFile.OpenRead(zip))
        {
            var names = archive.Entries.Select(e => e.FullName).ToHashSet();
            var manifests = Directory.GetFiles(run.Path("data"), "*.json", SearchOption.AllDirectories)
                .Where(f => !f.Contains("/cache/")).Select(f => Path.GetRelativePath(run.Dir, f)).ToList();
            Assert.That(manifests, Has.Count.GreaterThan(15));
            Assert.That(names, Is.SupersetOf(manifests), "every manifest of the run is in the archive");
            Assert.That(names, Does.Contain($"data/filter/{run.RunId}/candidates.csv").And.Contain($"data/summaries/{run.RunId}/report.html"));
            Assert.That(names.Where(n => n.EndsWith(".fits") || n.EndsWith(".cat")), Is.Empty, "no FITS unless asked for");
            using var inner = new StreamReader(archive.GetEntry($"artifacts/{run.RunId}/package.manifest.json")!.Open());
            Assert.That(inner.ReadToEnd(), Does.Match(@"""run_stamp"": ""run-\d{8}_\d{6}"""));
        }
        var manifest = Manifest.Read(Path.Combine(dir, "manifest.json"));
        Assert.That(manifest.Fields["sha256"]!.ToString(), Is.EqualTo(FileRecord.Sha256Of(zip)));

        var withFits = run.Build("-t:VascoPackage", "-p:PackageIncludeFits=true");
        Assert.That(withFits.ExitCode, Is.EqualTo(0), withFits.Output);
        using (var archive = ZipFile.OpenRead(zip))
            Assert.That(archive.Entries.Select(e => e.FullName), Does.Contain($"data/masks/{run.RunId}/M67.clean.fits"));

        // A damaged archive no longer matches its checksum.
        var bytes = File.ReadAllBytes(zip);
        bytes[bytes.Length / 2] ^= 0xFF;
        File.WriteAllBytes(zip, bytes);
        var e = Assert.Throws<VascoException>(() => RunArchive.Validate(zip, zip + ".sha256", []));
        Assert.That(e!.Code, Is.EqualTo("VASCO1101"));
    }

    [TestCase("../evil.txt")]
    [TestCase("data/../../evil.txt")]
    [TestCase("/etc/evil.txt")]
    [TestCase("C:/evil.txt")]
    public void HostileEntryNamesAreRefusedAndNothingIsWritten(string name)
    {
        var root = Directory.CreateTempSubdirectory("vasco-zip-").FullName;
        try
        {
            var zip = Path.Combine(root, "hostile.zip");
            using (var archive = ZipFile.Open(zip, ZipArchiveMode.Create))
            {
                using (var w = new StreamWriter(archive.CreateEntry("data/ok.txt").Open())) w.Write("fine");
                using (var w = new StreamWriter(archive.CreateEntry(name).Open())) w.Write("escaped");
            }
            var target = Path.Combine(root, "out");
            var e = Assert.Throws<VascoException>(() => RunArchive.ExtractSafely(zip, target));
            Assert.That(e!.Code, Is.EqualTo("VASCO1101"));
            Assert.That(Directory.Exists(target) && Directory.EnumerateFileSystemEntries(target).Any(), Is.False, "nothing extracted");
            Assert.That(File.Exists(Path.Combine(root, "evil.txt")), Is.False);
        }
        finally
        {
            Directory.Delete(root, true);
        }
    }

    [Test]
    public void ASafeArchiveExtracts()
    {
        var root = Directory.CreateTempSubdirectory("vasco-zip-").FullName;
        try
        {
            var zip = Path.Combine(root, "ok.zip");
            using (var archive = ZipFile.Open(zip, ZipArchiveMode.Create))
            using (var w = new StreamWriter(archive.CreateEntry("data/filter/x/candidates.csv").Open())) w.Write("tile_id\n");
            var written = RunArchive.ExtractSafely(zip, Path.Combine(root, "out"));
            Assert.That(written.Single(), Does.EndWith("data/filter/x/candidates.csv"));
        }
        finally
        {
            Directory.Delete(root, true);
        }
    }

    [Test]
    public void TheRunStampIsTheSeeds() =>
        Assert.That(RunArchive.RunStamp(new DateTimeOffset(2026, 11, 24, 6, 5, 9, TimeSpan.Zero)), Is.EqualTo("run-20261124_060509"));
}
