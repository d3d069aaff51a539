using System.Globalization;
using NUnit.Framework;
using Vasco.Download;
using Vasco.IO;
using Vasco.SecondLook;
using Vasco.Sky;
using Vasco.Synthetic;
using Vasco.Tiling;

namespace Vasco.Tests.SecondLook;

/// <summary>The second look's parts: the classes from what each plate shows, the registration, the forced photometry.</summary>
public class SecondLookTests
{
    static PlateLook Seen(PlateSurvey s, double snr, double hours = 1.2, double epoch = 1955) => new(s, PlateLook.Measured, snr, hours, epoch);

    [Test]
    public void EachClassComesFromWhatThePlatesShow()
    {
        var t = new SecondLookThresholds(DetectSnr: 5, TransientMaxHours: 24);
        var (blue, red2, ir2) = (PlateSurvey.PossIBlue, PlateSurvey.PossIIRed, PlateSurvey.PossIIInfrared);
        (string, string) C(params PlateLook[] looks) => SecondLookClass.Classify(looks, t);

        Assert.That(C(Seen(blue, 20), Seen(red2, 12, 3e5, 1991)).Item1, Is.EqualTo("still_present"));
        Assert.That(C(Seen(blue, 0.3), Seen(red2, 0.1, 3e5, 1991), Seen(ir2, 7, 3e5, 1993)).Item2, Does.Contain("POSS-II IR plate of 1993 (SNR 7.0)"));
        Assert.That(C(Seen(blue, 20), Seen(red2, 1.0, 3e5, 1991)), Is.EqualTo(("vanished", "on the POSS-I blue plate (SNR 20.0), on none of POSS-II red 1991 (SNR 1.0)")));
        Assert.That(C(Seen(blue, 0.4, 1.1), Seen(red2, -0.5, 3e5, 1991)), Is.EqualTo(("red_only", "not on the POSS-I blue plate exposed +1.1 h from the red one (SNR 0.4), nor on a later plate")));
        // What the plates cannot tell is undecided, with the reason.
        Assert.That(C(Seen(blue, 0.4, 24 * 40)).Item2, Does.StartWith("undecided").Or.Contain("40 days from the red one"));
        Assert.That(C(Seen(blue, 0.4, 24 * 40)).Item1, Is.EqualTo("undecided"));
        Assert.That(C(Seen(blue, 9)).Item1, Is.EqualTo("undecided"), "on the blue plate, and no later plate to say it vanished");
        Assert.That(C(PlateLook.NotMeasured(blue, "not_fetched:offline"), PlateLook.NotMeasured(red2, "not_fetched:offline")),
            Is.EqualTo(("undecided", "POSS-I blue: not_fetched:offline")));
        Assert.That(C(Seen(blue, 0.4, double.NaN)).Item1, Is.EqualTo("undecided"), "the blue plate's time from the red one unknown");
        Assert.That(C(Seen(blue, 4.99, 1), Seen(red2, 4.99, 3e5)).Item1, Is.EqualTo("red_only"), "below the threshold is not seen");
    }

    static SyntheticSky Sky() => SyntheticSky.For(new Tile("t1", "t1", 120, 10, 30, 0, 0, 119.74, 120.26, 9.75, 10.25), new SyntheticOptions());

    [Test]
    public void TheRegistrationTakesOutTheCutoutsSolutionError()
    {
        var sky = Sky();
        var star = sky.Sources.Where(s => s.Kind == SourceKind.Star && s.Mag is > 15 and < 17 && Math.Abs(s.X - sky.Width / 2.0) < 300).First();
        var bytes = SyntheticOtherPlate.Cutout(sky, PlateSurvey.PossIIRed, star.Ra + 0.01, star.Dec - 0.01, 5);
        var plate = OtherPlate.Read(bytes, PlateSurvey.PossIIRed, "test");
        var (ra, dec) = ProperMotion.Propagate(star.Ra, star.Dec, star.PmRa, star.PmDec, sky.PlateEpoch, plate.Epoch);
        // Where the star truly is: the cutout is drawn north up, 1"/px, centred on its request.
        var scale = SyntheticOtherPlate.PixelScaleArcsec / 3600;
        var truth = new TanWcs(150.5, 150.5, star.Ra + 0.01, star.Dec - 0.01, -scale, 0, 0, scale).SkyToPixel(ra, dec);
        var header = plate.Wcs.SkyToPixel(ra, dec);
        var reg = Registration.Fit(plate, sky.ModernCatalog().Select(s => s.PropagatedTo(plate.Epoch)).Select(s => (s.Ra, s.Dec)), new RegistrationOptions());

        Assert.That(reg.Ok, Is.True, reg.Failure);
        var fitted = reg.Apply(header.X, header.Y);
        var before = Math.Sqrt(Math.Pow(header.X - truth.X, 2) + Math.Pow(header.Y - truth.Y, 2));
        var after = Math.Sqrt(Math.Pow(fitted.X - truth.X, 2) + Math.Pow(fitted.Y - truth.Y, 2));
        Assert.That(before, Is.GreaterThan(0.5), "the plate's own solution is off near this field");
        Assert.That(after, Is.LessThan(0.25), $"registered on {reg.Stars} stars, rms {reg.RmsArcsec:0.00}\"");
        Assert.That(reg.RmsArcsec, Is.LessThan(0.5));
    }

    [Test]
    public void ARegistrationWithTooFewStarsFailsAndSaysWhy()
    {
        var sky = Sky();
        var plate = OtherPlate.Read(SyntheticOtherPlate.Cutout(sky, PlateSurvey.PossIBlue, 120, 10, 5), PlateSurvey.PossIBlue, "test");
        var reg = Registration.Fit(plate, [(120.0, 10.0), (120.01, 10.0)], new RegistrationOptions(MinStars: 6));
        Assert.That(reg.Ok, Is.False);
        Assert.That(reg.Failure, Does.Match(@"^\d catalog star\(s\) found on the plate within 6"" of where its solution puts them \(at least 6 needed\)$"));
    }

    [Test]
    public void ForcedPhotometryMeasuresWhatIsThereAndNothingWhereNothingIs()
    {
        // A flat sky with known noise, one source of known flux.
        var rng = new SplitMix64(7);
        const int n = 101;
        var pixels = new float[n * n];
        for (var i = 0; i < pixels.Length; i++) pixels[i] = (float)(1000 + 10 * rng.Gaussian());
        const double flux = 2000, sigma = 1.5;
        for (var y = 1; y <= n; y++)
            for (var x = 1; x <= n; x++)
                pixels[(y - 1) * n + x - 1] += (float)(flux / (2 * Math.PI * sigma * sigma) * Math.Exp(-((x - 51.0) * (x - 51.0) + (y - 51.0) * (y - 51.0)) / (2 * sigma * sigma)));

        var on = ForcedFlux.Measure(pixels, n, n, 51, 51, 4)!;
        var off = ForcedFlux.Measure(pixels, n, n, 20, 80, 4)!;
        // The aperture (radius 4 = 2.7 sigma) holds 97.3% of the light; the error is the sky's over about 49 pixels.
        Assert.That(on.Flux, Is.EqualTo(flux * (1 - Math.Exp(-16 / (2 * sigma * sigma)))).Within(4 * on.Error));
        Assert.That(on.Error, Is.EqualTo(10 * Math.Sqrt(on.Pixels)).Within(0.2 * 10 * Math.Sqrt(on.Pixels)));
        Assert.That(on.Snr, Is.GreaterThan(20));
        Assert.That(Math.Abs(off.Snr), Is.LessThan(3.5));
        Assert.That(off.UpperLimit, Is.EqualTo(Math.Max(off.Flux, 0) + 3 * off.Error));
        Assert.That(ForcedFlux.Measure(pixels, n, n, 5, 50, 4), Is.Null, "the sky annulus would leave the image");
    }

    [Test]
    public void AnotherSurveysCutoutIsCheckedAsThatSurveysPlate()
    {
        var bytes = SyntheticOtherPlate.Cutout(Sky(), PlateSurvey.PossIBlue, 120, 10, 3);
        Assert.That(PlateValidator.Check(bytes, "cutout", PlateSurvey.PossIBlue).IsPlate, Is.True);
        var asRed = PlateValidator.Check(bytes, "cutout", PlateSurvey.PossIIRed);
        Assert.That(asRed.Reason, Is.EqualTo("cutout was exposed on " + asRed.Reason!.Split("exposed on ")[1]));
        Assert.That(asRed.Reason, Does.Contain("outside the POSS-II red years 1975-2002"));
        var asPossIRed = PlateValidator.Check(bytes, "cutout");
        Assert.That(asPossIRed.Reason, Does.Contain("is from survey 'POSSI-O'"), "not a POSS-I red plate");
    }
}
