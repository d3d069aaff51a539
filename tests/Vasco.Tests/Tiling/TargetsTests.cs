using NUnit.Framework;
using Vasco.Tests.Support;
using Vasco.Pipeline;
using Vasco.Sky;
using Vasco.Tiling;

namespace Vasco.Tests.Tiling;

public class TargetsTests
{
    [TestCase("132.834", 132.834)]
    [TestCase("08:51:20.16", 132.834)]
    [TestCase("8h51m20.16s", 132.834)]
    [TestCase("08 51 20.16", 132.834)]
    [TestCase("0", 0)]
    public void RaIsDegreesOrHours(string text, double expected)
    {
        Assert.That(Angles.TryParseRa(text, out var ra), Is.True);
        Assert.That(ra, Is.EqualTo(expected).Within(1e-9));
    }

    [TestCase("360")]
    [TestCase("361")]
    [TestCase("-1")]
    [TestCase("24:00:00")]
    [TestCase("12:61:00")]
    [TestCase("abc")]
    [TestCase("NaN")]
    [TestCase("")]
    [TestCase("11d48m")]
    public void BadRaIsRejected(string text) => Assert.That(Angles.TryParseRa(text, out _), Is.False);

    [TestCase("11.812", 11.812)]
    [TestCase("+11:48:43.2", 11.812)]
    [TestCase("-00:30:00", -0.5)]
    [TestCase("-0d30m00s", -0.5)]
    [TestCase("90", 90)]
    [TestCase("-90", -90)]
    public void DecIsDegreesOrSexagesimal(string text, double expected)
    {
        Assert.That(Angles.TryParseDec(text, out var dec), Is.True);
        Assert.That(dec, Is.EqualTo(expected).Within(1e-9));
    }

    [TestCase("91")]
    [TestCase("-90.5")]
    [TestCase("+91:00:00")]
    [TestCase("Infinity")]
    [TestCase("1h00m")]
    public void BadDecIsRejected(string text) => Assert.That(Angles.TryParseDec(text, out _), Is.False);

    [Test]
    public void WrapRaStaysInRange()
    {
        Assert.That(Angles.WrapRa(360), Is.EqualTo(0));
        Assert.That(Angles.WrapRa(-0.5), Is.EqualTo(359.5));
        Assert.That(Angles.WrapRa(-1e-15), Is.LessThan(360));
        Assert.That(Angles.WrapRa(725), Is.EqualTo(5).Within(1e-12));
    }

    [Test]
    public void ACsvTargetListIsRead()
    {
        var path = Temp("name,ra,dec,size_arcmin\nM67,08:51:20.16,+11:48:43.2,\nfield 150,150,20,180\n\n");
        var targets = Targets.ReadCsv(path, 60);
        Assert.That(targets, Has.Count.EqualTo(2));
        Assert.That(targets[0].RaDeg, Is.EqualTo(132.834).Within(1e-9));
        Assert.That(targets[0].WidthArcmin, Is.EqualTo(60));
        Assert.That(targets[1].WidthArcmin, Is.EqualTo(180));
    }

    [TestCase("name,ra\nx,1\n", "VASCO0202")]
    [TestCase("name,ra,dec\nx,361,0\n", "VASCO0203")]
    [TestCase("name,ra,dec\nx,10,91\n", "VASCO0204")]
    [TestCase("name,ra,dec\nx,ten,0\n", "VASCO0203")]
    [TestCase("name,ra,dec,size_arcmin\nx,10,0,-5\n", "VASCO0208")]
    public void BadCsvTargetListsGiveCodedErrorsWithTheLine(string csv, string code)
    {
        var path = Temp(csv);
        var e = Assert.Throws<VascoException>(() => Targets.ReadCsv(path, 60));
        Assert.That(e!.Code, Is.EqualTo(code));
        Assert.That(e.File, Is.Not.Null.Or.Empty);
        Assert.That(e.UserMessage, Does.Contain("Fix:"));
    }

    [Test]
    public void DuplicatesAndEmptyRunsAreRejected()
    {
        var t = new Target("M67", 1, 1, 60, 60, "run file");
        Assert.That(Assert.Throws<VascoException>(() => Targets.CheckUnique([t, t with { Name = "m67" }]))!.Code, Is.EqualTo("VASCO0205"));
        Assert.That(Assert.Throws<VascoException>(() => Targets.CheckUnique([]))!.Code, Is.EqualTo("VASCO0206"));
    }

    static string Temp(string content)
    {
        var path = TestTemp.NewPath("targets-", ".csv");
        File.WriteAllText(path, content);
        return path;
    }
}
