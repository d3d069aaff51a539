using System.Globalization;
using Microsoft.Build.Framework;
using Vasco.Recovery;

namespace Vasco.MSBuild;

/// <summary>Injects PSF-shaped sources into a real plate and removes real stars from its catalog (see <see cref="PlateInjector"/>).</summary>
public sealed class VascoInjectPlate : VascoTask
{
    [Required] public string Plate { get; set; } = "";
    [Required] public string Psf { get; set; } = "";
    [Required] public string Mask { get; set; } = "";
    [Required] public string Matched { get; set; } = "";
    [Required] public string Unmatched { get; set; } = "";
    [Required] public string Catalog { get; set; } = "";
    public string IdColumn { get; set; } = "source_id";
    [Required] public string OutputPlate { get; set; } = "";
    [Required] public string OutputCatalog { get; set; } = "";
    [Required] public string OutputTruth { get; set; } = "";
    public int Seed { get; set; } = 1;
    public int Count { get; set; } = 150;
    public int RemoveCount { get; set; } = 20;

    protected override void ExecuteCore()
    {
        foreach (var path in new[] { OutputPlate, OutputCatalog, OutputTruth })
            Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(path))!);
        var result = PlateInjector.Run(Plate, Psf, Mask, Matched, Unmatched, Catalog, IdColumn, OutputPlate, OutputCatalog, OutputTruth,
            new InjectionOptions(Seed, Count, RemoveCount: RemoveCount));
        LogHigh(string.Create(CultureInfo.InvariantCulture,
            $"VascoInjectPlate: {result.Injected} sources injected into {OutputPlate}, {result.Removed} stars removed from {OutputCatalog} (zero point {result.ZeroPoint} from {result.CalibrationStars} stars)"));
    }
}
