using System.Security.Cryptography;
using BenchmarkDotNet.Attributes;
using Vasco.Extraction;
using Vasco.Fits;
using Vasco.Preprocess;
using Vasco.Summaries;
using Vasco.Synthetic;
using Vasco.Tiling;

namespace Vasco.Benchmarks;

/// <summary>
/// The work Vasco does itself for one tile, between the tools: what the orchestration overhead of
/// bench/pipeline.sh is made of. The real M67 plate (30', 1059 x 1059 px) and a synthetic 30' tile.
/// </summary>
[MemoryDiagnoser]
public class TileWork
{
    static readonly Tile SyntheticTile = new("syn-a", "syn-a", 132.85, 11.8, 30, 0, 0, 132.59, 133.11, 11.55, 12.05);

    string _plate = "", _clean = "", _mask = "", _catalog = "", _work = "";
    IReadOnlyList<BrightStar> _stars = [];
    SyntheticSky _sky = null!;
    (float[] Pixels, int Width, int Height) _cleanImage;

    [GlobalSetup]
    public void Setup()
    {
        var repo = Repo();
        _plate = Path.Combine(repo, "runs", "m67", "input", "dss1-red_M67_XE486.fits");
        _stars = BrightStarCatalog.Read(Path.Combine(repo, "runs", "m67", "input", "tycho2_M67_r1deg.csv"), BrightStarColumns.Tycho2).Stars;
        _work = Directory.CreateTempSubdirectory("vasco-micro-").FullName;
        _clean = Path.Combine(_work, "M67.clean.fits");
        _mask = Path.Combine(_work, "M67.mask");
        _catalog = Path.Combine(_work, "M67.cat");
        PlatePreprocessor.Run(_plate, _stars, _clean, _mask, new PreprocessOptions());
        // A real pass-1 catalog for the catalog reader: SExtractor on the clean image, as step 3 runs it.
        var config = Path.Combine(repo, "config", "sextractor");
        new SExtractor("/usr/bin/source-extractor", TimeSpan.FromMinutes(5)).Run(
            new SExtractorJob(_clean, Path.Combine(config, "vasco.sex"), Path.Combine(config, "pass1.param"), _catalog, Path.Combine(_work, "sex.log"), _mask),
            CancellationToken.None);
        _sky = SyntheticSky.For(SyntheticTile, new SyntheticOptions());
        var clean = FitsFile.Read(_clean).Primary;
        _cleanImage = (clean.ReadFloats(), clean.Axes[0], clean.Axes[1]);
    }

    [GlobalCleanup]
    public void Cleanup() => Directory.Delete(_work, recursive: true);

    /// <summary>Step 2 on the real plate: read, refit the WCS as TAN-TPV, mask bright stars, write clean image and mask.</summary>
    [Benchmark]
    public PreprocessResult PreprocessM67() =>
        PlatePreprocessor.Run(_plate, _stars, Path.Combine(_work, "p.clean.fits"), Path.Combine(_work, "p.mask"), new PreprocessOptions());

    [Benchmark]
    public FitsFile ReadPlate() => FitsFile.Read(_plate);

    /// <summary>Steps 4, 5 and 8 read the SExtractor catalogs.</summary>
    [Benchmark]
    public int ReadPass1Catalog() => LdacCatalog.Read(_catalog).Count;

    /// <summary>Every manifest records the SHA-256 of its inputs and outputs (here the clean image, 4.5 MB).</summary>
    [Benchmark]
    public byte[] HashCleanImage()
    {
        using var stream = File.OpenRead(_clean);
        return SHA256.HashData(stream);
    }

    /// <summary>Step 1 of ImageSource=synthetic: the sources of a 30' tile, then its plate.</summary>
    [Benchmark]
    public int DrawSyntheticSky() => SyntheticSky.For(SyntheticTile, new SyntheticOptions()).Sources.Count;

    [Benchmark]
    public short[] RenderSyntheticPlate() => SyntheticPlate.Render(_sky).Pixels;

    /// <summary>Step 9: the report's plate stamp of one candidate (61 x 61 plate pixels, as PNG).</summary>
    [Benchmark]
    public int ReportStamp() => Report.Stamp(_cleanImage.Pixels, _cleanImage.Width, _cleanImage.Height, 530, 530).Length;

    static string Repo()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "Vasco.sln"))) return dir.FullName;
        throw new InvalidOperationException("Run from inside the Vasco repository (Vasco.sln not found above " + AppContext.BaseDirectory + ").");
    }
}
