using NUnit.Framework;
using Vasco.Pipeline;
using Vasco.Tests.Support;
using Vasco.Tools;

namespace Vasco.Tests.Engine;

[NonParallelizable]
public class ToolsTests
{
    [Test]
    public void TheToolsTargetFindsEveryToolAndRecordsItsVersion()
    {
        using var run = new RunFolder("tools");
        run.WriteRunFile("", """<VascoTarget Include="a" Ra="10" Dec="0" />""", testSteps: false);
        var build = run.Build("-t:VascoInstallTools");
        Assert.That(build.ExitCode, Is.EqualTo(0), build.Output);
        var cache = File.ReadAllLines(run.Path("obj", "vasco", "tools.tsv"));
        Assert.That(cache.Select(l => l.Split('\t')[0]), Is.EquivalentTo(new[] { "source-extractor", "psfex", "stilts", "java" }));
        Assert.That(cache.Single(l => l.StartsWith("source-extractor")).Split('\t').Last(), Does.Match(@"^2\.\d+"));
        Assert.That(cache.Single(l => l.StartsWith("stilts")).Split('\t').Last(), Does.Match(@"^3\.\d+"));
    }

    [Test]
    public void AMissingToolWithInstallDisabledNamesTheInstallCommand()
    {
        // A PATH with dotnet's own folder only (not /usr/bin, where the tools are).
        var dotnet = ProcessRunner.FindOnPath("dotnet")!;
        var dotnetDir = Path.GetDirectoryName(new FileInfo(dotnet).ResolveLinkTarget(returnFinalTarget: true)?.FullName ?? dotnet)!;
        Assume.That(File.Exists(Path.Combine(dotnetDir, "psfex")), Is.False);
        var empty = Directory.CreateDirectory(TestTemp.NewPath("nopath-")).FullName;
        var e = Assert.Throws<VascoException>(() =>
        {
            var old = Environment.GetEnvironmentVariable("PATH");
            Environment.SetEnvironmentVariable("PATH", empty);
            try { ToolInstaller.EnsureInstalled([ExternalTools.Get("psfex")], allowInstall: false, _ => { }); }
            finally { Environment.SetEnvironmentVariable("PATH", old); }
        });
        Assert.That(e!.Code, Is.EqualTo("VASCO0301"));
        Assert.That(e.Fix, Does.Contain("apt-get install -y --no-install-recommends psfex"));

        // The same through a real build whose PATH lacks the tools.
        using var run = new RunFolder("notools");
        run.WriteRunFile("", """<VascoTarget Include="a" Ra="10" Dec="0" />""", testSteps: false);
        var build = run.BuildWith(new Dictionary<string, string> { ["PATH"] = dotnetDir }, "-t:VascoInstallTools", "-p:VascoInstallTools=false");
        Assert.That(build.ExitCode, Is.Not.EqualTo(0));
        Assert.That(build.ErrorCodes(), Is.EqualTo(new[] { "VASCO0301" }));
        Assert.That(build.Output, Does.Contain("apt-get install"));
    }

    [Test]
    public void AMissingPackageWithInstallDisabledNamesOnlyItInTheInstallCommand()
    {
        // How dotnet test checks what the tests use (Support.TestTools): by dpkg, not PATH (munged is in /usr/sbin).
        Assume.That(ToolInstaller.IsDebianLike(), Is.True);
        Assert.That(ToolInstaller.IsPackageInstalled("dpkg"), Is.True);
        var e = Assert.Throws<VascoException>(() => ToolInstaller.EnsurePackages(["dpkg", "vasco-no-such-package"], allowInstall: false, _ => { }));
        Assert.That(e!.Code, Is.EqualTo("VASCO0301"));
        Assert.That(e.Cause, Does.StartWith("vasco-no-such-package not installed"));
        Assert.That(e.Fix, Does.EndWith("apt-get install -y --no-install-recommends vasco-no-such-package"));
    }
}

/// <summary>
/// The tools run with glibc's malloc on transparent huge pages (docs/performance.md: SExtractor twice as fast
/// on this project's virtual machines). It must not change what they write, and a user's own setting wins.
/// </summary>
[NonParallelizable]
public class ToolEnvironmentTests
{
    [Test]
    public void ToolsGetHugePageMallocUnlessTheBuildHasItsOwnGlibcTunables()
    {
        Assert.That(ProcessRunner.Run("/usr/bin/env", []).StdOut, Does.Contain("GLIBC_TUNABLES=glibc.malloc.hugetlb=1:"));
        var old = Environment.GetEnvironmentVariable("GLIBC_TUNABLES");
        Environment.SetEnvironmentVariable("GLIBC_TUNABLES", "glibc.malloc.arena_max=2");
        try
        {
            var env = ProcessRunner.Run("/usr/bin/env", []).StdOut;
            Assert.That(env, Does.Contain("GLIBC_TUNABLES=glibc.malloc.arena_max=2\n"));
            Assert.That(env, Does.Not.Contain("hugetlb"));
        }
        finally { Environment.SetEnvironmentVariable("GLIBC_TUNABLES", old); }
    }

    [Test]
    public void SExtractorWritesTheSameCatalogWithAndWithoutHugePages()
    {
        var work = Directory.CreateTempSubdirectory("vasco-hugepages-").FullName;
        try
        {
            var clean = Path.Combine(work, "m67.clean.fits");
            var mask = Path.Combine(work, "m67.mask");
            Vasco.Preprocess.PlatePreprocessor.Run(Vasco.Tests.Download.M67Plate.PathOnDisk, [], clean, mask, new Vasco.Preprocess.PreprocessOptions());
            var sextractor = new Vasco.Extraction.SExtractor(ProcessRunner.FindOnPath("source-extractor")!, TimeSpan.FromMinutes(5));
            var config = Repo.Path("config", "sextractor");
            string Extract(string name)
            {
                var catalog = Path.Combine(work, name + ".cat");
                sextractor.Run(new Vasco.Extraction.SExtractorJob(clean, Path.Combine(config, "vasco.sex"), Path.Combine(config, "pass1.param"), catalog, Path.Combine(work, name + ".log"), mask),
                    CancellationToken.None);
                return catalog;
            }
            var huge = Extract("huge");
            var old = Environment.GetEnvironmentVariable("GLIBC_TUNABLES");
            Environment.SetEnvironmentVariable("GLIBC_TUNABLES", "glibc.malloc.hugetlb=0"); // the user's own: no huge pages
            string plain;
            try { plain = Extract("plain"); }
            finally { Environment.SetEnvironmentVariable("GLIBC_TUNABLES", old); }

            Assert.That(Vasco.Extraction.LdacCatalog.Read(huge).Count, Is.GreaterThan(1000));
            // Byte for byte, but for the cards where SExtractor records when it ran and for how long.
            var a = File.ReadAllBytes(huge);
            var b = File.ReadAllBytes(plain);
            Assert.That(a, Has.Length.EqualTo(b.Length));
            var differing = Enumerable.Range(0, a.Length).Where(i => a[i] != b[i]).ToList();
            Assert.That(differing, Has.Count.LessThan(40));
            foreach (var i in differing)
            {
                var card = System.Text.Encoding.ASCII.GetString(a, Math.Max(0, i - 30), Math.Min(30, i));
                Assert.That(card, Does.Match("SEX(DATE|TIME|ELAPS)[ =]"), $"byte {i} differs outside the run-time cards: ...{card}");
            }
        }
        finally { Directory.Delete(work, recursive: true); }
    }
}

public class ToolWorkDirTests
{
    [Test]
    public void TheSweepDeletesTheWorkingFoldersOfProcessesThatAreGoneAndNothingElse()
    {
        var temp = Directory.CreateDirectory(TestTemp.NewPath("sweep-")).FullName;
        var host = Vasco.IO.AtomicFile.ThisHost;
        // A process that has exited: its id names an orphan.
        using var gone = System.Diagnostics.Process.Start("true")!;
        gone.WaitForExit();
        string Folder(string name, double daysOld = 0)
        {
            var dir = Directory.CreateDirectory(Path.Combine(temp, name)).FullName;
            File.WriteAllText(Path.Combine(dir, "catalog.cat"), "a tool's file");
            Directory.SetLastWriteTimeUtc(dir, DateTime.UtcNow.AddDays(-daysOld));
            return dir;
        }
        var orphans = new[]
        {
            Folder($"vasco-psfex-{gone.Id}-{host}-Ab12Cd"),
            Folder("vasco-stilts-123-0badc0de-Xy34Zw", daysOld: 2), // another machine's, two days old
            Folder("vasco-sex-Ab12Cd", daysOld: 2), // an older version's name, two days old
        };
        var kept = new[]
        {
            Folder($"vasco-sex-{Environment.ProcessId}-{host}-Xy34Zw"), // this running process
            Folder("vasco-stilts-123-0badc0de-Pq56Rs"), // another machine's, recent: it may be running
            Folder("vasco-sex-Pq56Rs"), // an older version's name, recent
            Folder($"vasco-notes-{gone.Id}-{host}-Ab12Cd", daysOld: 2), // not a tool's kind
            Folder("vasco-tests-Ab12Cd", daysOld: 2),
            Folder($"vasco-psfex-{gone.Id}-{host}-Ab12", daysOld: 2), // not the random part of a temp folder
            Folder($"other-psfex-{gone.Id}-{host}-Ab12Cd", daysOld: 2),
        };

        Assert.That(ToolWorkDir.SweepOrphans(temp), Is.EqualTo(orphans.Length));
        Assert.That(orphans.Where(Directory.Exists), Is.Empty, "folders of processes that are gone");
        Assert.That(kept.Where(Directory.Exists), Is.EquivalentTo(kept), "folders of running processes, and names not made by Vasco");
    }

    [Test]
    public void AToolsWorkingFolderIsNamedAfterTheBuildProcessAndMachine()
    {
        var dir = ToolWorkDir.Create("psfex");
        try
        {
            Assert.That(Path.GetDirectoryName(dir), Is.EqualTo(Path.TrimEndingDirectorySeparator(Path.GetTempPath())));
            Assert.That(Path.GetFileName(dir), Does.StartWith($"vasco-psfex-{Environment.ProcessId}-{Vasco.IO.AtomicFile.ThisHost}-"));
            Assert.That(ToolWorkDir.IsAbandoned(Path.GetFileName(dir), DateTime.UtcNow.AddDays(-2)), Is.False, "this process runs");
        }
        finally
        {
            Directory.Delete(dir);
        }
    }
}
