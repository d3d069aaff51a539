using System.Security.Cryptography;
using NUnit.Framework;
using Vasco.Download;
using Vasco.Tests.Support;
using static Vasco.Tests.Download.ScriptedHttpServer;

namespace Vasco.Tests.Download;

/// <summary>The DSS client against a scripted archive on 127.0.0.1 serving the real M67 cutout.</summary>
public class DssClientTests
{
    const double Size = 30;

    string _dir = null!;

    [SetUp]
    public void SetUp() => Directory.CreateDirectory(_dir = Path.Combine(Path.GetTempPath(), "vasco-tests", "dss-" + Guid.NewGuid().ToString("N")[..8]));

    [TearDown]
    public void TearDown() => Directory.Delete(_dir, recursive: true);

    DssClient Client(ScriptedHttpServer server, TimeSpan? attemptTimeout = null, int maxRetries = 5, TimeProvider? clock = null) => new(new DssClientOptions
    {
        Endpoint = server.Endpoint,
        CacheDir = Path.Combine(_dir, "cache"),
        BackoffUnit = TimeSpan.FromMilliseconds(10),
        AttemptTimeout = attemptTimeout ?? TimeSpan.FromSeconds(10),
        MaxRetries = maxRetries,
    }, timeProvider: clock);

    static Task<DssDownload> FetchM67(DssClient client) => client.DownloadAsync(M67Plate.CentreRa, M67Plate.CentreDec, Size);

    static string Sha256Of(string path) => Convert.ToHexString(SHA256.HashData(File.ReadAllBytes(path))).ToLowerInvariant();

    [Test]
    public async Task APlateIsValidatedCachedAndReported()
    {
        using var server = new ScriptedHttpServer(FitsAnswer(M67Plate.Bytes));
        using var client = Client(server);

        var download = await FetchM67(client);

        Assert.That(download.Ok, Is.True, download.FailureReason);
        Assert.Multiple(() =>
        {
            Assert.That(server.RequestLines.Single(), Is.EqualTo(
                "GET /cgi-bin/dss_search?v=poss1_red&r=132.834&d=11.812&e=J2000&h=30&w=30&f=fits&c=none&fov=NONE&v3= HTTP/1.1"));
            Assert.That(download.Url, Is.EqualTo(server.Endpoint + "?v=poss1_red&r=132.834&d=11.812&e=J2000&h=30&w=30&f=fits&c=none&fov=NONE&v3="));
            Assert.That((download.Attempts, download.Retries, download.CacheHit, download.HttpStatus), Is.EqualTo((1, 0, false, (int?)200)));
            Assert.That(download.Sha256, Is.EqualTo(M67Plate.Sha256));
            Assert.That(Sha256Of(download.CachePath!), Is.EqualTo(M67Plate.Sha256));
            Assert.That(download.Bytes, Is.EqualTo(2252160));
            Assert.That(download.Plate!.Region, Is.EqualTo("XE486"));
            Assert.That(Path.GetFileName(download.CachePath), Does.Match("^poss1_red_[0-9a-f]{16}\\.fits$"));
        });
    }

    [Test]
    public async Task TheSecondRequestIsServedFromTheCacheWithoutAnyHttp()
    {
        using var server = new ScriptedHttpServer(FitsAnswer(M67Plate.Bytes));
        using var client = Client(server);

        var first = await FetchM67(client);
        // The same cutout written slightly differently (RA beyond 1e-6 deg rounding, same size) is the same request.
        var second = await client.DownloadAsync(M67Plate.CentreRa + 1e-8, M67Plate.CentreDec, 30.0004);

        Assert.Multiple(() =>
        {
            Assert.That(server.Requests, Is.EqualTo(1));
            Assert.That(second.Ok && second.CacheHit, Is.True, second.FailureReason);
            Assert.That(second.Attempts, Is.Zero);
            Assert.That(second.CachePath, Is.EqualTo(first.CachePath));
            Assert.That(second.Sha256, Is.EqualTo(M67Plate.Sha256));
            Assert.That(second.Plate!.Label, Is.EqualTo("E438"));
        });
    }

    [Test]
    public async Task ConcurrentRequestsForOneCutoutFetchItOnce()
    {
        using var server = new ScriptedHttpServer(Slow(TimeSpan.FromMilliseconds(300), FitsAnswer(M67Plate.Bytes)));
        using var client = Client(server);

        var both = await Task.WhenAll(FetchM67(client), FetchM67(client));

        Assert.Multiple(() =>
        {
            Assert.That(server.Requests, Is.EqualTo(1));
            Assert.That(both.All(d => d.Ok), Is.True);
            Assert.That(both.Count(d => d.CacheHit), Is.EqualTo(1));
        });
    }

    [Test]
    public async Task A503IsRetried()
    {
        using var server = new ScriptedHttpServer(Status(503), FitsAnswer(M67Plate.Bytes));
        using var client = Client(server);

        var download = await FetchM67(client);

        Assert.That(download.Ok, Is.True, download.FailureReason);
        Assert.Multiple(() =>
        {
            Assert.That((download.Attempts, download.Retries, server.Requests), Is.EqualTo((2, 1, 2)));
            Assert.That(download.AttemptLog[0], Does.StartWith("attempt 1: STScI answered HTTP 503 Service Unavailable; retrying in"));
        });
    }

    [Test]
    public async Task A429WaitsAtLeastWhatRetryAfterAsks()
    {
        var clock = new TestClock();
        using var server = new ScriptedHttpServer(Status(429, "Retry-After: 1"), FitsAnswer(M67Plate.Bytes));
        using var client = Client(server, clock: clock);

        var fetch = FetchM67(client);
        // The backoff alone would be about 15 ms; the wait armed is what Retry-After asks, and nothing is asked before it ends.
        var wait = await clock.ArmedAsync(d => d < TimeSpan.FromSeconds(10), "the wait before the retry");
        Assert.That((wait, server.Requests), Is.EqualTo((TimeSpan.FromSeconds(1), 1)));
        clock.Advance(wait);
        var download = await TestClock.Finished(fetch, "the download");

        Assert.That(download.Ok, Is.True, download.FailureReason);
        Assert.That((download.Retries, download.RetryWait, server.Requests), Is.EqualTo((1, TimeSpan.FromSeconds(1), 2)));
    }

    [Test]
    public async Task RetryAfterIsCappedAtMaxDelay()
    {
        using var server = new ScriptedHttpServer(Status(503, "Retry-After: 3600"), FitsAnswer(M67Plate.Bytes));
        using var client = new DssClient(new DssClientOptions
        {
            Endpoint = server.Endpoint,
            CacheDir = _dir,
            BackoffUnit = TimeSpan.FromMilliseconds(10),
            MaxDelay = TimeSpan.FromMilliseconds(200),
        });

        var download = await FetchM67(client);

        Assert.That(download.Ok, Is.True, download.FailureReason);
        Assert.That(download.RetryWait, Is.EqualTo(TimeSpan.FromMilliseconds(200)));
    }

    [Test]
    public async Task WaitingForAFreeSlotIsNotPartOfAnAttempt()
    {
        // One slot, three downloads, 10 s per attempt, on a fake clock; each answer comes when the test says, 8 s
        // after its request. The third download waits 16 s for the slot, longer than an attempt may last.
        var clock = new TestClock();
        using var answer = new SemaphoreSlim(0);
        using var server = new ScriptedHttpServer(Held(() => answer.WaitAsync(), FitsAnswer(M67Plate.Bytes)));
        using var client = new DssClient(new DssClientOptions
        {
            Endpoint = server.Endpoint,
            CacheDir = _dir,
            MaxConcurrency = 1,
            AttemptTimeout = TimeSpan.FromSeconds(10),
        }, timeProvider: clock);

        var all = Task.WhenAll(Enumerable.Range(0, 3).Select(i => client.DownloadAsync(M67Plate.CentreRa, M67Plate.CentreDec, 10 + i)));
        for (var i = 1; i <= 3; i++)
        {
            await TestClock.Until(() => server.Requests >= i, $"request {i}");
            clock.Advance(TimeSpan.FromSeconds(8));
            answer.Release();
        }
        var downloads = await TestClock.Finished(all, "the three downloads");

        Assert.Multiple(() =>
        {
            Assert.That(downloads.Select(d => (d.Ok, d.Attempts)), Is.All.EqualTo((true, 1)), string.Join("\n", downloads.SelectMany(d => d.AttemptLog)));
            Assert.That(server.Requests, Is.EqualTo(3));
        });
    }

    [Test]
    public async Task AStalledAttemptTimesOutAndIsRetried()
    {
        var clock = new TestClock();
        using var server = new ScriptedHttpServer(Stall(TimeSpan.FromMinutes(2)), FitsAnswer(M67Plate.Bytes));
        using var client = Client(server, clock: clock);

        var fetch = FetchM67(client);
        await TestClock.Until(() => server.Requests >= 1, "the first request");
        // The archive says nothing; at the attempt's limit (10 s) it is cut off and, after the backoff, retried.
        clock.Advance(TimeSpan.FromSeconds(10));
        clock.Advance(await clock.ArmedAsync(d => d < TimeSpan.FromSeconds(1), "the backoff before the retry"));
        var download = await TestClock.Finished(fetch, "the download (the stalled attempt was not cut off)");

        Assert.That(download.Ok, Is.True, download.FailureReason);
        Assert.Multiple(() =>
        {
            Assert.That(download.Attempts, Is.EqualTo(2));
            Assert.That(download.AttemptLog[0], Does.Contain("no complete answer within 10 s"));
        });
    }

    [Test]
    public async Task AnHtmlPageIsAFinalAnswerSavedAside()
    {
        const string page = "<!DOCTYPE html><html><head><title>DSS Search: no plate &amp; no data here</title></head><body>Sorry</body></html>";
        using var server = new ScriptedHttpServer(Html(page), FitsAnswer(M67Plate.Bytes));
        using var client = Client(server);

        var download = await FetchM67(client);

        Assert.Multiple(() =>
        {
            Assert.That(download.Ok, Is.False);
            Assert.That(server.Requests, Is.EqualTo(1), "an HTML page must not be retried");
            Assert.That(download.FailureReason, Is.EqualTo("STScI answered an HTML page instead of FITS: DSS Search: no plate & no data here"));
            Assert.That(download.RejectedPath, Does.EndWith(".html").And.Contain("rejected"));
            Assert.That(File.ReadAllText(download.RejectedPath!), Is.EqualTo(page));
            Assert.That(download.CachePath, Is.Null);
            Assert.That(Directory.EnumerateFiles(Path.Combine(_dir, "cache"), "*.fits"), Is.Empty);
        });
    }

    [Test]
    public async Task ABodyCutAtAnOddLengthIsRetried()
    {
        using var server = new ScriptedHttpServer(Cut(M67Plate.Bytes, 1_000_000, declareLength: false), FitsAnswer(M67Plate.Bytes));
        using var client = Client(server);

        var download = await FetchM67(client);

        Assert.That(download.Ok, Is.True, download.FailureReason);
        Assert.Multiple(() =>
        {
            Assert.That(download.Attempts, Is.EqualTo(2));
            Assert.That(download.AttemptLog[0], Does.Contain("not a multiple of the FITS block"));
        });
    }

    /// <summary>Offline: the first request retries and gives up; the client asks no more in this build, so other tiles fail at once.</summary>
    [Test]
    public async Task AnArchiveThatCannotBeReachedIsNotAskedAgainByTheSameClient()
    {
        var listener = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
        listener.Start();
        var port = ((System.Net.IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop(); // nothing listens there now: every connection is refused
        using var client = new DssClient(new DssClientOptions
        {
            Endpoint = new Uri($"http://127.0.0.1:{port}/cgi-bin/dss_search"),
            CacheDir = Path.Combine(_dir, "cache"),
            BackoffUnit = TimeSpan.FromMilliseconds(10),
            MaxRetries = 2,
        });

        var first = await FetchM67(client);
        var second = await client.DownloadAsync(M67Plate.CentreRa + 0.5, M67Plate.CentreDec, Size);

        Assert.Multiple(() =>
        {
            Assert.That((first.Ok, first.Attempts), Is.EqualTo((false, 3)));
            Assert.That(first.FailureReason, Does.Contain("no answer from STScI after 3 attempt(s): connection failed"));
            Assert.That((second.Ok, second.Attempts, second.GaveUp), Is.EqualTo((false, 0, true)));
            Assert.That(second.FailureReason, Does.StartWith("not asked: STScI could not be reached for an earlier tile of this build (no answer from STScI after 3"));
        });
    }

    /// <summary>An archive that answers, even with errors, is there: each request gets its own retries.</summary>
    [Test]
    public async Task AnArchiveThatAnswersWithErrorsIsAskedForEveryTile()
    {
        using var server = new ScriptedHttpServer(Status(500));
        using var client = Client(server, maxRetries: 1);

        var first = await FetchM67(client);
        var second = await client.DownloadAsync(M67Plate.CentreRa + 0.5, M67Plate.CentreDec, Size);

        Assert.That((first.Attempts, second.Attempts, server.Requests), Is.EqualTo((2, 2, 4)));
    }

    [Test]
    public async Task AConnectionThatClosesBeforeContentLengthIsRetried()
    {
        using var server = new ScriptedHttpServer(Cut(M67Plate.Bytes, 2880 * 100, declareLength: true), FitsAnswer(M67Plate.Bytes));
        using var client = Client(server);

        var download = await FetchM67(client);

        Assert.That(download.Ok, Is.True, download.FailureReason);
        Assert.Multiple(() =>
        {
            Assert.That(download.Attempts, Is.EqualTo(2));
            Assert.That(download.AttemptLog[0], Does.Contain("the connection broke during the answer"));
        });
    }

    [Test]
    public async Task ARetriedFailureGivesUpAfterMaxRetriesAndKeepsTheLastBody()
    {
        using var server = new ScriptedHttpServer(Cut(M67Plate.Bytes, 2880 * 100, declareLength: false));
        using var client = Client(server, maxRetries: 2);

        var download = await FetchM67(client);

        Assert.Multiple(() =>
        {
            Assert.That(download.Ok, Is.False);
            Assert.That((download.Attempts, download.Retries, server.Requests), Is.EqualTo((3, 2, 3)));
            Assert.That(download.FailureReason, Does.Contain("header promises 2242962").And.Contain("gave up after 3 attempts"));
            Assert.That(new FileInfo(download.RejectedPath!).Length, Is.EqualTo(2880 * 100));
            Assert.That(download.AttemptLog, Has.Count.EqualTo(3));
        });
    }

    [Test]
    public async Task AnArchiveThatNeverAnswersIsReported()
    {
        using var server = new ScriptedHttpServer(Status(500));
        using var client = Client(server, maxRetries: 1);

        var download = await FetchM67(client);

        Assert.Multiple(() =>
        {
            Assert.That(download.Ok, Is.False);
            Assert.That(download.FailureReason, Is.EqualTo("STScI answered HTTP 500 Internal Server Error (gave up after 2 attempts)"));
            Assert.That(download.HttpStatus, Is.EqualTo(500));
            Assert.That(download.RejectedPath, Is.Null);
        });
    }

    [Test]
    public async Task AnotherClientErrorIsNotRetried()
    {
        using var server = new ScriptedHttpServer(Status(404));
        using var client = Client(server);

        var download = await FetchM67(client);

        Assert.Multiple(() =>
        {
            Assert.That((download.Ok, server.Requests, download.HttpStatus), Is.EqualTo((false, 1, (int?)404)));
            Assert.That(download.FailureReason, Is.EqualTo("STScI answered HTTP 404 Not Found"));
        });
    }

    [Test]
    public async Task GzipTransferEncodingAndAGzippedFileBothGiveThePlainPlate()
    {
        var gzipped = M67Plate.Gzip(M67Plate.Bytes);
        using var server = new ScriptedHttpServer(FitsAnswer(gzipped, "Content-Encoding: gzip"), Answer(200, "application/x-gzip", gzipped));
        using var client = Client(server);

        var encoded = await FetchM67(client);
        var compressedFile = await client.DownloadAsync(M67Plate.CentreRa, M67Plate.CentreDec, 20);

        Assert.Multiple(() =>
        {
            Assert.That(encoded.Ok, Is.True, encoded.FailureReason);
            Assert.That(compressedFile.Ok, Is.True, compressedFile.FailureReason);
            Assert.That(server.Requests, Is.EqualTo(2));
            Assert.That(Sha256Of(encoded.CachePath!), Is.EqualTo(M67Plate.Sha256));
            Assert.That(Sha256Of(compressedFile.CachePath!), Is.EqualTo(M67Plate.Sha256));
        });
    }

    [Test]
    public async Task AUkSchmidtPlateIsRejectedAndSavedAside()
    {
        var serc = M67Plate.AsSercPlate();
        using var server = new ScriptedHttpServer(FitsAnswer(serc));
        using var client = Client(server);

        var download = await client.DownloadAsync(M67Plate.CentreRa, -45, Size);

        Assert.Multiple(() =>
        {
            Assert.That(download.Ok, Is.False);
            Assert.That(server.Requests, Is.EqualTo(1));
            Assert.That(download.FailureReason, Does.StartWith("the cutout is from survey 'SERC-ER'").And.Contain("not POSS-I red"));
            Assert.That(download.RejectedPath, Does.EndWith(".fits"));
            // SequenceEqual: NUnit's element-by-element comparison of 2 MB takes a second.
            Assert.That(File.ReadAllBytes(download.RejectedPath!).AsSpan().SequenceEqual(serc), Is.True);
        });
    }

    [Test]
    public async Task ADamagedCacheFileIsFetchedAgain()
    {
        using var server = new ScriptedHttpServer(FitsAnswer(M67Plate.Bytes));
        using var client = Client(server);
        var first = await FetchM67(client);
        File.WriteAllBytes(first.CachePath!, M67Plate.Bytes[..5000]);

        var second = await FetchM67(client);

        Assert.Multiple(() =>
        {
            Assert.That((second.Ok, second.CacheHit, server.Requests), Is.EqualTo((true, false, 2)));
            Assert.That(Sha256Of(second.CachePath!), Is.EqualTo(M67Plate.Sha256));
        });
    }

    [Test]
    public void RequestsAreNormalisedBeforeTheyAreNamed()
    {
        using var client = new DssClient(new DssClientOptions { CacheDir = _dir });

        Assert.Multiple(() =>
        {
            Assert.That(client.CutoutUrl(359.9999999, -1e-9, 60).Query, Is.EqualTo("?v=poss1_red&r=0&d=0&e=J2000&h=60&w=60&f=fits&c=none&fov=NONE&v3="));
            Assert.That(client.CutoutUrl(150, 20, 60).GetLeftPart(UriPartial.Path), Is.EqualTo("https://archive.stsci.edu/cgi-bin/dss_search"));
            Assert.That(client.CacheKey(0, 0, 60), Is.EqualTo(client.CacheKey(360 - 1e-9, -1e-9, 60.0001)));
            Assert.That(client.CacheKey(0, 0, 60), Is.Not.EqualTo(client.CacheKey(0, 0, 30)));
        });
    }
}
