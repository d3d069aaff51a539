using System.Globalization;
using Microsoft.Build.Framework;
using Vasco.IO;
using Vasco.MSBuild;
using Vasco.Pipeline;
using Vasco.Sky;

namespace Vasco.TestSteps;

/// <summary>
/// Counts the stars of a CSV (columns ra, dec, mag) brighter than StarMagLimit inside each
/// tile's square. The CSV is the tile's own input (TileFiles), so touching it must rerun
/// that tile only. A star list whose first line is "FAIL" makes the tile fail (for tests
/// of failure handling).
/// </summary>
public sealed class StarCount : TileStepTask
{
    [Required] public string StarFilePattern { get; set; } = "";

    protected override void RunTile(TileContext tile)
    {
        var path = Path.Combine(tile.RunDir, StarFilePattern.Replace("{target}", tile.Tile.Target).Replace("{tile}", tile.Tile.TileId));
        if (!File.Exists(path))
            throw new VascoException("VASCO9001", $"star list '{path}' does not exist.", "create it.", path);
        var lines = File.ReadAllLines(path);
        if (lines.Length > 0 && lines[0] == "FAIL")
            throw new VascoException("VASCO9002", $"star list '{path}' is marked FAIL.", "remove the FAIL line.", path);
        var limit = tile.Parameters.Number("StarMagLimit");
        var plane = new TangentPlane(tile.Tile.RaDeg, tile.Tile.DecDeg);
        var count = 0;
        foreach (var line in lines.Skip(1))
        {
            var f = line.Split(',');
            if (f.Length < 3) continue;
            var ra = double.Parse(f[0], CultureInfo.InvariantCulture);
            var dec = double.Parse(f[1], CultureInfo.InvariantCulture);
            var mag = double.Parse(f[2], CultureInfo.InvariantCulture);
            if (mag <= limit && plane.SquareContains(tile.Tile.SizeArcmin / 60.0, ra, dec)) count++;
        }
        tile.AddInput(path);
        var output = tile.OutputPath(".count.txt");
        AtomicFile.WriteAllText(output, count.ToString(CultureInfo.InvariantCulture) + "\n");
        tile.AddOutput(output);
        // A folder of the tile's own, as step 8 keeps its stamps in: pruning a tile removes it too.
        var part = Path.Combine(tile.OutputPath(".parts"), "count.txt");
        AtomicFile.WriteAllText(part, count.ToString(CultureInfo.InvariantCulture) + "\n");
        tile.AddOutput(part);
        tile.Counts["stars"] = count;
    }
}

/// <summary>Turns a tile's star count into a density per square degree or arcmin (DensityUnit).</summary>
public sealed class StarDensity : TileStepTask
{
    protected override void RunTile(TileContext tile)
    {
        var countFile = Path.Combine(tile.UpstreamDirs["StarCount"], tile.Tile.TileId + ".count.txt");
        var count = double.Parse(File.ReadAllText(countFile).Trim(), CultureInfo.InvariantCulture);
        var areaDeg2 = Math.Pow(tile.Tile.SizeArcmin / 60.0, 2);
        var density = tile.Parameters["DensityUnit"] == "arcmin2" ? count / (areaDeg2 * 3600) : count / areaDeg2;
        var output = tile.OutputPath(".density.txt");
        AtomicFile.WriteAllText(output, density.ToString("R", CultureInfo.InvariantCulture) + "\n");
        tile.AddInput(countFile);
        tile.AddOutput(output);
    }
}
