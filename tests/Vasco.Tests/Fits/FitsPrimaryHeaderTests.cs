using System.Text;
using NUnit.Framework;
using Vasco.Fits;
using Vasco.Tests.Download;

namespace Vasco.Tests.Fits;

public class FitsPrimaryHeaderTests
{
    string _dir = null!;

    [SetUp]
    public void SetUp() => Directory.CreateDirectory(_dir = Path.Combine(Path.GetTempPath(), "vasco-tests", "header-" + Guid.NewGuid().ToString("N")[..8]));

    [TearDown]
    public void TearDown() => Directory.Delete(_dir, recursive: true);

    [Test]
    public void ReadsTheSameHeaderAsTheWholeFileWithoutTheData()
    {
        var whole = FitsFile.Read(M67Plate.PathOnDisk).Primary.Header;
        var header = FitsFile.ReadPrimaryHeader(new MemoryStream(M67Plate.Bytes), "M67", out var headerLength);

        Assert.Multiple(() =>
        {
            Assert.That(header.ToCardText(), Is.EqualTo(whole.ToCardText()));
            // 3 blocks: the file is 2252160 bytes, 8640 of header and 1059 x 1059 x 2 of data padded to 2243520.
            Assert.That(headerLength, Is.EqualTo(3 * FitsHeader.BlockSize));
        });
    }

    [Test]
    public void ReadsGzippedFilesAndAHeaderWhoseDataIsMissing()
    {
        var gz = Path.Combine(_dir, "m67.fits.gz");
        File.WriteAllBytes(gz, M67Plate.Gzip(M67Plate.Bytes));
        // A header alone (data cut away) still reads: the data is never touched.
        var cut = Path.Combine(_dir, "cut.fits");
        FitsFile.ReadPrimaryHeader(new MemoryStream(M67Plate.Bytes), "M67", out var headerLength);
        File.WriteAllBytes(cut, M67Plate.Bytes[..(int)headerLength]);

        Assert.Multiple(() =>
        {
            Assert.That(FitsFile.ReadPrimaryHeader(gz).GetString("REGION").Trim(), Is.EqualTo("XE486"));
            Assert.That(FitsFile.ReadPrimaryHeader(cut).GetInt("NAXIS1"), Is.EqualTo(1059));
        });
    }

    [Test]
    public void RejectsFilesThatAreNotFitsOrEndInsideTheHeader()
    {
        var html = Path.Combine(_dir, "page.fits");
        File.WriteAllText(html, "<html><title>Error</title></html>".PadRight(5000));
        var empty = Path.Combine(_dir, "empty.fits");
        File.WriteAllBytes(empty, []);
        var cut = Path.Combine(_dir, "cut.fits");
        File.WriteAllBytes(cut, M67Plate.Bytes[..2880]);

        Assert.Multiple(() =>
        {
            Assert.That(() => FitsFile.ReadPrimaryHeader(html), Throws.InstanceOf<FitsFormatException>().With.Message.Contains("not a FITS file"));
            Assert.That(() => FitsFile.ReadPrimaryHeader(empty), Throws.InstanceOf<FitsFormatException>().With.Message.Contains("empty"));
            Assert.That(() => FitsFile.ReadPrimaryHeader(cut), Throws.InstanceOf<FitsFormatException>().With.Message.Contains("ends inside the primary header"));
        });
    }

    [Test]
    public void RejectsTextAfterEnd()
    {
        var text = "SIMPLE  =                    T".PadRight(80) + "BITPIX  =                    8".PadRight(80)
                   + "NAXIS   =                    0".PadRight(80) + "END     extra".PadRight(80);
        var bytes = Encoding.ASCII.GetBytes(text.PadRight(2880));

        Assert.That(() => FitsFile.ReadPrimaryHeader(new MemoryStream(bytes), "bad", out _),
            Throws.InstanceOf<FitsFormatException>().With.Message.Contains("END card"));
    }
}
