using System.Globalization;
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

    /// <summary>A vanished source's fate on the other plates (<see cref="SyntheticSource.SecondLook"/>); absent from older truth files.</summary>
    public const string SecondLookColumn = "second_look";

    public static void Write(string path, IEnumerable<SyntheticSource> sources) =>
        AtomicFile.WriteAllText(path, CsvText.Table([.. Columns, SecondLookColumn], sources.Select(s =>
            new[] { s.Id, s.Kind }.Concat(new[] { s.Ra, s.Dec, s.X, s.Y, s.Mag, s.PmRa, s.PmDec }.Select(CsvText.NumberOrEmpty))
                .Concat([s.InModern ? "true" : "false", s.Shape, s.SecondLook]))));

    public static IReadOnlyList<SyntheticSource> Read(string path)
    {
        if (!File.Exists(path))
            throw new VascoException(ErrorCodes.TruthUnreadable, $"The truth file '{path}' does not exist.",
                "rebuild the run that writes it (ImageSource=synthetic writes one per tile in step 1; VascoInjectPlate writes one per injected plate).", path);
        var sources = new List<SyntheticSource>();
        HeadedCsv.ReadWritten(path, header =>
        {
            if (header is null || !Columns.All(c => header.Contains(c)))
                throw new VascoException(ErrorCodes.TruthUnreadable, $"The truth file '{path}' lacks the columns {string.Join(",", Columns)}.",
                    "give a truth file written by Vasco, or one with those columns.", path);
        }, row =>
        {
            double N(string column)
            {
                var t = row[column];
                if (string.IsNullOrEmpty(t)) return double.NaN;
                return double.TryParse(t, NumberStyles.Float, CultureInfo.InvariantCulture, out var v) ? v
                    : throw new VascoException(ErrorCodes.TruthUnreadable, $"The truth file '{path}' has '{t}' in column {column} of row {row.Record}.",
                        "fix or regenerate the file: positions and magnitudes are decimal numbers.", path);
            }
            sources.Add(new SyntheticSource(row["id"]!, row["kind"]!, N("ra"), N("dec"), N("x"), N("y"), N("mag"),
                N("pmra"), N("pmdec"), row["in_modern"] == "true", row["shape"] ?? "") { SecondLook = row.Optional(SecondLookColumn) ?? "" });
        });
        return sources;
    }
}
