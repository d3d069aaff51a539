using System.Globalization;
using System.IO.Compression;
using NUnit.Framework;
using Vasco.Fits;
using Vasco.Tests.Support;

namespace Vasco.Tests.Fits;

public class FitsImageTests
{
    internal static readonly string M67Path = Path.Combine(TestContext.CurrentContext.TestDirectory,
        "..", "..", "..", "..", "..", "runs", "m67", "input", "dss1-red_M67_XE486.fits");

    private static readonly int[] Axes3D = [7, 5, 3];

    /// <summary>Physical values each BITPIX/BSCALE/BZERO combination can hold exactly.</summary>
    private static double[] SampleValues(int bitpix, double bscale, double bzero)
    {
        var (min, max) = bitpix switch
        {
            8 => (0.0, 255.0),
            16 => (-32768.0, 32767.0),
            32 => (-2147483648.0, 2147483647.0),
            64 => (-9007199254740992.0, 9007199254740992.0), // exact in double
            _ => (-1e6, 1e6),
        };
        var values = new double[7 * 5 * 3];
        for (var i = 0; i < values.Length; i++)
        {
            var stored = i == 0 ? min : i == 1 ? max : bitpix < 0 ? (i - 50) * 0.37 : Math.Round(min + (max - min) * i / values.Length);
            if (bitpix == -32)
                stored = (float)stored;
            values[i] = stored * bscale + bzero;
        }
        return values;
    }

    private static readonly object[] ImageCases =
    [
        new object[] { 8, 1.0, 0.0 },
        new object[] { 8, 0.5, -10.0 },
        new object[] { 16, 1.0, 0.0 },
        new object[] { 16, 1.0, 32768.0 },
        new object[] { 16, 2.0, 100.0 },
        new object[] { 32, 1.0, 0.0 },
        new object[] { 32, 0.25, 2147483648.0 },
        new object[] { 64, 1.0, 0.0 },
        new object[] { 64, 4.0, -3.0 },
        new object[] { -32, 1.0, 0.0 },
        new object[] { -32, 2.0, 1.0 },
        new object[] { -64, 1.0, 0.0 },
        new object[] { -64, 0.5, 7.0 },
    ];

    [TestCaseSource(nameof(ImageCases))]
    public void EveryBitpixRoundTripsWithScaling(int bitpix, double bscale, double bzero)
    {
        var values = SampleValues(bitpix, bscale, bzero);
        var writer = new FitsWriter();
        writer.AddImage(values, Axes3D, bitpix, bscale, bzero);

        var image = FitsFile.Read(writer.ToBytes()).Primary;

        Assert.That(image.Bitpix, Is.EqualTo(bitpix));
        Assert.That(image.Axes, Is.EqualTo(Axes3D));
        Assert.That(image.PixelCount, Is.EqualTo(values.Length));
        Assert.That(image.BScale, Is.EqualTo(bscale));
        Assert.That(image.BZero, Is.EqualTo(bzero));
        Assert.That(image.ReadDoubles(), Is.EqualTo(values));
        Assert.That(image.ReadFloats(), Is.EqualTo(values.Select(v => (float)v).ToArray()));
    }

    private static string RoundTripFile(int bitpix, double bscale, double bzero) =>
        string.Create(CultureInfo.InvariantCulture, $"written-by-vasco/image_bitpix{bitpix}_bscale{bscale:R}_bzero{bzero:R}.fits");

    /// <summary>
    /// astropy read each of these files, as our writer writes them, when the data were made (fits_roundtrip_images.json):
    /// our writer must still write them byte for byte, and what astropy read must be the values written.
    /// </summary>
    [Test]
    [Category(AstropyData.WritesInputs)]
    public void WrittenImagesPassFitsverifyAndAstropyReadsThemIdentically()
    {
        var files = new List<(string File, int Bitpix, double BScale, double BZero, double[] Values)>();
        foreach (object[] c in ImageCases)
        {
            var (bitpix, bscale, bzero) = ((int)c[0], (double)c[1], (double)c[2]);
            var values = SampleValues(bitpix, bscale, bzero);
            var header = new FitsHeader();
            header.Set("OBJECT", "round trip");
            header.AddHistory("written by Vasco tests");
            var writer = new FitsWriter();
            writer.AddImage(values, Axes3D, bitpix, bscale, bzero, header);
            var path = ExternalTools.TempPath(".fits");
            try
            {
                writer.WriteTo(path);
                ExternalTools.AssertFitsVerifyClean(path);
                var file = RoundTripFile(bitpix, bscale, bzero);
                AstropyData.AssertSameAsCommittedInput(file, File.ReadAllBytes(path));
                files.Add((file, bitpix, bscale, bzero, values));
            }
            finally
            {
                File.Delete(path);
            }
        }
        AstropyData.StopIfWritingInputs();

        // Stored values as astropy read them, scaled in float64 (astropy itself scales BITPIX -32 in float32,
        // which would blur the comparison); the JSON holds repr() of each float64, which round-trips exactly.
        var images = AstropyData.Json("fits_roundtrip_images.json").GetProperty("images");
        Assert.That(images.EnumerateObject().Select(p => p.Name), Is.EquivalentTo(files.Select(f => AstropyData.RepoRelative(f.File))));
        foreach (var (file, bitpix, bscale, bzero, values) in files)
        {
            var astropy = images.GetProperty(AstropyData.RepoRelative(file));
            AstropyData.AssertInputUnchanged(AstropyData.RepoRelative(file), astropy.GetProperty("sha256").GetString()!);
            Assert.That(astropy.GetProperty("bitpix").GetInt32(), Is.EqualTo(bitpix), file);
            Assert.That(astropy.GetProperty("bscale").GetDouble(), Is.EqualTo(bscale), file);
            Assert.That(astropy.GetProperty("bzero").GetDouble(), Is.EqualTo(bzero), file);
            Assert.That(astropy.GetProperty("shape").EnumerateArray().Select(n => n.GetInt32()), Is.EqualTo(Enumerable.Reverse(Axes3D)), file);
            Assert.That(astropy.GetProperty("object").GetString(), Is.EqualTo("round trip"), file);
            Assert.That(AstropyData.Doubles(astropy.GetProperty("values")), Is.EqualTo(values), file);
        }
    }

    [Test]
    public void FloatAndShortArraysAreWrittenAsIs()
    {
        float[] floats = [1.5f, -2.25f, float.NaN, 3e30f, 0f, 1f];
        short[] shorts = [short.MinValue, -1, 0, 1, 1000, short.MaxValue];
        var writer = new FitsWriter();
        writer.AddImage(floats, [3, 2]);
        var extensionHeader = new FitsHeader();
        extensionHeader.Set("EXTNAME", "COUNTS");
        writer.AddImage(shorts, [6], extensionHeader);

        var file = FitsFile.Read(writer.ToBytes());
        var path = ExternalTools.TempPath(".fits");
        try
        {
            writer.WriteTo(path);
            ExternalTools.AssertFitsVerifyClean(path);
        }
        finally
        {
            File.Delete(path);
        }

        Assert.That(file.Hdus, Has.Count.EqualTo(2));
        Assert.That(file.Primary.Bitpix, Is.EqualTo(-32));
        Assert.That(file.Primary.ReadFloats(), Is.EqualTo(floats));
        Assert.That(file.GetImage(1).Bitpix, Is.EqualTo(16));
        Assert.That(file.GetImage(1).ExtensionType, Is.EqualTo("IMAGE"));
        Assert.That(file.GetImage(1).ExtensionName, Is.EqualTo("COUNTS"));
        Assert.That(file[1].Index, Is.EqualTo(1));
        Assert.That(file.GetImage(1).ReadDoubles(), Is.EqualTo(shorts.Select(s => (double)s)));
        Assert.That(() => file.GetTable(1), Throws.TypeOf<FitsFormatException>().With.Message.Contains("not a BINTABLE"));
    }

    [Test]
    public void UnsignedSixteenBitUsesBzero()
    {
        double[] values = [0, 1, 32767, 32768, 65535];
        var writer = new FitsWriter();
        writer.AddImage(values, [5], 16, 1, 32768);

        var image = FitsFile.Read(writer.ToBytes()).Primary;

        Assert.That(image.Header.GetDouble("BZERO"), Is.EqualTo(32768));
        Assert.That(image.ReadDoubles(), Is.EqualTo(values));
    }

    [Test]
    public void BlankPixelsOfIntegerImagesReadAsNaN()
    {
        var header = new FitsHeader();
        header.Set("BLANK", -32768L);
        var writer = new FitsWriter();
        writer.AddImage(new short[] { 5, -32768, 7 }, [3], header);
        var bytes = writer.ToBytes();
        Assert.That(FitsFile.Read(bytes).Primary.Blank, Is.Null, "the writer drops BLANK along with the other structural keywords");

        // Put BLANK back by replacing the one header block.
        var withBlank = FitsFile.Read(bytes).Primary.Header.Clone();
        withBlank.Set("BLANK", -32768L);
        var image = FitsFile.Read([.. withBlank.ToBytes(), .. bytes.Skip(FitsHeader.BlockSize)]).Primary;

        Assert.That(image.Blank, Is.EqualTo(-32768));
        Assert.That(image.ReadDoubles(), Is.EqualTo(new[] { 5.0, double.NaN, 7.0 }));
    }

    [Test]
    public void ValuesOutsideTheIntegerRangeAreRejected()
    {
        var writer = new FitsWriter();
        Assert.That(() => writer.AddImage([256.0], [1], 8), Throws.TypeOf<ArgumentOutOfRangeException>());
        Assert.That(() => writer.AddImage([double.NaN], [1], 16), Throws.TypeOf<ArgumentOutOfRangeException>());
        Assert.That(() => writer.AddImage([9.3e18], [1], 64), Throws.TypeOf<ArgumentOutOfRangeException>());
        Assert.That(() => writer.AddImage([1.0], [1], 12), Throws.TypeOf<ArgumentOutOfRangeException>());
        Assert.That(() => writer.AddImage([1.0], [2], 16), Throws.ArgumentException);
        Assert.That(() => writer.AddImage([1.0], [1], 16, bscale: 0), Throws.ArgumentException);
    }

    [Test]
    public void HeaderCardsArePassedThroughAndStructuralOnesRegenerated()
    {
        var source = FitsFile.Read(M67Path).Primary.Header;
        var header = source.Clone();
        header.Set("LONGTXT", new string('a', 200));
        var writer = new FitsWriter();
        writer.AddImage(new float[6], [3, 2], header);

        var path = ExternalTools.TempPath(".fits");
        try
        {
            writer.WriteTo(path);
            var reread = FitsFile.Read(path).Primary;

            Assert.That(reread.Bitpix, Is.EqualTo(-32));
            Assert.That(reread.Axes, Is.EqualTo(new[] { 3, 2 }));
            Assert.That(reread.Header.GetString("LONGTXT"), Is.EqualTo(new string('a', 200)));
            Assert.That(reread.Header.GetDouble("AMDX12"), Is.EqualTo(2.058013e-06));
            var commentary = reread.Header.Cards.Where(c => c.IsCommentary).Select(c => c.Comment);
            Assert.That(commentary, Is.EqualTo(source.Cards.Where(c => c.IsCommentary).Select(c => c.Comment)));
            // The DSS header's own old-style DATE and EPOCH are its only complaints.
            var report = ExternalTools.FitsVerify(path);
            Assert.That(report, Does.Contain("2 warning(s) and 0 error(s)"), report);
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Test]
    public void ReadsTheRealM67PlateLikeAstropy()
    {
        var image = FitsFile.Read(M67Path).Primary;
        (int X, int Y)[] positions = [(1, 1), (1059, 1), (1, 1059), (1059, 1059), (530, 530), (123, 987), (800, 222)];

        // astropy's fits.getdata of the committed plate: pixel (x, y) 1-based is data[y-1, x-1], and the float64 sum.
        var astropy = AstropyData.Json("m67_pixels.json");
        AstropyData.AssertInputUnchanged(astropy.GetProperty("file").GetString()!, astropy.GetProperty("sha256").GetString()!);
        Assert.That(AstropyData.Pairs(astropy.GetProperty("positions")), Is.EqualTo(positions.Select(p => ((double)p.X, (double)p.Y))));
        var expected = AstropyData.Doubles(astropy.GetProperty("values"));
        var pixels = image.ReadDoubles();

        Assert.That(image.Bitpix, Is.EqualTo(16));
        Assert.That(image.Axes, Is.EqualTo(new[] { 1059, 1059 }));
        Assert.That(image.Header.GetString("PLTLABEL"), Is.EqualTo("E438"));
        Assert.That(image.Header.GetInt("CNPIX1"), Is.EqualTo(8734));
        Assert.That(expected, Has.Length.EqualTo(positions.Length));
        for (var i = 0; i < positions.Length; i++)
            Assert.That(pixels[(positions[i].Y - 1) * 1059 + positions[i].X - 1], Is.EqualTo(expected[i]), $"pixel {positions[i]}");
        Assert.That(pixels.Sum(), Is.EqualTo(astropy.GetProperty("sum").GetDouble()));
        Assert.That(pixels.Min(), Is.EqualTo(image.Header.GetDouble("DATAMIN")));
        Assert.That(pixels.Max(), Is.EqualTo(image.Header.GetDouble("DATAMAX")));
    }

    [Test]
    public void GzipInputIsReadTransparently()
    {
        var plain = File.ReadAllBytes(M67Path);
        using var compressed = new MemoryStream();
        using (var gzip = new GZipStream(compressed, CompressionLevel.Fastest, leaveOpen: true))
            gzip.Write(plain);
        var path = ExternalTools.TempPath(".fits.gz");
        try
        {
            File.WriteAllBytes(path, compressed.ToArray());

            var fromGzip = FitsFile.Read(path).Primary.ReadFloats();

            Assert.That(fromGzip, Is.EqualTo(FitsFile.Read(plain).Primary.ReadFloats()));
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Test]
    public void AnEmptyPrimaryHasNoPixels()
    {
        var writer = new FitsWriter();
        writer.AddImage(Array.Empty<float>(), []);

        var bytes = writer.ToBytes();
        var image = FitsFile.Read(bytes).Primary;

        Assert.That(bytes.Length, Is.EqualTo(2880));
        Assert.That(image.Axes, Is.Empty);
        Assert.That(image.PixelCount, Is.EqualTo(0));
        Assert.That(image.ReadDoubles(), Is.Empty);
        Assert.That(image.ExtensionType, Is.Null);
        Assert.That(image.ExtensionName, Is.Null);
        Assert.That(new FitsWriter().ToBytes().Length, Is.EqualTo(2880), "a file with nothing added still has a primary HDU");
    }
}
