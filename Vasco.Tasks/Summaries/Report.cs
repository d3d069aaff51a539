using System.Globalization;
using System.Net;
using System.Text;
using SkiaSharp;

namespace Vasco.Summaries;

/// <summary>
/// The run's report (<see cref="Html"/>, in ReportPage.cs), the candidates' stamps that step 8 makes for it, and the
/// candidates in the formats of other tools (DS9, ECSV, VOTable).
/// </summary>
public static partial class Report
{
    /// <summary>A cutout of the plate around (x, y) (1-based pixels) on its pixel grid (<see cref="StampGrid"/>), stretched between the 1st and 99.7th percentiles with a square root.</summary>
    public static byte[] Stamp(float[] pixels, int width, int height, double x, double y, int half = 30, int scale = 5)
    {
        var grid = StampGrid.Around(x, y) with { Half = half, Scale = scale };
        var size = grid.Size;
        var cut = new double[size * size];
        for (var j = 0; j < size; j++)
            for (var i = 0; i < size; i++)
            {
                var (px, py) = (grid.CentreX - 1 - half + i, grid.CentreY - 1 - half + j);
                cut[j * size + i] = px >= 0 && px < width && py >= 0 && py < height ? pixels[py * width + px] : double.NaN;
            }
        var finite = cut.Where(double.IsFinite).Order().ToArray();
        var lo = finite.Length == 0 ? 0 : finite[(int)(0.01 * (finite.Length - 1))];
        var hi = finite.Length == 0 ? 1 : finite[(int)(0.997 * (finite.Length - 1))];
        if (hi <= lo) hi = lo + 1;
        return GreyPng(grid, cut.Select(v => double.IsFinite(v) ? (byte)Math.Round(255 * Math.Sqrt(Math.Clamp((v - lo) / (hi - lo), 0, 1))) : (byte)0).ToArray());
    }

    /// <summary>
    /// A stamp's grey levels (one per plate pixel, the plate's row order: the first row is the bottom one) as a PNG, each plate pixel
    /// Scale x Scale, north of the plate's rows up, with a tick either side of the centre, not over the source.
    /// </summary>
    public static byte[] GreyPng(StampGrid grid, byte[] levels)
    {
        var (size, scale) = (grid.Size, grid.Scale);
        using var bitmap = new SKBitmap(size * scale, size * scale, SKColorType.Gray8, SKAlphaType.Opaque);
        // Grey levels written row by row into the bitmap's memory (SetPixel per pixel cost 0.15 s a stamp).
        var rowBytes = bitmap.RowBytes;
        var gray = new byte[rowBytes * size * scale];
        for (var j = 0; j < size; j++)
            for (var i = 0; i < size; i++)
                // FITS row 1 is the bottom of the image: draw it last.
                for (var dy = 0; dy < scale; dy++)
                    gray.AsSpan(((size - 1 - j) * scale + dy) * rowBytes + i * scale, scale).Fill(levels[j * size + i]);
        System.Runtime.InteropServices.Marshal.Copy(gray, 0, bitmap.GetPixels(), gray.Length);
        using var canvas = new SKCanvas(bitmap);
        using var paint = new SKPaint { Color = SKColors.White, StrokeWidth = 2 };
        var c = (grid.Half + 0.5f) * scale;
        canvas.DrawLine(c - 6 * scale, c, c - 3 * scale, c, paint);
        canvas.DrawLine(c, c - 6 * scale, c, c - 3 * scale, paint);
        using var data = bitmap.Encode(SKEncodedImageFormat.Png, 100);
        return data.ToArray();
    }

    /// <summary>
    /// Where step 8 keeps a candidate's stamp, &lt;filter folder&gt;/&lt;tile&gt;.stamps/&lt;number&gt;.png: made per tile, in
    /// parallel and only for the tiles that changed, so the run's report only gathers them.
    /// </summary>
    public static string StampPath(string filterDir, string tileId, string number) => Path.Combine(StampFolder(filterDir, tileId), TileStamps.PlateFile(number));

    /// <summary>A tile's folder of stamps in step 8's folder.</summary>
    public static string StampFolder(string filterDir, string tileId) => Path.Combine(filterDir, tileId + ".stamps");

    /// <summary>The pixels of a tile's clean plate image (step 2's &lt;tile&gt;.clean.fits), as <see cref="Stamp"/> takes them.</summary>
    public static (float[] Pixels, int Width, int Height) PlateImage(string cleanFits)
    {
        var image = Fits.FitsFile.Read(cleanFits).Primary;
        return (image.ReadFloats(), image.Axes[0], image.Axes[1]);
    }

    /// <summary>A DS9 region file: a 5" circle and a label per candidate (FK5, degrees).</summary>
    public static string Ds9Regions(IEnumerable<IReadOnlyDictionary<string, string>> candidates)
    {
        var sb = new StringBuilder("# Region file format: DS9 version 4.1\n# Vasco candidates\nglobal color=red width=2 font=\"helvetica 10 normal\"\nfk5\n");
        foreach (var c in candidates)
            sb.Append($"circle({c["ra"]},{c["dec"]},5\") # text={{{c["tile_id"]} #{c["number"]}}}\n");
        return sb.ToString();
    }


    /// <summary>The candidates as ECSV 1.0 (astropy reads it with types and units).</summary>
    public static string Ecsv(IReadOnlyList<string> columns, IEnumerable<IReadOnlyDictionary<string, string>> candidates)
    {
        var sb = new StringBuilder("# %ECSV 1.0\n# ---\n# datatype:\n");
        foreach (var c in columns)
        {
            var m = CandidateColumns.Of(c);
            sb.Append("# - {name: ").Append(c).Append(", datatype: ").Append(m.Type).Append(m.Unit is null ? "" : ", unit: " + m.Unit).Append("}\n");
        }
        sb.Append("# delimiter: ','\n").Append(string.Join(',', columns)).Append('\n');
        foreach (var c in candidates)
            sb.Append(string.Join(',', columns.Select(k => CandidateColumns.Of(k).Type == "string" ? c[k] : c[k].Length == 0 ? "nan" : c[k]))).Append('\n');
        return sb.ToString();
    }

    /// <summary>The candidates as a VOTable 1.4 (TOPCAT, STILTS and Aladin read it), positions tagged with their UCDs.</summary>
    public static string VoTable(string runId, IReadOnlyList<string> columns, IEnumerable<IReadOnlyDictionary<string, string>> candidates)
    {
        static string X(string s) => System.Security.SecurityElement.Escape(s);
        var sb = new StringBuilder("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<VOTABLE version=\"1.4\" xmlns=\"http://www.ivoa.net/xml/VOTable/v1.3\">\n");
        var rows = candidates.ToList();
        var epochs = rows.Select(r => r.TryGetValue("plate_epoch", out var e) ? e : "").Distinct().ToList();
        var epoch = epochs.Count == 1 && double.TryParse(epochs[0], System.Globalization.NumberStyles.Float, CultureInfo.InvariantCulture, out var year)
            ? $" epoch=\"J{year.ToString("0.000", CultureInfo.InvariantCulture)}\"" : "";
        sb.Append($" <RESOURCE name=\"vasco\">\n  <COOSYS ID=\"plate\" system=\"ICRS\"{epoch}/>\n  <TABLE name=\"candidates_{X(runId)}\">\n");
        sb.Append("   <DESCRIPTION>Vasco vanishing-source candidates: positions at the plate epoch (J2000)</DESCRIPTION>\n");
        foreach (var c in columns)
        {
            var m = CandidateColumns.Of(c);
            var votype = m.Type switch { "string" => "char\" arraysize=\"*", "int64" => "long", _ => "double" };
            // J2000 positions (the DSS plate solutions; ICRS and FK5 J2000 differ by tens of mas) at the plate epoch, which the COOSYS gives when the rows share one plate.
            var reference = c is "ra" or "dec" or "asteroid_ra" or "asteroid_dec" ? " ref=\"plate\"" : "";
            sb.Append($"   <FIELD name=\"{X(c)}\" datatype=\"{votype}\"{(m.Unit is null ? "" : $" unit=\"{m.Unit}\"")} ucd=\"{m.Ucd}\"{reference}/>\n");
        }
        sb.Append("   <DATA><TABLEDATA>\n");
        foreach (var row in rows)
            sb.Append("    <TR>").Append(string.Concat(columns.Select(c => $"<TD>{X(row[c])}</TD>"))).Append("</TR>\n");
        sb.Append("   </TABLEDATA></DATA>\n  </TABLE>\n </RESOURCE>\n</VOTABLE>\n");
        return sb.ToString();
    }

    public static double Number(string s) => double.Parse(s, CultureInfo.InvariantCulture);
}
