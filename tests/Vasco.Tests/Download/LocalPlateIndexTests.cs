using NUnit.Framework;
using Vasco.Download;
using Vasco.Pipeline;

namespace Vasco.Tests.Download;

public class LocalPlateIndexTests
{
    // 1.70"/px: a pixel is 0.0283'.
    const double ArcminPerPixel = 1.7 / 60;

    string _dir = null!;
    string _plates = null!;
    string _indexFile = null!;

    [SetUp]
    public void SetUp()
    {
        _dir = Path.Combine(Path.GetTempPath(), "vasco-tests", "local-" + Guid.NewGuid().ToString("N")[..8]);
        _plates = Path.Combine(_dir, "plates");
        _indexFile = Path.Combine(_dir, "obj", "local-plates.json");
        Directory.CreateDirectory(Path.Combine(_plates, "north"));
    }

    [TearDown]
    public void TearDown() => Directory.Delete(_dir, recursive: true);

    string Write(string relative, byte[] bytes)
    {
        var path = Path.Combine(_plates, relative);
        File.WriteAllBytes(path, bytes);
        return path;
    }

    [Test]
    public void TheM67PlateCoversItsTileAndNothingAtRa10()
    {
        var m67 = Write("m67.fits", M67Plate.Bytes);
        var index = LocalPlateIndex.Open(_plates, _indexFile);

        var onM67 = index.Choose(M67Plate.CentreRa, M67Plate.CentreDec, 30);
        var elsewhere = index.Choose(10, M67Plate.CentreDec, 30);

        Assert.Multiple(() =>
        {
            Assert.That(onM67.Path, Is.EqualTo(m67));
            // The cutout is 1059 px x 1.70" = 30.0' square, centred within a few arcsec of the tile.
            Assert.That(onM67.CoveredFraction, Is.GreaterThan(0.9));
            Assert.That(onM67.Plate!.Region, Is.EqualTo("XE486"));
            Assert.That(elsewhere.Path, Is.Null);
            Assert.That(elsewhere.Reason, Does.Contain("none of the 1 POSS-I red plate(s)").And.Contain("covers the tile centre RA 10"));
        });
    }

    [Test]
    public void CoverageIsTheShareOfTheTileOnTheImage()
    {
        Write("m67.fits", M67Plate.Bytes);
        var index = LocalPlateIndex.Open(_plates, _indexFile);
        var plate = index.Plates.Single();

        // A 30' tile 10' east of the plate centre: its western two thirds lie on the 30' image.
        var shifted = index.Choose(plate.CentreRa + 10 / 60.0 / Math.Cos(plate.CentreDec * Math.PI / 180), plate.CentreDec, 30);

        Assert.That(shifted.CoveredFraction, Is.EqualTo(2 / 3.0).Within(0.05));
    }

    [Test]
    public void PrefersTheLargestCoverageThenTheNearestImageCentre()
    {
        var full = Write("m67.fits", M67Plate.Bytes);
        // A 600 px (17') crop of the north-east-ish quadrant, compressed as local plates often are.
        var crop = Write(Path.Combine("north", "m67-crop.fits.gz"), M67Plate.Gzip(M67Plate.Crop(460, 460, 600, 600)));
        var index = LocalPlateIndex.Open(_plates, _indexFile);
        var fullPlate = index.Plates.Single(p => p.Path == full);
        var cropPlate = index.Plates.Single(p => p.Path == crop);

        var wholeTile = index.Choose(fullPlate.CentreRa, fullPlate.CentreDec, 30);
        // A 5' tile near the crop's centre lies wholly on both images: the crop's centre is nearer.
        var smallTile = index.Choose(cropPlate.CentreRa, cropPlate.CentreDec, 5);

        Assert.Multiple(() =>
        {
            Assert.That(index.Plates, Has.Count.EqualTo(2));
            Assert.That(cropPlate.RadiusDeg * 60, Is.EqualTo(600 * ArcminPerPixel / Math.Sqrt(2)).Within(0.3));
            Assert.That(wholeTile.Path, Is.EqualTo(full));
            Assert.That(smallTile.Path, Is.EqualTo(crop));
            Assert.That(smallTile.CoveredFraction, Is.EqualTo(1.0));
        });
    }

    [Test]
    public void FilesThatAreNotPossIRedPlatesAreSkippedWithAReason()
    {
        Write("m67.fits", M67Plate.Bytes);
        var serc = Write("serc.fit", M67Plate.AsSercPlate());
        var cut = Write("cut.fts", M67Plate.Bytes[..(2880 * 50)]);
        var page = Write("error.fits", "<html><title>Error</title></html>"u8.ToArray());
        Write("notes.txt", "not a plate"u8.ToArray());

        var index = LocalPlateIndex.Open(_plates, _indexFile);
        var reasons = index.Skipped.ToDictionary(s => s.Path, s => s.Reason);

        Assert.Multiple(() =>
        {
            Assert.That(index.Plates, Has.Count.EqualTo(1));
            Assert.That(reasons.Keys, Is.EquivalentTo(new[] { serc, cut, page }));
            Assert.That(reasons[serc], Does.Contain("'SERC-ER'"));
            Assert.That(reasons[cut], Does.Contain("truncated"));
            Assert.That(reasons[page], Does.Contain("not a FITS file"));
            // Each skipped file is named with its reason, its folder being named once at the start of the message.
            var reason = index.Choose(10, 10, 30).Reason;
            Assert.That(reason, Does.Contain("; 3 file(s) skipped as not usable POSS-I red plates: cut.fts holds 135360 data bytes"));
            Assert.That(reason, Does.Contain("; error.fits is not a FITS file: error.fits: the file ends inside the primary header"));
            Assert.That(reason, Does.Contain("; serc.fit is from survey 'SERC-ER'"));
            Assert.That(reason, Does.Not.Contain(Path.Combine(_plates, "cut.fts")));
        });
    }

    [Test]
    public void APlateAnOlderIndexRefusedForANonStandardCardIsReadAgainAndKeepsItsWarning()
    {
        var skew = Write("m67-skew.fits", M67Plate.WithRawCard("SKEW    = a, b"));
        var info = new FileInfo(skew);
        // What version 1 of the index remembered of it: not a FITS file, for the one odd card.
        Directory.CreateDirectory(Path.GetDirectoryName(_indexFile)!);
        File.WriteAllText(_indexFile, System.Text.Json.JsonSerializer.Serialize(new
        {
            Version = 1,
            Entries = new[] { new { Path = skew, Size = info.Length, ModifiedTicks = info.LastWriteTimeUtc.Ticks, Header = (string?)null,
                SkipReason = $"{skew} is not a FITS file: cannot parse the value 'a, b' of 'SKEW'" } },
        }));

        var first = LocalPlateIndex.Open(_plates, _indexFile);
        var again = LocalPlateIndex.Open(_plates, _indexFile);

        Assert.Multiple(() =>
        {
            Assert.That(first.HeadersRead, Is.EqualTo(1));
            Assert.That(first.Skipped, Is.Empty);
            Assert.That(first.Plates.Single().Plate.HeaderWarnings.Single(), Does.StartWith("card 'SKEW    = a, b' is not FITS standard"));
            // Read from the index, the header's cards are standard again, and the warning is still there.
            Assert.That(again.HeadersRead, Is.Zero);
            Assert.That(again.Plates.Single().Plate.HeaderWarnings, Is.EqualTo(first.Plates.Single().Plate.HeaderWarnings));
        });
    }

    [Test]
    public void UnchangedFilesAreNotReadAgain()
    {
        var m67 = Write("m67.fits", M67Plate.Bytes);
        Write("serc.fits", M67Plate.AsSercPlate());

        var first = LocalPlateIndex.Open(_plates, _indexFile);
        var second = LocalPlateIndex.Open(_plates, _indexFile);
        File.SetLastWriteTimeUtc(m67, DateTime.UtcNow.AddMinutes(1));
        var third = LocalPlateIndex.Open(_plates, _indexFile);

        Assert.Multiple(() =>
        {
            Assert.That((first.HeadersRead, second.HeadersRead, third.HeadersRead), Is.EqualTo((2, 0, 1)));
            // What the index remembers gives the same plates and the same choice.
            Assert.That(second.Plates.Single().Plate.Evidence, Is.EqualTo(first.Plates.Single().Plate.Evidence));
            Assert.That(second.Skipped.Single().Reason, Is.EqualTo(first.Skipped.Single().Reason));
            var (before, after) = (first.Choose(M67Plate.CentreRa, M67Plate.CentreDec, 30), second.Choose(M67Plate.CentreRa, M67Plate.CentreDec, 30));
            Assert.That((after.Path, after.CoveredFraction), Is.EqualTo((before.Path, before.CoveredFraction)));
        });
    }

    [Test]
    public void ADamagedIndexFileIsRebuilt()
    {
        Write("m67.fits", M67Plate.Bytes);
        Directory.CreateDirectory(Path.GetDirectoryName(_indexFile)!);
        File.WriteAllText(_indexFile, "{ not json");

        var index = LocalPlateIndex.Open(_plates, _indexFile);

        Assert.Multiple(() =>
        {
            Assert.That((index.HeadersRead, index.Plates.Count), Is.EqualTo((1, 1)));
            Assert.That(LocalPlateIndex.Open(_plates, _indexFile).HeadersRead, Is.Zero);
        });
    }

    [Test]
    public void AMissingFolderIsAParameterError()
    {
        var missing = Path.Combine(_dir, "no-such-folder");

        var error = Assert.Throws<VascoException>(() => LocalPlateIndex.Open(missing, _indexFile))!;

        Assert.Multiple(() =>
        {
            Assert.That(error.Code, Is.EqualTo(ErrorCodes.ParameterInvalid));
            Assert.That(error.Cause, Does.Contain("LocalImageDir"));
            Assert.That(error.File, Is.EqualTo(missing));
        });
    }
}
