using System.Text;
using NUnit.Framework;
using Vasco.Fits;
using Vasco.Sky;
using Vasco.Tests.Fits;
using Vasco.Tests.Support;

namespace Vasco.Tests.Sky;

public class TanWcsTests
{
    private const int Size = 1024;

    private static void Put(FitsHeader header, string keyword, object value)
    {
        switch (value)
        {
            case string text: header.Set(keyword, text); break;
            case double number: header.Set(keyword, number); break;
            default: throw new ArgumentException($"unexpected {value.GetType()}");
        }
    }

    /// <summary>A TAN or TPV header with the given keywords on top of a reference point near M67.</summary>
    private static FitsHeader Header(string projection, params (string Keyword, object Value)[] cards)
    {
        var header = new FitsHeader();
        (string, object)[] reference =
        [
            ("CTYPE1", $"RA---{projection}"), ("CTYPE2", $"DEC--{projection}"),
            ("CRPIX1", 512.3), ("CRPIX2", 498.7), ("CRVAL1", 132.825), ("CRVAL2", 11.8), ("RADESYS", "ICRS"),
        ];
        foreach (var (keyword, value) in reference.Concat(cards))
            Put(header, keyword, value);
        return header;
    }

    private static readonly (string, object)[] CdMatrix = [("CD1_1", -4.7e-4), ("CD1_2", 1.2e-5), ("CD2_1", 1.1e-5), ("CD2_2", 4.71e-4)];

    // The three header styles of the linear part; the PC case sits near the pole, the CROTA2 case in the south.
    private static readonly object[] LinearCases =
    [
        new object[] { "CD", CdMatrix },
        new object[] { "PC+CDELT", new (string, object)[] { ("CDELT1", -5e-4), ("CDELT2", 5e-4), ("PC1_1", 0.99), ("PC1_2", 0.05), ("PC2_1", -0.04), ("PC2_2", 1.01), ("CRVAL2", 80.0) } },
        new object[] { "CDELT+CROTA2", new (string, object)[] { ("CDELT1", -4.7e-4), ("CDELT2", 4.7e-4), ("CROTA2", 30.0), ("CRVAL2", -45.0) } },
    ];

    /// <summary>Strong distortion (tens of arcsec at the edges) using terms of every kind, including the r terms.</summary>
    private static FitsHeader TpvHeader() => Header("TPV",
    [
        .. CdMatrix,
        ("PV1_0", 1e-5), ("PV1_1", 1.0), ("PV1_2", 0.002), ("PV1_3", 1e-3), ("PV1_4", 0.02), ("PV1_5", -0.01), ("PV1_7", 0.5),
        ("PV1_9", 0.2), ("PV1_11", 0.3), ("PV1_12", 0.1), ("PV1_17", 0.05),
        ("PV2_0", -2e-5), ("PV2_1", 1.0), ("PV2_2", -0.001), ("PV2_6", 0.01), ("PV2_8", -0.3), ("PV2_10", 0.1), ("PV2_11", -0.2),
        ("PV2_16", 0.05), ("PV2_23", 0.02),
    ]);

    /// <summary>
    /// astropy's reading of <paramref name="header"/> as our FITS code writes it: the committed
    /// written-by-vasco/<paramref name="file"/> must be that text byte for byte, and the expectation (a 15 x 15 grid) was made from it.
    /// </summary>
    private static AstropyWcs AstropyOn(FitsHeader header, string file, string json, string? testCase = null)
    {
        AstropyData.AssertSameAsCommittedInput("written-by-vasco/" + file, Encoding.ASCII.GetBytes(AstropyData.HeaderText(header)));
        AstropyData.StopIfWritingInputs();
        return Expectation(file, json, testCase);
    }

    private static AstropyWcs Expectation(string file, string json, string? testCase = null)
    {
        var root = AstropyData.Json(json);
        var astropy = AstropyWcs.From(testCase == null ? root : root.GetProperty("cases").GetProperty(testCase));
        Assert.That(astropy.Header, Is.EqualTo(AstropyData.RepoRelative("written-by-vasco/" + file)));
        Assert.That(astropy.Pixels, Is.EqualTo(AstropyWcs.Grid(Size, Size, 15)));
        return astropy;
    }

    [Category(AstropyData.WritesInputs)]
    [TestCaseSource(nameof(LinearCases))]
    public void TanMatchesAstropyBothWays(string style, (string, object)[] linear)
    {
        var header = Header("TAN", linear);
        var wcs = TanWcs.FromHeader(header);
        var astropy = AstropyOn(header, "tan_" + style.ToLowerInvariant().Replace('+', '_') + ".hdr", "tan_wcs.json", style);

        var (sky, pixel) = (astropy.MaxSkyErrorArcsec(wcs), astropy.MaxPixelError(wcs));

        TestContext.Out.WriteLine($"TAN ({style}) max error vs astropy: {sky:E2} arcsec, {pixel:E2} px");
        Assert.That(wcs.IsTpv, Is.False);
        Assert.That(sky, Is.LessThan(1e-6));
        Assert.That(pixel, Is.LessThan(1e-6));
    }

    [Test]
    [Category(AstropyData.WritesInputs)]
    public void TpvMatchesAstropyBothWays()
    {
        var header = TpvHeader();
        var wcs = TanWcs.FromHeader(header);
        var astropy = AstropyOn(header, "tpv.hdr", "tpv_wcs.json");

        var (sky, pixel) = (astropy.MaxSkyErrorArcsec(wcs), astropy.MaxPixelError(wcs));

        TestContext.Out.WriteLine($"TPV max error vs astropy: {sky:E2} arcsec, {pixel:E2} px");
        Assert.That(wcs.IsTpv, Is.True);
        Assert.That(wcs.Pv1[7], Is.EqualTo(0.5));
        Assert.That(wcs.Pv2[23], Is.EqualTo(0.02));
        Assert.That(sky, Is.LessThan(1e-6));
        Assert.That(pixel, Is.LessThan(1e-6));
    }

    [Test]
    public void HeaderCardsReadBackToTheSameWcs()
    {
        var original = TanWcs.FromHeader(TpvHeader());

        var cards = original.ToHeaderCards();
        var reread = TanWcs.FromHeader(new FitsHeader(cards));

        Assert.That(cards.Select(c => c.Keyword), Does.Contain("CTYPE1").And.Contain("PV2_23").And.Contain("EQUINOX"));
        Assert.That(new FitsHeader(cards).GetString("CTYPE1"), Is.EqualTo("RA---TPV"));
        Assert.That(reread.Pv1, Is.EqualTo(original.Pv1));
        Assert.That(reread.Pv2, Is.EqualTo(original.Pv2));
        Assert.That((reread.CrPix1, reread.CrPix2, reread.CrVal1, reread.CrVal2), Is.EqualTo((original.CrPix1, original.CrPix2, original.CrVal1, original.CrVal2)));
        Assert.That((reread.Cd11, reread.Cd12, reread.Cd21, reread.Cd22), Is.EqualTo((original.Cd11, original.Cd12, original.Cd21, original.Cd22)));
        Assert.That(reread.RadeSys, Is.EqualTo("ICRS"));
        var plain = new TanWcs(1, 2, 3, 4, -1e-4, 0, 0, 1e-4);
        Assert.That(new FitsHeader(plain.ToHeaderCards()).GetString("CTYPE2"), Is.EqualTo("DEC--TAN"));
        Assert.That(new FitsHeader(plain.ToHeaderCards()).Contains("PV1_1"), Is.False);
    }

    [Test]
    [Category(AstropyData.WritesInputs)]
    public void FitReproducesTheM67PlateSolutionAndAstropyAgrees()
    {
        var dss = DssPlateWcs.FromHeader(FitsFile.Read(FitsImageTests.M67Path).Primary.Header);

        var fit = TanWcs.FitFrom(dss, 1059, 1059, radeSys: "FK5");
        var linearOnly = TanWcs.FitFrom(dss, 1059, 1059, order: 1);

        TestContext.Out.WriteLine($"TPV order 3 fit of the M67 DSS solution: max residual {fit.MaxResidualArcsec:E2} arcsec");
        TestContext.Out.WriteLine($"TAN (order 1) fit: max residual {linearOnly.MaxResidualArcsec:E2} arcsec");
        Assert.That(fit.MaxResidualArcsec, Is.LessThan(0.01));
        Assert.That(fit.Wcs.IsTpv, Is.True);
        Assert.That(linearOnly.Wcs.IsTpv, Is.False);
        Assert.That(linearOnly.MaxResidualArcsec, Is.GreaterThan(fit.MaxResidualArcsec));

        // The written header means the same thing to WCSLIB (what SExtractor will be given). astropy read it as our
        // code wrote it when the data were made; a least-squares fit may move in the last digits elsewhere, so the
        // header is compared value for value, and our WCS of today against astropy's positions.
        var header = new FitsHeader(fit.Wcs.ToHeaderCards());
        Assert.That(header.GetString("RADESYS"), Is.EqualTo("FK5"));
        const string file = "written-by-vasco/m67_fit_tpv.hdr";
        AstropyData.AssertSameAsCommittedHeader(file, header);
        AstropyData.StopIfWritingInputs();
        var committed = AstropyData.ReadHeader(file);
        Assert.That(AstropyData.HeaderText(new FitsHeader(TanWcs.FromHeader(committed).ToHeaderCards())),
            Is.EqualTo(File.ReadAllText(AstropyData.Path(file.Split('/')))), "our writer gives the committed text for the committed WCS");
        var astropy = Expectation("m67_fit_tpv.hdr", "m67_fit_tpv_wcs.json");
        var (sky, pixel) = (astropy.MaxSkyErrorArcsec(fit.Wcs), astropy.MaxPixelError(fit.Wcs));
        TestContext.Out.WriteLine($"fitted TPV header vs astropy: {sky:E2} arcsec, {pixel:E2} px");
        Assert.That(sky, Is.LessThan(1e-6));
        Assert.That(pixel, Is.LessThan(1e-6));
    }

    [Test]
    public void FitRejectsImpossibleRequests()
    {
        var wcs = new TanWcs(1, 1, 10, 10, -1e-4, 0, 0, 1e-4);
        Assert.That(() => TanWcs.FitFrom(wcs, 0, 10), Throws.TypeOf<ArgumentOutOfRangeException>());
        Assert.That(() => TanWcs.FitFrom(wcs, 10, 10, order: 8), Throws.TypeOf<ArgumentOutOfRangeException>());
        Assert.That(() => TanWcs.FitFrom(wcs, 10, 10, order: 7, gridSize: 5), Throws.TypeOf<ArgumentOutOfRangeException>());
    }

    [Test]
    public void UnsupportedHeadersAreRejectedClearly()
    {
        Assert.That(() => TanWcs.FromHeader(Header("SIN", CdMatrix)), Throws.TypeOf<WcsException>().With.Message.Contains("RA---SIN"));
        Assert.That(() => TanWcs.FromHeader(Header("TAN", [.. CdMatrix, ("LONPOLE", 0.0)])), Throws.TypeOf<WcsException>().With.Message.Contains("LONPOLE"));
        Assert.That(() => TanWcs.FromHeader(Header("TAN", [.. CdMatrix, ("RADESYS", "FK4")])), Throws.TypeOf<WcsException>().With.Message.Contains("FK4"));
        Assert.That(() => TanWcs.FromHeader(Header("TAN", [.. CdMatrix, ("CUNIT1", "rad")])), Throws.TypeOf<WcsException>().With.Message.Contains("CUNIT1"));
        Assert.That(() => TanWcs.FromHeader(Header("TAN")), Throws.TypeOf<WcsException>().With.Message.Contains("no pixel scale"));
        Assert.That(() => TanWcs.FromHeader(Header("TAN", ("CD1_1", 1e-4))), Throws.TypeOf<WcsException>().With.Message.Contains("singular"));
        Assert.That(() => new TanWcs(1, 1, 0, 0, 1, 0, 0, 1, pv1: [0, 1]), Throws.TypeOf<WcsException>().With.Message.Contains("both PV1 and PV2"));
    }

    [Test]
    public void FarHemisphereHasNoPixel()
    {
        var wcs = TanWcs.FromHeader(TpvHeader());

        Assert.That(wcs.SkyToPixel(132.825 + 180, -11.8), Is.EqualTo((double.NaN, double.NaN)));
    }

    [Test]
    public void ReferencePixelMapsToReferenceValue()
    {
        var wcs = TanWcs.FromHeader(Header("TAN", CdMatrix));

        var (ra, dec) = wcs.PixelToSky(512.3, 498.7);

        Assert.That(ra, Is.EqualTo(132.825).Within(1e-12));
        Assert.That(dec, Is.EqualTo(11.8).Within(1e-12));
    }
}
