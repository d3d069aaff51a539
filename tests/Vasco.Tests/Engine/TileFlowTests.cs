using NUnit.Framework;
using Vasco.IO;
using Vasco.Pipeline;
using Vasco.Tiling;

namespace Vasco.Tests.Engine;

/// <summary>
/// A build's per-tile steps run together: a tile goes on to its next step while other tiles are still in earlier ones,
/// tiles waiting on a service do not hold a core, and a batched step serves what is prepared. The tests make the order of
/// events observable with gates (a tile that waits for another), never with timings: a barrier would make them wait for ever,
/// which the gates' generous limit turns into a failure.
/// </summary>
public class TileFlowTests
{
    static readonly TimeSpan Never = TimeSpan.FromMinutes(2);
    string _dir = "";

    [SetUp] public void SetUp() => _dir = Directory.CreateTempSubdirectory("vasco-flow-").FullName;
    [TearDown] public void TearDown() => Directory.Delete(_dir, recursive: true);

    static Tile T(string id) => new(id, id, 10, 10, 6, 0, 0, 9.9, 10.1, 9.9, 10.1);

    Dictionary<string, StepDeclaration> Declare(params (string Name, string[] After)[] steps) =>
        steps.Select((s, i) => new StepDeclaration(s.Name, i + 1, true, s.After, [], [], [], Path.Combine(_dir, s.Name), Path.Combine(_dir, "logs", s.Name)))
            .ToDictionary(s => s.Name, StringComparer.Ordinal);

    StepRunner Runner(Dictionary<string, StepDeclaration> all, string step) => new()
    {
        Step = all[step], RunDir = _dir, RunId = "flow", ToolVersions = new Dictionary<string, string>(), AllSteps = all,
        StampDir = Path.Combine(_dir, "stamps"), Parameters = new ParameterSet([new ResolvedParameter("MaxParallel", "1", ParameterSource.Default)]),
    };

    TileFlow.Step Step(Dictionary<string, StepDeclaration> all, string name, TileWork work, params Tile[] stale) =>
        new() { Runner = Runner(all, name), Work = work, Stale = stale };

    // A tile's output, so the tile's manifest lists one.
    static void Write(TileContext t, string what)
    {
        var path = t.OutputPath(".txt");
        AtomicFile.WriteAllText(path, what);
        t.AddOutput(path);
    }

    // A batched step that records each batch's tiles, and writes each tile's output with its batch's size.
    static TileWork Matching(List<string[]> batches) => TileWork.Batched(
        prepare: t => t.Tile.TileId,
        batch: tiles => { var ids = tiles.Select(p => p.Prepared).ToArray(); lock (batches) batches.Add(ids); return ids.Length; },
        finish: (t, id, size) => Write(t, $"matched in a batch of {size}"));

    [Test]
    public void ATileGoesOnToItsNextStepWhileAnotherTileIsStillInTheFirst()
    {
        var all = Declare(("Slow", []), ("Next", ["Slow"]));
        var secondThrough = new ManualResetEventSlim();
        var events = new List<string>();
        var slow = TileWork.PerTile(t =>
        {
            // Tile a waits until tile b has been through both steps: with a barrier after "Slow", it never would be.
            if (t.Tile.TileId == "a" && !secondThrough.Wait(Never)) throw new VascoException("VASCO9001", "tile b never went on to Next", "no barrier");
            Write(t, "slow");
        });
        var next = TileWork.PerTile(t =>
        {
            Write(t, "next");
            lock (events) events.Add("Next " + t.Tile.TileId);
            if (t.Tile.TileId == "b") secondThrough.Set();
        });
        var flow = new TileFlow { MaxParallel = 2 };
        var outcomes = flow.Run([Step(all, "Slow", slow, T("a"), T("b")), Step(all, "Next", next, T("a"), T("b"))], ["a", "b"]);

        Assert.That(outcomes.Values.SelectMany(o => o).Select(o => o.Status), Is.All.EqualTo(TileStatus.Ok), string.Join("; ", outcomes.Values.SelectMany(o => o).Select(o => o.Message)));
        Assert.That(events, Is.EqualTo(new[] { "Next b", "Next a" }));
        Assert.That(File.Exists(Path.Combine(_dir, "Next", "manifest.json")), "each step's manifest.json once its last tile is through");
        Assert.That(File.Exists(StepRunner.RunningMarker(Path.Combine(_dir, "Next"))), Is.False);
    }

    [Test]
    public void ATileWaitingOnAServiceDoesNotHoldTheOnlyCore()
    {
        var all = Declare(("Fetch", []), ("Compute", []));
        var computed = new ManualResetEventSlim();
        // One core: the fetch waits for the computing, which must run beside it.
        var fetch = TileWork.PerTile(t =>
        {
            if (!computed.Wait(Never)) throw new VascoException("VASCO9001", "nothing computed while the service was awaited", "overlap");
            Write(t, "fetched");
        }) with { WaitsOnNetwork = true };
        var compute = TileWork.PerTile(t => { Write(t, "computed"); computed.Set(); });
        var outcomes = new TileFlow { MaxParallel = 1 }.Run([Step(all, "Fetch", fetch, T("a")), Step(all, "Compute", compute, T("b"))], ["a", "b"]);

        Assert.That(outcomes["Fetch"].Single().Status, Is.EqualTo(TileStatus.Ok), outcomes["Fetch"].Single().Message);
        Assert.That(outcomes["Compute"].Single().Status, Is.EqualTo(TileStatus.Ok));
    }

    [Test]
    public void ABatchedStepServesEveryPreparedTileOnceAndATileWhoseUpstreamFailedIsSkipped()
    {
        var all = Declare(("First", []), ("Match", ["First"]), ("Last", ["Match"]));
        var first = TileWork.PerTile(t =>
        {
            if (t.Tile.TileId == "c") throw new VascoException("VASCO9002", "tile c has no plate", "give it one");
            Write(t, "first");
        });
        var batches = new List<string[]>();
        var match = Matching(batches);
        var last = TileWork.PerTile(t => Write(t, "last"));
        var tiles = new[] { T("a"), T("b"), T("c"), T("d") };
        var outcomes = new TileFlow { MaxParallel = 2 }.Run(
            [Step(all, "First", first, tiles), Step(all, "Match", match, tiles), Step(all, "Last", last, tiles)], ["a", "b", "c", "d"]);

        Assert.That(batches.SelectMany(b => b).Order(), Is.EqualTo(new[] { "a", "b", "d" }), "each prepared tile in exactly one batch; c never got there");
        Assert.That(outcomes["Match"].Single(o => o.TileId == "c").Status, Is.EqualTo(TileStatus.Skipped));
        Assert.That(outcomes["Last"].Single(o => o.TileId == "c").Status, Is.EqualTo(TileStatus.Skipped));
        Assert.That(outcomes["Last"].Where(o => o.TileId != "c").Select(o => o.Status), Is.All.EqualTo(TileStatus.Ok));
        Assert.That(outcomes["First"].Single(o => o.TileId == "c").Code, Is.EqualTo("VASCO9002"));
        Assert.That(File.Exists(TileRecords.FailedPath(Path.Combine(_dir, "First"), "c")), "the failed tile's record");
    }

    [Test]
    public void ABatchedStepServesAQuarterOfItsTilesWhileTheOthersAreStillComingWhenALaterStepWaitsOnAService()
    {
        var all = Declare(("First", []), ("Match", ["First"]), ("Last", ["Match"]));
        var lastOfFirst = new ManualResetEventSlim();
        var first = TileWork.PerTile(t =>
        {
            // The last tile's first step waits until the first tile has left the flow: with one core and a batch only once
            // all tiles are prepared, it would wait for ever.
            if (t.Tile.TileId == "h" && !lastOfFirst.Wait(Never)) throw new VascoException("VASCO9001", "tile a never left the flow", "batch early");
            Write(t, "first");
        });
        var batches = new List<string[]>();
        var match = Matching(batches);
        var ask = TileWork.PerTile(t => { Write(t, "asked"); if (t.Tile.TileId == "a") lastOfFirst.Set(); }) with { WaitsOnNetwork = true };
        var ids = new[] { "a", "b", "c", "d", "e", "f", "g", "h" };
        var tiles = ids.Select(T).ToArray();
        var outcomes = new TileFlow { MaxParallel = 1 }.Run(
            [Step(all, "First", first, tiles), Step(all, "Match", match, tiles), Step(all, "Last", ask, tiles)], ids);

        Assert.That(outcomes.Values.SelectMany(o => o).Select(o => o.Status), Is.All.EqualTo(TileStatus.Ok), string.Join("; ", outcomes.Values.SelectMany(o => o).Select(o => o.Message)));
        Assert.That(batches.Select(b => string.Concat(b)), Is.EqualTo(new[] { "ab", "cd", "ef", "gh" }), "a batch as soon as a quarter of the 8 tiles are prepared");

        // No later step waits on a service: an early batch would only cost a call, so one batch once all are prepared.
        batches.Clear();
        var computed = new TileFlow { MaxParallel = 1 }.Run(
            [Step(all, "Match", match, tiles), Step(all, "Last", TileWork.PerTile(t => Write(t, "last")), tiles)], ids);
        Assert.That(computed.Values.SelectMany(o => o).Select(o => o.Status), Is.All.EqualTo(TileStatus.Ok));
        Assert.That(batches.Select(b => b.Length), Is.EqualTo(new[] { 8 }));

        // A batch never serves more than MaxBatchTiles, however many tiles are prepared.
        batches.Clear();
        var again = new TileFlow { MaxParallel = 1, MaxBatchTiles = 3 }.Run([Step(all, "Match", match, tiles)], ids);
        Assert.That(again["Match"].Select(o => o.Status), Is.All.EqualTo(TileStatus.Ok));
        Assert.That(batches.Select(b => b.Length), Is.EqualTo(new[] { 3, 3, 2 }));
        batches.Clear();
        var many = Enumerable.Range(0, 40).Select(i => $"m{i:00}").ToArray();
        var manyTiles = many.Select(T).ToArray();
        new TileFlow { MaxParallel = 1, MaxBatchTiles = 3 }.Run([Step(all, "First", first, manyTiles), Step(all, "Match", match, manyTiles)], many);
        Assert.That(batches.Select(b => b.Length), Is.All.EqualTo(3).Or.EqualTo(1), "40 tiles: batches of 3 (a quarter would be 10), and the one left");
        Assert.That(batches.Sum(b => b.Length), Is.EqualTo(40));
    }

    [Test]
    public void FailFastLeavesTheTilesNotStartedWithoutARecord()
    {
        var all = Declare(("Only", []), ("After", ["Only"]));
        var only = TileWork.PerTile(t =>
        {
            if (t.Tile.TileId == "a") throw new VascoException("VASCO9002", "tile a is broken", "fix it");
            Write(t, "only");
        });
        var flow = new TileFlow { MaxParallel = 1, FailFast = true };
        var outcomes = flow.Run([Step(all, "Only", only, T("a"), T("b"), T("c")), Step(all, "After", TileWork.PerTile(t => Write(t, "after")), T("a"), T("b"), T("c"))],
            ["a", "b", "c"]);

        Assert.That(flow.StoppedAt, Is.EqualTo("Only"));
        Assert.That(outcomes["Only"].Select(o => o.TileId), Is.EqualTo(new[] { "a" }), "one core, the first tile failed: nothing else started");
        Assert.That(outcomes["After"], Is.Empty);
        Assert.That(File.Exists(TileRecords.ManifestPath(Path.Combine(_dir, "Only"), "b")), Is.False);
        Assert.That(File.Exists(Path.Combine(_dir, "Only", "manifest.json")), "the step's manifest.json over what is there");
    }
}
