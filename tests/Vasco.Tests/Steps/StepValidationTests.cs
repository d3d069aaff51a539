using NUnit.Framework;
using Vasco.Extraction;
using Vasco.Pipeline;
using Vasco.Tests.Download;
using Vasco.Tests.Support;
using Vasco.Tools;

namespace Vasco.Tests.Steps;

/// <summary>Each step's validations, fed bad inputs: a clear VASCO error, a non-zero exit, nothing fresh-looking left.</summary>
[TestFixture, NonParallelizable]
public class StepValidationTests
{
    [Test]
    public void TooFewPsfStarsIsAnErrorNotAnEmptyModel()
    {
        using var run = M67Run.Create("psf", "<PsfMinStars>100000</PsfMinStars>");
        var build = run.Build("-t:VascoPass2");
        Assert.That(build.ExitCode, Is.Not.EqualTo(0));
        Assert.That(build.ErrorCodes(), Is.EquivalentTo(new[] { "VASCO4001", "VASCO0002" }), build.Output);
        Assert.That(build.Output, Does.Contain("PsfMinStars=100000"));
        Assert.That(File.Exists(run.Path("data", "psf", run.RunId, "M67.tile.json")), Is.False);
        Assert.That(File.Exists(run.Path("data", "catalogs", "p2", run.RunId, "M67.cat")), Is.False, "pass 2 never ran on a rejected PSF");
        Assert.That(Manifest.Read(run.Path("data", "catalogs", "p2", run.RunId, "manifest.json")).Status, Is.EqualTo("failed"));
    }

    [Test]
    public void WithoutABrightStarFileTheMasksAskVizierForTycho2AndSayWhatToDoWhenItIsDown()
    {
        using var down = new ScriptedHttpServer(_ => ScriptedHttpServer.Status(503));
        var input = Repo.Path("runs", "m67", "input");
        using var run = new RunFolder("nobright").WriteRunFile(
            $"""
            <TilingMode>single</TilingMode><TileSizeArcmin>30</TileSizeArcmin><ImageSource>local</ImageSource><LocalImageDir>{input}</LocalImageDir>
            <VizierRetries>0</VizierRetries><VascoVizierMirrors>http://127.0.0.1:{down.Endpoint.Port}/</VascoVizierMirrors>
            """,
            """<VascoTarget Include="M67" Ra="132.834" Dec="11.812" />""", testSteps: false);
        var build = run.Build("-t:VascoPreprocess");
        Assert.That(build.ExitCode, Is.Not.EqualTo(0));
        Assert.That(build.ErrorCodes(), Is.EquivalentTo(new[] { "VASCO6001", "VASCO0002" }), build.Output);
        Assert.That(build.Output, Does.Contain("Tycho-2").And.Contain("VascoBrightStars"));
        Assert.That(down.RequestLines.Single(), Does.Contain("I%2F259%2Ftyc2").Or.Contain("I/259/tyc2"));
    }

    [Test]
    public void AFolderWithoutAPossPlateFailsTheTileAndNamesTheSkippedFile()
    {
        using var run = new RunFolder("noplate");
        var plates = run.Path("plates");
        Directory.CreateDirectory(plates);
        File.WriteAllBytes(Path.Combine(plates, "serc.fits"), M67Plate.AsSercPlate());
        run.WriteRunFile("<TilingMode>single</TilingMode><TileSizeArcmin>30</TileSizeArcmin><ImageSource>local</ImageSource><LocalImageDir>plates</LocalImageDir>",
            """<VascoTarget Include="M67" Ra="132.834" Dec="11.812" />""", testSteps: false);
        var build = run.Build("-t:VascoDownload");
        Assert.That(build.ErrorCodes(), Is.EquivalentTo(new[] { "VASCO1001", "VASCO0002" }), build.Output);
        Assert.That(build.Output, Does.Contain("skipped"));
    }

    [Test]
    public void SExtractorOnAPlateWithOnlyTheDssSolutionIsCaught()
    {
        // SExtractor cannot read the DSS plate solution: it writes 0 for every RA and Dec and exits 0 (FACTS 1).
        var dir = Directory.CreateTempSubdirectory("vasco-sex-").FullName;
        try
        {
            var flag = Path.Combine(dir, "flag.fits");
            var writer = new Vasco.Fits.FitsWriter();
            writer.AddImage(new short[1059 * 1059], [1059, 1059]);
            writer.WriteTo(flag);
            var catalog = Path.Combine(dir, "raw.cat");
            new SExtractor(ProcessRunner.FindOnPath("source-extractor")!, TimeSpan.FromMinutes(5)).Run(
                new SExtractorJob(M67Plate.PathOnDisk, Repo.Path("config", "sextractor", "vasco.sex"), Repo.Path("config", "sextractor", "pass1.param"),
                    catalog, Path.Combine(dir, "raw.log"), flag), CancellationToken.None);
            var e = Assert.Throws<VascoException>(() => CatalogChecks.Pass1(LdacCatalog.Read(catalog), catalog));
            Assert.That(e!.Code, Is.EqualTo("VASCO3002"));
        }
        finally
        {
            Directory.Delete(dir, true);
        }
    }

    [Test]
    public void AFailedSExtractorRunLeavesNoCatalog()
    {
        var dir = Directory.CreateTempSubdirectory("vasco-sex-").FullName;
        try
        {
            var catalog = Path.Combine(dir, "out.cat");
            var e = Assert.Throws<VascoException>(() => new SExtractor(ProcessRunner.FindOnPath("source-extractor")!, TimeSpan.FromMinutes(5)).Run(
                new SExtractorJob(M67Plate.PathOnDisk, Repo.Path("config", "sextractor", "vasco.sex"), Repo.Path("config", "sextractor", "pass1.param"),
                    catalog, Path.Combine(dir, "out.log"), FlagImage: Path.Combine(dir, "missing-flag.fits")), CancellationToken.None));
            Assert.That(e!.Code, Is.EqualTo("VASCO0304"));
            Assert.That(Directory.GetFiles(dir).Select(Path.GetFileName), Is.EquivalentTo(new[] { "out.log" }), "no catalog, no temp file");
            Assert.That(File.ReadAllText(Path.Combine(dir, "out.log")), Does.Contain("missing-flag.fits"));
        }
        finally
        {
            Directory.Delete(dir, true);
        }
    }
}
