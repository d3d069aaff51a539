using System.Text;
using NUnit.Framework;
using Vasco.SolarSystem;
using Vasco.Tests.Download;
using Vasco.Tests.Support;
using static Vasco.Tests.Download.ScriptedHttpServer;

namespace Vasco.Tests.SolarSystem;

/// <summary>SkyBoT's text answers (the format of astroquery's skybot_query.dat) and the client, on a loopback server.</summary>
public class SkybotTests
{
    // Two objects in SkyBoT's -output=all text format; the second is unnumbered and its name holds " | ".
    const string Header = "# Num | Name | RA(h) | DE(deg) | Class | Mv | Err(arcsec) | d(arcsec) | dRA(arcsec/h) | dDEC(arcsec/h) | Dg(ua) | Dh(ua) | Phase(deg) | SunElong(deg) | x(au) | y(au) | z(au) | vx(au/d) | vy(au/d) | vz(au/d) | Ref. Epoch(JD)";
    const string Answer =
        "# Flag: 1\n# Ticket: 1764763200000\n" + Header + "\n" +
        " 1234 | 1931 TA | 08 51 21.0000 | +11 48 10.00 | MB>Middle | 15.2 | 0.250 | 12.500 | -30.1 | 12.4 | 1.6 | 2.5 | 10.1 | 160.2 | 1.0 | 2.0 | 0.5 | -0.001 | 0.002 | 0.0003 | 2433980.022222\n" +
        " - | Odd | Name | 23 59 45.7861 | -00 00 50.055 | NEA>Apollo | 19.9 | 75.000 | 1799.239 | 71.5717 | 26.581 | 0.3 | 1.2 | 40.2 | 120.3 | 0.1 | 0.2 | 0.3 | -0.01 | 0.02 | 0.003 | 2433980.022222\n";

    static readonly SkybotQuery M67 = new(new DateTime(1951, 11, 29, 12, 32, 0, DateTimeKind.Utc), 132.8375, 11.8047, 0.5);

    static Func<Stream, Task> Text(string body) => ScriptedHttpServer.Answer(200, "text/plain; charset=utf-8", Encoding.UTF8.GetBytes(body));

    static SkybotClient Client(ScriptedHttpServer server) => new(new SkybotClientOptions
    {
        Endpoint = new Uri(server.BaseUri, "webservices/skybot/api/conesearch.php"),
        CacheDir = TestTemp.NewPath("skybot-cache-"),
        BackoffUnit = TimeSpan.Zero,
        MinInterval = TimeSpan.Zero,
        MaxRetries = 2,
    });

    [Test]
    public void TheTextAnswerIsRead()
    {
        var answer = SkybotAnswer.Parse(Answer);
        Assert.That(answer.Kind, Is.EqualTo(SkybotAnswerKind.Objects));
        Assert.That(answer.Objects, Has.Count.EqualTo(2));
        var (a, b) = (answer.Objects[0], answer.Objects[1]);
        Assert.That((a.Number, a.Name, a.Class), Is.EqualTo(("1234", "1931 TA", "MB>Middle")));
        Assert.That(a.RaDeg, Is.EqualTo((8 + 51 / 60.0 + 21.0 / 3600) * 15).Within(1e-9));
        Assert.That(a.DecDeg, Is.EqualTo(11 + 48 / 60.0 + 10.0 / 3600).Within(1e-9));
        Assert.That((a.ErrArcsec, a.CentreDistanceArcsec, a.DistanceAu), Is.EqualTo((0.25, 12.5, 1.6)));
        Assert.That(a.RateArcsecPerHour, Is.EqualTo(Math.Sqrt(30.1 * 30.1 + 12.4 * 12.4)).Within(1e-9));
        Assert.That((b.Number, b.Name), Is.EqualTo(("-", "Odd | Name")), "a name holding ' | ' stays whole");
        Assert.That(b.RaDeg, Is.EqualTo(359.9407754).Within(1e-6));
        Assert.That(b.DecDeg, Is.EqualTo(-0.0139042).Within(1e-6));
    }

    [TestCase("# Flag: 0\n# Ticket: 1\nNo solar system object was found in the requested FOV\n", SkybotAnswerKind.None)]
    [TestCase("No solar system object was found in the requested FOV", SkybotAnswerKind.None)]
    [TestCase("# Flag: -1\n# Ticket: 2\nSkyBoT asteroid conesearch -> MySQL server (asterws3.imcce.fr): gone away\n", SkybotAnswerKind.Error)]
    [TestCase("<html><body>Service Unavailable</body></html>", SkybotAnswerKind.Damaged)]
    [TestCase("# Flag: 1\n# Ticket: 3\n" + Header + "\n 1234 | 1931 TA | 08 51 21.0000 | +11 48 10.00 | MB>Middle | 15.2\n", SkybotAnswerKind.Damaged)]
    public void WhatIsNotAListOfObjectsIsToldApart(string body, SkybotAnswerKind kind)
    {
        var answer = SkybotAnswer.Parse(body);
        Assert.That(answer.Kind, Is.EqualTo(kind), answer.Message);
        Assert.That(answer.Objects, Is.Empty);
        if (kind == SkybotAnswerKind.Error) Assert.That(answer.Message, Does.Contain("MySQL server"));
    }

    [Test]
    public async Task TheClientAsksFromPalomarAtTheEpochWithNoErrorFilterAndCachesTheWholeQuery()
    {
        using var server = new ScriptedHttpServer(Text(Answer));
        using var client = Client(server);
        var first = await client.ConeSearchAsync(M67);
        Assert.That(first.Ok, Is.True, first.FailureReason);
        Assert.That(first.Objects, Has.Count.EqualTo(2));
        var request = server.RequestLines.Single();
        Assert.That(request, Does.Contain("-ep=2433980.022222").And.Contain("-loc=675").And.Contain("-filter=0").And.Contain("-mime=text")
            .And.Contain("-ra=132.837500").And.Contain("-dec=11.804700").And.Contain("-rd=0.500000"));
        var again = await client.ConeSearchAsync(M67);
        Assert.That((again.Ok, again.CacheHit, again.Objects.Count, server.Requests), Is.EqualTo((true, true, 2, 1)), "the same query: from the cache");
        var later = await client.ConeSearchAsync(M67 with { EpochUtc = M67.EpochUtc.AddMinutes(25) });
        Assert.That((later.CacheHit, server.Requests), Is.EqualTo((false, 2)), "another epoch is another query");
    }

    [Test]
    public async Task AnEmptyAnswerIsAnAnswerAndIsCached()
    {
        using var server = new ScriptedHttpServer(Text("# Flag: 0\n# Ticket: 1\nNo solar system object was found in the requested FOV\n"));
        using var client = Client(server);
        var result = await client.ConeSearchAsync(M67);
        Assert.That((result.Ok, result.Objects.Count), Is.EqualTo((true, 0)));
        Assert.That((await client.ConeSearchAsync(M67)).CacheHit, Is.True);
    }

    [Test]
    public async Task SkybotsOwnErrorsAndCutAnswersAreRetriedThenReportedNotPassed()
    {
        var error = Text("# Flag: -1\n# Ticket: 2\nSkyBoT asteroid conesearch -> computeEphemeris: #Error\n");
        using (var server = new ScriptedHttpServer(error, Status(503), Text(Answer)))
        using (var client = Client(server))
        {
            var result = await client.ConeSearchAsync(M67);
            Assert.That((result.Ok, result.Attempts, result.Objects.Count), Is.EqualTo((true, 3, 2)), string.Join("; ", result.Log));
        }
        using (var server = new ScriptedHttpServer(error))
        using (var client = Client(server))
        {
            var result = await client.ConeSearchAsync(M67);
            Assert.That(result.Ok, Is.False, "never a silent empty answer");
            Assert.That(result.Attempts, Is.EqualTo(3));
            Assert.That(result.FailureReason, Does.Contain("computeEphemeris").And.Contain("gave up after 3 attempt(s)"));
            Assert.That(File.Exists(client.CachePath(M67)), Is.False, "an error is not cached");
        }
    }
}

/// <summary>The radius each known object is allowed, and the match.</summary>
public class KnownObjectTests
{
    static SkybotObject Asteroid(double ra, double dec, double err, double raRate, double decRate) =>
        new("1234", "1931 TA", ra, dec, "MB>Middle", 15.2, err, 0, raRate, decRate, 1.6);

    [Test]
    public void AFastObjectIsAllowedHalfItsTrail()
    {
        // 72"/h over 50 min is a 60" trail: a detection 25" from the mid-exposure position is the object; with 5" it would be "vanished".
        var fast = Asteroid(132.8, 11.8, err: 0.3, raRate: 72, decRate: 0);
        Assert.That(KnownObjects.RadiusArcsec(fast, TimeSpan.FromMinutes(50), floorArcsec: 5, sigmas: 3), Is.EqualTo(5 + 30).Within(1e-9));
        var at25 = KnownObjects.Match(132.8 + 25 / 3600.0 / Math.Cos(11.8 * Math.PI / 180), 11.8, [fast], TimeSpan.FromMinutes(50), 5, 3);
        Assert.That(at25!.SeparationArcsec, Is.EqualTo(25).Within(0.01));
        Assert.That(KnownObjects.Match(132.8, 11.8 + 40 / 3600.0, [fast], TimeSpan.FromMinutes(50), 5, 3), Is.Null, "40\" away is not it");
    }

    [Test]
    public void APoorlyKnownOrbitWidensTheRadiusAndTheNearestObjectWins()
    {
        var vague = Asteroid(132.8, 11.8, err: 20, raRate: 0, decRate: 0);
        Assert.That(KnownObjects.RadiusArcsec(vague, TimeSpan.FromMinutes(50), 5, 3), Is.EqualTo(60));
        var near = Asteroid(132.8, 11.8 + 10 / 3600.0, err: 0.1, raRate: 0, decRate: 0) with { Name = "near" };
        var match = KnownObjects.Match(132.8, 11.8 + 12 / 3600.0, [vague, near], TimeSpan.FromMinutes(50), 5, 3);
        Assert.That(match!.Object.Name, Is.EqualTo("near"));
        Assert.That(match.SeparationArcsec, Is.EqualTo(2).Within(0.01));
    }
}
