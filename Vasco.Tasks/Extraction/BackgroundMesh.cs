using System.Globalization;

namespace Vasco.Extraction;

/// <summary>
/// SExtractor's background mesh (BACK_SIZE, in pixels) for an image. The reference pipeline's 64 px suits a 30-60' plate
/// tile (1000-2100 px); on a small cutout it leaves a handful of meshes, so the background and its noise are those of
/// the whole image, and a nebula (the Crab in a 5' cutout) raises the noise until nothing is 5 sigma above it.
/// "auto": 64 px while the image's smaller side holds at least <see cref="MinMeshesAcross"/> of them, else that side
/// divided by <see cref="MinMeshesAcross"/>, but never under <see cref="Smallest"/> px (a mesh must stay wider than a star).
/// </summary>
public static class BackgroundMesh
{
    public const int Reference = 64;
    public const int MinMeshesAcross = 8;
    public const int Smallest = 16;

    /// <summary>BACK_SIZE for <paramref name="parameter"/> (BackSize: "auto" or pixels) on a width x height image.</summary>
    public static int Size(string parameter, int width, int height)
    {
        if (!string.Equals(parameter, "auto", StringComparison.OrdinalIgnoreCase))
            return (int)double.Parse(parameter, CultureInfo.InvariantCulture);
        var side = Math.Min(width, height);
        return side >= Reference * MinMeshesAcross ? Reference : Math.Max(Smallest, side / MinMeshesAcross);
    }
}
