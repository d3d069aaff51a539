using NUnit.Framework;
using Vasco.Extraction;
using Vasco.Pipeline;

namespace Vasco.Tests.Steps;

public class CatalogChecksTests
{
    [TestCase(10, 1000, 0.5, 20, 10)]       // too few stars
    [TestCase(500, 400, 25, 20, 10)]        // FWHM of 25 px is no star
    [TestCase(500, 400, 3, 20, 1)]          // chi2 above the limit
    public void UnusablePsfModelsAreRejected(int loaded, int accepted, double fwhm, int minStars, double maxChi2)
    {
        var model = new PsfModel(loaded, Math.Min(accepted, loaded), 1.3, fwhm, 0.6, 25, 25);
        var e = Assert.Throws<VascoException>(() => CatalogChecks.Psf(model, minStars, maxChi2, "x.psf"));
        Assert.That(e!.Code, Is.EqualTo("VASCO4001"));
    }

    [Test]
    public void AGoodPsfModelPasses() =>
        Assert.DoesNotThrow(() => CatalogChecks.Psf(new PsfModel(264, 261, 1.29, 3.0, 0.64, 25, 25), 20, 10, "x.psf"));
}
