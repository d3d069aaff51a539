using System.Globalization;
using System.Text;
using NUnit.Framework;
using Vasco.Catalogs;
using Vasco.Pipeline;
using Vasco.Tests.Catalogs;
using Vasco.Tests.Download;
using Vasco.Tests.Support;
using Vasco.Tiling;
using static Vasco.Tests.Download.ScriptedHttpServer;
using static Vasco.Tests.Faults.FaultScript;

namespace Vasco.Tests.Faults;

/// <summary>
/// Step 6 through a real build against a loopback VizieR that serves the real M67 Gaia DR3 sources as asu-tsv and puts a
/// different fault on each tile's cone search: each must be retried to a complete catalog, or fail its tile with a VASCO
/// code and a reason, and the other tiles' catalogs must hold exactly the sources in their cones.
/// </summary>
[TestFixture, NonParallelizable]
public class VizierFaultMatrixTests
{
    // Short enough for a quick matrix, long enough for a whole healthy answer on a busy 2-core machine.
    const int Timeout = 5;

    static readonly string Busy = "#\n#   VizieR Astronomical Server 127.0.0.1\n#\n#***** Too many jobs running on the server: please try again later\n";
    static readonly string Empty = "#\n#Table\tI_355_gaiadr3:\nSource\tRA_ICRS\tDE_ICRS\tGmag\tpmRA\tpmDE\n\tdeg\tdeg\tmag\tmas/yr\tmas/yr\n----\t----\t----\t----\t----\t----\n\n";
    static readonly string Rejected = "#\n#   VizieR Astronomical Server 127.0.0.1\n#\n#++++ Table I/355/gaiadr3 not accessible: please contact the CDS\n";

    /// <summary>The healthy answer for a tile's cone, as bytes.</summary>
    static byte[] Healthy(string tile)
    {
        var (ra, dec) = Centres[tile];
        var cone = Cone.ForSquare(ra, dec, 10, 1);
        return Encoding.ASCII.GetBytes(VizierStandIn.Table(VizierStandIn.M67Stars.Where(s => cone.Contains(s.Ra, s.Dec))
            .OrderBy(s => Vasco.Sky.Angles.SeparationDeg(ra, dec, s.Ra, s.Dec))));
    }

    /// <summary>The healthy answer cut just after a row's line end: it still reads as a table.</summary>
    static byte[] CutAtRow(string tile)
    {
        var body = Healthy(tile);
        var at = Array.IndexOf(body, (byte)'\n', body.Length / 2) + 1;
        return body[..at];
    }

    const string TsvType = "text/tab-separated-values; charset=ISO-8859-1";

    public static readonly ArchiveFault[] Matrix =
    [
        new("ok_a", "no fault", () => Once(), null, 0),
        new("ok_b", "no fault", () => Once(), null, 0),
        new("http503", "503, then the table", () => Once(Status(503)), null, 1, "HTTP 503"),
        new("http429", "429 with Retry-After: 1, then the table", () => Once(Status(429, "Retry-After: 1")), null, 1, "HTTP 429"),
        new("too_many_jobs", "\"Too many jobs\" under HTTP 200, then the table", () => Once(VizierStandIn.Tsv(Busy)), null, 1, "VizieR is overloaded"),
        new("reset", "connection reset before any answer", () => Once(Reset()), null, 1, "connection"),
        new("stall", "silence past the time limit, then the table", () => Once(Stall(TimeSpan.FromSeconds(Timeout + 5))), null, 1, $"no complete answer within {Timeout} s"),
        new("slow_body", "the table trickling in within the time limit", () => Once(Dribble(TsvType, Healthy("slow_body"), 8, TimeSpan.FromMilliseconds(100))), null, 0),
        new("cut_length", "fewer bytes than the Content-Length, then the table", () => Once(ResetMidBody(TsvType, Healthy("cut_length"), Healthy("cut_length").Length / 2)), null, 1, "connection"),
        new("cut_row", "the table cut in the middle of a row, then whole", () => Once(Answer(200, TsvType, Healthy("cut_row")[..(Healthy("cut_row").Length / 2)])), null, 1, "cut short"),
        new("cut_at_row_end", "the table cut just after a row's end, then whole", () => Once(Answer(200, TsvType, CutAtRow("cut_at_row_end"))), null, 1, "cut short"),
        new("html", "an HTML page under HTTP 200, then the table", () => Once(Html("<html><body>Maintenance</body></html>")), null, 1, "HTML page"),
        new("down", "500 on every attempt", () => Always(Status(500)), "VASCO6001", 1, "HTTP 500", "gave up after 2 attempts"),
        new("rejected", "VizieR's own error message", () => Always(VizierStandIn.Tsv(Rejected)), "VASCO6002", 0, "not accessible"),
        // An empty sky is not what a cone of a modern catalog holds on a POSS-I plate: unless said, it fails the tile.
        new("empty", "a table with no rows", () => Always(VizierStandIn.Tsv(Empty)), "VASCO6007", 0, "has no source in the cone of tile empty", "ExpectEmpty"),
        new("gzip_transfer", "Content-Encoding: gzip", () => Once(Answer(200, TsvType, M67Plate.Gzip(Healthy("gzip_transfer")), "Content-Encoding: gzip")), null, 0),
    ];

    // One tile per row, 0.004 deg apart in Dec: every cone lies inside the 22' Gaia file.
    static readonly Dictionary<string, (double Ra, double Dec)> Centres =
        Matrix.Select((f, i) => (f.Tile, Centre: (132.834, Math.Round(11.78 + 0.004 * i, 6)))).ToDictionary(x => x.Tile, x => x.Centre);

    FaultyArchive _archive = null!;
    RunFolder _run = null!;
    BuildRun _first = null!;
    string _dir = null!;

    [OneTimeSetUp]
    public void BuildWithEveryFault()
    {
        _archive = new FaultyArchive(TileOf, VizierStandIn.Route);
        foreach (var f in Matrix) _archive.Script(f.Tile, f.Script());
        _run = new RunFolder("vizfaults").WriteRunFile($"""
            <TilingMode>single</TilingMode>
            <TileSizeArcmin>10</TileSizeArcmin>
            <MaxParallel>{Matrix.Length}</MaxParallel>
            <VizierConcurrency>16</VizierConcurrency>
            <VizierRetries>1</VizierRetries>
            <VizierTimeoutSeconds>{Timeout}</VizierTimeoutSeconds>
            <VizierMinIntervalSeconds>0</VizierMinIntervalSeconds>
            <VascoVizierMirrors>{_archive.Server.BaseUri}</VascoVizierMirrors>
            """, string.Concat(Matrix.Select(f => $"""<VascoTarget Include="{f.Tile}" Ra="132.834" Dec="{Centres[f.Tile].Dec.ToString(CultureInfo.InvariantCulture)}" />""" + "\n"))
            + """<VascoCatalog Include="gaia" />""", testSteps: false);
        _first = _run.Build("-t:VascoExternal");
        _dir = _run.Path("data", "ext", _run.RunId);
    }

    [OneTimeTearDown]
    public void TearDown()
    {
        _run.Dispose();
        _archive.Dispose();
    }

    static string? TileOf(string requestLine)
    {
        var centre = VizierStandIn.Query(requestLine)["-c"].Split(' ');
        var (ra, dec) = (double.Parse(centre[0], CultureInfo.InvariantCulture), double.Parse(centre[1], CultureInfo.InvariantCulture));
        return Centres.Where(c => Math.Abs(c.Value.Ra - ra) < 1e-7 && Math.Abs(c.Value.Dec - dec) < 1e-7).Select(c => c.Key).FirstOrDefault();
    }

    /// <summary>The Gaia ids a tile's catalog must hold: every M67 source in its cone.</summary>
    List<string> Expected(string tile)
    {
        var t = TilesCsv.Read(_run.Path("data", "tiles", _run.RunId, "tiles.csv")).Single(x => x.TileId == tile);
        var cone = Cone.ForTile(t, 1);
        return VizierStandIn.M67Stars.Where(s => cone.Contains(s.Ra, s.Dec)).Select(s => s.Id).ToList();
    }

    [Test, Order(1), TestCaseSource(nameof(Matrix))]
    public void EachFaultIsRetriedOrFailsItsTileOnly(ArchiveFault fault)
    {
        var csv = _run.Path("data", "ext", "gaia", _run.RunId, fault.Tile + ".csv");
        var record = Path.Combine(_dir, fault.Tile + (fault.Fails ? TileRecords.FailedSuffix : TileRecords.ManifestSuffix));
        Assert.That(File.Exists(record), Is.True, $"{fault.What}: no {Path.GetFileName(record)}\n{_first.Output}");
        var m = Manifest.Read(record);
        var log = ArchiveFault.AttemptLog(m, "attempts_gaia");
        TestContext.Out.WriteLine($"{fault.Tile} ({fault.What}): {_archive.Requests(fault.Tile)} request(s); retries {m.Retries}; warnings {string.Join("; ", m.Warnings)}\n{log}");
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
                Assert.That(File.Exists(csv), Is.False, "a failed tile has no catalog");
                Assert.That(File.Exists(Path.Combine(_dir, fault.Tile + TileRecords.ManifestSuffix)), Is.False);
                Assert.That(_first.Output, Does.Contain($"{fault.Code}: External: tile {fault.Tile}: "));
            }
            else
            {
                Assert.That(ReferenceCatalogCsv.Read(csv).Select(s => s.Id), Is.EquivalentTo(Expected(fault.Tile)), "every source of the cone, once");
                Assert.That(m.Counts["rows_gaia"], Is.EqualTo(Expected(fault.Tile).Count));
                Assert.That(m.Warnings, Is.Empty);
            }
        });
    }

    [Test, Order(2)]
    public void TheStepManifestListsEveryFailureAndARecoveredArchiveCompletesThem()
    {
        var failing = Matrix.Where(f => f.Fails).ToList();
        var step = Manifest.Read(Path.Combine(_dir, "manifest.json"));
        Assert.Multiple(() =>
        {
            Assert.That(_first.ExitCode, Is.Not.EqualTo(0));
            Assert.That(_first.ErrorCodes().Distinct(), Is.EquivalentTo(failing.Select(f => f.Code!).Append("VASCO0002").Distinct()));
            Assert.That(step.Status, Is.EqualTo("partial"));
            Assert.That(step.FailedTiles.Select(f => (f.TileId, f.Code)), Is.EquivalentTo(failing.Select(f => (f.Tile, f.Code!))));
        });

        var before = Matrix.Where(f => !f.Fails).ToDictionary(f => f.Tile, f => File.ReadAllBytes(Path.Combine(_dir, f.Tile + TileRecords.ManifestSuffix)));
        _archive.Heal();
        var again = _run.Build("-t:VascoExternal");
        Assert.Multiple(() =>
        {
            Assert.That(again.ExitCode, Is.EqualTo(0), again.Output);
            Assert.That(again.TilesRun("VascoExternal"), Is.EquivalentTo(failing.Select(f => f.Tile)));
            foreach (var (tile, bytes) in before)
                Assert.That(File.ReadAllBytes(Path.Combine(_dir, tile + TileRecords.ManifestSuffix)), Is.EqualTo(bytes), $"{tile} untouched");
            foreach (var f in failing)
                Assert.That(ReferenceCatalogCsv.Read(_run.Path("data", "ext", "gaia", _run.RunId, f.Tile + ".csv")).Select(s => s.Id),
                    Is.EquivalentTo(Expected(f.Tile)), f.Tile);
            Assert.That(Directory.GetFiles(_dir, "*" + TileRecords.FailedSuffix), Is.Empty);
        });
    }

    [Test]
    public void AnEmptyConeSaidToBeExpectedIsKeptWithAWarning()
    {
        using var vizier = new ScriptedHttpServer(_ => VizierStandIn.Tsv(Empty));
        using var run = new RunFolder("vizempty").WriteRunFile($"""
            <TilingMode>single</TilingMode>
            <TileSizeArcmin>10</TileSizeArcmin>
            <VizierMinIntervalSeconds>0</VizierMinIntervalSeconds>
            <VascoVizierMirrors>{vizier.BaseUri}</VascoVizierMirrors>
            """, """
            <VascoTarget Include="core" Ra="132.834" Dec="11.812" />
            <VascoCatalog Include="gaia" ExpectEmpty="true" />
            """, testSteps: false);

        var build = run.Build("-t:VascoExternal");

        Assert.That(build.ExitCode, Is.EqualTo(0), build.Output);
        var m = Manifest.Read(run.Path("data", "ext", run.RunId, "core" + TileRecords.ManifestSuffix));
        Assert.Multiple(() =>
        {
            Assert.That(ReferenceCatalogCsv.Read(run.Path("data", "ext", "gaia", run.RunId, "core.csv")), Is.Empty);
            Assert.That(m.Counts["rows_gaia"], Is.Zero);
            Assert.That(m.Warnings, Has.One.Contains("gaia: no source in the cone").And.Contains("ExpectEmpty"), "expected, and still said");
        });
    }

    [Test]
    public void ARowLimitedAnswerIsSplitUntilTheCatalogIsComplete()
    {
        using var vizier = new ScriptedHttpServer(VizierStandIn.Route);
        using var run = new RunFolder("vizlimit").WriteRunFile($"""
            <TilingMode>single</TilingMode>
            <TileSizeArcmin>10</TileSizeArcmin>
            <VizierRowLimit>300</VizierRowLimit>
            <VizierMinIntervalSeconds>0</VizierMinIntervalSeconds>
            <VascoVizierMirrors>{vizier.BaseUri}</VascoVizierMirrors>
            """, """
            <VascoTarget Include="core" Ra="132.834" Dec="11.812" />
            <VascoTarget Include="edge" Ra="132.87" Dec="11.95" />
            <VascoCatalog Include="gaia" />
            """, testSteps: false);
        var build = run.Build("-t:VascoExternal");
        Assert.That(build.ExitCode, Is.EqualTo(0), build.Output);
        foreach (var tile in new[] { "core", "edge" })
        {
            var t = TilesCsv.Read(run.Path("data", "tiles", run.RunId, "tiles.csv")).Single(x => x.TileId == tile);
            var cone = Cone.ForTile(t, 1);
            var expected = VizierStandIn.M67Stars.Where(s => cone.Contains(s.Ra, s.Dec)).Select(s => s.Id).ToList();
            var m = Manifest.Read(run.Path("data", "ext", run.RunId, tile + TileRecords.ManifestSuffix));
            TestContext.Out.WriteLine($"{tile}: {expected.Count} sources; warnings {string.Join("; ", m.Warnings)}");
            Assert.Multiple(() =>
            {
                Assert.That(expected, Has.Count.GreaterThan(300), "the cone holds more than the row limit");
                Assert.That(ReferenceCatalogCsv.Read(run.Path("data", "ext", "gaia", run.RunId, tile + ".csv")).Select(s => s.Id), Is.EquivalentTo(expected));
                Assert.That(m.Warnings, Has.One.Match("gaia: [0-9]+ answer\\(s\\) hit the row limit and were split into smaller cones"));
            });
        }
    }
}
