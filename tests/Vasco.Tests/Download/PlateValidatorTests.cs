using System.Text;
using NUnit.Framework;
using Vasco.Download;
using Vasco.Fits;

namespace Vasco.Tests.Download;

public class PlateValidatorTests
{
    [Test]
    public void TheM67CutoutIsAPossIRedPlateByItsRegionLabelTelescopeAndDate()
    {
        var check = PlateValidator.Check(M67Plate.Bytes, "M67");

        Assert.That(check.IsPlate, Is.True, check.Reason);
        var plate = check.Plate!;
        Assert.Multiple(() =>
        {
            Assert.That(plate.PlateId, Is.EqualTo("07HH"));
            Assert.That(plate.Region, Is.EqualTo("XE486"));
            Assert.That(plate.Label, Is.EqualTo("E438"));
            Assert.That(plate.Survey, Is.EqualTo("POSSI-E"));
            Assert.That(plate.DateObs, Is.EqualTo("29/11/51"));
            // Mid-exposure (12:07 UT + 25 of 50 min) agrees with the header's own EPOCH = 1951.9110107.
            Assert.That(plate.Epoch, Is.EqualTo(1951.9110107).Within(2e-5));
            Assert.That((plate.Width, plate.Height), Is.EqualTo((1059, 1059)));
            Assert.That(plate.Evidence, Is.EqualTo(new[]
            {
                "DATE-OBS='29/11/51' within 1949-1958", "REGION='XE486'", "PLTLABEL='E438'", "TELESCOP='Palomar 48-inch Schmidt'",
            }));
        });
    }

    [Test]
    public void ANewerCutoutSaysSoInSurvey()
    {
        var check = PlateValidator.Check(M67Plate.WithHeader(h =>
        {
            h.Set("SURVEY", "POSSI-E");
            h.Remove("REGION");
            h.Remove("TELESCOP");
            h.Set("DATE-OBS", "1951-11-29T12:07:00");
        }), "cutout");

        Assert.That(check.IsPlate, Is.True, check.Reason);
        Assert.Multiple(() =>
        {
            Assert.That(check.Plate!.Evidence[0], Is.EqualTo("SURVEY='POSSI-E'"));
            Assert.That(check.Plate.Epoch, Is.EqualTo(1951.9110107).Within(2e-5));
        });
    }

    [Test]
    public void SouthernUkSchmidtPlatesAreNotPossI()
    {
        var bySurvey = PlateValidator.Check(M67Plate.AsSercPlate(), "cutout");
        var byRegion = PlateValidator.Check(M67Plate.WithHeader(h => { h.Set("REGION", "S123"); h.Remove("PLTLABEL"); }), "cutout");
        var byTelescope = PlateValidator.Check(M67Plate.WithHeader(h => h.Set("TELESCOP", "UK Schmidt")), "cutout");

        Assert.Multiple(() =>
        {
            Assert.That(bySurvey.Problem, Is.EqualTo(PlateProblem.NotPossIRed));
            Assert.That(bySurvey.Reason, Does.Contain("'SERC-ER'").And.Contain("south of Dec -30"));
            Assert.That(byRegion.Problem, Is.EqualTo(PlateProblem.NotPossIRed));
            Assert.That(byRegion.Reason, Does.Contain("'S123'").And.Contain("not a POSS-I red field"));
            Assert.That(byTelescope.Problem, Is.EqualTo(PlateProblem.NotPossIRed));
            Assert.That(byTelescope.Reason, Does.Contain("'UK Schmidt'"));
        });
    }

    [Test]
    public void OtherPlatesOfPalomarAreNotPossIRed()
    {
        var possII = PlateValidator.Check(M67Plate.WithHeader(h => h.Set("DATE-OBS", "1991-03-12")), "cutout");
        var blue = PlateValidator.Check(M67Plate.WithHeader(h => h.Set("SURVEY", "POSSI-O")), "cutout");
        var unlabelled = PlateValidator.Check(M67Plate.WithHeader(h => { h.Remove("REGION"); h.Remove("PLTLABEL"); }), "cutout");

        Assert.Multiple(() =>
        {
            Assert.That(possII.Reason, Does.Contain("1991-03-12").And.Contain("outside the POSS-I years 1949-1958"));
            Assert.That(blue.Reason, Does.Contain("blue"));
            Assert.That(unlabelled.Reason, Does.Contain("nothing says it is a POSS-I red plate"));
        });
    }

    [Test]
    public void APlateWithoutAnAstrometricSolutionIsRefused()
    {
        var check = PlateValidator.Check(M67Plate.WithHeader(h => { h.Remove("PLTRAH"); h.Remove("AMDX1"); }), "cutout");

        Assert.That(check.Problem, Is.EqualTo(PlateProblem.NoWcs));
        Assert.That(check.Reason, Does.Contain("no usable astrometric solution"));
    }

    [Test]
    public void ACutTransferIsTruncatedNotInvalid()
    {
        var bytes = M67Plate.Bytes;
        var atOddLength = PlateValidator.Check(bytes[..1_000_001], "cutout");
        var atBlockInData = PlateValidator.Check(bytes[..(2880 * 100)], "cutout");
        var atBlockInHeader = PlateValidator.Check(bytes[..2880], "cutout");

        Assert.Multiple(() =>
        {
            Assert.That(atOddLength.Problem, Is.EqualTo(PlateProblem.Truncated));
            Assert.That(atOddLength.Reason, Does.Contain("not a multiple of the FITS block"));
            Assert.That(atBlockInData.Problem, Is.EqualTo(PlateProblem.Truncated));
            Assert.That(atBlockInData.Reason, Does.Contain("header promises 2242962"));
            Assert.That(atBlockInHeader.Problem, Is.EqualTo(PlateProblem.Truncated));
        });
    }

    [Test]
    public void ANonStandardCardIsAWarningAndThePlateIsJudgedOnItsOtherCards()
    {
        // Some real DSS scans hold cards like this one, whose value is neither quoted text nor a number.
        var skewed = PlateValidator.Check(M67Plate.WithRawCard("SKEW    = a, b"), "cutout");
        var skewedLate = PlateValidator.Check(M67Plate.WithRawCard("SKEW    = a, b", M67Plate.WithHeader(h => h.Set("DATE-OBS", "1991-03-12"))), "cutout");
        // A card the structure hangs on stays strict: NAXIS1 must be a number.
        var badAxis = PlateValidator.Check(Encoding.ASCII.GetBytes(Encoding.ASCII.GetString(M67Plate.Bytes)
            .Replace("NAXIS1  =                 1059", "NAXIS1  =                 wide")), "cutout");

        Assert.Multiple(() =>
        {
            Assert.That(skewed.Problem, Is.EqualTo(PlateProblem.None), skewed.Reason);
            Assert.That(skewed.Plate!.HeaderWarnings, Is.EqualTo(new[] { "card 'SKEW    = a, b' is not FITS standard (cannot parse the value 'a, b' of 'SKEW'): read as the text 'a, b'" }));
            Assert.That(skewedLate.Problem, Is.EqualTo(PlateProblem.NotPossIRed));
            Assert.That(skewedLate.Reason, Does.Contain("1991-03-12"));
            Assert.That(badAxis.Problem, Is.EqualTo(PlateProblem.NotFits));
            Assert.That(badAxis.Reason, Does.Contain("NAXIS1"));
        });
    }

    [Test]
    public void HtmlAndTinyOrCubicImagesAreRefused()
    {
        var html = PlateValidator.Check(Encoding.ASCII.GetBytes("<html><head><title>DSS error</title></head></html>"), "answer");
        var writer = new FitsWriter();
        writer.AddImage(new short[8 * 8], [8, 8]);
        var tiny = PlateValidator.Check(writer.ToBytes(), "stamp");
        var cubeWriter = new FitsWriter();
        cubeWriter.AddImage(new short[20 * 20 * 2], [20, 20, 2]);
        var cube = PlateValidator.Check(cubeWriter.ToBytes(), "cube");

        Assert.Multiple(() =>
        {
            Assert.That(html.Problem, Is.EqualTo(PlateProblem.NotFits));
            Assert.That(tiny.Problem, Is.EqualTo(PlateProblem.NotAnImage));
            Assert.That(tiny.Reason, Does.Contain("8 x 8 px"));
            Assert.That(cube.Problem, Is.EqualTo(PlateProblem.NotAnImage));
            Assert.That(cube.Reason, Does.Contain("NAXIS = 3"));
        });
    }

    [Test]
    public void CheckFileReadsOnlyTheHeaderAndTheLength()
    {
        var dir = Path.Combine(Path.GetTempPath(), "vasco-tests", "validator-" + Guid.NewGuid().ToString("N")[..8]);
        Directory.CreateDirectory(dir);
        try
        {
            var gz = Path.Combine(dir, "m67.fits.gz");
            File.WriteAllBytes(gz, M67Plate.Gzip(M67Plate.Bytes));
            var cut = Path.Combine(dir, "cut.fits");
            File.WriteAllBytes(cut, M67Plate.Bytes[..(2880 * 10)]);

            Assert.Multiple(() =>
            {
                Assert.That(PlateValidator.CheckFile(M67Plate.PathOnDisk).IsPlate, Is.True);
                Assert.That(PlateValidator.CheckFile(gz).Plate?.Region, Is.EqualTo("XE486"));
                Assert.That(PlateValidator.CheckFile(cut).Problem, Is.EqualTo(PlateProblem.Truncated));
            });
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    [TestCase("29/11/51", "12:07:00.00", "1951-11-29T12:07:00")]
    [TestCase("1951-11-29", "12:07:00", "1951-11-29T12:07:00")]
    [TestCase("1951-11-29T03:00:00", "12:07:00", "1951-11-29T03:00:00")]
    [TestCase("01/02/49", null, "1949-02-01T00:00:00")]
    public void ParsesOldAndIsoDates(string dateObs, string? ut, string expected)
    {
        Assert.That(PlateValidator.TryParseDate(dateObs, ut, out var date), Is.True);
        Assert.That(date.ToString("yyyy-MM-ddTHH:mm:ss"), Is.EqualTo(expected));
    }

    [TestCase("31/02/51")]
    [TestCase("1951/11/29")]
    [TestCase("yesterday")]
    public void RefusesDatesItCannotRead(string dateObs) =>
        Assert.That(PlateValidator.TryParseDate(dateObs, null, out _), Is.False);
}
