using NUnit.Framework;
using Vasco.SolarSystem;
using Vasco.Tests.Support;

namespace Vasco.Tests.Archives;

/// <summary>The SkyBoT stand-in, read by the real client: objects placed at the epoch asked, SkyBoT's text format, faults.</summary>
public class SkybotServerTests
{
    static readonly DateTime MidExposure = new(1951, 11, 29, 12, 32, 0, DateTimeKind.Utc);

    // 1931 TA drifts 60"/h east; Slowpoke stands still 10' north of the M67 plate's centre.
    static readonly KnownBody Mover = new("1234", "1931 TA", 132.8375, 11.8047, MidExposure, RaRateArcsecPerHour: 60, DecRateArcsecPerHour: 0);
    static readonly KnownBody Still = new("-", "2021 XX | odd", 132.8375, 11.8047 + 10 / 60.0, MidExposure, Class: "NEA>Apollo", Mv: 19.9, ErrArcsec: 75);

    static SkybotClient Client(SkybotServer server, string observer = "675") => new(new SkybotClientOptions
    {
        Endpoint = server.Endpoint,
        Observer = observer,
        CacheDir = TestTemp.NewPath("skybot-cache-"),
        BackoffUnit = TimeSpan.Zero,
        MinInterval = TimeSpan.Zero,
        MaxRetries = 2,
    });

    [Test]
    public async Task TheObjectsInTheConeAtTheEpochAreAnsweredInSkybotsFormat()
    {
        using var server = new SkybotServer([Mover, Still]);
        using var client = Client(server);

        var result = await client.ConeSearchAsync(new SkybotQuery(MidExposure, 132.8375, 11.8047, 0.5));

        Assert.That(result.Ok, Is.True, result.FailureReason);
        Assert.That(result.Objects.Select(o => (o.Number, o.Name, o.Class)), Is.EqualTo(new[] { ("1234", "1931 TA", "MB>Middle"), ("-", "2021 XX | odd", "NEA>Apollo") }));
        var mover = result.Objects[0];
        Assert.That(mover.RaDeg, Is.EqualTo(132.8375).Within(2e-6), "hh mm ss.ssss");
        Assert.That(mover.DecDeg, Is.EqualTo(11.8047).Within(1e-6), "+dd mm ss.sss");
        Assert.That((mover.RaRateArcsecPerHour, mover.CentreDistanceArcsec), Is.EqualTo((60.0, 0.0)));
        Assert.That(result.Objects[1].CentreDistanceArcsec, Is.EqualTo(600).Within(0.01));
        Assert.That(server.Requests.Single().Target, Does.Contain("-loc=675").And.Contain("-ep=2433980.022222"));
    }

    [Test]
    public async Task AMovingObjectIsWhereItIsAtTheEpochAsked()
    {
        using var server = new SkybotServer([Mover]);
        using var client = Client(server);
        var twoHoursLater = MidExposure.AddHours(2);
        var moved = 132.8375 + 120 / 3600.0 / Math.Cos(11.8047 * Math.PI / 180);

        var atStart = await client.ConeSearchAsync(new SkybotQuery(twoHoursLater, 132.8375, 11.8047, 60 / 3600.0));
        var whereItWent = await client.ConeSearchAsync(new SkybotQuery(twoHoursLater, moved, 11.8047, 60 / 3600.0));

        Assert.That((atStart.Ok, atStart.Objects.Count), Is.EqualTo((true, 0)), "120\" away two hours later: SkyBoT's 'No solar system object was found'");
        Assert.That(whereItWent.Objects.Single().RaDeg, Is.EqualTo(moved).Within(2e-6));
        Assert.That(server.Requests.Count, Is.EqualTo(2));
    }

    [Test]
    public async Task FaultsAreRetriedAndAnotherObserverIsSkybotsError()
    {
        using (var server = new SkybotServer([Mover]))
        {
            server.Inject(ServerFault.Status(500)).Inject(ServerFault.CutShort(0.95));
            using var client = Client(server);
            var result = await client.ConeSearchAsync(new SkybotQuery(MidExposure, 132.8375, 11.8047, 0.5));
            Assert.That((result.Ok, result.Attempts, result.Objects.Count), Is.EqualTo((true, 3, 1)), string.Join("\n", result.Log));
            Assert.That(result.Log[1], Does.Contain("cut short"));
        }
        using (var server = new SkybotServer([Mover]))
        {
            using var client = Client(server, observer: "500");
            var result = await client.ConeSearchAsync(new SkybotQuery(MidExposure, 132.8375, 11.8047, 0.5));
            Assert.That((result.Ok, result.Attempts), Is.EqualTo((false, 3)));
            Assert.That(result.FailureReason, Does.Contain("flag -1").And.Contain("observer '500'"));
        }
    }
}
