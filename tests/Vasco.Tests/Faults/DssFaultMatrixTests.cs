using System.Globalization;
using NUnit.Framework;
using Vasco.Pipeline;
using Vasco.Tests.Download;
using Vasco.Tests.Support;
using static Vasco.Tests.Download.ScriptedHttpServer;
using static Vasco.Tests.Faults.FaultScript;

namespace Vasco.Tests.Faults;

/// <summary>
/// Step 1 through a real build against a loopback STScI that puts a different fault on each tile (and serves
/// the real M67 plate otherwise): each tile must be retried to success, or fail with its VASCO code and a
/// reason in its failure record, and the healthy tiles must come out whole. A rebuild once the archive has
/// recovered runs the failed tiles only and completes them.
/// </summary>
[TestFixture, NonParallelizable]
public class DssFaultMatrixTests
{
    // Short enough for a quick matrix, long enough for a whole healthy answer on a busy 2-core machine.
    const int Timeout = 5;

    static byte[] Plate => M67Plate.Bytes;

    public static readonly ArchiveFault[] Matrix =
    [
        new("ok_a", "no fault", () => Once(), null, 0),
        new("ok_b", "no fault", () => Once(), null, 0),
        new("http503", "two 503s, then the plate", () => Once(Status(503), Status(503)), null, 2, "HTTP 503"),
        new("http502_always", "502 on every attempt", () => Always(Status(502)), "VASCO1002", 2, "HTTP 502", "gave up after 3 attempts"),
        new("http429", "429 with Retry-After: 1, then the plate", () => Once(Status(429, "Retry-After: 1")), null, 1, "HTTP 429"),
        new("reset", "connection reset before any answer", () => Once(Reset()), null, 1, "connection"),
        new("reset_body", "connection reset half way through the body", () => Once(ResetMidBody("image/x-fits", Plate, 1_000_000)), null, 1, "connection"),
        new("stall", "silence past the time limit, then the plate", () => Once(Stall(TimeSpan.FromSeconds(Timeout + 5))), null, 1, $"no complete answer within {Timeout} s"),
        new("stall_always", "silence past the time limit on every attempt", () => Always(Stall(TimeSpan.FromSeconds(Timeout + 5))), "VASCO1002", 2, $"no complete answer within {Timeout} s"),
        new("slow_body", "the plate trickling in within the time limit", () => Once(Dribble("image/x-fits", Plate, 8, TimeSpan.FromMilliseconds(100))), null, 0),
        new("slow_body_timeout", "the plate trickling in past the time limit, then whole", () => Once(Dribble("image/x-fits", Plate, 10, TimeSpan.FromSeconds(0.9))), null, 1, $"no complete answer within {Timeout} s"),
        new("truncated", "the FITS file cut short (no Content-Length), then whole", () => Once(Cut(Plate, 1_000_000, declareLength: false)), null, 1, "cut short"),
        new("truncated_length", "fewer bytes than the Content-Length, then whole", () => Once(Cut(Plate, 1_000_000, declareLength: true)), null, 1, "connection"),
        new("truncated_always", "the FITS file cut short on every attempt", () => Always(Cut(Plate, 1_000_000, declareLength: false)), "VASCO1002", 2, "cut short"),
        new("html", "an HTML page in place of FITS", () => Always(Html("<html><head><title>DSS: service temporarily down</title></head><body>x</body></html>")),
            "VASCO1003", 0, "HTML page", "DSS: service temporarily down"),
        new("serc", "a UK Schmidt (SERC) plate instead of POSS-I", () => Always(FitsAnswer(M67Plate.AsSercPlate())), "VASCO1003", 0, "SERC-ER"),
        new("gzip_file", "the FITS file itself gzip-compressed", () => Once(FitsAnswer(M67Plate.Gzip(Plate))), null, 0),
        new("gzip_transfer", "Content-Encoding: gzip", () => Once(FitsAnswer(M67Plate.Gzip(Plate), "Content-Encoding: gzip")), null, 0),
    ];

    // One tile per row, a hundredth of a degree apart in Dec, inside the M67 plate.
    static readonly Dictionary<string, double> Decs = Matrix.Select((f, i) => (f.Tile, Dec: Math.Round(11.70 + 0.01 * i, 6))).ToDictionary(x => x.Tile, x => x.Dec);

    FaultyArchive _archive = null!;
    RunFolder _run = null!;
    BuildRun _first = null!;
    string _dir = null!;

    [OneTimeSetUp]
    public void BuildWithEveryFault()
    {
        _archive = new FaultyArchive(TileOf, _ => FitsAnswer(M67Plate.Bytes));
        foreach (var f in Matrix) _archive.Script(f.Tile, f.Script());
        _run = new RunFolder("dssfaults").WriteRunFile($"""
            <TilingMode>single</TilingMode>
            <TileSizeArcmin>10</TileSizeArcmin>
            <MaxParallel>{Matrix.Length}</MaxParallel>
            <DownloadConcurrency>{Matrix.Length}</DownloadConcurrency>
            <DownloadRetries>2</DownloadRetries>
            <DownloadBackoff>1</DownloadBackoff>
            <DownloadTimeoutSeconds>{Timeout}</DownloadTimeoutSeconds>
            """, string.Concat(Matrix.Select(f => $"""<VascoTarget Include="{f.Tile}" Ra="132.834" Dec="{Decs[f.Tile].ToString(CultureInfo.InvariantCulture)}" />""" + "\n")),
            testSteps: false);
        _first = Build();
        _dir = _run.Path("data", "downloads", _run.RunId);
    }

    [OneTimeTearDown]
    public void TearDown()
    {
        _run.Dispose();
        _archive.Dispose();
    }

    BuildRun Build() => _run.Build("-t:VascoDownload", $"-p:VascoStsciEndpoint={_archive.Server.Endpoint}");

    static string? TileOf(string requestLine)
    {
        var d = requestLine.Split('?', 2)[1].Split(' ')[0].Split('&').FirstOrDefault(p => p.StartsWith("d=", StringComparison.Ordinal));
        if (d is null) return null;
        var dec = double.Parse(d[2..], CultureInfo.InvariantCulture);
        return Decs.Where(x => Math.Abs(x.Value - dec) < 1e-7).Select(x => x.Key).FirstOrDefault();
    }

    [Test, Order(1), TestCaseSource(nameof(Matrix))]
    public void EachFaultIsRetriedOrFailsItsTileOnly(ArchiveFault fault)
    {
        var fits = Path.Combine(_dir, fault.Tile + ".fits");
        var record = Path.Combine(_dir, fault.Tile + (fault.Fails ? TileRecords.FailedSuffix : TileRecords.ManifestSuffix));
        Assert.That(File.Exists(record), Is.True, $"{fault.What}: no {Path.GetFileName(record)}\n{_first.Output}");
        var m = Manifest.Read(record);
        var log = ArchiveFault.AttemptLog(m, "attempts");
        TestContext.Out.WriteLine($"{fault.Tile} ({fault.What}): {_archive.Requests(fault.Tile)} request(s); retries {m.Retries}\n{log}");
        Assert.Multiple(() =>
        {
            Assert.That(m.Retries, Is.EqualTo(fault.Retries), log);
            Assert.That(_archive.Requests(fault.Tile), Is.EqualTo(fault.Retries + 1), "one request per attempt");
            foreach (var said in fault.Said)
                Assert.That(fault.Fails ? m.FailedTiles.Single().Reason + "\n" + log : log, Does.Contain(said));
            if (fault.Fails)
            {
                Assert.That(m.Status, Is.EqualTo("failed"));
                Assert.That(m.FailedTiles.Single().Code, Is.EqualTo(fault.Code));
                Assert.That(File.Exists(fits), Is.False, "a failed tile has no plate");
                Assert.That(File.Exists(Path.Combine(_dir, fault.Tile + TileRecords.ManifestSuffix)), Is.False);
                Assert.That(_first.Output, Does.Contain($"{fault.Code}: Download: tile {fault.Tile}: "));
            }
            else
            {
                Assert.That(m.Status, Is.EqualTo("ok"));
                Assert.That(FileRecord.Sha256Of(fits), Is.EqualTo(M67Plate.Sha256), "the plate as the archive holds it");
                Assert.That(m.Outputs.Single().Sha256, Is.EqualTo(M67Plate.Sha256));
                Assert.That(File.Exists(Path.Combine(_dir, fault.Tile + TileRecords.FailedSuffix)), Is.False);
            }
        });
    }

    [Test, Order(2)]
    public void TheStepManifestListsEveryFailureAndTheBuildFails()
    {
        var failing = Matrix.Where(f => f.Fails).ToList();
        var step = Manifest.Read(Path.Combine(_dir, "manifest.json"));
        Assert.Multiple(() =>
        {
            Assert.That(_first.ExitCode, Is.Not.EqualTo(0));
            Assert.That(_first.ErrorCodes().Distinct(), Is.EquivalentTo(failing.Select(f => f.Code!).Append("VASCO0002").Distinct()));
            Assert.That(step.Status, Is.EqualTo("partial"));
            Assert.That(step.FailedTiles.Select(f => (f.TileId, f.Code)), Is.EquivalentTo(failing.Select(f => (f.Tile, f.Code!))));
            Assert.That(step.Counts["tiles_ok"], Is.EqualTo(Matrix.Length - failing.Count));
            Assert.That(Directory.GetFiles(_dir, "*.fits").Select(Path.GetFileNameWithoutExtension),
                Is.EquivalentTo(Matrix.Where(f => !f.Fails).Select(f => f.Tile)));
            Assert.That(Directory.GetFiles(_dir, ".*"), Is.Empty, "no temp file left");
        });
    }

    [Test, Order(3)]
    public void OnceTheArchiveRecoversARebuildCompletesOnlyTheFailedTiles()
    {
        var before = Matrix.Where(f => !f.Fails).ToDictionary(f => f.Tile, f => File.ReadAllBytes(Path.Combine(_dir, f.Tile + TileRecords.ManifestSuffix)));
        _archive.Heal();
        var again = Build();
        Assert.Multiple(() =>
        {
            Assert.That(again.ExitCode, Is.EqualTo(0), again.Output);
            Assert.That(again.TilesRun("VascoDownload"), Is.EquivalentTo(Matrix.Where(f => f.Fails).Select(f => f.Tile)));
            foreach (var (tile, bytes) in before)
                Assert.That(File.ReadAllBytes(Path.Combine(_dir, tile + TileRecords.ManifestSuffix)), Is.EqualTo(bytes), $"{tile} untouched");
            foreach (var f in Matrix)
                Assert.That(FileRecord.Sha256Of(Path.Combine(_dir, f.Tile + ".fits")), Is.EqualTo(M67Plate.Sha256), f.Tile);
            Assert.That(Directory.GetFiles(_dir, "*" + TileRecords.FailedSuffix), Is.Empty);
            Assert.That(Manifest.Read(Path.Combine(_dir, "manifest.json")).Status, Is.EqualTo("ok"));
        });
    }
}
