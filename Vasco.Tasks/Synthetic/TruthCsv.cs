using System.Globalization;
using CsvHelper;
using CsvHelper.Configuration;
using Vasco.IO;

namespace Vasco.Synthetic;

/// <summary>
/// What was put on a plate, for a recovery run: one row per source with its kind (see <see cref="SourceKind"/>),
/// plate-epoch position, pixel position, magnitude, proper motion and whether the modern catalog lists it.
/// Synthetic plates (step 1) and injections into real plates write the same file.
/// </summary>
public static class TruthCsv
{
    public static readonly string[] Columns = ["id", "kind", "ra", "dec", "x", "y", "mag", "pmra", "pmdec", "in_modern", "shape"];

    public static void Write(string path, IEnumerable<SyntheticSource> sources)
    {
        using var text = new StringWriter(CultureInfo.InvariantCulture) { NewLine = "\n" };
        using (var csv = new CsvWriter(text, new CsvConfiguration(CultureInfo.InvariantCulture) { NewLine = "\n" }))
        {
            foreach (var c in Columns) csv.WriteField(c);
            csv.NextRecord();
            foreach (var s in sources)
            {
                csv.WriteField(s.Id);
                csv.WriteField(s.Kind);
                foreach (var v in new[] { s.Ra, s.Dec, s.X, s.Y, s.Mag, s.PmRa, s.PmDec })
                    csv.WriteField(double.IsNaN(v) ? "" : v.ToString("R", CultureInfo.InvariantCulture));
                csv.WriteField(s.InModern ? "true" : "false");
                csv.WriteField(s.Shape);
                csv.NextRecord();
            }
        }
        AtomicFile.WriteAllText(path, text.ToString());
    }

    public static IReadOnlyList<SyntheticSource> Read(string path)
    {
        if (!File.Exists(path))
            throw new VascoException(ErrorCodes.TruthUnreadable, $"The truth file '{path}' does not exist.",
                "rebuild the run that writes it (ImageSource=synthetic writes one per tile in step 1; VascoInjectPlate writes one per injected plate).", path);
        using var reader = new StreamReader(path);
        using var csv = new CsvReader(reader, CultureInfo.InvariantCulture);
        if (!csv.Read() || !csv.ReadHeader() || !Columns.All(c => csv.HeaderRecord!.Contains(c)))
            throw new VascoException(ErrorCodes.TruthUnreadable, $"The truth file '{path}' lacks the columns {string.Join(",", Columns)}.",
                "give a truth file written by Vasco, or one with those columns.", path);
        var sources = new List<SyntheticSource>();
        while (csv.Read())
        {
            double N(string column)
            {
                var t = csv.GetField(column);
                if (string.IsNullOrEmpty(t)) return double.NaN;
                return double.TryParse(t, NumberStyles.Float, CultureInfo.InvariantCulture, out var v) ? v
                    : throw new VascoException(ErrorCodes.TruthUnreadable, $"The truth file '{path}' has '{t}' in column {column} of row {csv.Parser.Row}.",
                        "fix or regenerate the file: positions and magnitudes are decimal numbers.", path);
            }
            sources.Add(new SyntheticSource(csv.GetField("id")!, csv.GetField("kind")!, N("ra"), N("dec"), N("x"), N("y"), N("mag"),
                N("pmra"), N("pmdec"), csv.GetField("in_modern") == "true", csv.GetField("shape") ?? ""));
        }
        return sources;
    }
}
