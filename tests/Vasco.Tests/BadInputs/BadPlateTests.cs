using System.Text;
using NUnit.Framework;
using Vasco.Download;
using Vasco.Fits;
using Vasco.Pipeline;
using Vasco.Preprocess;
using Vasco.Tests.Download;

namespace Vasco.Tests.BadInputs;

/// <summary>
/// Bad plates, each made from a 64x64 cut of the real M67 plate (so everything but the one defect is real), through
/// step 1's check of a local plate (<see cref="PlateValidator.CheckFile(string)"/>) and step 2's preprocessing. A plate
/// step 2 refuses gives its VASCO code naming the file, and leaves nothing in the output folder.
/// </summary>
public class BadPlateTests
{
    static byte[] Cut() => M67Plate.Crop(300, 300, 64, 64);

    static byte[] Edit(byte[] fits, Action<FitsHeader> edit)
    {
        var header = FitsFile.ReadPrimaryHeader(new MemoryStream(fits), "cut", out var headerLength);
        edit(header);
        return [.. header.ToBytes(), .. fits.AsSpan((int)headerLength)];
    }

    /// <summary>The cut as float pixels changed by <paramref name="change"/>, with its header.</summary>
    static byte[] Floats(Action<float[]> change, int[]? axes = null)
    {
        var image = FitsFile.Read(Cut()).Primary;
        var pixels = image.ReadFloats();
        change(pixels);
        var writer = new FitsWriter();
        writer.AddImage(pixels, axes ?? [64, 64], image.Header);
        return writer.ToBytes();
    }

    static byte[] ReplaceCard(byte[] fits, string card, string with)
    {
        var text = Encoding.ASCII.GetString(fits, 0, 2880 * 4);
        var at = text.IndexOf(card, StringComparison.Ordinal);
        Assert.That(at, Is.GreaterThanOrEqualTo(0), card);
        var copy = (byte[])fits.Clone();
        Encoding.ASCII.GetBytes(with.PadRight(card.Length)).CopyTo(copy, at);
        return copy;
    }

    // name, the plate, step 1's verdict on it as a local plate, step 2's code ("ok": preprocessed)
    static readonly (string Name, Func<byte[]> Make, PlateProblem Step1, string Step2)[] Plates =
    [
        ("the-cut-itself", Cut, PlateProblem.None, "ok"),
        ("gzip", () => M67Plate.Gzip(Cut()), PlateProblem.None, "ok"),
        ("no-wcs", () => Edit(Cut(), h =>
        {
            foreach (var k in h.Cards.Select(c => c.Keyword).Where(k => k.StartsWith("AMD") || k.StartsWith("PLT") || k.StartsWith("PPO") || k.StartsWith("CNPIX") || k.EndsWith("PIXELSZ")).Distinct().ToList())
                h.Remove(k);
        }), PlateProblem.NoWcs, ErrorCodes.PlateWcsMissing),
        ("no-date", () => Edit(Cut(), h => { h.Remove("DATE-OBS"); h.Remove("EPOCH"); }), PlateProblem.None, ErrorCodes.PlateEpochMissing),
        ("some-nan-pixels", () => Floats(p => { p[0] = float.NaN; p[100] = float.PositiveInfinity; p[4095] = float.NaN; }), PlateProblem.None, "ok"),
        ("all-nan-pixels", () => Floats(p => Array.Fill(p, float.NaN)), PlateProblem.None, ErrorCodes.PlateUnreadable),
        ("all-zero-pixels", () => Floats(p => Array.Fill(p, 0f)), PlateProblem.None, ErrorCodes.PlateUnreadable),
        ("tiny-8x8", () => M67Plate.Crop(300, 300, 8, 8), PlateProblem.NotAnImage, ErrorCodes.PlateUnreadable),
        ("one-row", () => Floats(_ => { }, [4096, 1]), PlateProblem.NotAnImage, ErrorCodes.PlateUnreadable),
        ("three-axes", () => Floats(_ => { }, [64, 32, 2]), PlateProblem.NotAnImage, ErrorCodes.PlateUnreadable),
        ("bitpix-12", () => ReplaceCard(Cut(), "BITPIX  =                   16", "BITPIX  =                   12"), PlateProblem.NotFits, ErrorCodes.PlateUnreadable),
        ("bitpix-32-on-16-bit-data", () => ReplaceCard(Cut(), "BITPIX  =                   16", "BITPIX  =                   32"), PlateProblem.Truncated, ErrorCodes.PlateUnreadable),
        ("truncated", () => Cut()[..^2880], PlateProblem.Truncated, ErrorCodes.PlateUnreadable),
        ("html-error-page", () => Encoding.ASCII.GetBytes("<!DOCTYPE html><html><body>503 Service Unavailable</body></html>\n"), PlateProblem.NotFits, ErrorCodes.PlateUnreadable),
        ("empty-file", () => [], PlateProblem.NotFits, ErrorCodes.PlateUnreadable),
    ];

    public static IEnumerable<TestCaseData> Cases() =>
        Plates.Select(p => new TestCaseData(p.Name).SetName($"plate/{p.Name}"));

    string _dir = "";

    [SetUp]
    public void SetUp() => _dir = Directory.CreateDirectory(Path.Combine(Path.GetTempPath(), "vasco-tests", "plates-" + Guid.NewGuid().ToString("N")[..8])).FullName;

    [TearDown]
    public void TearDown() => Directory.Delete(_dir, recursive: true);

    [TestCaseSource(nameof(Cases))]
    public void EachBadPlateIsRefusedWithItsCodeAndLeavesNoOutput(string name)
    {
        var (_, make, step1, step2) = Plates.Single(p => p.Name == name);
        var plate = Path.Combine(_dir, $"{name}.fits");
        File.WriteAllBytes(plate, make());
        var output = Directory.CreateDirectory(Path.Combine(_dir, "masks")).FullName;
        var (clean, mask) = (Path.Combine(output, "M67.clean.fits"), Path.Combine(output, "M67.mask"));

        Assert.That(PlateValidator.CheckFile(plate).Problem, Is.EqualTo(step1), "step 1's check of a local plate");

        // A bright star in the cut, so that the mask has something to mark.
        var stars = new[] { new BrightStar(M67Plate.CentreRa, M67Plate.CentreDec, 9, 0, 0, 2000) };
        if (step2 == "ok")
        {
            var result = PlatePreprocessor.Run(plate, stars, clean, mask, new PreprocessOptions());
            Assert.That(result.Width * result.Height, Is.EqualTo(64 * 64));
            Assert.That(File.Exists(clean) && File.Exists(mask));
            if (name == "some-nan-pixels")
            {
                Assert.That(result.RepairedPixels, Is.EqualTo(3), "non-finite pixels are filled in and flagged");
                Assert.That(FitsFile.Read(clean).Primary.ReadFloats().All(float.IsFinite));
            }
            return;
        }
        var error = Assert.Throws<VascoException>(() => PlatePreprocessor.Run(plate, stars, clean, mask, new PreprocessOptions()))!;
        TestContext.Out.WriteLine($"plate/{name}: step 1 {PlateValidator.CheckFile(plate).Problem}; step 2 {error.Code}: {error.UserMessage}");
        Assert.That(error.Code, Is.EqualTo(step2), error.ToString());
        Assert.That(error.Cause, Does.Contain(plate));
        Assert.That(error.Fix, Is.Not.Empty);
        Assert.That(Directory.GetFileSystemEntries(output), Is.Empty, "no output, not even a temporary file");
    }
}
