using NUnit.Framework;
using Vasco.Pipeline;
using Vasco.Tests.Support;

namespace Vasco.Tests.IO;

/// <summary>Step 9's quick manifest reader gives the numbers the full reader gives, from a manifest as the steps write it.</summary>
public class ManifestFiguresTests
{
    [Test]
    public void TheNumbersOfAWrittenManifest()
    {
        var path = TestTemp.NewPath("psf-", ".tile.json");
        var manifest = new Manifest
        {
            Step = "Psf", StepNumber = 4, RunId = "r", TileId = "t1", ElapsedSeconds = 1.4456,
            Parameters = new(StringComparer.Ordinal) { ["PsfMinStars"] = "5" },
            Inputs = [new FileRecord("data/catalogs/p1/r/t1.cat", 561_600, new string('a', 64))],
            Counts = new(StringComparer.Ordinal) { ["stars_used"] = 20, ["tool_seconds"] = 1.4089, ["empty_median"] = double.NaN, ["far"] = double.PositiveInfinity },
            Warnings = ["a warning"],
        };
        manifest.Fields["model_quality"] = new { chi2 = 1.09106859, fwhm_pixels = 3.82264447, name = "pixel", nested = new { deep = 1 } };
        manifest.Fields["psf_model"] = "data/psf/r/t1.psf";
        manifest.Write(path);

        var figures = ManifestFigures.TryRead(path)!;

        Assert.That(figures.ElapsedSeconds, Is.EqualTo(1.4456));
        Assert.That(figures.Counts.Keys, Is.EquivalentTo(manifest.Counts.Keys));
        foreach (var (k, v) in manifest.Counts) Assert.That(figures.Counts[k], Is.EqualTo(v), k);
        Assert.That(figures.Numbers, Is.EquivalentTo(new Dictionary<string, double> { ["model_quality.chi2"] = 1.09106859, ["model_quality.fwhm_pixels"] = 3.82264447 }));
    }

    [Test]
    public void AMissingOrBrokenManifestIsNone()
    {
        var path = TestTemp.NewPath("broken-", ".tile.json");
        Assert.That(ManifestFigures.TryRead(path), Is.Null, "missing");
        File.WriteAllText(path, """{ "step": "Psf", "counts": { "stars_used": 2""");
        Assert.That(ManifestFigures.TryRead(path), Is.Null, "cut short");
        File.WriteAllText(path, "[1, 2]");
        Assert.That(ManifestFigures.TryRead(path), Is.Null, "not an object");
    }
}
