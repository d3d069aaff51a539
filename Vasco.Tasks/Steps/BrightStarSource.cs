using Vasco.Catalogs;
using Vasco.Pipeline;
using Vasco.Preprocess;
using Vasco.Synthetic;
using Vasco.Tiling;

namespace Vasco.Steps;

/// <summary>
/// The bright stars around a tile, for the masks (step 2) and the spike and halo rule
/// (step 8): the run's VascoBrightStars file when it names one, else Tycho-2 from VizieR
/// (through the same cached, polite client as step 6), or a synthetic sky's own.
/// </summary>
public sealed class BrightStarSource : IDisposable
{
    /// <summary>What the source depends on: the image source and synthetic sky are stamped; VizieR's client settings are not.</summary>
    public sealed record Config(string ImageSource, SyntheticOptions Synthetic, ExternalStep.VizierSettings Vizier);

    public static Config Bind(ParameterReader p) =>
        new(p.Text(DownloadStep.ImageSource), DownloadStep.BindSynthetic(p), ExternalStep.BindVizier(p, p.Unstamped));

    readonly BrightStarCatalog? _file;
    readonly VizierClient? _vizier;
    readonly SyntheticOptions? _synthetic;

    public BrightStarSource(StepEnvironment env, Config config)
    {
        if (env.BrightStars is { } item) _file = BrightStarCatalog.Read(item.FullPath, Columns(item));
        else if (config.ImageSource == "synthetic") _synthetic = config.Synthetic;
        else _vizier = ExternalStep.NewVizierClient(config.Vizier, env);
    }

    /// <summary>Tycho-2's columns unless the item names its own (the same metadata as VascoCatalog).</summary>
    static BrightStarColumns Columns(CatalogItem item)
    {
        var mapped = item.Meta("RaColumn") is not null;
        var epoch = CatalogEpoch.Read($"VascoBrightStars '{item.Name}'", item.Meta("Epoch"), mapped, BrightStarColumns.Tycho2.Epoch, item.FullPath);
        if (!mapped) return BrightStarColumns.Tycho2 with { Epoch = epoch };
        return new BrightStarColumns(item.Meta("RaColumn")!, item.Meta("DecColumn") ?? "dec", item.Meta("MagColumn") ?? "mag",
            item.Meta("PmRaColumn"), item.Meta("PmDecColumn"), epoch, item.Meta("FallbackMagColumn"));
    }

    /// <summary>Where the stars come from, for manifests.</summary>
    public string Description(string runDir) =>
        _file is not null ? RunPaths.Relative(runDir, _file.Path)
        : _synthetic is not null ? "the synthetic sky's stars brighter than " + SyntheticOptions.BrightStarMag
        : $"Tycho-2 from VizieR ({CatalogSource.Tycho2.VizierTable})";

    /// <summary>The stars within <paramref name="radiusArcmin"/> of the tile centre (all of a file's stars: they are few).</summary>
    public IReadOnlyList<BrightStar> Around(Tile tile, double radiusArcmin, CancellationToken cancellation)
    {
        if (_file is not null) return _file.Stars;
        // A synthetic tile's sky holds only its own stars, so its bright stars are all there are.
        if (_synthetic is not null) return SyntheticSky.For(tile, _synthetic).BrightStars();
        var result = _vizier!.ConeSearchAsync(CatalogSource.Tycho2, new Cone(tile.RaDeg, tile.DecDeg, radiusArcmin), cancellation).GetAwaiter().GetResult();
        if (!result.Ok)
            throw new VascoException(result.FailureCode ?? ErrorCodes.CatalogFetchFailed, $"Tycho-2 for tile {tile.TileId}: {result.FailureReason}",
                "check the network and VizieR's status, or give the run a VascoBrightStars file.");
        return result.Stars.Select(s => new BrightStar(s.Ra, s.Dec, s.Mag, s.PmRa, s.PmDec, s.Epoch)).ToList();
    }

    public void Dispose() => _vizier?.Dispose();
}
