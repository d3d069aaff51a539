using NUnit.Framework;
using Vasco.Archives;
using Vasco.Tests.Support;

namespace Vasco.Tests.Archives;

/// <summary>CDS XMatch's CSV answer read, and the client against a loopback XMatch that cross-matches for real.</summary>
public class XmatchClientTests
{
    const double Arcsec = 1 / 3600.0;

    // Offsets along a meridian: the distance is the offset in Dec, exactly.
    static readonly ArchiveTable TwoMass = ArchiveTable.Csv($"""
        2MASS,RAJ2000,DEJ2000,Jmag
        A,10.0,{20 + 1 * Arcsec:R},12.1
        B,10.0,{20 + 3 * Arcsec:R},13.2
        C,10.0,{21 - 4 * Arcsec:R},14.3
        D,10.0,{22 + 6 * Arcsec:R},15.4
        "E, the wrapped",{2 * Arcsec:R},0.0,16.5

        """);

    // t:1 has A at 1" and B at 3"; t:2 has C at 4"; t:3 has D at 6", beyond 5"; t:4 at RA -2" (359.99944...) has E at RA +2": 4" across RA 0.
    static readonly SkyPoint[] Points =
    [
        new("t:1", 10.0, 20.0), new("t:2", 10.0, 21.0), new("t:3", 10.0, 22.0), new("t:4", -2 * Arcsec, 0.0),
    ];

    static readonly XmatchQuery Query = new("II/246/out", 5, Points);

    static XmatchServer Server() => new(new Dictionary<string, ArchiveTable> { ["II/246/out"] = TwoMass });

    static XmatchClient Client(XmatchServer server, string? cacheDir = null, int maxUploadRows = 100_000, TimeProvider? clock = null, int maxRetries = 2) => new(new XmatchClientOptions
    {
        XmatchUrl = server.Url,
        CacheDir = cacheDir ?? TestTemp.NewPath("xmatch-cache-"),
        MaxUploadRows = maxUploadRows,
        MinInterval = TimeSpan.Zero,
        BackoffUnit = TimeSpan.FromMilliseconds(10),
        AttemptTimeout = TimeSpan.FromSeconds(10),
        MaxRetries = maxRetries,
    }, timeProvider: clock);

    static void AssertTheMatchesOfPoints(ArchiveResult result)
    {
        Assert.That(result.Ok, Is.True, result.FailureReason + "\n" + string.Join("\n", result.Log));
        Assert.That(result.Best.Keys, Is.EquivalentTo(new[] { "t:1", "t:2", "t:4" }), "t:3's only neighbour is 6\" away");
        Assert.That(result.Best.Values.Select(m => (m.Id, m.Row["2MASS"])), Is.EquivalentTo(new[] { ("t:1", "A"), ("t:2", "C"), ("t:4", "E, the wrapped") }));
        Assert.That(result.Best["t:1"].SeparationArcsec, Is.EqualTo(1.0).Within(1e-5), "the nearer of A (1\") and B (3\")");
        Assert.That(result.Best["t:2"].SeparationArcsec, Is.EqualTo(4.0).Within(1e-5));
        Assert.That(result.Best["t:4"].SeparationArcsec, Is.EqualTo(4.0).Within(1e-5));
        Assert.That((result.Best["t:1"].Ra, result.Best["t:1"].Dec), Is.EqualTo((10.0, 20 + Arcsec)), "the archive's own position, from RAJ2000/DEJ2000");
        Assert.That(result.Best["t:1"].Row["Jmag"], Is.EqualTo("12.1"));
    }

    [Test]
    public async Task TheNearestCounterpartWithinTheRadiusIsKeptAndTheOthersAreAbsent()
    {
        using var server = Server();
        using var client = Client(server);

        var result = await client.MatchAsync(Query);

        AssertTheMatchesOfPoints(result);
        Assert.That((result.Attempts, result.Retries, result.CacheHit, server.RequestCount), Is.EqualTo((1, 0, false, 1)));
        var form = MultipartBody.Parse(server.Requests.Single());
        Assert.Multiple(() =>
        {
            Assert.That(form.ToDictionary(p => p.Key, p => p.Value.Text).Where(p => p.Key != "cat1"), Is.EquivalentTo(new Dictionary<string, string>
            {
                ["REQUEST"] = "xmatch", ["distMaxArcsec"] = "5", ["RESPONSEFORMAT"] = "csv", ["selection"] = "best",
                ["cat2"] = "vizier:II/246/out", ["colRA1"] = "ra", ["colDec1"] = "dec",
            }));
            Assert.That(form["cat1"].FileName, Is.Not.Null, "cat1 is an uploaded file");
            Assert.That(form["cat1"].Text, Is.EqualTo("vasco_id,ra,dec\nt:1,10,20\nt:2,10,21\nt:3,10,22\nt:4,359.99944444444446,0\n"), "RA wrapped into [0, 360)");
            Assert.That(result.Url, Is.EqualTo(server.Url.AbsoluteUri));
        });
    }

    [Test]
    public async Task AnUploadSplitIntoChunksGivesTheSameAnswerAsOne()
    {
        using var server = Server();
        using var whole = Client(server);
        using var chunked = Client(server, maxUploadRows: 3);

        var one = await whole.MatchAsync(Query);
        var two = await chunked.MatchAsync(Query);

        AssertTheMatchesOfPoints(two);
        Assert.That(server.RequestCount, Is.EqualTo(3), "one request, then two chunks of at most 3 points");
        Assert.That(server.Bodies.Skip(1).Select(b => MultipartBodyRows(b)), Is.EquivalentTo(new[] { 3, 1 }));
        Assert.That(two.Best.OrderBy(p => p.Key).Select(p => (p.Key, p.Value.SeparationArcsec, p.Value.Row["2MASS"])),
            Is.EqualTo(one.Best.OrderBy(p => p.Key).Select(p => (p.Key, p.Value.SeparationArcsec, p.Value.Row["2MASS"]))));
        Assert.That(two.Attempts, Is.EqualTo(2));
    }

    /// <summary>Data lines of the uploaded CSV in a request body.</summary>
    static int MultipartBodyRows(string body) => body.Split('\n').Count(l => l.StartsWith("t:", StringComparison.Ordinal));

    [Test]
    public async Task TheCacheServesTheSameQueryButNotAChangedRadiusOrPointList()
    {
        using var server = Server();
        var cache = TestTemp.NewPath("xmatch-cache-");
        using var client = Client(server, cache);

        await client.MatchAsync(Query);
        var again = await client.MatchAsync(Query);
        AssertTheMatchesOfPoints(again);
        Assert.That((again.CacheHit, again.Attempts, server.RequestCount), Is.EqualTo((true, 0, 1)), "the same query: from the cache");

        using (var other = Client(server, cache))
            Assert.That((await other.MatchAsync(Query)).CacheHit, Is.True, "the cache outlives the client");

        var narrower = await client.MatchAsync(Query with { RadiusArcsec = 3 });
        Assert.That((narrower.CacheHit, server.RequestCount), Is.EqualTo((false, 2)), "another radius is another query");
        Assert.That(narrower.Best.Keys, Is.EquivalentTo(new[] { "t:1" }), "within 3\" only A is left");

        var moved = await client.MatchAsync(Query with { Points = [.. Points[..3], new SkyPoint("t:4", 10.0, 22.0)] });
        Assert.That((moved.CacheHit, server.RequestCount), Is.EqualTo((false, 3)), "another point list is another query");
        Assert.That(moved.Best.Keys, Is.EquivalentTo(new[] { "t:1", "t:2" }));

        var otherTable = await client.MatchAsync(Query with { Table = "II/246/out2" });
        Assert.That((otherTable.Ok, server.RequestCount), Is.EqualTo((false, 4)), "another table is another query");
    }

    [Test]
    public async Task EachChunkIsCachedOnItsOwn()
    {
        using var server = Server();
        using var client = Client(server, maxUploadRows: 2);
        await client.MatchAsync(Query);
        Assert.That(server.RequestCount, Is.EqualTo(2));

        var result = await client.MatchAsync(Query with { Points = [.. Points[..2], Points[2] with { Dec = 22.5 }, Points[3]] });

        Assert.That((result.Ok, result.CacheHit, server.RequestCount), Is.EqualTo((true, false, 3)), "the unchanged first chunk comes from the cache");
        Assert.That(result.Best.Keys, Is.EquivalentTo(new[] { "t:1", "t:2", "t:4" }));
    }

    [Test]
    public async Task CdssRefusalIsReportedWithItsMessageAndNotRetried()
    {
        using var server = Server();
        var cache = TestTemp.NewPath("xmatch-cache-");
        using var client = Client(server, cache);

        var result = await client.MatchAsync(Query with { Table = "II/999/nope" });

        Assert.Multiple(() =>
        {
            Assert.That(result.Ok, Is.False);
            Assert.That(result.Best, Is.Empty);
            Assert.That(result.FailureReason, Is.EqualTo("CDS XMatch refused the query (HTTP 400 Bad Request): Catalogue 'vizier:II/999/nope' not found"));
            Assert.That((result.Attempts, server.RequestCount), Is.EqualTo((1, 1)), "a refusal is final");
            Assert.That(Directory.Exists(cache) ? Directory.GetFiles(cache) : [], Is.Empty, "nothing cached");
        });
    }

    [Test]
    public async Task A503IsRetriedAfterWhatRetryAfterAsks()
    {
        var clock = new TestClock();
        using var server = Server();
        server.Inject(ServerFault.Status(503, retryAfterSeconds: 2));
        using var client = Client(server, clock: clock);

        var query = client.MatchAsync(Query);
        var wait = await clock.ArmedAsync(d => d < TimeSpan.FromSeconds(10), "the wait before the retry");
        Assert.That((wait, server.RequestCount), Is.EqualTo((TimeSpan.FromSeconds(2), 1)), "Retry-After outweighs the 20 ms backoff");
        clock.Advance(wait);
        var result = await TestClock.Finished(query, "the cross-match");

        AssertTheMatchesOfPoints(result);
        Assert.That((result.Attempts, result.Retries, server.RequestCount), Is.EqualTo((2, 1, 2)));
        Assert.That(result.Log[0], Does.Contain("HTTP 503").And.Contain("retrying in 2 s"));
    }

    [Test]
    public async Task AStalledAttemptHitsItsTimeLimitAndIsRetried()
    {
        var clock = new TestClock();
        using var server = Server();
        server.Inject(ServerFault.Stall());
        using var client = Client(server, clock: clock);

        var query = client.MatchAsync(Query);
        await TestClock.Until(() => server.RequestCount >= 1, "the first request");
        clock.Advance(TimeSpan.FromSeconds(10));
        clock.Advance(await clock.ArmedAsync(d => d < TimeSpan.FromSeconds(1), "the backoff before the retry"));
        var result = await TestClock.Finished(query, "the cross-match (the stalled attempt was not cut off)");

        AssertTheMatchesOfPoints(result);
        Assert.That(result.Attempts, Is.EqualTo(2));
        Assert.That(result.Log[0], Does.Contain("no complete answer within 10 s"));
    }

    [Test]
    public async Task AResetAndABrokenTransferAreRetried()
    {
        using var server = Server();
        server.Inject(ServerFault.Reset()).Inject(ServerFault.CutShort(0.5, declareLength: true));
        using var client = Client(server);

        var result = await client.MatchAsync(Query);

        AssertTheMatchesOfPoints(result);
        Assert.That((result.Attempts, server.RequestCount), Is.EqualTo((3, 3)), string.Join("\n", result.Log));
    }

    [Test]
    public async Task ACutShortCsvIsRetriedAndNeverTakenForNoMatch()
    {
        using (var server = Server())
        {
            server.Inject(ServerFault.CutShort(0.6));
            using var client = Client(server);
            var result = await client.MatchAsync(Query);
            AssertTheMatchesOfPoints(result);
            Assert.That(result.Log[0], Does.Contain("damaged answer").And.Contain("cut short"));
        }
        using (var server = Server())
        {
            server.Inject(ServerFault.CutShort(0.6), count: 3);
            var cache = TestTemp.NewPath("xmatch-cache-");
            using var client = Client(server, cache, maxRetries: 2);
            var result = await client.MatchAsync(Query);
            Assert.Multiple(() =>
            {
                Assert.That(result.Ok, Is.False, "a cut answer is a failure, not fewer matches");
                Assert.That(result.Best, Is.Empty);
                Assert.That(result.FailureReason, Does.Contain("cut short").And.Contain("gave up after 3 attempt(s)"));
                Assert.That(Directory.Exists(cache) ? Directory.GetFiles(cache) : [], Is.Empty);
            });
        }
    }

    [Test]
    public async Task AFailedChunkFailsTheWholeCall()
    {
        using var server = Server();
        server.Inject(ServerFault.Reply(200, "text/html", "<html><body>Maintenance</body></html>"), count: 10);
        using var client = Client(server, maxUploadRows: 2, maxRetries: 1);

        var result = await client.MatchAsync(Query);

        Assert.That(result.Ok, Is.False);
        Assert.That(result.Best, Is.Empty, "never half the points' matches");
        Assert.That(result.FailureReason, Does.StartWith("chunk 1 of 2: damaged answer"));
    }

    [Test]
    public async Task OfSeveralRowsForOnePointTheNearestIsKept()
    {
        // As selection=all would answer: t:1 three times, the nearest in the middle.
        using var server = Server();
        server.Inject(ServerFault.Reply(200, "text/csv", "angDist,vasco_id,ra,dec,2MASS,RAJ2000,DEJ2000\n" +
            "3.0,t:1,10,20,B,10,20.0008333\n0.5,t:1,10,20,Z,10,20.0001389\n1.0,t:1,10,20,A,10,20.0002778\n4.0,t:2,10,21,C,10,20.9988889\n"));
        using var client = Client(server);

        var result = await client.MatchAsync(Query);

        Assert.That(result.Ok, Is.True, result.FailureReason);
        Assert.That(result.Best.ToDictionary(p => p.Key, p => (p.Value.Row["2MASS"], p.Value.SeparationArcsec)),
            Is.EquivalentTo(new Dictionary<string, (string, double)> { ["t:1"] = ("Z", 0.5), ["t:2"] = ("C", 4.0) }));
    }

    [Test]
    public async Task NoPointsAskNothing()
    {
        using var server = Server();
        using var client = Client(server);
        var result = await client.MatchAsync(Query with { Points = [] });
        Assert.That((result.Ok, result.Best.Count, server.RequestCount), Is.EqualTo((true, 0, 0)));
    }

    [Test]
    public void ABadQueryThrowsBeforeAnythingIsSent()
    {
        using var server = Server();
        using var client = Client(server);
        Assert.ThrowsAsync<ArgumentOutOfRangeException>(() => client.MatchAsync(Query with { RadiusArcsec = 181 }));
        Assert.ThrowsAsync<ArgumentException>(() => client.MatchAsync(Query with { Points = [Points[0], Points[0]] }));
        Assert.ThrowsAsync<ArgumentOutOfRangeException>(() => client.MatchAsync(Query with { Points = [new SkyPoint("x", 10, 91)] }));
        Assert.That(server.RequestCount, Is.Zero);
    }
}

/// <summary>The CSV answer itself: astroquery's real sample, and what is not a whole answer.</summary>
public class XmatchCsvTests
{
    [Test]
    public void AstroquerysSampleIsRead()
    {
        var answer = XmatchCsv.Parse(AstroquerySamples.XmatchCsv, ["ra", "dec", "my_id"], "my_id");

        Assert.That(answer.Ok, Is.True, answer.Message);
        Assert.That(answer.Matches, Has.Count.EqualTo(11));
        Assert.That(answer.Message, Does.Contain("RAJ2000/DEJ2000"));
        var first = answer.Matches[0];
        Assert.That((first.Id, first.SeparationArcsec, first.Ra, first.Dec), Is.EqualTo(("1", 1.352044, 267.220049, -20.358990)));
        Assert.That(first.Row["2MASS"], Is.EqualTo("17485281-2021323"));
        Assert.That(first.Row["e_Kmag"], Is.EqualTo(""), "an empty cell stays empty");
        Assert.That(first.Row.ContainsKey("my_id"), Is.False, "the row is the table's, not the upload's");
        Assert.That(answer.Matches.Single(m => m.Row["2MASS"] == "20240382+3352021").Dec, Is.EqualTo(33.867275), "+33.867275");

        var best = answer.Matches.GroupBy(m => m.Id).ToDictionary(g => g.Key, g => g.MinBy(m => m.SeparationArcsec)!.Row["2MASS"]);
        Assert.That(best, Is.EquivalentTo(new Dictionary<string, string>
        {
            ["1"] = "17485281-2021323", ["2"] = "18192154-2525377", ["3"] = "18234133-3021582",
            ["4"] = "18530390-0842276", ["5"] = "20240382+3352021", ["6"] = "21295836+1210007",
        }));
    }

    const string Head = "angDist,vasco_id,ra,dec,Name,RAdeg,DEdeg\n";

    [Test]
    public void QuotedFieldsAndOtherPositionColumnsAreRead()
    {
        var answer = XmatchCsv.Parse(Head + "0.5,\"t:1, odd\",10,20,\"V* \"\"X\"\" Cnc\",10.0001,20\n", XmatchClient.UploadColumns, "vasco_id");
        Assert.That(answer.Ok, Is.True, answer.Message);
        var m = answer.Matches.Single();
        Assert.That((m.Id, m.Row["Name"], m.Ra, m.Dec), Is.EqualTo(("t:1, odd", "V* \"X\" Cnc", 10.0001, 20.0)));
    }

    [Test]
    public void AHeaderAloneIsAnAnswerWithNoMatch()
    {
        var answer = XmatchCsv.Parse(Head, XmatchClient.UploadColumns, "vasco_id");
        Assert.That((answer.Ok, answer.Matches.Count), Is.EqualTo((true, 0)));
    }

    [TestCase("", "empty")]
    [TestCase(Head + "0.5,t:1,10,20,X,10,20", "cut short")]
    [TestCase(Head + "0.5,t:1,10,20,X,10\n", "6 fields where the header has 7")]
    [TestCase(Head + "0.5,t:1,10,20,X,10,20,extra\n", "8 fields")]
    [TestCase("vasco_id,ra,dec,angDist\nt:1,10,20,0.5\n", "first column is not angDist")]
    [TestCase("<html><body>Service Unavailable</body></html>\n", "first column is not angDist")]
    [TestCase(Head + "far,t:1,10,20,X,10,20\n", "not a distance")]
    [TestCase(Head + "0.5,t:9,10,20,X,10,20\n", "which was not uploaded")]
    [TestCase(Head + "0.5,t:1,10,20,X,ten,20\n", "not numbers")]
    [TestCase(Head + "0.5,\"t:1,10,20,X,10,20\n", "fields where the header has")]
    public void WhatIsNotAWholeAnswerIsDamaged(string body, string said)
    {
        var answer = XmatchCsv.Parse(body, XmatchClient.UploadColumns, "vasco_id", new HashSet<string> { "t:1" });
        Assert.That(answer.Ok, Is.False);
        Assert.That(answer.Matches, Is.Empty);
        Assert.That(answer.Message, Does.Contain(said));
    }
}
