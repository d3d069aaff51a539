using System.Globalization;
using System.Text;

namespace Vasco.Extraction;

/// <summary>A source to measure: its pass-2 NUMBER and pixel position.</summary>
public sealed record AssocSource(int Number, double X, double Y);

/// <summary>
/// SPREAD_MODEL for a few sources of a tile, with SExtractor in ASSOC mode: every other
/// object fails ASSOC selection and skips all measurements, so the cost is that of the
/// listed sources only. Their values are those of a full pass 2 (FACTS 1: bit-identical on
/// M67 for the same image, mask, PSF and detection settings).
/// </summary>
public sealed class SpreadModelMeasurement(SExtractor sextractor)
{
    /// <summary>SPREAD_MODEL by pass-2 NUMBER.</summary>
    public IReadOnlyDictionary<int, double> Measure(IReadOnlyList<AssocSource> sources, string image, string mask, string psf,
        string configFile, string parametersFile, IReadOnlyDictionary<string, string> detection, string logFile, CancellationToken cancellation)
    {
        if (sources.Count == 0) return new Dictionary<int, double>();
        var work = Vasco.Tools.ToolWorkDir.Create("assoc");
        try
        {
            var list = Path.Combine(work, "sources.assoc");
            var sb = new StringBuilder();
            foreach (var s in sources)
                sb.Append(s.Number.ToString(CultureInfo.InvariantCulture)).Append(' ')
                  .Append(s.X.ToString("R", CultureInfo.InvariantCulture)).Append(' ')
                  .Append(s.Y.ToString("R", CultureInfo.InvariantCulture)).Append('\n');
            File.WriteAllText(list, sb.ToString());
            var overrides = new Dictionary<string, string>(detection)
            {
                ["ASSOC_NAME"] = list,
                ["ASSOC_PARAMS"] = "2,3",
                ["ASSOC_DATA"] = "1",
                ["ASSOC_RADIUS"] = "2.0",
                ["ASSOC_TYPE"] = "NEAREST",
                ["ASSOCSELEC_TYPE"] = "MATCHED",
            };
            var catalog = Path.Combine(work, "spread.cat");
            sextractor.Run(new SExtractorJob(image, configFile, parametersFile, catalog, logFile, mask, psf) { Overrides = overrides }, cancellation);
            var result = LdacCatalog.Read(catalog);
            var numbers = result.Column("VECTOR_ASSOC");
            var spread = result.Column("SPREAD_MODEL");
            var byNumber = new Dictionary<int, double>();
            for (var i = 0; i < result.Count; i++) byNumber[(int)Math.Round(numbers[i])] = spread[i];
            return byNumber;
        }
        finally
        {
            Directory.Delete(work, recursive: true);
        }
    }
}
