using System.Buffers.Binary;
using System.Diagnostics;
using System.Text;
using NUnit.Framework;
using Vasco.Fits;
using Vasco.Pipeline;
using Vasco.Preprocess;
using Vasco.Sky;
using Vasco.Tests.Fits;
using Vasco.Tests.Sky;
using Vasco.Tests.Support;

namespace Vasco.Tests.Preprocess;

/// <summary>Step 2 on the real M67 plate (run once for the fixture), and on small synthetic plates.</summary>
public class PlatePreprocessorTests
{
    private const int Size = 1059;

    private string _folder = "";
    private string _clean = "";
    private string _mask = "";
    private PreprocessResult _result = null!;
    private IReadOnlyList<BrightStar> _tycho2 = [];

    [OneTimeSetUp]
    public void PreprocessTheM67Plate()
    {
        _folder = Path.Combine(Path.GetTempPath(), $"vasco-preprocess-{Guid.NewGuid():N}");
        Directory.CreateDirectory(_folder);
        _clean = Path.Combine(_folder, "clean.fits");
        _mask = Path.Combine(_folder, "mask.fits");
        _tycho2 = BrightStarCatalog.Read(BrightStarCatalogTests.M67Tycho2Path, BrightStarColumns.Tycho2).Stars;

        var clock = Stopwatch.StartNew();
        _result = PlatePreprocessor.Run(FitsImageTests.M67Path, _tycho2, _clean, _mask, new PreprocessOptions());

        TestContext.Progress.WriteLine($"M67 preprocess: {clock.ElapsedMilliseconds} ms; {_result}; masked fraction {_result.MaskedFraction:P2}");
    }

    [OneTimeTearDown]
    public void RemoveTheOutputs() => Directory.Delete(_folder, recursive: true);

    private static IWcs DssWcs() => DssPlateWcs.FromHeader(FitsFile.Read(FitsImageTests.M67Path).Primary.Header);

    [Test]
    public void TheResultDescribesThePlate()
    {
        Assert.That(_result.Width, Is.EqualTo(Size));
        Assert.That(_result.Height, Is.EqualTo(Size));
        Assert.That(_result.Epoch.Year, Is.EqualTo(1951.91).Within(0.001));
        Assert.That(_result.Epoch.Keyword, Is.EqualTo("DATE-OBS"));
        Assert.That(_result.FitResidualArcsec, Is.LessThan(0.05));
        Assert.That(_result.PlateId, Is.EqualTo("07HH"));
        Assert.That(_result.Region, Is.EqualTo("XE486"));
        Assert.That(_result.RepairedPixels, Is.Zero);
        Assert.That(_result.RepairedWarning, Is.Null);
        // 49 Tycho-2 stars fall in the cutout; all are brighter than V = 13.
        Assert.That(_result.StarsInImage, Is.EqualTo(49));
        Assert.That(_result.StarsMasked, Is.GreaterThanOrEqualTo(49));
        Assert.That(_result.StarsConsidered, Is.EqualTo(_tycho2.Count(s => s.Mag < 13)));
        Assert.That(_result.MaskedFraction, Is.GreaterThan(0.005).And.LessThan(0.1));
    }

    [Test]
    public void TheCleanWcsAgreesWithTheDssPlateSolution()
    {
        var clean = FitsFile.Read(_clean).Primary.Header;
        var tpv = WcsFactory.FromHeader(clean);
        var dss = DssWcs();

        var worst = AstropyWcs.Grid(Size, Size, 25).Max(p =>
        {
            var (ra1, dec1) = tpv.PixelToSky(p.X, p.Y);
            var (ra2, dec2) = dss.PixelToSky(p.X, p.Y);
            return Angles.SeparationDeg(ra1, dec1, ra2, dec2) * 3600;
        });

        TestContext.Out.WriteLine($"TPV vs DSS over a 25x25 grid: {worst:E2}\"");
        Assert.That(tpv, Is.InstanceOf<TanWcs>().With.Property(nameof(TanWcs.IsTpv)).True);
        Assert.That(worst, Is.LessThan(0.01));
    }

    [Test]
    [Category(AstropyData.WritesInputs)]
    public void AstropyReadsTheCleanWcsAsTheDssPlateSolution()
    {
        // astropy read the clean image's header as this step wrote it when the data were made; it is compared value
        // for value (its TPV terms come from a least-squares fit), and astropy's positions over a 5 x 5 grid with our DSS reading.
        const string file = "written-by-vasco/m67_clean.hdr";
        AstropyData.AssertSameAsCommittedHeader(file, FitsFile.Read(_clean).Primary.Header);
        AstropyData.StopIfWritingInputs();
        var astropy = AstropyWcs.Load("m67_clean_wcs.json");
        Assert.That(astropy.Header, Is.EqualTo(AstropyData.RepoRelative(file)));
        Assert.That(astropy.Pixels, Is.EqualTo(AstropyWcs.Grid(Size, Size, 5)));

        var error = astropy.MaxSkyErrorArcsec(DssWcs());

        TestContext.Out.WriteLine($"astropy on the clean image vs our DSS reading: {error:E2}\"");
        Assert.That(error, Is.LessThan(0.05));
    }

    [Test]
    public void TheHeaderHasOnlyTheNewSolutionAndKeepsThePlateMetadata()
    {
        var header = FitsFile.Read(_clean).Primary.Header;

        foreach (var gone in new[] { "PLTRAH", "PLTDECSN", "PLTSCALE", "PPO3", "AMDX1", "AMDY13", "CNPIX1", "XPIXELSZ", "YPIXELSZ", "MJD-OBS", "GAIN", "SATURATE", "BSCALE", "BZERO" })
            Assert.That(header.Contains(gone), Is.False, gone);
        foreach (var kept in new[] { "PLATEID", "REGION", "PLTLABEL", "DATE-OBS", "UT", "EXPOSURE", "TELESCOP", "EPOCH", "OBJCTRA" })
            Assert.That(header.Contains(kept), Is.True, kept);
        Assert.That(header.GetString("CTYPE1"), Is.EqualTo("RA---TPV"));
        Assert.That(header.GetDouble("EPOCHPLT"), Is.EqualTo(_result.Epoch.Year).Within(1e-6));
        Assert.That(header.Cards.Where(c => c.Keyword == "HISTORY").Select(c => c.Comment), Has.Some.Contains("TAN-TPV"));
    }

    [Test]
    public void PixelValuesAreThePlatesPhysicalValues()
    {
        // Raw 16-bit values straight from the file's bytes, so the check does not rest on our FITS reader.
        var bytes = File.ReadAllBytes(FitsImageTests.M67Path);
        var end = Enumerable.Range(0, bytes.Length / 80).First(card => Encoding.ASCII.GetString(bytes, card * 80, 80).TrimEnd() == "END");
        var dataStart = ((end + 1) * 80 + 2879) / 2880 * 2880;
        var header = FitsFile.Read(FitsImageTests.M67Path).Primary.Header;
        var bscale = header.TryGetDouble("BSCALE", out var s) ? s : 1.0;
        var bzero = header.TryGetDouble("BZERO", out var z) ? z : 0.0;
        var clean = FitsFile.Read(_clean).Primary;
        var values = clean.ReadFloats();

        Assert.That(clean.Bitpix, Is.EqualTo(-32));
        foreach (var (x, y) in new[] { (1, 1), (Size, 1), (1, Size), (530, 530), (278, 705), (1000, 37) })
        {
            var i = (y - 1) * Size + x - 1;
            var raw = BinaryPrimitives.ReadInt16BigEndian(bytes.AsSpan(dataStart + 2 * i));
            Assert.That(values[i], Is.EqualTo(bscale * raw + bzero), $"({x}, {y})");
        }
        Assert.That(values, Is.EqualTo(FitsFile.Read(FitsImageTests.M67Path).Primary.ReadFloats()), "every pixel");
    }

    [Test]
    public void TheMaskCoversTheBrightestStarsAndNotTheEmptySky()
    {
        var mask = FitsFile.Read(_mask).Primary;
        var flags = mask.ReadDoubles();
        var wcs = WcsFactory.FromHeader(mask.Header);
        var options = new MaskOptions();
        var scale = 1.70;
        var stars = _tycho2.Where(s => s.Mag < options.MaskMagLimit).Select(s => s.PropagatedTo(_result.Epoch.Year))
            .Select(s => (Star: s, Pixel: wcs.SkyToPixel(s.Ra, s.Dec))).ToList();
        double Flag(double x, double y) => flags[((int)Math.Round(y) - 1) * Size + (int)Math.Round(x) - 1];

        var brightestInside = stars.Where(s => s.Pixel.X is >= 0.5 and <= Size + 0.5 && s.Pixel.Y is >= 0.5 and <= Size + 0.5)
            .OrderBy(s => s.Star.Mag).Take(5).ToList();
        Assert.That(brightestInside, Has.Count.EqualTo(5));
        Assert.That(brightestInside[0].Star.Mag, Is.EqualTo(7.977).Within(0.001), "TYC 814-795-1");
        foreach (var (star, (x, y)) in brightestInside)
        {
            Assert.That(Flag(x, y), Is.EqualTo(BrightStarMask.BrightStarFlag), $"V = {star.Mag} at ({x:F1}, {y:F1})");
            // And a point inside its disc but off its centre, along the diagonal (off the spikes).
            var offset = 0.6 * options.RadiusArcsec(star.Mag) / scale / Math.Sqrt(2);
            if (x + offset <= Size && y + offset <= Size)
                Assert.That(Flag(x + offset, y + offset), Is.EqualTo(BrightStarMask.BrightStarFlag));
        }

        // A pixel that no star's disc or spikes reach.
        var empty = AstropyWcs.Grid(Size - 1, Size - 1, 30).Select(p => (X: Math.Round(p.X + 0.5), Y: Math.Round(p.Y + 0.5)))
            .First(p => stars.All(s => Math.Sqrt(Math.Pow(s.Pixel.X - p.X, 2) + Math.Pow(s.Pixel.Y - p.Y, 2)) > options.ReachArcsec(s.Star.Mag) / scale + 2));
        Assert.That(Flag(empty.X, empty.Y), Is.Zero, $"({empty.X}, {empty.Y})");
        Assert.That(flags.Count(f => f != 0), Is.EqualTo(_result.MaskedPixels));
    }

    [Test]
    public void TheOutputsPassFitsverify()
    {
        AssertFitsverifyFindsNothingNew(_clean);
        AssertFitsverifyFindsNothingNew(_mask);
    }

    /// <summary>
    /// No errors, and no warnings beyond the two the archive's own header earns (the deprecated EPOCH keyword and
    /// the two-digit year of DATE): the plate metadata is kept as it came.
    /// </summary>
    private static void AssertFitsverifyFindsNothingNew(string path)
    {
        var report = ExternalTools.FitsVerify(path);
        Assert.That(report, Does.Contain(" and 0 error(s)"), report);
        var warnings = report.Split('\n').Where(line => line.Contains("*** Warning", StringComparison.Ordinal));
        Assert.That(warnings, Is.All.Contains("EPOCH is deprecated").Or.Contains("DATE 03/03/08"), report);
    }

    [Test]
    public void TheMaskIsAnIntegerImageWithTheCleanImagesWcs()
    {
        var mask = FitsFile.Read(_mask).Primary;
        var clean = FitsFile.Read(_clean).Primary;

        Assert.That(mask.Bitpix, Is.EqualTo(16));
        Assert.That(mask.Axes, Is.EqualTo(clean.Axes));
        foreach (var card in clean.Header.Cards.Where(c => c.Keyword.StartsWith("CD") || c.Keyword.StartsWith("PV") || c.Keyword.StartsWith("CR")))
            Assert.That(mask.Header.GetDouble(card.Keyword), Is.EqualTo((double)card.Value!), card.Keyword);
    }

    [Test]
    public void AWorseFitThanAllowedIsAUserError()
    {
        // Plain TAN misses the plate's distortion by 0.04" at the corners of this 30' cutout.
        var options = new PreprocessOptions { TpvOrder = 1, MaxFitResidualArcsec = 0.01 };

        var error = Assert.Throws<VascoException>(() =>
            PlatePreprocessor.Run(FitsImageTests.M67Path, _tycho2, Path.Combine(_folder, "c2.fits"), Path.Combine(_folder, "m2.fits"), options))!;

        TestContext.Out.WriteLine(error.Cause);
        Assert.That(error.Code, Is.EqualTo(ErrorCodes.PlateWcsFitPoor));
        Assert.That(error.File, Is.EqualTo(FitsImageTests.M67Path));
        Assert.That(File.Exists(Path.Combine(_folder, "c2.fits")), Is.False, "nothing is written for a failed plate");
    }

    [Test]
    public void NonFinitePixelsAreFilledFromTheirNeighboursAndFlagged()
    {
        const int size = 40;
        var wcs = BrightStarMaskTests.Wcs(size);
        var pixels = Enumerable.Range(0, size * size).Select(i => (float)(100 + i % 7)).ToArray();
        // One lone NaN at (10, 10), an infinity at the corner (1, 1), and a 3x3 hole of NaNs around (30, 30).
        pixels[9 * size + 9] = float.NaN;
        pixels[0] = float.PositiveInfinity;
        for (var y = 29; y <= 31; y++)
            for (var x = 29; x <= 31; x++)
                pixels[(y - 1) * size + x - 1] = float.NaN;
        var header = new FitsHeader(wcs.ToHeaderCards());
        header.Set("DATE-OBS", "1955-01-01");
        var plate = Path.Combine(_folder, "nan.fits");
        var writer = new FitsWriter();
        writer.AddImage(pixels, [size, size], header);
        writer.WriteTo(plate);
        var (clean, mask) = (Path.Combine(_folder, "nan-clean.fits"), Path.Combine(_folder, "nan-mask.fits"));

        var result = PlatePreprocessor.Run(plate, [], clean, mask, new PreprocessOptions());

        var values = FitsFile.Read(clean).Primary.ReadFloats();
        var flags = FitsFile.Read(mask).Primary.ReadDoubles();
        float At(float[] image, int x, int y) => image[(y - 1) * size + x - 1];
        Assert.That(result.RepairedPixels, Is.EqualTo(11));
        // 11 of 1600 pixels is above the 0.1% at which the user is warned.
        Assert.That(result.RepairedWarning, Does.StartWith("11 non-finite pixel(s) (0.688% of the plate, more than 0.1%) were filled in"));
        Assert.That(values.All(float.IsFinite), Is.True);
        // Neighbours of (10, 10): columns 9 and 11 over three rows and column 10 above and below; values 100 + index % 7.
        var expected = new[] { 8, 9, 10 }.SelectMany(y => new[] { 8, 9, 10 }.Select(x => y * size + x))
            .Where(i => i != 9 * size + 9).Select(i => (float)(100 + i % 7)).OrderBy(v => v).ToArray();
        Assert.That(At(values, 10, 10), Is.EqualTo((expected[3] + expected[4]) / 2));
        Assert.That(At(values, 30, 30), Is.InRange(100f, 106f));
        Assert.That(flags.Count(f => f == BrightStarMask.RepairedPixelFlag), Is.EqualTo(11));
        Assert.That(flags[9 * size + 9], Is.EqualTo(BrightStarMask.RepairedPixelFlag));
        Assert.That(At(values, 5, 5), Is.EqualTo(pixels[4 * size + 4]), "finite pixels are untouched");
        Assert.That(result.MaskedPixels, Is.Zero);
        ExternalTools.AssertFitsVerifyClean(clean);
    }

    [TestCase(0.0, 3)]
    [TestCase(0.05, 8)]
    public void ImpossibleFitOptionsAreAParameterError(double maxResidual, int order)
    {
        var options = new PreprocessOptions { MaxFitResidualArcsec = maxResidual, TpvOrder = order };

        var error = Assert.Throws<VascoException>(() =>
            PlatePreprocessor.Run(FitsImageTests.M67Path, [], Path.Combine(_folder, "c5.fits"), Path.Combine(_folder, "m5.fits"), options))!;

        Assert.That(error.Code, Is.EqualTo(ErrorCodes.ParameterInvalid));
    }

    [Test]
    public void APlateWithoutWcsIsAUserError()
    {
        var plate = Path.Combine(_folder, "nowcs.fits");
        var header = new FitsHeader();
        header.Set("DATE-OBS", "1955-01-01");
        var writer = new FitsWriter();
        writer.AddImage(new float[256], [16, 16], header);
        writer.WriteTo(plate);

        var error = Assert.Throws<VascoException>(() =>
            PlatePreprocessor.Run(plate, [], Path.Combine(_folder, "c3.fits"), Path.Combine(_folder, "m3.fits"), new PreprocessOptions()))!;

        Assert.That(error.Code, Is.EqualTo(ErrorCodes.PlateWcsMissing));
        Assert.That(error.File, Is.EqualTo(plate));
    }

    [Test]
    public void AFileThatIsNotFitsIsAUserError()
    {
        var plate = Path.Combine(_folder, "error-page.fits");
        File.WriteAllText(plate, "<html><body>Service unavailable</body></html>");

        var error = Assert.Throws<VascoException>(() =>
            PlatePreprocessor.Run(plate, [], Path.Combine(_folder, "c4.fits"), Path.Combine(_folder, "m4.fits"), new PreprocessOptions()))!;

        Assert.That(error.Code, Is.EqualTo(ErrorCodes.PlateUnreadable));
    }
}
