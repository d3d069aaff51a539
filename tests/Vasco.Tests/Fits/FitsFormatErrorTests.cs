using System.Diagnostics;
using System.Text;
using NUnit.Framework;
using Vasco.Fits;

namespace Vasco.Tests.Fits;

/// <summary>Every malformed input must throw <see cref="FitsFormatException"/> quickly, naming the problem.</summary>
public class FitsFormatErrorTests
{
    private static byte[] Block(params string[] cards)
    {
        var text = string.Concat(cards.Select(c => c.PadRight(80)));
        return Encoding.ASCII.GetBytes(text.PadRight((text.Length + 2879) / 2880 * 2880));
    }

    private static byte[] Primary(params string[] axisCards) =>
        Block(["SIMPLE  =                    T", "BITPIX  =                  -64", .. axisCards, "END"]);

    private static void AssertRejected(byte[] bytes, string expectedMessagePart)
    {
        var clock = Stopwatch.StartNew();
        Assert.That(() => FitsFile.Read(bytes, "bad.fits"),
            Throws.TypeOf<FitsFormatException>().With.Message.Contains(expectedMessagePart));
        Assert.That(clock.Elapsed, Is.LessThan(TimeSpan.FromSeconds(2)), "bad input must fail fast");
    }

    private static byte[] M67() => File.ReadAllBytes(FitsImageTests.M67Path);

    [Test]
    public void TruncatedFile() => AssertRejected(M67()[..(2880 * 50)], "promises 2242962 data bytes but only 135360 remain");

    [Test]
    public void LengthNotAMultipleOfTheBlockSize() => AssertRejected([.. M67(), .. new byte[100]], "not a multiple of 2880");

    [Test]
    public void EmptyFile() => AssertRejected([], "empty file");

    [Test]
    public void MissingEnd() =>
        AssertRejected(Block("SIMPLE  =                    T", "BITPIX  =                    8", "NAXIS   =                    0"), "no END card");

    [Test]
    public void DataLargerThanTheFile() =>
        AssertRejected(Primary("NAXIS   =                    2", "NAXIS1  =               100000", "NAXIS2  =               100000"),
            "promises 80000000000 data bytes but only 0 remain");

    [Test]
    public void AbsurdAxesOverflow() =>
        AssertRejected(Primary("NAXIS   =                    3", "NAXIS1  =           2147483647", "NAXIS2  =           2147483647",
            "NAXIS3  =           2147483647"), "absurd data size");

    [Test]
    public void AxisBeyondAnyArray() =>
        AssertRejected(Primary("NAXIS   =                    1", "NAXIS1  =          99999999999"), "NAXIS1 = 99999999999 is negative or absurdly large");

    [Test]
    public void NegativeAxis() =>
        AssertRejected(Primary("NAXIS   =                    1", "NAXIS1  =                   -5"), "NAXIS1 = -5 is negative");

    [Test]
    public void TooManyAxes() => AssertRejected(Primary("NAXIS   =                 1000"), "NAXIS = 1000 is outside 0..999");

    [Test]
    public void AxesOutOfOrder() =>
        AssertRejected(Primary("NAXIS   =                    2", "NAXIS2  =                    1", "NAXIS1  =                    1"),
            "card 4 must be NAXIS1 but is 'NAXIS2'");

    [Test]
    public void UnknownBitpix() =>
        AssertRejected(Block("SIMPLE  =                    T", "BITPIX  =                   12", "NAXIS   =                    0", "END"),
            "BITPIX = 12 is not one of");

    [Test]
    public void NotClaimingToBeFits() =>
        AssertRejected(Block("SIMPLE  =                    F", "BITPIX  =                    8", "NAXIS   =                    0", "END"), "SIMPLE = F");

    [Test]
    public void RandomBinaryGarbage()
    {
        var garbage = new byte[2880 * 3];
        new Random(67).NextBytes(garbage);
        AssertRejected(garbage, "is not printable ASCII");
    }

    [Test]
    public void PrintableGarbage() =>
        AssertRejected(Encoding.ASCII.GetBytes(string.Concat(Enumerable.Repeat("Hello world, this is no FITS. ", 96))), "invalid keyword");

    [Test]
    public void NonAsciiHeaderByte()
    {
        var bytes = M67();
        bytes[80 * 7 + 12] = 0xE9; // inside PLTLABEL, the 8th card
        AssertRejected(bytes, "card 8 (byte 560): byte 0xE9 is not printable ASCII");
    }

    [Test]
    public void JunkAfterTheLastHdu() => AssertRejected([.. M67(), .. new byte[2880]], "HDU 1 header, card 1 (byte 2252160): byte 0x00");

    [Test]
    public void CorruptGzip() => AssertRejected([0x1F, 0x8B, 8, 0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10], "corrupt gzip");

    [Test]
    public void TableRowWidthDisagreesWithColumns()
    {
        var table = Block("XTENSION= 'BINTABLE'", "BITPIX  =                    8", "NAXIS   =                    2",
            "NAXIS1  =                    8", "NAXIS2  =                    1", "PCOUNT  =                    0",
            "GCOUNT  =                    1", "TFIELDS =                    1", "TFORM1  = '1E      '", "END");
        AssertRejected([.. Primary("NAXIS   =                    0"), .. table, .. new byte[2880]], "the columns take 4 bytes per row but NAXIS1 = 8");
    }

    [Test]
    public void TableRepeatCountLargerThanTheRow()
    {
        var table = Block("XTENSION= 'BINTABLE'", "BITPIX  =                    8", "NAXIS   =                    2",
            "NAXIS1  =                    4", "NAXIS2  =                    1", "PCOUNT  =                    0",
            "GCOUNT  =                    1", "TFIELDS =                    1", "TFORM1  = '99999999999999999999E'", "END");
        AssertRejected([.. Primary("NAXIS   =                    0"), .. table, .. new byte[2880]], "repeat count larger than the row");
    }

    [Test]
    public void TableDimsNeedMoreElementsThanTheColumn()
    {
        var table = Block("XTENSION= 'BINTABLE'", "BITPIX  =                    8", "NAXIS   =                    2",
            "NAXIS1  =                   16", "NAXIS2  =                    1", "PCOUNT  =                    0",
            "GCOUNT  =                    1", "TFIELDS =                    1", "TFORM1  = '4E      '", "TDIM1   = '(3,2)   '", "END");
        AssertRejected([.. Primary("NAXIS   =                    0"), .. table, .. new byte[2880]], "TDIM1 = '(3,2)' needs more than the 4 elements");
    }

    [Test]
    public void TextAfterEnd()
    {
        var bytes = Primary("NAXIS   =                    0");
        bytes[2000] = (byte)'X';
        AssertRejected(bytes, "byte 2000 after the END card is not a blank");
    }

    [Test]
    public void ImageExtensionWithGroups()
    {
        var image = Block("XTENSION= 'IMAGE   '", "BITPIX  =                    8", "NAXIS   =                    1",
            "NAXIS1  =                    1", "PCOUNT  =                    0", "GCOUNT  =                    2", "END");
        AssertRejected([.. Primary("NAXIS   =                    0"), .. image, .. new byte[2880]], "IMAGE extension needs PCOUNT = 0 and GCOUNT = 1");
    }

    [Test]
    public void OtherExtensionsAreKeptWithTheirHeader()
    {
        var ascii = Block("XTENSION= 'TABLE   '", "BITPIX  =                    8", "NAXIS   =                    2",
            "NAXIS1  =                   10", "NAXIS2  =                    1", "PCOUNT  =                    0",
            "GCOUNT  =                    1", "TFIELDS =                    1", "TFORM1  = 'A10     '", "TBCOL1  =                    1",
            "EXTNAME = 'ASCII   '", "END");
        var data = Encoding.ASCII.GetBytes("0123456789".PadRight(2880));

        var file = FitsFile.Read([.. Primary("NAXIS   =                    0"), .. ascii, .. data]);

        Assert.That(file.Hdus, Has.Count.EqualTo(2));
        Assert.That(file[1].GetType(), Is.EqualTo(typeof(FitsHdu)));
        Assert.That(file[1].ExtensionType, Is.EqualTo("TABLE"));
        Assert.That(file[1].ExtensionName, Is.EqualTo("ASCII"));
        Assert.That(() => file.GetImage(1), Throws.TypeOf<FitsFormatException>().With.Message.Contains("HDU 1 is TABLE, not an image"));
        Assert.That(() => file.GetTable("ASCII"), Throws.TypeOf<FitsFormatException>().With.Message.Contains("no BINTABLE named ASCII"));
    }
}
