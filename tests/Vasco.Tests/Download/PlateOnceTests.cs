using System.Security.Cryptography;
using NUnit.Framework;
using Vasco.Download;
using Vasco.Pipeline;
using Vasco.Steps;
using Vasco.Tests.Contracts;
using Vasco.Tests.Support;
using Vasco.Tiling;

namespace Vasco.Tests.Download;

/// <summary>
/// A plate's cost is paid once (issue 20): step 1 cuts four tiles from one local plate (the real M67 plate, plain or
/// gzipped), two tiles at a time, without MSBuild. The plate is read once in the build, each tile's manifest still
/// names the plate, with its hash, as its input, and each cutout is the file cutting that tile alone gives.
/// </summary>
public class PlateOnceTests
{
    [TestCase(false)]
    [TestCase(true)]
    public void FourTilesOfOnePlateReadItOnceAndCutWhatEachTileCutAloneGets(bool gzipped)
    {
        var runDir = TestTemp.NewPath("plate-once-");
        var plates = Directory.CreateDirectory(Path.Combine(runDir, "plates")).FullName;
        var plate = Path.Combine(plates, gzipped ? "m67.fits.gz" : "m67.fits");
        File.WriteAllBytes(plate, gzipped ? M67Plate.Gzip(M67Plate.Bytes) : M67Plate.Bytes);

        // The quarters of the 24' square around the plate centre, as runs/m67-four cuts them.
        var dRa = 0.1 / Math.Cos(M67Plate.CentreDec * Math.PI / 180);
        var tiles = Tiler.Tile(
            [.. new[] { ("nw", 1, 1), ("ne", -1, 1), ("sw", 1, -1), ("se", -1, -1) }
                .Select(q => new Target(q.Item1, M67Plate.CentreRa + q.Item2 * dRa, M67Plate.CentreDec + q.Item3 * 0.1, 12, 12, "test"))],
            TilingMode.Single, 12);

        var contract = DownloadStep.Contract;
        var step = new StepDeclaration(contract.Name, contract.Number, true, [], contract.Reads, [], [],
            Path.Combine(runDir, "data", "downloads"), Path.Combine(runDir, "logs", "downloads"));
        var env = new StepEnvironment
        {
            RunDir = runDir, RunId = "once", Steps = new Dictionary<string, StepDeclaration> { [step.Name] = step },
            StateDir = Path.Combine(runDir, "obj"), CacheDir = Path.Combine(runDir, "cache"),
        };
        var values = SyntheticChain.Resolve([], ("ImageSource", "local"), ("LocalImageDir", "plates"), ("TileSizeArcmin", "12"), ("MaxParallel", "2"));
        var runner = new StepRunner
        {
            Step = step, RunDir = runDir, RunId = "once", Parameters = contract.Restrict(values),
            ToolVersions = new Dictionary<string, string>(), AllSteps = env.Steps, StampDir = Path.Combine(runDir, "obj", "stamps"),
        };
        using (var work = contract.Create(env, values))
        {
            var outcomes = work.Run(runner, tiles, [.. tiles.Select(t => t.TileId)]);
            Assert.That(outcomes.Select(o => $"{o.TileId} {o.Status} {o.Message}"), Has.All.Contains(" Ok "));
        }

        var manifests = tiles.Select(t => Manifest.Read(TileRecords.ManifestPath(step.OutputDir, t.TileId))).ToList();
        Assert.That(manifests.Sum(m => m.Counts["plate_reads"]), Is.EqualTo(1), "the four tiles read the plate once");
        Assert.That(Manifest.Read(Path.Combine(step.OutputDir, "manifest.json")).Counts["plate_reads"], Is.EqualTo(1), "the step's manifest.json says so");

        var onDisk = new FileRecord("plates/" + Path.GetFileName(plate), new FileInfo(plate).Length,
            Convert.ToHexString(SHA256.HashData(File.ReadAllBytes(plate))).ToLowerInvariant());
        foreach (var (tile, manifest) in tiles.Zip(manifests))
        {
            Assert.That(manifest.Inputs, Is.EqualTo(new[] { onDisk }), $"tile {tile.TileId}'s input is the plate");
            var alone = TestTemp.NewPath("plate-once-alone-", ".fits");
            PlateCutout.Write(plate, tile.RaDeg, tile.DecDeg, tile.SizeArcmin, alone);
            var cut = Path.Combine(step.OutputDir, tile.TileId + ".fits");
            Assert.That(File.ReadAllBytes(cut), Is.EqualTo(File.ReadAllBytes(alone)), $"tile {tile.TileId} is cut as when cut alone");
            Assert.That(manifest.Fields["cutout"]?.ToString(), Does.StartWith("x "), $"tile {tile.TileId} is a part of the plate, not all of it");
        }
    }
}
