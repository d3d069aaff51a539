using System.Globalization;
using NUnit.Framework;
using Vasco.Extraction;
using Vasco.Pipeline;
using Vasco.Sky;
using Vasco.Tests.Support;

namespace Vasco.Tests.Steps;

/// <summary>Steps 1-5 on the real M67 plate, through a real build, checked against Gaia DR3.</summary>
[TestFixture, NonParallelizable]
public class PlateToCatalogTests
{
    RunFolder _run = null!;
    BuildRun _build = null!;

    [OneTimeSetUp]
    public void BuildThroughPass2()
    {
        _run = M67Run.Create();
        _build = _run.Build("-t:VascoPass2");
    }

    [OneTimeTearDown]
    public void Dispose() => _run.Dispose();

    string Data(params string[] parts) => _run.Path(["data", .. parts]);

    [Test]
    public void TheBuildSucceedsAndEveryStepWroteItsManifest()
    {
        Assert.That(_build.ExitCode, Is.EqualTo(0), _build.Output);
        foreach (var dir in new[] { "downloads", "masks", "catalogs/p1", "psf", "catalogs/p2" })
        {
            var m = Manifest.Read(Path.Combine(Data(dir.Split('/')), _run.RunId, "manifest.json"));
            Assert.That(m.Status, Is.EqualTo("ok"), dir);
            Assert.That(m.Outputs, Is.Not.Empty, dir);
        }
    }

    [Test]
    public void Pass2PositionsAgreeWithGaiaAtThePlateEpoch()
    {
        var catalog = LdacCatalog.Read(Data("catalogs", "p2", _run.RunId, "M67.cat"));
        var epoch = double.Parse(Manifest.Read(Data("masks", _run.RunId, "M67.tile.json")).Fields["plate_epoch"]!.ToString()!, CultureInfo.InvariantCulture);
        Assert.That(epoch, Is.EqualTo(1951.911).Within(0.001));

        // Gaia DR3 (epoch 2016.0) carried back to the plate epoch.
        var gaiaRa = new List<double>();
        var gaiaDec = new List<double>();
        var lines = File.ReadAllLines(Repo.Path("runs", "m67", "input", "gaia-dr3_M67_r22arcmin.csv"));
        var header = lines[0].Split(',').ToList();
        int Col(string name) => header.IndexOf(name);
        foreach (var line in lines.Skip(1))
        {
            var f = line.Split(',');
            double D(string name) => double.TryParse(f[Col(name)], NumberStyles.Float, CultureInfo.InvariantCulture, out var v) ? v : double.NaN;
            var (ra, dec) = ProperMotion.Propagate(D("ra"), D("dec"), D("pmra"), D("pmdec"), 2016.0, epoch);
            gaiaRa.Add(ra);
            gaiaDec.Add(dec);
        }
        var gaia = new SkyIndex(gaiaRa, gaiaDec);

        var snr = catalog.Column("SNR_WIN");
        var ra2 = catalog.Column("ALPHA_J2000");
        var dec2 = catalog.Column("DELTA_J2000");
        var separations = new List<double>();
        var bright = 0;
        for (var i = 0; i < catalog.Count; i++)
        {
            if (!(snr[i] > 30)) continue;
            bright++;
            var (index, sep) = gaia.Nearest(ra2[i], dec2[i], 2.0);
            if (index >= 0) separations.Add(sep);
        }
        separations.Sort();
        var matched = separations.Count / (double)bright;
        var median = separations[separations.Count / 2];
        TestContext.Out.WriteLine($"pass 2: {catalog.Count} sources, {bright} with SNR_WIN > 30; {separations.Count} ({matched:P1}) have Gaia within 2\", median separation {median:0.000}\"");
        Assert.That(matched, Is.GreaterThanOrEqualTo(0.90));
        Assert.That(median, Is.LessThan(0.6));
    }

    [Test]
    public void ThePsfAndMaskPassTheirValidations()
    {
        var psf = Manifest.Read(Data("psf", _run.RunId, "M67.tile.json"));
        Assert.That(psf.Counts["stars_used"], Is.GreaterThanOrEqualTo(20));
        var masks = Manifest.Read(Data("masks", _run.RunId, "M67.tile.json"));
        Assert.That(masks.Counts["masked_pixels"], Is.GreaterThan(0), "bright stars are on the plate");
        var wcsFit = double.Parse(masks.Fields["wcs_fit_residual_arcsec"]!.ToString()!, CultureInfo.InvariantCulture);
        Assert.That(wcsFit, Is.LessThan(0.05));
        var p2 = LdacCatalog.Read(Data("catalogs", "p2", _run.RunId, "M67.cat"));
        Assert.That(p2.Column("IMAFLAGS_ISO").Count(f => f > 0), Is.GreaterThan(0), "detections on masked stars are flagged, not lost");
        Assert.That(p2.Missing(CatalogChecks.Pass2Columns), Is.Empty);
    }

    [Test]
    public void ToolOutputIsLoggedPerTile()
    {
        Assert.That(File.ReadAllText(_run.Path("logs", "sextractor-p1", _run.RunId, "M67.log")), Does.Contain("source-extractor"));
        Assert.That(File.ReadAllText(_run.Path("logs", "psfex", _run.RunId, "M67.log")), Does.Contain("-CHECKPLOT_TYPE NONE"));
        Assert.That(File.ReadAllText(_run.Path("logs", "sextractor-p2", _run.RunId, "M67.log")), Does.Contain("-PSF_NAME"));
    }

    [Test]
    public void ASecondBuildRunsNoStep()
    {
        var again = _run.Build("-t:VascoPass2");
        Assert.That(again.ExitCode, Is.EqualTo(0));
        foreach (var task in new[] { "VascoDownload", "VascoPreprocess", "VascoPass1", "VascoPsf", "VascoPass2" })
            Assert.That(again.TilesRun(task), Is.Empty, task);
    }
}
