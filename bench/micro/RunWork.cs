using BenchmarkDotNet.Attributes;
using Vasco.Pipeline;

namespace Vasco.Benchmarks;

/// <summary>
/// The work Vasco does once per step and run, whatever ran: the step's manifest.json gathered from
/// every tile's manifest (StepRunner does it after each step that ran a tile). At 10,000 tiles this is
/// part of every one-stale-tile build, once per step; and step 9 reading the tiles' manifests.
/// </summary>
[MemoryDiagnoser]
public class RunWork
{
    [Params(1_000, 10_000)]
    public int Tiles;

    string _work = "";
    StepDeclaration _step = null!;
    List<string> _tileIds = [];
    readonly ParameterSet _parameters = new([]);
    readonly Dictionary<string, string> _tools = new() { ["sextractor"] = "2.25.0" };

    [GlobalSetup]
    public void Setup()
    {
        _work = Directory.CreateTempSubdirectory("vasco-micro-run-").FullName;
        var outputDir = Path.Combine(_work, "data", "catalogs", "p1", "bench");
        _step = new StepDeclaration("Pass1", 3, true, ["Preprocess"], [], ["sextractor"], [], outputDir, Path.Combine(_work, "logs"));
        Directory.CreateDirectory(outputDir);
        var started = DateTimeOffset.Parse("2026-11-24T12:00:00Z");
        // A pass-1 tile manifest as the pipeline writes it: the tile's own image and mask, the configs every tile shares.
        var shared = new[] { "config/sextractor/vasco.sex", "config/sextractor/pass1.param", "config/sextractor/default.conv" }
            .Select(p => new FileRecord(p, 1_000, new string('a', 64))).ToList();
        for (var i = 0; i < Tiles; i++)
        {
            var id = $"s{i:d5}";
            _tileIds.Add(id);
            var m = new Manifest
            {
                Step = "Pass1", StepNumber = 3, RunId = "bench", TileId = id,
                StartedUtc = started, FinishedUtc = started.AddSeconds(0.3), ElapsedSeconds = 0.3,
                Inputs = [new($"data/masks/bench/{id}.clean.fits", 180_000, new string('b', 64)), new($"data/masks/bench/{id}.mask", 45_000, new string('c', 64)), .. shared],
                Outputs = [new($"data/catalogs/p1/bench/{id}.cat", 60_000, new string('d', 64))],
                Counts = new(StringComparer.Ordinal) { ["sources"] = 120, ["tool_seconds"] = 0.2 },
            };
            m.Write(TileRecords.ManifestPath(outputDir, id));
        }
    }

    [GlobalCleanup]
    public void Cleanup() => Directory.Delete(_work, recursive: true);

    /// <summary>Step 9 reads every tile manifest of every step (8 a tile): the full reader ...</summary>
    [Benchmark]
    public double ReadManifests() => _tileIds.Sum(id => Manifest.TryRead(TileRecords.ManifestPath(_step.OutputDir, id))!.ElapsedSeconds);

    /// <summary>... and the numbers-only reader it uses.</summary>
    [Benchmark]
    public double ReadManifestFigures() => _tileIds.Sum(id => ManifestFigures.TryRead(TileRecords.ManifestPath(_step.OutputDir, id))!.ElapsedSeconds);

    [Benchmark]
    public int AggregateStepManifest() =>
        StepManifests.Aggregate(_step, _work, "bench", _tileIds, _parameters, _tools).Counts.Count;

    /// <summary>A one-stale build's aggregation: one tile's manifest rewritten since the last one, the others cached.</summary>
    [Benchmark]
    public int AggregateOneChanged()
    {
        var cache = TileRecordCache.PathOf(Path.Combine(_work, "stamps"), _step.Name);
        if (!File.Exists(cache)) StepManifests.Aggregate(_step, _work, "bench", _tileIds, _parameters, _tools, cacheFile: cache);
        var changed = TileRecords.ManifestPath(_step.OutputDir, _tileIds[42]);
        Manifest.Read(changed).Write(changed);
        return StepManifests.Aggregate(_step, _work, "bench", _tileIds, _parameters, _tools, cacheFile: cache).Counts.Count;
    }
}
