using Vasco.Pipeline;
using Vasco.Synthetic;

namespace Vasco.Steps;

/// <summary>What writing a synthetic run's archive files did: the tiles, and how many files were new or changed.</summary>
public sealed record SyntheticArchiveResult(int Tiles, int Written);

/// <summary>
/// A synthetic run's answers of other archives (SkyBoT, an infrared archive, SuperCOSMOS, VSX; <see cref="SyntheticArchives"/>),
/// four files per tile, for the vetting stages to read in place of the services. They are the run's inputs, not a step's
/// outputs: written before the plan, which hashes them into the stamps of the stages that read them, and rewritten only
/// when their content changes, so a second build of an unchanged run runs no step.
/// </summary>
public static class SyntheticArchiveFiles
{
    /// <summary>Writes the files of every tile of the run (all shards' tiles: the files are the same whoever writes them) into <paramref name="dir"/>.</summary>
    public static SyntheticArchiveResult Write(PlanRequest r, string dir)
    {
        var parameters = RunPlan.Parameters(r);
        var source = parameters[DownloadStep.ImageSource.Name];
        if (source != "synthetic")
            throw new VascoException(ErrorCodes.ParameterInvalid,
                $"VascoSyntheticArchives=true asks for the synthetic sky's archive answers, but ImageSource={source}: they would stand for archives of plates that are not synthetic.",
                "build this run with ImageSource=synthetic, or leave VascoSyntheticArchives unset.");
        var options = DownloadStep.SyntheticPlateOptions(parameters);
        var tiles = RunPlan.Tiles(r, parameters);
        var written = tiles.Sum(tile => SyntheticArchives.Write(dir, SyntheticSky.For(tile, options)));
        return new SyntheticArchiveResult(tiles.Count, written);
    }
}
