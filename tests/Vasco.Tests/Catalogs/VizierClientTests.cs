using System.Net;
using System.Net.Sockets;
using NUnit.Framework;
using Vasco.Catalogs;
using Vasco.Pipeline;
using Vasco.Tests.Download;
using Vasco.Tests.Support;
using static Vasco.Tests.Download.ScriptedHttpServer;
using static Vasco.Tests.Catalogs.VizierStandIn;

namespace Vasco.Tests.Catalogs;

/// <summary>The VizieR client against scripted mirrors on 127.0.0.1 serving asu-tsv made from the real M67 Gaia DR3 cone.</summary>
public class VizierClientTests
{
    static readonly Cone M67Cone = new(132.834, 11.812, 22.2);

    string _dir = null!;

    [SetUp]
    public void SetUp() => Directory.CreateDirectory(_dir = Path.Combine(Path.GetTempPath(), "vasco-tests", "vizier-" + Guid.NewGuid().ToString("N")[..8]));

    [TearDown]
    public void TearDown() => Directory.Delete(_dir, recursive: true);

    VizierClient Client(IEnumerable<Uri> mirrors, int maxRetries = 3, int rowLimit = 50_000, int maxSplitDepth = 3, TimeSpan? minInterval = null, TimeProvider? clock = null) => new(new VizierClientOptions
    {
        Mirrors = mirrors.ToList(),
        CacheDir = Path.Combine(_dir, "cache"),
        BackoffUnit = TimeSpan.FromMilliseconds(10),
        AttemptTimeout = TimeSpan.FromSeconds(10),
        MaxRetries = maxRetries,
        RowLimit = rowLimit,
        MaxSplitDepth = maxSplitDepth,
        MinInterval = minInterval ?? TimeSpan.Zero,
    }, timeProvider: clock);

    VizierClient Client(ScriptedHttpServer server, int maxRetries = 3, TimeProvider? clock = null) => Client([server.BaseUri], maxRetries, clock: clock);

    /// <summary>A port on 127.0.0.1 that nothing listens on: connections are refused.</summary>
    static Uri ClosedPort()
    {
        var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        return new Uri($"http://127.0.0.1:{port}/");
    }

    [Test]
    public async Task AnAnswerIsParsedPastItsCommentsUnitsAndDashes()
    {
        using var server = new ScriptedHttpServer(Tsv(Fixture));
        using var client = Client(server);

        var result = await client.ConeSearchAsync(CatalogSource.Gaia, M67Cone);

        Assert.That(result.Ok, Is.True, result.FailureReason);
        const string query = "-source=I%2F355%2Fgaiadr3&-c=132.834%20%2B11.812&-c.eq=J2000&-c.rm=22.2" +
                             "&-out=Source%2CRA_ICRS%2CDE_ICRS%2CGmag%2CpmRA%2CpmDE&-out.max=50000&-oc.form=dec";
        Assert.Multiple(() =>
        {
            Assert.That(server.RequestLines.Single(), Is.EqualTo($"GET /viz-bin/asu-tsv?{query} HTTP/1.1"));
            Assert.That(result.Url, Is.EqualTo($"{server.BaseUri}viz-bin/asu-tsv?{query}"));
            Assert.That((result.Queries, result.RowsFetched, result.RowsWithoutPosition, result.Attempts, result.Retries, result.CacheHit),
                Is.EqualTo((1, 8, 0, 1, 0, false)));
            Assert.That(result.Mirrors, Is.EqualTo(new[] { server.BaseUri.AbsoluteUri }));
            Assert.That((result.Truncated, result.TruncatedAnswers), Is.EqualTo((false, 0)));
            Assert.That(result.Stars, Has.Count.EqualTo(8));
            Assert.That(result.Stars[0], Is.EqualTo(new ReferenceStar("598885257595111296", 132.84573169404, 11.44937144306, 20.85874, 2.006, -8.001, 2016.0)));
            // Missing cells are empty: no proper motion counts as none, no magnitude stays unknown.
            Assert.That(result.Stars[6], Is.EqualTo(new ReferenceStar("598886254027512704", 132.79908657465, 11.45828044167, 20.852308, 0, 0, 2016.0)));
            Assert.That(result.Stars[7].Mag, Is.NaN);
            Assert.That(Directory.GetFiles(Path.Combine(_dir, "cache")).Select(Path.GetFileName),
                Is.EqualTo(new[] { client.CacheKey(CatalogSource.Gaia, M67Cone) + ".tsv" }));
        });
    }

    [Test]
    public async Task TheSecondSearchIsServedFromTheCacheWithoutAnyRequest()
    {
        using var server = new ScriptedHttpServer(Tsv(Fixture));
        using var client = Client(server);

        var first = await client.ConeSearchAsync(CatalogSource.Gaia, M67Cone);
        // The same cone written slightly differently (beyond the 1e-6 deg rounding) is the same query.
        var second = await client.ConeSearchAsync(CatalogSource.Gaia, M67Cone with { Ra = M67Cone.Ra + 1e-8 });

        Assert.Multiple(() =>
        {
            Assert.That(server.Requests, Is.EqualTo(1));
            Assert.That(second.Ok && second.CacheHit, Is.True, second.FailureReason);
            Assert.That((second.Attempts, second.RowsFetched), Is.EqualTo((0, 8)));
            Assert.That(second.Stars, Is.EqualTo(first.Stars));
            Assert.That(second.Mirrors, Is.Empty);
        });
    }

    [Test]
    public async Task A503IsRetried()
    {
        using var server = new ScriptedHttpServer(Status(503), Tsv(Fixture));
        using var client = Client(server);

        var result = await client.ConeSearchAsync(CatalogSource.Gaia, M67Cone);

        Assert.That(result.Ok, Is.True, result.FailureReason);
        Assert.That((result.Attempts, result.Retries, result.Stars.Count), Is.EqualTo((2, 1, 8)));
        Assert.That(result.Log[0], Does.Contain("HTTP 503"));
    }

    [Test]
    public async Task A429WaitsAtLeastWhatRetryAfterAsks()
    {
        var clock = new TestClock();
        using var server = new ScriptedHttpServer(Status(429, "Retry-After: 1"), Tsv(Fixture));
        using var client = Client(server, clock: clock);

        var query = client.ConeSearchAsync(CatalogSource.Gaia, M67Cone);
        // The backoff alone would be about 15 ms; the wait armed is what Retry-After asks, and nothing is asked before it ends.
        var wait = await clock.ArmedAsync(d => d < TimeSpan.FromSeconds(10), "the wait before the retry");
        Assert.That((wait, server.Requests), Is.EqualTo((TimeSpan.FromSeconds(1), 1)));
        clock.Advance(wait);
        var result = await TestClock.Finished(query, "the query");

        Assert.That(result.Ok, Is.True, result.FailureReason);
        Assert.That((result.Retries, result.RetryWait, server.Requests), Is.EqualTo((1, TimeSpan.FromSeconds(1), 2)));
    }

    [Test]
    public async Task TooManyJobsUnderHttp200IsRetried()
    {
        const string busy = "#\n#   VizieR Astronomical Server vizier.cds.unistra.fr\n#\n#***** Too many jobs running on the server: please try again later\n";
        using var server = new ScriptedHttpServer(Tsv(busy), Tsv(Fixture));
        using var client = Client(server);

        var result = await client.ConeSearchAsync(CatalogSource.Gaia, M67Cone);

        Assert.That(result.Ok, Is.True, result.FailureReason);
        Assert.That((result.Attempts, result.Retries), Is.EqualTo((2, 1)));
        Assert.That(result.Log[0], Does.Contain("VizieR is overloaded: \"Too many jobs running"));
    }

    [Test]
    public async Task AnErrorInTheBodyFailsWithItsMessageOnEveryMirrorAlike()
    {
        const string error = "#\n#   VizieR Astronomical Server vizier.cds.unistra.fr\n#\n#++++ Unknown column: pmRAx in I/355/gaiadr3\n#\n";
        using var first = new ScriptedHttpServer(Tsv(error));
        using var second = new ScriptedHttpServer(Tsv(Fixture));
        using var client = Client([first.BaseUri, second.BaseUri]);

        var result = await client.ConeSearchAsync(CatalogSource.Gaia, M67Cone);

        Assert.Multiple(() =>
        {
            Assert.That(result.Ok, Is.False);
            Assert.That(result.FailureCode, Is.EqualTo(ErrorCodes.CatalogQueryRejected));
            Assert.That(result.FailureReason, Is.EqualTo("VizieR answered an error: Unknown column: pmRAx in I/355/gaiadr3"));
            Assert.That(result.Stars, Is.Empty);
            // The query is wrong, not the mirror: no retry, no other mirror, nothing cached.
            Assert.That((result.Attempts, second.Requests), Is.EqualTo((1, 0)));
            Assert.That(Directory.Exists(Path.Combine(_dir, "cache")) ? Directory.GetFiles(Path.Combine(_dir, "cache")) : [], Is.Empty);
        });
    }

    [Test]
    public async Task AnAnswerWithoutAMappedColumnFailsNamingIt()
    {
        using var server = new ScriptedHttpServer(Tsv(Fixture.Replace("\tGmag\t", "\tRPmag\t")));
        using var client = Client(server);

        var result = await client.ConeSearchAsync(CatalogSource.Gaia, M67Cone);

        Assert.That((result.Ok, result.FailureCode), Is.EqualTo((false, ErrorCodes.CatalogColumns)));
        Assert.That(result.FailureReason, Does.Contain("lacks the column(s) Gmag"));
    }

    [TestCase("header, units and dashes but no row", "#\n#Table\tI_355_gaiadr3:\nSource\tRA_ICRS\tDE_ICRS\tGmag\tpmRA\tpmDE\n\tdeg\tdeg\tmag\tmas/yr\tmas/yr\n----\t----\t----\t----\t----\t----\n\n")]
    [TestCase("no table at all", "#\n#   VizieR Astronomical Server vizier.cds.unistra.fr\n#INFO\t-out.max=50000\t\n#\n")]
    public async Task AnEmptyConeIsAnAnswerWithNoRows(string what, string body)
    {
        using var server = new ScriptedHttpServer(Tsv(body));
        using var client = Client(server);

        var result = await client.ConeSearchAsync(CatalogSource.Gaia, M67Cone);

        Assert.That(result.Ok, Is.True, $"{what}: {result.FailureReason}");
        Assert.That((result.Stars.Count, result.RowsFetched, result.Attempts), Is.EqualTo((0, 0, 1)));
    }

    [Test]
    public async Task AConeCutOffByTheRowLimitIsSplitUntilEverySourceIsThere()
    {
        var cone = new Cone(132.834, 11.812, 10);
        var expected = M67Stars.Where(s => cone.Contains(s.Ra, s.Dec)).Select(s => s.Id).ToList();
        using var server = new ScriptedHttpServer(Route);
        using var client = Client([server.BaseUri], rowLimit: 300);

        var result = await client.ConeSearchAsync(CatalogSource.Gaia, cone);

        Assert.That(result.Ok, Is.True, result.FailureReason);
        Assert.Multiple(() =>
        {
            Assert.That(expected, Has.Count.GreaterThan(1000), "the cone must hold several times the row limit");
            Assert.That(result.Stars.Select(s => s.Id), Is.EquivalentTo(expected));
            Assert.That(result.Truncated, Is.False);
            Assert.That(result.TruncatedAnswers, Is.GreaterThanOrEqualTo(5));
            Assert.That(result.Queries, Is.EqualTo(1 + 4 * result.TruncatedAnswers));
            Assert.That(server.Requests, Is.EqualTo(result.Queries));
            Assert.That(result.RowsFetched, Is.GreaterThan(expected.Count), "sub-cones overlap");
        });
        TestContext.Out.WriteLine($"{expected.Count} sources: {result.Queries} queries, {result.TruncatedAnswers} split, {result.RowsFetched} rows fetched");
    }

    [Test]
    public async Task AConeStillCutOffAtTheDeepestSplitFails()
    {
        using var server = new ScriptedHttpServer(Route);
        using var client = Client([server.BaseUri], rowLimit: 300, maxSplitDepth: 0);

        var result = await client.ConeSearchAsync(CatalogSource.Gaia, M67Cone);

        Assert.Multiple(() =>
        {
            Assert.That((result.Ok, result.Truncated, result.TruncatedAnswers), Is.EqualTo((false, true, 1)));
            Assert.That(result.FailureCode, Is.EqualTo(ErrorCodes.CatalogTruncated));
            Assert.That(result.FailureReason, Does.StartWith("I/355/gaiadr3 has 300 rows or more within 22.2' of (132.834, +11.812)"));
            Assert.That(result.Stars, Is.Empty);
        });
    }

    [Test]
    public async Task AMirrorThatFailsEveryRetryHandsOverToTheNext()
    {
        using var down = new ScriptedHttpServer(Status(503));
        using var up = new ScriptedHttpServer(Tsv(Fixture));
        using var client = Client([down.BaseUri, up.BaseUri], maxRetries: 1);

        var result = await client.ConeSearchAsync(CatalogSource.Gaia, M67Cone);
        var next = await client.ConeSearchAsync(CatalogSource.Gaia, M67Cone with { RadiusArcmin = 20 });

        Assert.Multiple(() =>
        {
            Assert.That(result.Ok, Is.True, result.FailureReason);
            Assert.That(result.Mirrors, Is.EqualTo(new[] { up.BaseUri.AbsoluteUri }));
            Assert.That(result.Url, Does.StartWith(up.BaseUri.AbsoluteUri));
            Assert.That((down.Requests, result.Attempts, result.Retries), Is.EqualTo((2, 3, 1)));
            // The next query starts where the last one was answered.
            Assert.That(next.Ok, Is.True, next.FailureReason);
            Assert.That((down.Requests, up.Requests, next.Attempts), Is.EqualTo((2, 2, 1)));
        });
    }

    [Test]
    public async Task NoMirrorAnsweringIsAFailureNamingEachMirror()
    {
        var refused = ClosedPort();
        using var down = new ScriptedHttpServer(Status(503));
        using var client = Client([refused, down.BaseUri], maxRetries: 1);

        var result = await client.ConeSearchAsync(CatalogSource.Gaia, M67Cone);

        Assert.Multiple(() =>
        {
            Assert.That((result.Ok, result.FailureCode), Is.EqualTo((false, ErrorCodes.CatalogFetchFailed)));
            Assert.That(result.FailureReason, Does.Contain($"127.0.0.1: connection failed").And.Contains("HTTP 503 Service Unavailable (gave up after 2 attempts)"));
            Assert.That(result.Attempts, Is.EqualTo(4));
        });
    }

    [Test]
    public async Task RequestsToOneMirrorAreSpacedByTheMinimumInterval()
    {
        // On a fake clock that the server reads too: the gaps are exact, whatever the machine's load.
        var interval = TimeSpan.FromMilliseconds(400);
        var clock = new TestClock();
        using var server = new ScriptedHttpServer(Tsv(Fixture)) { Clock = clock };
        using var client = Client([server.BaseUri], minInterval: interval, clock: clock);

        var all = Task.WhenAll(
            client.ConeSearchAsync(CatalogSource.Gaia, M67Cone),
            client.ConeSearchAsync(CatalogSource.Gaia, M67Cone with { RadiusArcmin = 15 }),
            client.ConeSearchAsync(CatalogSource.Gaia, M67Cone with { RadiusArcmin = 10 }));
        // The first goes at once; the other two take the next turns and wait for them.
        var turns = new[]
        {
            await clock.ArmedAsync(d => d < TimeSpan.FromSeconds(10), "a wait for a turn"),
            await clock.ArmedAsync(d => d < TimeSpan.FromSeconds(10), "a wait for a turn"),
        }.Order().ToList();
        for (var k = 1; k <= 2; k++)
        {
            await TestClock.Until(() => server.Requests >= k, $"request {k}");
            clock.Advance(interval);
        }
        var results = await TestClock.Finished(all, "the three queries");

        var times = server.RequestTimes.Order().ToList();
        var gaps = times.Zip(times.Skip(1), (a, b) => clock.GetElapsedTime(a, b)).ToList();
        Assert.Multiple(() =>
        {
            Assert.That(results.All(r => r.Ok), Is.True);
            Assert.That(turns, Is.EqualTo(new[] { interval, interval * 2 }));
            Assert.That(gaps, Is.EqualTo(new[] { interval, interval }));
            Assert.That(results.Sum(r => r.RateLimitWaits), Is.EqualTo(2));
            Assert.That(results.Max(r => r.RateLimitWait), Is.EqualTo(interval * 2));
        });
    }

    [Test]
    public async Task ADamagedCacheFileIsFetchedAgain()
    {
        using var server = new ScriptedHttpServer(Tsv(Fixture));
        using var client = Client(server);
        await client.ConeSearchAsync(CatalogSource.Gaia, M67Cone);
        var cached = Path.Combine(_dir, "cache", client.CacheKey(CatalogSource.Gaia, M67Cone) + ".tsv");
        File.WriteAllText(cached, Fixture[..(Fixture.IndexOf("598886052161980160", StringComparison.Ordinal) + 25)]);

        var again = await client.ConeSearchAsync(CatalogSource.Gaia, M67Cone);

        Assert.That((again.Ok, again.CacheHit, again.Stars.Count, server.Requests), Is.EqualTo((true, false, 8, 2)));
    }

    [Test]
    public async Task UsnoBTakesR2ThenR1AndTycho2JoinsItsThreeNumbers()
    {
        const string usnob = "#\n#Table\tI_284_out:\n" +
            "USNO-B1.0\tRAJ2000\tDEJ2000\tR2mag\tR1mag\tB2mag\tB1mag\tImag\tpmRA\tpmDE\n" +
            "\tdeg\tdeg\tmag\tmag\tmag\tmag\tmag\tmas/yr\tmas/yr\n" +
            "------------\t----------\t----------\t-----\t-----\t-----\t-----\t-----\t------\t------\n" +
            "1018-0209321\t132.845750\t+11.449389\t19.62\t19.81\t21.04\t20.77\t18.97\t     0\t    -8\n" +
            "1018-0209290\t132.835717\t+11.462369\t     \t12.31\t     \t13.65\t     \t     2\t     0\n" +
            "1018-0209288\t          \t          \t     \t17.30\t     \t     \t     \t      \t      \n\n";
        const string tycho2 = "#\n#Table\tI_259_tyc2:\nTYC1\tTYC2\tTYC3\tRAmdeg\tDEmdeg\tVTmag\tBTmag\tpmRA\tpmDE\n" +
            "\t\t\tdeg\tdeg\tmag\tmag\tmas/yr\tmas/yr\n----\t-----\t-\t------------\t------------\t------\t------\t-------\t-------\n" +
            " 813\t 1032\t1\t132.55126753\t+11.85679993\t 9.039\t10.796\t   -9.2\t   -3.6\n" +
            " 813\t 1175\t1\t132.99990000\t+11.70000000\t      \t12.100\t    1.0\t    2.0\n\n";
        using var server = new ScriptedHttpServer(line => Tsv(line.Contains("I%2F284") ? usnob : tycho2));
        using var client = Client(server);

        var usno = await client.ConeSearchAsync(CatalogSource.Usnob, M67Cone);
        var tyc = await client.ConeSearchAsync(CatalogSource.Tycho2, M67Cone);

        Assert.Multiple(() =>
        {
            Assert.That((usno.Ok, usno.RowsFetched, usno.RowsWithoutPosition), Is.EqualTo((true, 3, 1)));
            Assert.That(usno.Stars, Is.EqualTo(new[]
            {
                new ReferenceStar("1018-0209321", 132.84575, 11.449389, 19.62, 0, -8, 2000.0),
                new ReferenceStar("1018-0209290", 132.835717, 11.462369, 12.31, 2, 0, 2000.0),
            }));
            Assert.That(tyc.Stars.Select(s => (s.Id, s.Mag)), Is.EqualTo(new[] { ("813-1032-1", 9.039), ("813-1175-1", 12.1) }));
        });
    }

    [Test]
    public void EachCatalogAsksForItsMappedColumns()
    {
        using var client = Client([new Uri("http://127.0.0.1:9/")]);
        string Out(CatalogSource source) => VizierStandIn.Query("GET " + client.ConeUrl(new Uri("http://127.0.0.1:9"), source, M67Cone).PathAndQuery + " HTTP/1.1")["-out"];

        Assert.Multiple(() =>
        {
            Assert.That(Out(CatalogSource.Usnob), Is.EqualTo("USNO-B1.0,RAJ2000,DEJ2000,R2mag,R1mag,B2mag,B1mag,Imag,pmRA,pmDE"));
            Assert.That(Out(CatalogSource.Gaia), Is.EqualTo("Source,RA_ICRS,DE_ICRS,Gmag,pmRA,pmDE"));
            Assert.That(Out(CatalogSource.Ps1), Is.EqualTo("objID,RAJ2000,DEJ2000,rmag,imag,gmag"));
            Assert.That(Out(CatalogSource.Tycho2), Is.EqualTo("TYC1,TYC2,TYC3,RAmdeg,DEmdeg,VTmag,BTmag,pmRA,pmDE"));
            Assert.That(CatalogSource.Find("USNOB"), Is.SameAs(CatalogSource.Usnob));
            Assert.That(client.ConeUrl(new Uri("http://127.0.0.1:9"), CatalogSource.Gaia, new Cone(-0.0000001, -5.25, 3)).Query,
                Does.Contain("&-c=0%20-5.25&"));
        });
    }
}
