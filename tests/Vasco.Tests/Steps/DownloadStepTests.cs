using NUnit.Framework;
using Vasco.Pipeline;
using Vasco.Tests.Download;
using Vasco.Tests.Support;

namespace Vasco.Tests.Steps;

/// <summary>Step 1 with ImageSource=stsci through a real build, against an STScI stand-in on 127.0.0.1.</summary>
[TestFixture, NonParallelizable]
public class DownloadStepTests
{
    [Test]
    public void APlateIsFetchedOnceAndAnHtmlAnswerFailsOnlyItsTile()
    {
        var html = "<html><head><title>DSS: no plate for this position</title></head><body>Sorry</body></html>";
        using var server = new ScriptedHttpServer(line =>
            line.Contains("d=-50", StringComparison.Ordinal) ? ScriptedHttpServer.Html(html) : ScriptedHttpServer.FitsAnswer(M67Plate.Bytes));
        using var run = new RunFolder("dl").WriteRunFile("""
            <TilingMode>single</TilingMode>
            <TileSizeArcmin>30</TileSizeArcmin>
            <DownloadBackoff>1</DownloadBackoff>
            """, """
            <VascoTarget Include="good" Ra="132.834" Dec="11.812" />
            <VascoTarget Include="south" Ra="10" Dec="-50" />
            """, testSteps: false);
        var endpoint = $"-p:VascoStsciEndpoint={server.Endpoint}";

        var first = run.Build("-t:VascoDownload", endpoint);
        Assert.That(first.ExitCode, Is.Not.EqualTo(0));
        Assert.That(first.ErrorCodes(), Is.EquivalentTo(new[] { "VASCO1003", "VASCO0002" }), first.Output);
        Assert.That(first.Output, Does.Contain("DSS: no plate for this position"));

        var dir = run.Path("data", "downloads", run.RunId);
        Assert.That(FileRecord.Sha256Of(Path.Combine(dir, "good.fits")), Is.EqualTo(M67Plate.Sha256));
        var good = Manifest.Read(Path.Combine(dir, "good.tile.json"));
        Assert.That(good.Fields["cache_hit"]!.ToString(), Is.EqualTo("False"));
        Assert.That(good.Fields["region"]!.ToString(), Is.EqualTo("XE486"));
        Assert.That(File.Exists(Path.Combine(dir, "south.fits")), Is.False, "an HTML answer never enters later steps");
        Assert.That(File.Exists(Path.Combine(dir, "south.tile.json")), Is.False);
        Assert.That(Directory.GetFiles(Path.Combine(dir, "rejected"), "*.html"), Has.Length.EqualTo(1), "the answer is saved aside");

        var step = Manifest.Read(Path.Combine(dir, "manifest.json"));
        Assert.That(step.Status, Is.EqualTo("partial"));
        Assert.That(step.FailedTiles.Single().TileId, Is.EqualTo("south"));
        Assert.That(step.Fields["endpoint"]!.ToString(), Is.EqualTo(server.Endpoint.ToString()));
        Assert.That(step.Fields["survey"]!.ToString(), Is.EqualTo("dss1-red"));
        Assert.That(step.Counts["fits"], Is.EqualTo(1));

        // A rebuild asks again for the failed tile only.
        var goodRequests = server.RequestLines.Count(l => l.Contains("d=11.812", StringComparison.Ordinal));
        var again = run.Build("-t:VascoDownload", endpoint);
        Assert.That(again.TilesRun("VascoDownload"), Is.EqualTo(new[] { "south" }));
        Assert.That(server.RequestLines.Count(l => l.Contains("d=11.812", StringComparison.Ordinal)), Is.EqualTo(goodRequests));

        // Forcing the step again serves the good plate from the download cache: no request.
        var forced = run.Build("-t:VascoDownload", endpoint, "-p:FromStep=1", "-p:Tiles=good");
        Assert.That(forced.ExitCode, Is.EqualTo(0), forced.Output);
        Assert.That(server.RequestLines.Count(l => l.Contains("d=11.812", StringComparison.Ordinal)), Is.EqualTo(goodRequests));
        Assert.That(Manifest.Read(Path.Combine(dir, "good.tile.json")).Fields["cache_hit"]!.ToString(), Is.EqualTo("True"));
    }

    [Test]
    public void ATileWithoutAPlateSkipsItsLaterStepsAtOnceAndTheErrorCountsThemApart()
    {
        using var server = new ScriptedHttpServer(_ => ScriptedHttpServer.Html("<html><title>DSS: no plate for this position</title></html>"));
        using var vizier = new ScriptedHttpServer(_ => ScriptedHttpServer.Status(503));
        using var run = new RunFolder("noplate").WriteRunFile($"""
            <TilingMode>single</TilingMode><TileSizeArcmin>30</TileSizeArcmin>
            <VascoVizierMirrors>{vizier.BaseUri}</VascoVizierMirrors>
            """, """<VascoTarget Include="south" Ra="10" Dec="-50" />""", testSteps: false);
        var build = run.Build($"-p:VascoStsciEndpoint={server.Endpoint}");
        Assert.That(build.ExitCode, Is.Not.EqualTo(0));
        Assert.That(vizier.Requests, Is.Zero, "no catalog is fetched for a tile without a plate");
        Assert.That(build.Output, Does.Contain("External: 0 tile(s) done, 0 failed, 1 skipped"));
        Assert.That(build.Output, Does.Match(@"1 tile step\(s\) failed \(Download:south\) and \d+ were skipped because an earlier step failed"));
    }

    [Test]
    public void ANonPossPlateIsRejected()
    {
        using var server = new ScriptedHttpServer(_ => ScriptedHttpServer.FitsAnswer(M67Plate.AsSercPlate()));
        using var run = new RunFolder("serc").WriteRunFile("<TilingMode>single</TilingMode><TileSizeArcmin>30</TileSizeArcmin>",
            """<VascoTarget Include="serc" Ra="132.834" Dec="11.812" />""", testSteps: false);
        var build = run.Build("-t:VascoDownload", $"-p:VascoStsciEndpoint={server.Endpoint}");
        Assert.That(build.ErrorCodes(), Is.EquivalentTo(new[] { "VASCO1003", "VASCO0002" }), build.Output);
        Assert.That(build.Output, Does.Contain("SERC-ER"));
    }
}
