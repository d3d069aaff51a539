using NUnit.Framework;
using Vasco.Fits;
using Vasco.Pipeline;
using Vasco.Preprocess;
using Vasco.Tests.Fits;

namespace Vasco.Tests.Preprocess;

public class PlateEpochTests
{
    private static FitsHeader Header(params (string Keyword, object Value)[] cards)
    {
        var header = new FitsHeader();
        foreach (var (keyword, value) in cards)
            switch (value)
            {
                case string text: header.Set(keyword, text); break;
                case double number: header.Set(keyword, number); break;
                default: throw new ArgumentException($"unexpected {value.GetType()}");
            }
        return header;
    }

    [Test]
    public void TheM67PlateWasExposedLateIn1951()
    {
        var epoch = PlateEpoch.FromHeader(FitsFile.Read(FitsImageTests.M67Path).Primary.Header);

        // DATE-OBS '29/11/51', UT 12:07: day 333 of 365, 12.117 h in.
        Assert.That(epoch.Keyword, Is.EqualTo("DATE-OBS"));
        Assert.That(epoch.Year, Is.EqualTo(1951 + (332 + 12 / 24.0 + 7 / 1440.0) / 365).Within(1e-9));
        Assert.That(epoch.Year, Is.EqualTo(1951.91).Within(0.001));
        // The header's own EPOCH card is 20 minutes later (mid-exposure, perhaps: the exposure was 50 minutes).
        Assert.That(epoch.Year, Is.EqualTo(1951.9110107422).Within(1e-4));
    }

    private static readonly object[] DateCases =
    [
        new object[] { new[] { ("DATE-OBS", (object)"1953-03-10") }, 1953 + 68 / 365.0 },
        new object[] { new[] { ("DATE-OBS", (object)"1953-03-10T06:00:00") }, 1953 + 68.25 / 365.0 },
        new object[] { new[] { ("DATE-OBS", (object)"1952-12-31T12:00:00.0") }, 1952 + 365.5 / 366.0 },
        new object[] { new[] { ("DATE-OBS", (object)"1953-03-10"), ("TIME-OBS", "18:00:00") }, 1953 + 68.75 / 365.0 },
        new object[] { new[] { ("DATE-OBS", (object)"1953-03-10T06:00:00"), ("UT", "18:00:00") }, 1953 + 68.25 / 365.0 },
        new object[] { new[] { ("DATE-OBS", (object)"01/01/50"), ("UT", "00:00:00.00") }, 1950.0 },
    ];

    [TestCaseSource(nameof(DateCases))]
    public void ReadsDateObsWithTheTimeOfDay((string, object)[] cards, double expected)
    {
        var epoch = PlateEpoch.FromHeader(Header(cards));

        Assert.That(epoch.Year, Is.EqualTo(expected).Within(1e-9));
        Assert.That(epoch.Keyword, Is.EqualTo("DATE-OBS"));
    }

    [Test]
    public void FallsBackToTheEpochKeyword()
    {
        var epoch = PlateEpoch.FromHeader(Header(("EPOCH", 1954.25)));

        Assert.That(epoch, Is.EqualTo(new PlateEpoch(1954.25, "EPOCH")));
    }

    [TestCase("DATE-OBS", "1951/11/29")]
    [TestCase("DATE-OBS", "31/02/51")]
    [TestCase("DATE-OBS", "1951-11-29T25:00:00")]
    [TestCase("EPOCH", 2000.0)]
    [TestCase("EPOCH", 1950.0)]
    [TestCase("OBJECT", "M67")]
    public void NoUsableDateIsAUserError(string keyword, object value)
    {
        var error = Assert.Throws<VascoException>(() => PlateEpoch.FromHeader(Header((keyword, value)), "plate.fits"))!;

        Assert.That(error.Code, Is.EqualTo(ErrorCodes.PlateEpochMissing));
        Assert.That(error.Cause, Does.Contain("plate.fits"));
        Assert.That(error.File, Is.EqualTo("plate.fits"));
    }

    [Test]
    public void AnUnreadableTimeIsAUserError()
    {
        var error = Assert.Throws<VascoException>(() => PlateEpoch.FromHeader(Header(("DATE-OBS", "29/11/51"), ("UT", "noon"))))!;

        Assert.That(error.Code, Is.EqualTo(ErrorCodes.PlateEpochMissing));
        Assert.That(error.Cause, Does.Contain("UT"));
    }
}
