using NUnit.Framework;
using Vasco.Download;
using Vasco.Fits;
using Vasco.Sky;
using Vasco.Tests.Support;

namespace Vasco.Tests.Download;

public class PlateCutoutTests
{
    static readonly string Plate = Repo.Path("runs", "m67", "input", "dss1-red_M67_XE486.fits");
    string _out = null!;

    [SetUp]
    public void Temp() => _out = Path.Combine(Path.GetTempPath(), $"vasco-cutout-{Guid.NewGuid():N}.fits");

    [TearDown]
    public void Remove() => File.Delete(_out);

    [Test]
    public void A_tile_the_plate_holds_whole_is_the_plate_byte_for_byte()
    {
        var cut = PlateCutout.Write(Plate, 132.834, 11.812, 30, _out);
        Assert.That(cut.WholePlate, Is.True);
        Assert.That(File.ReadAllBytes(_out), Is.EqualTo(File.ReadAllBytes(Plate)));
    }

    [Test]
    public void A_smaller_tile_keeps_only_its_square_with_the_same_pixels_and_sky_positions()
    {
        // A 10' tile 8' north-east of the plate centre.
        var (ra, dec) = (132.834 + 8 / 60.0 / Math.Cos(11.812 * Math.PI / 180), 11.812 + 4 / 60.0);
        var cut = PlateCutout.Write(Plate, ra, dec, 10, _out);
        Assert.That(cut.WholePlate, Is.False);
        // 10' at 1.7"/px is 353 px, plus the margins (and a little for the plate's rotation).
        Assert.That(cut.Width, Is.InRange(353 + 2 * PlateCutout.MarginPixels, 353 + 2 * PlateCutout.MarginPixels + 12));
        Assert.That(cut.Height, Is.InRange(353 + 2 * PlateCutout.MarginPixels, 353 + 2 * PlateCutout.MarginPixels + 12));

        var plate = FitsFile.Read(Plate).Primary;
        var part = FitsFile.Read(_out).Primary;
        Assert.That(part.Axes, Is.EqualTo(new[] { cut.Width, cut.Height }));
        Assert.That(part.Bitpix, Is.EqualTo(plate.Bitpix));
        var (whole, piece) = (plate.ReadDoubles(), part.ReadDoubles());
        var (plateWcs, partWcs) = (DssPlateWcs.FromHeader(plate.Header), DssPlateWcs.FromHeader(part.Header));
        foreach (var (x, y) in new[] { (1, 1), (cut.Width, 1), (1, cut.Height), (cut.Width, cut.Height), (100, 200) })
        {
            var (px, py) = (x + cut.X0 - 1, y + cut.Y0 - 1);
            Assert.That(piece[(y - 1) * cut.Width + x - 1], Is.EqualTo(whole[(py - 1) * plate.Axes[0] + px - 1]), $"pixel ({x}, {y})");
            var (r1, d1) = partWcs.PixelToSky(x, y);
            var (r2, d2) = plateWcs.PixelToSky(px, py);
            Assert.That(Angles.SeparationDeg(r1, d1, r2, d2) * 3600, Is.LessThan(1e-6), $"pixel ({x}, {y})");
        }
        // The tile's corners are inside the cutout.
        var plane = new TangentPlane(ra, dec);
        foreach (var (xi, eta) in new[] { (-1, -1), (-1, 1), (1, -1), (1, 1) })
        {
            var (r, d) = plane.Deproject(xi * 5 / 60.0, eta * 5 / 60.0);
            var (x, y) = partWcs.SkyToPixel(r, d);
            Assert.That(x, Is.InRange(1, cut.Width));
            Assert.That(y, Is.InRange(1, cut.Height));
        }
    }
}
