using NUnit.Framework;
using Vasco.Fits;
using Vasco.IO;
using Vasco.Preprocess;
using Vasco.SolarSystem;
using Vasco.Tests.Download;
using Vasco.Tests.Support;

namespace Vasco.Tests.Vetting;

/// <summary>
/// The vetting chain in whole builds of a synthetic tile with planted asteroids, infrared-only sources, scan artefacts
/// and variables: read from local files, and asked of loopback CDS XMatch, TAP and SkyBoT servers that serve the same
/// rows in the services' own formats (and fail now and then, as real ones do).
/// </summary>
[TestFixture, NonParallelizable]
public class VettingRunTests
{
    const string Sky = """
        <TilingMode>single</TilingMode><TileSizeArcmin>20</TileSizeArcmin><ImageSource>synthetic</ImageSource>
        <SyntheticAsteroidsPerTile>5</SyntheticAsteroidsPerTile><SyntheticInfraredPerTile>5</SyntheticInfraredPerTile>
        <SyntheticArtefactsPerTile>5</SyntheticArtefactsPerTile><SyntheticVariablesPerTile>5</SyntheticVariablesPerTile>
        <VascoSyntheticArchives>true</VascoSyntheticArchives><VettingMinIntervalSeconds>0</VettingMinIntervalSeconds>
        """;
    const string Target = """<VascoTarget Include="syn" Ra="120" Dec="10" />""";

    static string Synthetic(RunFolder run, string tile, string suffix) => run.Path("data", "synthetic", "vet", tile + suffix);

    [Test]
    public void LoopbackServicesGiveTheCandidatesAndFunnelTheSameDataGivesFromLocalFiles()
    {
        using var files = new RunFolder("vet-files").WriteRunFile(Sky + "<RunId>vet</RunId><VettingServices>offline</VettingServices>", Target + """
            <VascoArchive Include="synthetic-ir" Table="II/246/out" Band="infrared" File="data/synthetic/$(RunId)/{tile}.infrared.csv" />
            <VascoVettingFile Include="skybot" File="data/synthetic/$(RunId)/{tile}.skybot.txt" />
            <VascoVettingFile Include="supercosmos" File="data/synthetic/$(RunId)/{tile}.scos.csv" />
            <VascoVettingFile Include="vsx" File="data/synthetic/$(RunId)/{tile}.vsx.csv" />
            <VascoVettingFile Include="ptf" File="ptf.csv" />
            """, testSteps: false);
        File.WriteAllText(files.Path("ptf.csv"), "id,ra,dec,ngoodobs\n");
        var built = files.Build();
        Assert.That(built.ExitCode, Is.EqualTo(0), built.Output);
        var tile = File.ReadAllLines(files.Path("data", "tiles", "vet", "tiles.csv"))[1].Split(',')[0];
        var funnel = File.ReadAllText(files.Path("data", "vetting", "vet", "funnel.csv"));
        var byStage = PlainCsv.Read(files.Path("data", "vetting", "vet", "funnel.csv")).Records().ToDictionary(r => r["stage"]);
        // Every stage looked at every candidate, and the planted classes went where they belong.
        Assert.That(byStage.Values.Select(r => r["not_checked"]), Is.All.EqualTo("0"), funnel);
        Assert.That(byStage["asteroids"]["removed_by_reason"], Does.StartWith("asteroid="), funnel);
        Assert.That(byStage["archives"]["removed_by_reason"], Does.StartWith("ir_only="), funnel);
        Assert.That(byStage["second-scan"]["removed_by_reason"], Does.StartWith("scan_artefact="), funnel);
        Assert.That(File.ReadAllLines(files.Path("data", "vetting", "vet", "ir_only.csv")), Has.Length.GreaterThan(1));

        // The same rows, served by stand-ins of the services; each fails its first request once.
        var clean = files.Path("data", "masks", "vet", tile + ".clean.fits");
        var mid = PlateExposure.FromHeader(FitsFile.ReadPrimaryHeader(clean), clean).MidUtc;
        var asteroids = SkybotAnswer.Parse(File.ReadAllText(Synthetic(files, tile, ".skybot.txt"))).Objects;
        Assert.That(asteroids, Is.Not.Empty);
        using var skybot = new SkybotServer(asteroids.Select(o => new KnownBody(o.Number, o.Name, o.RaDeg, o.DecDeg, mid, o.RaRateArcsecPerHour,
            o.DecRateArcsecPerHour, o.Class, o.Mv, o.ErrArcsec, o.DistanceAu)));
        using var xmatch = new XmatchServer(new Dictionary<string, ArchiveTable>
        {
            ["II/246/out"] = ArchiveTable.File(Synthetic(files, tile, ".infrared.csv")),
            ["B/vsx/vsx"] = ArchiveTable.File(Synthetic(files, tile, ".vsx.csv")),
        });
        var scos = ArchiveTable.File(Synthetic(files, tile, ".scos.csv"));
        using var tap = new TapServer(new Dictionary<string, ArchiveTable>
        {
            ["supercosmos.sources"] = new(["raj2000", "dej2000", "objidr1"], scos.Rows.Select(r => (IReadOnlyList<string>)[r[scos.IndexOf("ra")], r[scos.IndexOf("dec")], r[scos.IndexOf("id")]])),
            ["ptf_objects"] = new(["ra", "dec", "oid", "ngoodobs"], []),
        });
        skybot.Inject(ServerFault.Status(503, retryAfterSeconds: 1));
        xmatch.Inject(ServerFault.Reset());
        tap.Inject(ServerFault.CutShort());

        using var online = new RunFolder("vet-online").WriteRunFile(Sky + $"""
            <RunId>vet</RunId><VettingServices>online</VettingServices>
            <SkybotUrl>{skybot.Endpoint}</SkybotUrl><XmatchUrl>{xmatch.Url}</XmatchUrl><TapUrl>{tap.ServiceUrl}</TapUrl><PtfTapUrl>{tap.ServiceUrl}</PtfTapUrl>
            """, Target + """<VascoArchive Include="synthetic-ir" Table="II/246/out" Band="infrared" />""", testSteps: false);
        var served = online.Build();
        Assert.That(served.ExitCode, Is.EqualTo(0), served.Output);
        Assert.That(File.ReadAllText(Synthetic(online, tile, ".skybot.txt")), Is.EqualTo(File.ReadAllText(Synthetic(files, tile, ".skybot.txt"))), "the same synthetic sky");
        Assert.That(skybot.RequestCount, Is.EqualTo(2), "one cone for the tile, once more after the 503");
        Assert.That(xmatch.RequestCount, Is.EqualTo(3), "one upload per table per build (2MASS, VSX), once more after the reset");
        Assert.That(tap.RequestCount, Is.EqualTo(3), "one query per TAP table, once more after the cut answer");

        Assert.That(File.ReadAllText(online.Path("data", "vetting", "vet", "funnel.csv")), Is.EqualTo(funnel));
        Assert.That(Verdicts(online), Is.EqualTo(Verdicts(files)));
        Assert.That(served.Output, Does.Not.Contain("VASCO8504"), "nothing left unchecked");

        // Asked from the geocentre, which the stand-in does not model, SkyBoT answers its error: the stage is not checked,
        // the build warns and stays green, and nothing of the other stages changes.
        var geocentre = online.Build("-p:SkybotObserver=500", "-p:VettingRetries=0");
        Assert.That(geocentre.ExitCode, Is.EqualTo(0), geocentre.Output);
        Assert.That(geocentre.Output, Does.Contain("VASCO8504").And.Contain("asteroids"));
        var after = PlainCsv.Read(online.Path("data", "vetting", "vet", "funnel.csv")).Records().ToDictionary(r => r["stage"]);
        Assert.That(after["asteroids"]["removed"], Is.EqualTo("0"));
        Assert.That(after["asteroids"]["not_checked"], Is.EqualTo(after["asteroids"]["in"]));
        Assert.That(xmatch.RequestCount, Is.EqualTo(3), "the other stages did not rerun");
        // CDS XMatch down for good: the same tables are asked of VizieR, one cone around the tile's candidates each, and
        // the verdicts do not change.
        using var xmatchDown = new XmatchServer(new Dictionary<string, ArchiveTable>());
        xmatchDown.Inject(ServerFault.Status(503), 1000);
        var tables = new Dictionary<string, ArchiveTable>
        {
            ["II/246/out"] = ArchiveTable.File(Synthetic(files, tile, ".infrared.csv")),
            ["B/vsx/vsx"] = ArchiveTable.File(Synthetic(files, tile, ".vsx.csv")),
        };
        using var vizier = new ScriptedHttpServer(line => VizierCone(line, tables));
        using var cones = new RunFolder("vet-cones").WriteRunFile(Sky + $"""
            <RunId>vet</RunId><VettingServices>online</VettingServices><VettingRetries>0</VettingRetries>
            <VizierRetries>0</VizierRetries><VizierMinIntervalSeconds>0</VizierMinIntervalSeconds><VascoVizierMirrors>{vizier.BaseUri}</VascoVizierMirrors>
            <SkybotUrl>{skybot.Endpoint}</SkybotUrl><XmatchUrl>{xmatchDown.Url}</XmatchUrl><TapUrl>{tap.ServiceUrl}</TapUrl><PtfTapUrl>{tap.ServiceUrl}</PtfTapUrl>
            """, Target + """<VascoArchive Include="synthetic-ir" Table="II/246/out" Band="infrared" IdColumn="id" RaColumn="ra" DecColumn="dec" />""", testSteps: false);
        var coned = cones.Build();
        Assert.That(coned.ExitCode, Is.EqualTo(0), coned.Output);
        Assert.That(xmatchDown.RequestCount, Is.EqualTo(2), "each table tried once (no retries asked)");
        Assert.That(vizier.Requests, Is.EqualTo(2), "then one VizieR cone per table for the tile");
        Assert.That(File.ReadAllText(cones.Path("data", "vetting", "vet", "funnel.csv")), Is.EqualTo(funnel));
        Assert.That(Verdicts(cones), Is.EqualTo(Verdicts(files)));
        var asked = skybot.RequestCount;

        // What a service left unchecked is asked again by the next build, without FromStep; nothing else reruns.
        var again = online.Build("-p:SkybotObserver=500", "-p:VettingRetries=0");
        Assert.That(again.ExitCode, Is.EqualTo(0), again.Output);
        Assert.That(skybot.RequestCount, Is.EqualTo(asked + 1));
        Assert.That(again.Output, Does.Contain("VetAsteroids: 1 tile(s) done").And.Not.Contain("VetArchives: 1 tile(s) done"));
    }

    /// <summary>
    /// A VizieR asu-tsv cone search on a table of <paramref name="tables"/>: the rows within -c.rm arcmin of -c, with the
    /// -out columns (VSX's OID, RAJ2000 and DEJ2000 are the file's id, ra and dec), in VizieR's layout.
    /// </summary>
    static Func<Stream, Task> VizierCone(string requestLine, IReadOnlyDictionary<string, ArchiveTable> tables)
    {
        var q = Catalogs.VizierStandIn.Query(requestLine);
        var table = tables[q["-source"]];
        var centre = q["-c"].Split(' ');
        var (ra, dec) = (ArchiveTable.Number(centre[0]), ArchiveTable.Number(centre[1]));
        var radiusArcmin = ArchiveTable.Number(q["-c.rm"]);
        var columns = q["-out"].Split(',');
        var alias = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase) { ["OID"] = "id", ["RAJ2000"] = "ra", ["DEJ2000"] = "dec" };
        var at = columns.Select(c => table.IndexOf(alias.GetValueOrDefault(c, c))).ToArray();
        var (raAt, decAt) = (table.IndexOf("ra"), table.IndexOf("dec"));
        var text = new System.Text.StringBuilder($"#\n#   VizieR Astronomical Server 127.0.0.1\n#\n#Name: {q["-source"]}\n")
            .Append(string.Join('\t', columns)).Append('\n').Append(string.Join('\t', columns.Select(_ => ""))).Append('\n')
            .Append(string.Join('\t', columns.Select(_ => "-----"))).Append('\n');
        foreach (var row in table.Rows.Where(r => ArchiveTable.DistanceArcsec(ra, dec, ArchiveTable.Number(r[raAt]), ArchiveTable.Number(r[decAt])) <= radiusArcmin * 60))
            text.Append(string.Join('\t', at.Select(i => row[i]))).Append('\n');
        return Catalogs.VizierStandIn.Tsv(text.Append('\n').ToString());
    }

    /// <summary>Each candidate's id and every vetting status, from the run's candidates.csv.</summary>
    static List<string> Verdicts(RunFolder run)
    {
        var csv = PlainCsv.Read(run.Path("data", "filter", "vet", "candidates.csv"));
        var columns = new[] { "tile_id", "number", "vet_archives", "vet_asteroids", "vet_variables", "vet_second_scan", "vet_motion", "earth_shadow", "vetting" };
        return csv.Rows.Select(r => string.Join(',', columns.Select(c => r[csv.IndexOf(c)]))).ToList();
    }
}
