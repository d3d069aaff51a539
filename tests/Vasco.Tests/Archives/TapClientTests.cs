using NUnit.Framework;
using Vasco.Archives;
using Vasco.Tests.Support;

namespace Vasco.Tests.Archives;

/// <summary>The TAP client against a loopback TAP service that reads the upload and the ADQL and joins for real.</summary>
public class TapClientTests
{
    const double Arcsec = 1 / 3600.0;

    // Offsets along a meridian, so distances are the Dec offsets. s:2 has no R1 detection (objidr1 NULL): the query's WHERE drops it.
    static readonly ArchiveTable SuperCosmos = ArchiveTable.Csv($"""
        raj2000,dej2000,objidb,objidr1
        10.0,{20 + 2 * Arcsec:R},11,101
        10.0,{20 - 1 * Arcsec:R},12,
        10.0,{20 + 4 * Arcsec:R},13,103
        10.0,{21 + 6 * Arcsec:R},14,104
        {360 - 1 * Arcsec:R},0.0,15,105

        """);

    static readonly ArchiveTable PtfObjects = ArchiveTable.Csv($"""
        ra,dec,oid,ngoodobs
        10.0,{20 + 1 * Arcsec:R},9001,0
        10.0,{20 + 3 * Arcsec:R},9002,7
        10.0,{21 + 2 * Arcsec:R},9003,1

        """);

    // p:1 has SCOS rows at 2" (R1) and 4" (R1), and an R1-less one at 1"; p:2's only row is 6" away; p:3 at RA 1" sees the row at RA -1": 2" across RA 0.
    static readonly SkyPoint[] Points = [new("p:1", 10.0, 20.0), new("p:2", 10.0, 21.0), new("p:3", 1 * Arcsec, 0.0)];

    static TapServer Server(int maxRec = 1000) => new(new Dictionary<string, ArchiveTable>
    {
        ["supercosmos.sources"] = SuperCosmos,
        ["ptf_objects"] = PtfObjects,
    }, maxRec);

    static TapClient Client(string? cacheDir = null, TimeProvider? clock = null, int maxRetries = 2, int maxSplitDepth = 12) => new(new TapClientOptions
    {
        CacheDir = cacheDir ?? TestTemp.NewPath("tap-cache-"),
        MinInterval = TimeSpan.Zero,
        BackoffUnit = TimeSpan.FromMilliseconds(10),
        AttemptTimeout = TimeSpan.FromSeconds(10),
        MaxRetries = maxRetries,
        MaxSplitDepth = maxSplitDepth,
    }, timeProvider: clock);

    static TapQuery Scos(TapServer server, double radius = 5, IReadOnlyList<SkyPoint>? points = null) =>
        TapQueries.SuperCosmosR1(points ?? Points, radius) with { ServiceUrl = server.ServiceUrl };

    static void AssertTheScosRows(TapResult result)
    {
        Assert.That(result.Ok, Is.True, result.FailureReason + "\n" + string.Join("\n", result.Log));
        Assert.That(result.Columns, Is.EqualTo(new[] { "vasco_id", "raj2000", "dej2000", "objidr1" }));
        Assert.That(result.Rows.Select(r => (r[0], r[3])), Is.EquivalentTo(new[] { ("p:1", "101"), ("p:1", "103"), ("p:3", "105") }),
            "within 5\" and with an R1 detection: not the R1-less row at 1\", not p:2's row at 6\"");
    }

    [Test]
    public void TheAdqlOfTheVettingChainIsAsTheServicesTakeIt()
    {
        Assert.That(TapQueries.SuperCosmosR1Adql(5), Is.EqualTo(
            "SELECT u.vasco_id, s.raj2000, s.dej2000, s.objidr1 FROM TAP_UPLOAD.vasco AS u JOIN supercosmos.sources AS s " +
            "ON 1=CONTAINS(POINT('ICRS', s.raj2000, s.dej2000), CIRCLE('ICRS', u.ra, u.dec, 5/3600.0)) WHERE s.objidr1 IS NOT NULL"));
        Assert.That(TapQueries.PtfAdql(2.5), Is.EqualTo(
            "SELECT u.vasco_id, p.ra, p.dec, p.oid, p.ngoodobs FROM TAP_UPLOAD.vasco AS u JOIN ptf_objects AS p " +
            "ON 1=CONTAINS(POINT('ICRS', p.ra, p.dec), CIRCLE('ICRS', u.ra, u.dec, 2.5/3600.0)) WHERE p.ngoodobs > 0"));
        Assert.That(TapQueries.SuperCosmosR1(Points, 5).ServiceUrl, Is.EqualTo(new Uri("https://dc.g-vo.org/tap")));
        Assert.That(TapQueries.Ptf(Points, 5).ServiceUrl, Is.EqualTo(new Uri("https://irsa.ipac.caltech.edu/TAP")));
        Assert.That(TapClient.SyncUrl(new Uri("https://irsa.ipac.caltech.edu/TAP/")).AbsoluteUri, Is.EqualTo("https://irsa.ipac.caltech.edu/TAP/sync"));
        Assert.Throws<ArgumentOutOfRangeException>(() => TapQueries.PtfAdql(0));
    }

    [Test]
    public async Task TheSuperCosmosQueryKeepsTheR1RowsWithinTheRadius()
    {
        using var server = Server();
        using var client = Client();

        var result = await client.QueryAsync(Scos(server));

        AssertTheScosRows(result);
        Assert.That((result.Attempts, result.CacheHit, result.Url), Is.EqualTo((1, false, server.ServiceUrl.AbsoluteUri + "/sync")));
        var form = MultipartBody.Parse(server.Requests.Single());
        Assert.Multiple(() =>
        {
            Assert.That(form["REQUEST"].Text, Is.EqualTo("doQuery"));
            Assert.That(form["LANG"].Text, Is.EqualTo("ADQL"));
            Assert.That(form["FORMAT"].Text, Is.EqualTo("votable"));
            Assert.That(form["UPLOAD"].Text, Is.EqualTo("vasco,param:vasco"));
            Assert.That(form["QUERY"].Text, Is.EqualTo(TapQueries.SuperCosmosR1Adql(5)));
            Assert.That(form["vasco"].FileName, Is.Not.Null);
            Assert.That(form["vasco"].ContentType, Does.StartWith("application/x-votable+xml"));
            Assert.That(server.UploadSizes, Is.EqualTo(new[] { 3 }));
        });

        var nearest = result.Nearest("raj2000", "dej2000", Points);
        Assert.That(nearest.Keys, Is.EquivalentTo(new[] { "p:1", "p:3" }));
        Assert.That(nearest["p:1"].Row["objidr1"], Is.EqualTo("101"), "the nearer of 2\" and 4\"");
        Assert.That(nearest["p:1"].SeparationArcsec, Is.EqualTo(2.0).Within(1e-6));
        Assert.That(nearest["p:3"].SeparationArcsec, Is.EqualTo(2.0).Within(1e-6), "across RA 0");
        Assert.That((nearest["p:3"].Ra, nearest["p:3"].Dec), Is.EqualTo((360 - Arcsec, 0.0)));
    }

    [Test]
    public async Task ThePtfQueryKeepsObjectsWithAGoodObservation()
    {
        using var server = Server();
        using var client = Client();

        var result = await client.QueryAsync(TapQueries.Ptf(Points, 5) with { ServiceUrl = server.ServiceUrl });

        Assert.That(result.Ok, Is.True, result.FailureReason);
        Assert.That(result.Columns, Is.EqualTo(new[] { "vasco_id", "ra", "dec", "oid", "ngoodobs" }));
        var nearest = result.Nearest("ra", "dec", Points);
        Assert.That(nearest.ToDictionary(p => p.Key, p => p.Value.Row["oid"]), Is.EquivalentTo(new Dictionary<string, string> { ["p:1"] = "9002", ["p:2"] = "9003" }),
            "9001 is nearer p:1 but has no good observation");
        Assert.That(nearest["p:2"].SeparationArcsec, Is.EqualTo(2.0).Within(1e-6));
    }

    [Test]
    public async Task ABinary2AnswerReadsAsTheTableDataOne()
    {
        using var server = Server();
        server.Binary2 = true;
        using var client = Client();

        var result = await client.QueryAsync(Scos(server));

        AssertTheScosRows(result);
        Assert.That(server.Requests.Count, Is.EqualTo(1));
    }

    [Test]
    public async Task AnOverflowingAnswerIsAskedAgainInHalvesAndNeverReturnedTruncated()
    {
        // Four points a degree apart, each with two rows within 5": 8 rows against a limit of 3.
        var points = Enumerable.Range(0, 4).Select(i => new SkyPoint($"q:{i}", 50.0 + i, 10.0)).ToList();
        var table = ArchiveTable.Csv("raj2000,dej2000,objidr1\n" + string.Concat(points.SelectMany(p => new[]
            { $"{p.Ra:R},{p.Dec + Arcsec:R},{p.Id}a\n", $"{p.Ra:R},{p.Dec - 2 * Arcsec:R},{p.Id}b\n" })));
        using var server = new TapServer(new Dictionary<string, ArchiveTable> { ["supercosmos.sources"] = table }, maxRec: 3);
        var cache = TestTemp.NewPath("tap-cache-");
        using var client = Client(cache);

        var result = await client.QueryAsync(Scos(server, points: points));

        Assert.That(result.Ok, Is.True, result.FailureReason);
        Assert.That(result.Rows.Select(r => r[3]), Is.EquivalentTo(points.SelectMany(p => new[] { p.Id + "a", p.Id + "b" })), "every row, once");
        Assert.That(server.UploadSizes, Is.EqualTo(new[] { 4, 2, 1, 1, 2, 1, 1 }), "4 overflows, each 2 overflows, each 1 fits");
        Assert.That(result.Log, Has.Some.Contains("QUERY_STATUS=OVERFLOW: asking again for each half of the 4 points"));

        var again = await client.QueryAsync(Scos(server, points: points));
        Assert.That((again.Ok, again.CacheHit, again.Rows.Count, server.RequestCount), Is.EqualTo((true, true, 8, 7)), "all parts from the cache");
    }

    [Test]
    public async Task AnOverflowThatHalvingCannotCureIsAFailure()
    {
        using var server = Server(maxRec: 1);
        using (var client = Client())
        {
            var result = await client.QueryAsync(Scos(server, points: [Points[0]]));
            Assert.That(result.Ok, Is.False, "two rows for one point against a limit of 1");
            Assert.That((result.Rows.Count, result.Columns.Count), Is.EqualTo((0, 0)), "no truncated table");
            Assert.That(result.FailureReason, Does.Contain("overflows the service's row limit (1 rows) for a single point"));
        }
        using (var client = Client(maxSplitDepth: 0))
        {
            var result = await client.QueryAsync(Scos(server));
            Assert.That((result.Ok, result.Rows.Count), Is.EqualTo((false, 0)));
            Assert.That(result.FailureReason, Does.Contain("even after halving the upload 0 time(s)"));
        }
    }

    [Test]
    public async Task TheCacheServesTheSameQueryButNotAChangedRadiusOrPointList()
    {
        using var server = Server();
        var cache = TestTemp.NewPath("tap-cache-");
        using var client = Client(cache);

        await client.QueryAsync(Scos(server));
        var again = await client.QueryAsync(Scos(server));
        AssertTheScosRows(again);
        Assert.That((again.CacheHit, again.Attempts, server.RequestCount), Is.EqualTo((true, 0, 1)));

        var narrower = await client.QueryAsync(Scos(server, radius: 3));
        Assert.That((narrower.CacheHit, server.RequestCount), Is.EqualTo((false, 2)), "another radius is another ADQL");
        Assert.That(narrower.Rows.Select(r => r[3]), Is.EquivalentTo(new[] { "101", "105" }));

        var fewer = await client.QueryAsync(Scos(server, points: Points[..2]));
        Assert.That((fewer.CacheHit, server.RequestCount), Is.EqualTo((false, 3)), "another upload is another query");
        Assert.That(fewer.Rows.Select(r => r[3]), Is.EquivalentTo(new[] { "101", "103" }));
    }

    [Test]
    public async Task TheServicesErrorIsReportedWithItsMessageAndNotRetried()
    {
        using var server = Server();
        using var client = Client();

        var result = await client.QueryAsync(Scos(server) with { Adql = TapQueries.SuperCosmosR1Adql(5).Replace("supercosmos.sources", "supercosmos.nothing") });

        Assert.That(result.Ok, Is.False);
        Assert.That(result.FailureReason, Is.EqualTo("the TAP service refused the query (HTTP 400 Bad Request): Table 'supercosmos.nothing' could not be located"));
        Assert.That((result.Attempts, server.RequestCount), Is.EqualTo((1, 1)));
    }

    [Test]
    public async Task AnErrorUnderHttp5xxIsRetriedAndItsMessageLogged()
    {
        using var server = Server();
        var refusal = TapServer.Refusal("database connection lost", 500);
        server.Inject(ServerFault.Reply(500, refusal.ContentType, refusal.Body));
        using var client = Client();

        var result = await client.QueryAsync(Scos(server));

        AssertTheScosRows(result);
        Assert.That(result.Attempts, Is.EqualTo(2));
        Assert.That(result.Log[0], Does.Contain("HTTP 500 Internal Server Error: database connection lost"));
    }

    [Test]
    public async Task A503IsRetriedAfterWhatRetryAfterAsks()
    {
        var clock = new TestClock();
        using var server = Server();
        server.Inject(ServerFault.Status(503, retryAfterSeconds: 3));
        using var client = Client(clock: clock);

        var query = client.QueryAsync(Scos(server));
        var wait = await clock.ArmedAsync(d => d < TimeSpan.FromSeconds(10), "the wait before the retry");
        Assert.That((wait, server.RequestCount), Is.EqualTo((TimeSpan.FromSeconds(3), 1)));
        clock.Advance(wait);
        var result = await TestClock.Finished(query, "the query");

        AssertTheScosRows(result);
        Assert.That((result.Attempts, result.Retries), Is.EqualTo((2, 1)));
    }

    [Test]
    public async Task AStalledAttemptHitsItsTimeLimitAndIsRetried()
    {
        var clock = new TestClock();
        using var server = Server();
        server.Inject(ServerFault.Stall());
        using var client = Client(clock: clock);

        var query = client.QueryAsync(Scos(server));
        await TestClock.Until(() => server.RequestCount >= 1, "the first request");
        clock.Advance(TimeSpan.FromSeconds(10));
        clock.Advance(await clock.ArmedAsync(d => d < TimeSpan.FromSeconds(1), "the backoff before the retry"));
        var result = await TestClock.Finished(query, "the query (the stalled attempt was not cut off)");

        AssertTheScosRows(result);
        Assert.That(result.Log[0], Does.Contain("no complete answer within 10 s"));
    }

    [Test]
    public async Task ACutShortVoTableIsRetriedThenAFailureNeverATable()
    {
        using (var server = Server())
        {
            server.Inject(ServerFault.CutShort(0.7)).Inject(ServerFault.Reset());
            using var client = Client();
            var result = await client.QueryAsync(Scos(server));
            AssertTheScosRows(result);
            Assert.That(result.Attempts, Is.EqualTo(3));
            Assert.That(result.Log[0], Does.Contain("damaged answer: not a whole VOTable"));
        }
        using (var server = Server())
        {
            server.Inject(ServerFault.CutShort(0.7), count: 3);
            using var client = Client();
            var result = await client.QueryAsync(Scos(server));
            Assert.That((result.Ok, result.Rows.Count), Is.EqualTo((false, 0)));
            Assert.That(result.FailureReason, Does.Contain("not a whole VOTable").And.Contain("gave up after 3 attempt(s)"));
        }
    }

    [Test]
    public void NearestRefusesARowOfAPointNotUploaded()
    {
        var result = new TapResult(true, ["vasco_id", "ra", "dec"], [["zz", "10", "20"]], "u", false, 1, 0, null, []);
        Assert.Throws<FormatException>(() => result.Nearest("ra", "dec", Points));
        Assert.Throws<ArgumentException>(() => result.Nearest("raj2000", "dej2000", Points));
    }
}
