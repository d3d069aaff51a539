using System.Globalization;
using System.Text;
using Vasco.IO;

namespace Vasco.Tiling;

/// <summary>
/// A list of tiles as one build hands it from one task to another in a file (the plan's list that step 0 publishes):
/// a line per tile, tab-separated, every field of the <see cref="Tile"/>, numbers in the digits that read back to the same
/// doubles, the target name last with backslash, tab and line ends escaped. Read back, the tiles are equal to those
/// written. Made for speed at survey size (143,686 tiles in about 0.1 s each way); tiles.csv is what users read.
/// </summary>
public static class TileList
{
    const string Header = "tile_id\tra\tdec\tra_min\tra_max\tdec_min\tdec_max\tsize_arcmin\trow\tcol\ttarget";

    public static void Write(string path, IEnumerable<Tile> tiles) => AtomicFile.WriteAllText(path, ToText(tiles));

    public static string ToText(IEnumerable<Tile> tiles)
    {
        var text = new StringBuilder().Append(Header).Append('\n');
        var culture = CultureInfo.InvariantCulture;
        foreach (var t in tiles)
        {
            text.Append(t.TileId);
            foreach (var v in (ReadOnlySpan<double>)[t.RaDeg, t.DecDeg, t.RaMin, t.RaMax, t.DecMin, t.DecMax, t.SizeArcmin])
                text.Append('\t').Append(culture, $"{v:R}");
            text.Append('\t').Append(culture, $"{t.Row}").Append('\t').Append(culture, $"{t.Col}").Append('\t');
            if (t.Target.AsSpan().IndexOfAny("\\\t\n\r") < 0) text.Append(t.Target);
            else foreach (var c in t.Target) text.Append(c switch { '\\' => "\\\\", '\t' => "\\t", '\n' => "\\n", '\r' => "\\r", _ => c.ToString() });
            text.Append('\n');
        }
        return text.ToString();
    }

    public static List<Tile> Read(string path)
    {
        var tiles = new List<Tile>();
        var culture = CultureInfo.InvariantCulture;
        using var reader = new StreamReader(path);
        if (reader.ReadLine() != Header)
            throw new VascoException(ErrorCodes.Internal, $"{path} is not a tile list of this Vasco.", "build again; report this with the build log if it persists.", path);
        Span<Range> fields = stackalloc Range[12];
        Span<double> n = stackalloc double[7];
        while (reader.ReadLine() is { } line)
        {
            var s = line.AsSpan();
            if (s.Split(fields, '\t') != 11)
                throw new VascoException(ErrorCodes.Internal, $"{path} has a line that is not a tile: {TileIds.Printable(line)}", "build again; report this with the build log if it persists.", path);
            for (var i = 0; i < 7; i++) n[i] = double.Parse(s[fields[i + 1]], NumberStyles.Float, culture);
            var (row, col) = (int.Parse(s[fields[8]], NumberStyles.Integer, culture), int.Parse(s[fields[9]], NumberStyles.Integer, culture));
            tiles.Add(new Tile(s[fields[0]].ToString(), Unescape(s[fields[10]]), n[0], n[1], n[6], row, col, n[2], n[3], n[4], n[5]));
        }
        return tiles;
    }

    static string Unescape(ReadOnlySpan<char> s)
    {
        if (s.IndexOf('\\') < 0) return s.ToString();
        var text = new StringBuilder(s.Length);
        for (var i = 0; i < s.Length; i++)
            text.Append(s[i] != '\\' || i + 1 == s.Length ? s[i] : s[++i] switch { 't' => '\t', 'n' => '\n', 'r' => '\r', var c => c });
        return text.ToString();
    }
}
