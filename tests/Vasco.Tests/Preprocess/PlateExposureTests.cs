using NUnit.Framework;
using Vasco.Fits;
using Vasco.Preprocess;
using Vasco.Sky;
using Vasco.Tests.Support;

namespace Vasco.Tests.Preprocess;

public class PlateExposureTests
{
    [Test]
    public void TheM67PlateWasExposedFrom1207UtFor50MinutesAtPalomar()
    {
        var header = FitsFile.ReadPrimaryHeader(Repo.Path("runs", "m67", "input", "dss1-red_M67_XE486.fits"));
        var exposure = PlateExposure.FromHeader(header);
        Assert.That(exposure.StartUtc, Is.EqualTo(new DateTime(1951, 11, 29, 12, 7, 0, DateTimeKind.Utc)));
        Assert.That(exposure.Duration, Is.EqualTo(TimeSpan.FromMinutes(50)));
        Assert.That(exposure.MidUtc, Is.EqualTo(new DateTime(1951, 11, 29, 12, 32, 0, DateTimeKind.Utc)));
        Assert.That(exposure.Site!.LatitudeDeg, Is.EqualTo(ObservingSite.Palomar.LatitudeDeg).Within(1e-9));
        Assert.That(exposure.Site.EastLongitudeDeg, Is.EqualTo(ObservingSite.Palomar.EastLongitudeDeg).Within(1e-9));
    }

    [Test]
    public void WhatTheHeaderLacksIsNullNotAGuess()
    {
        var header = new FitsHeader();
        header.Set("DATE-OBS", "1953-03-07T09:15:30");
        var exposure = PlateExposure.FromHeader(header);
        Assert.That(exposure.StartUtc, Is.EqualTo(new DateTime(1953, 3, 7, 9, 15, 30, DateTimeKind.Utc)));
        Assert.That(exposure.Duration, Is.Null);
        Assert.That(exposure.MidUtc, Is.EqualTo(exposure.StartUtc));
        Assert.That(exposure.Site, Is.Null);
        header.Set("SITELAT", "+33:24:24.00");
        header.Set("SITELONG", "-216:51:48.00");
        Assert.That(PlateExposure.FromHeader(header).Site, Is.Null, "a longitude beyond 180 degrees is no site");
    }
}
