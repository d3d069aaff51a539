using System.Globalization;
using NUnit.Framework;
using Vasco.Catalogs;
using Vasco.Pipeline;
using Vasco.Tests.Catalogs;
using Vasco.Tests.Download;
using Vasco.Tests.Support;

namespace Vasco.Tests.Steps;

/// <summary>Step 6 and the epoch propagation, through whole builds of the M67 run.</summary>
[TestFixture, NonParallelizable]
public class ModernSkyTests
{
    [Test]
    public void GaiaFromAVizierStandInGivesTheSameCandidatesAsTheLocalFile()
    {
        using var local = M67Run.Create("local");
        Assert.That(local.Build().ExitCode, Is.EqualTo(0));

        // The first mirror is down; the second answers cone searches on the same Gaia sources.
        using var down = new ScriptedHttpServer(_ => ScriptedHttpServer.Status(503));
        using var vizier = new ScriptedHttpServer(VizierStandIn.Route);
        var input = Repo.Path("runs", "m67", "input");
        using var remote = new RunFolder("vizier").WriteRunFile($"""
            <TilingMode>single</TilingMode><TileSizeArcmin>30</TileSizeArcmin>
            <ImageSource>local</ImageSource><LocalImageDir>{input}</LocalImageDir>
            <VizierRetries>1</VizierRetries><VizierMinIntervalSeconds>0</VizierMinIntervalSeconds>
            <VascoVizierMirrors>{Root(down.Endpoint)};{Root(vizier.Endpoint)}</VascoVizierMirrors>
            """, $"""
            <VascoTarget Include="M67" Ra="132.834" Dec="11.812" />
            <VascoBrightStars Include="{input}/tycho2_M67_r1deg.csv" />
            <VascoCatalog Include="gaia" />
            """, testSteps: false);
        var build = remote.Build();
        Assert.That(build.ExitCode, Is.EqualTo(0), build.Output);
        Assert.That(down.Requests, Is.GreaterThan(0), "the first mirror was tried");
        Assert.That(vizier.Requests, Is.EqualTo(1));

        var rows = ReferenceCatalogCsv.Read(remote.Path("data", "ext", "gaia", remote.RunId, "M67.csv"));
        Assert.That(rows, Has.Count.EqualTo(3795));
        var manifest = Manifest.Read(remote.Path("data", "ext", remote.RunId, "M67.tile.json"));
        Assert.That(manifest.Counts["rows_gaia"], Is.EqualTo(3795));
        Assert.That(manifest.Counts["cache_hit_gaia"], Is.EqualTo(0));
        Assert.That(manifest.Retries, Is.GreaterThan(0));
        Assert.That(Candidates(remote), Is.EqualTo(Candidates(local)), "VizieR's Gaia and the Gaia file are the same sources");

        // Forced again, the answer comes from the cache: no request.
        var again = remote.Build("-p:FromStep=6");
        Assert.That(again.ExitCode, Is.EqualTo(0), again.Output);
        Assert.That(vizier.Requests, Is.EqualTo(1));
        Assert.That(Manifest.Read(remote.Path("data", "ext", remote.RunId, "M67.tile.json")).Counts["cache_hit_gaia"], Is.EqualTo(1));

        // Clean removes what the run wrote, and keeps the shared caches.
        Assert.That(remote.Build("-t:Clean").ExitCode, Is.EqualTo(0));
        var left = Directory.GetFiles(remote.Path("data"), "*", SearchOption.AllDirectories)
            .Select(f => Path.GetRelativePath(remote.Dir, f)).Where(f => !f.StartsWith("data/cache/", StringComparison.Ordinal)).ToList();
        Assert.That(left, Is.Empty);
        Assert.That(Directory.GetFiles(remote.Path("data", "cache", "vizier"), "*", SearchOption.AllDirectories), Is.Not.Empty);
        Assert.That(Directory.Exists(remote.Path("obj", "vasco", remote.RunId)), Is.False);
    }

    [Test]
    public void AStarThatMovedMoreThanTheMatchRadiusIsNotVanished()
    {
        var original = Repo.Path("runs", "m67", "input", "gaia-dr3_M67_r22arcmin.csv");
        using var run = M67Run.Create("pm", "<SpreadModel>all</SpreadModel>", "gaia.csv");
        File.Copy(original, run.Path("gaia.csv"));
        Assert.That(run.Build().ExitCode, Is.EqualTo(0));
        var baseline = File.ReadAllLines(run.Path("data", "filter", run.RunId, "candidates.csv"));
        var star = M67Stars.ChooseVanishable(run, 1).Single();

        // Give the star a fast proper motion, and put its 2016 position where that motion takes it
        // from the plate: 64 years at (300, -200) mas/yr is 23", far beyond the 5" radius.
        var lines = File.ReadAllLines(original);
        var header = lines[0].Split(',').ToList();
        int Col(string c) => header.IndexOf(c);
        var index = Array.FindIndex(lines, l => l.Split(',')[0] == star.GaiaId);
        var f = lines[index].Split(',');
        var epoch = 1951.910972;
        var plate = new ReferenceStar("", double.Parse(f[Col("ra")], CultureInfo.InvariantCulture), double.Parse(f[Col("dec")], CultureInfo.InvariantCulture),
            0, double.Parse(f[Col("pmra")], CultureInfo.InvariantCulture), double.Parse(f[Col("pmdec")], CultureInfo.InvariantCulture), 2016.0).PropagatedTo(epoch);
        var moved = (plate with { PmRa = 300, PmDec = -200 }).PropagatedTo(2016.0);
        Assert.That(Vasco.Sky.Angles.SeparationDeg(plate.Ra, plate.Dec, moved.Ra, moved.Dec) * 3600, Is.GreaterThan(20));
        void Write(double pmra, double pmdec)
        {
            var g = (string[])f.Clone();
            g[Col("ra")] = moved.Ra.ToString("R", CultureInfo.InvariantCulture);
            g[Col("dec")] = moved.Dec.ToString("R", CultureInfo.InvariantCulture);
            g[Col("pmra")] = pmra.ToString("R", CultureInfo.InvariantCulture);
            g[Col("pmdec")] = pmdec.ToString("R", CultureInfo.InvariantCulture);
            var copy = (string[])lines.Clone();
            copy[index] = string.Join(',', g);
            File.WriteAllLines(run.Path("gaia.csv"), copy);
        }

        Write(300, -200);
        var withMotion = run.Build();
        Assert.That(withMotion.ExitCode, Is.EqualTo(0), withMotion.Output);
        Assert.That(File.ReadAllLines(run.Path("data", "filter", run.RunId, "candidates.csv")), Is.EqualTo(baseline),
            "carried back to 1951.91 the fast star sits on its plate image");

        Write(0, 0);
        var withoutMotion = run.Build();
        Assert.That(withoutMotion.ExitCode, Is.EqualTo(0), withoutMotion.Output);
        Assert.That(Candidates(run), Does.Contain(star.Number), "without its motion the same star would look vanished");
    }

    static List<int> Candidates(RunFolder run) =>
        File.ReadAllLines(run.Path("data", "filter", run.RunId, "candidates.csv")).Skip(1).Where(l => l.Length > 0)
            .Select(l => (int)double.Parse(l.Split(',')[1], CultureInfo.InvariantCulture)).Order().ToList();

    static string Root(Uri endpoint) => $"http://127.0.0.1:{endpoint.Port}/";
}
