using System.Globalization;
using Vasco.IO;
using Vasco.Sky;

namespace Vasco.Tiling;

/// <summary>Reads targets from run-file items and from target CSV files (columns name, ra, dec, optional size_arcmin).</summary>
public static class Targets
{
    /// <summary>Validates one target as written by the user. Size empty means the tile size.</summary>
    public static Target Parse(string name, string? ra, string? dec, string? sizeArcmin, double defaultSizeArcmin, string source)
    {
        if (!Angles.TryParseRa(ra, out var raDeg))
            throw new VascoException(ErrorCodes.RaInvalid,
                $"Target '{TileIds.Printable(name)}' ({source}) has RA '{TileIds.Printable(ra ?? "")}', which is not an RA.",
                "write RA as decimal degrees in [0, 360) (e.g. 132.834) or as hours hh:mm:ss (e.g. 08:51:20.1).", FileOf(source)) { InRunFile = ItemOf(name, source) };
        if (!Angles.TryParseDec(dec, out var decDeg))
            throw new VascoException(ErrorCodes.DecInvalid,
                $"Target '{TileIds.Printable(name)}' ({source}) has Dec '{TileIds.Printable(dec ?? "")}', which is not a declination.",
                "write Dec as decimal degrees in [-90, 90] (e.g. 11.812) or as dd:mm:ss (e.g. +11:48:43).", FileOf(source)) { InRunFile = ItemOf(name, source) };
        var size = defaultSizeArcmin;
        if (!string.IsNullOrWhiteSpace(sizeArcmin))
        {
            if (!double.TryParse(sizeArcmin, NumberStyles.Float, CultureInfo.InvariantCulture, out size)
                || !(size > 0) || size > Tiler.MaxFieldArcmin)
                throw new VascoException(ErrorCodes.FieldSizeInvalid,
                    $"Target '{TileIds.Printable(name)}' ({source}) has field size '{TileIds.Printable(sizeArcmin)}'.",
                    $"give SizeArcmin (size_arcmin in a CSV) as a number of arcmin in (0, {Tiler.MaxFieldArcmin}], or leave it out to use TileSizeArcmin.", FileOf(source)) { InRunFile = ItemOf(name, source) };
        }
        return new Target(name.Trim(), raDeg, decDeg, size, size, source);
    }

    static readonly CsvInputKind TargetList = new("Target list", ErrorCodes.TargetListUnreadable, ErrorCodes.TargetListColumns,
        "check the VascoTargetList Include path (relative paths are relative to the run file's folder).",
        "give the CSV a header line with the columns name, ra, dec (and optionally size_arcmin).",
        "save the target list as a comma-separated file with a header line name,ra,dec.");

    /// <summary>Reads a target list CSV. Header names are case-insensitive; blank lines are skipped.</summary>
    public static List<Target> ReadCsv(string path, double defaultSizeArcmin)
    {
        var targets = new List<Target>();
        var headed = HeadedCsv.Read(path, TargetList, ["name", "ra", "dec"], (cell, line) =>
            targets.Add(Parse(cell("name") ?? "", cell("ra"), cell("dec"), cell("size_arcmin"), defaultSizeArcmin, $"{Path.GetFileName(path)} line {line}")));
        if (!headed)
            throw new VascoException(ErrorCodes.TargetListColumns, $"Target list '{path}' is empty.",
                "give the CSV a header line name,ra,dec (and optionally size_arcmin) and one line per target.", path);
        if (targets.Count == 0)
            throw new VascoException(ErrorCodes.NoTargets, $"Target list '{path}' has a header line but no targets.",
                "add one line per target (name,ra,dec), or remove the VascoTargetList item.", path);
        return targets;
    }

    /// <summary>Rejects duplicate target names (case-insensitive: tile ids become file names) and an empty run.</summary>
    public static void CheckUnique(IReadOnlyList<Target> targets)
    {
        if (targets.Count == 0)
            throw new VascoException(ErrorCodes.NoTargets, "The run has no targets.",
                "add <VascoTarget Include=\"NAME\" Ra=\"...\" Dec=\"...\" /> or <VascoTargetList Include=\"targets.csv\" /> to the run file, or set TilingMode to footprint or random to tile a survey band instead.");
        var seen = new Dictionary<string, Target>(StringComparer.OrdinalIgnoreCase);
        foreach (var t in targets)
        {
            if (seen.TryGetValue(t.Name, out var first))
                throw new VascoException(ErrorCodes.DuplicateTarget,
                    $"Target '{TileIds.Printable(t.Name)}' appears twice ({first.Source} and {t.Source}).",
                    "remove the duplicate or give each target its own name.", FileOf(t.Source)) { InRunFile = ItemOf(t.Name, t.Source) };
            seen[t.Name] = t;
        }
    }

    /// <summary>The source of a target given by a VascoTarget item of the run file.</summary>
    public const string RunFile = "run file";

    static RunFileElement? ItemOf(string name, string source) => source == RunFile ? RunFileElement.Item("VascoTarget", name) : null;

    // "targets.csv line 3" -> "targets.csv"; "run file" -> null
    internal static string? FileOf(string source) => source.Contains(" line ") ? source[..source.IndexOf(" line ", StringComparison.Ordinal)] : null;
}
