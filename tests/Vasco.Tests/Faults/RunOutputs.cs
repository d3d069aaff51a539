using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using System.Xml.Linq;
using Vasco.Fits;
using Vasco.IO;
using Vasco.Pipeline;

namespace Vasco.Tests.Faults;

/// <summary>
/// What a run folder holds, for comparing a run that was killed and resumed with one that was not, and for checking
/// that nothing in it is half-written. Compared: every file under data/ and dashboard/, byte for byte after removing
/// what is a clock reading or depends on how the build went (manifest fields started_utc, finished_utc, elapsed_seconds, tool_seconds, plate_reads; the seconds column of
/// summary.csv; the "Timings:" line of summary.md and report.html; SExtractor's SEXDATE, SEXTIME and SEXELAPS header
/// cards in its catalogs; the hash that manifests record of those files). logs/ is compared by file names only (tool logs hold timestamps and timings); obj/ (stamps and
/// caches) not at all.
/// </summary>
static partial class RunOutputs
{
    // Also plate_reads: which tile of a build read a shared plate depends on the build, as the clock does.
    static readonly string[] ClockFields = ["started_utc", "finished_utc", "elapsed_seconds", "tool_seconds", "plate_reads"];
    static readonly string[] TimedFiles = ["summary.md", "summary.csv", "report.html"];
    static readonly string[] ClockCards = ["SEXDATE", "SEXTIME", "SEXELAPS"];

    /// <summary>Relative path to a digest of the normalised content (data/, dashboard/), or "" (logs/).</summary>
    public static SortedDictionary<string, string> Snapshot(string runDir)
    {
        var files = new SortedDictionary<string, string>(StringComparer.Ordinal);
        foreach (var top in new[] { "data", "dashboard", "logs" })
        {
            var dir = Path.Combine(runDir, top);
            if (!Directory.Exists(dir)) continue;
            foreach (var file in Directory.EnumerateFiles(dir, "*", SearchOption.AllDirectories))
            {
                var relative = Path.GetRelativePath(runDir, file);
                files[relative] = top == "logs" ? "" : Convert.ToHexString(SHA256.HashData(Normalised(file, runDir)));
            }
        }
        return files;
    }

    static byte[] Normalised(string file, string runDir)
    {
        var name = Path.GetFileName(file);
        if (name.EndsWith(".json", StringComparison.Ordinal))
        {
            var node = JsonNode.Parse(File.ReadAllBytes(file))!;
            Strip(node);
            return Encoding.UTF8.GetBytes(node.ToJsonString());
        }
        if (name == "summary.csv")
            return Encoding.UTF8.GetBytes(string.Join('\n', DropColumn(File.ReadAllLines(file), "seconds")));
        if (name is "summary.md" or "report.html")
            return Encoding.UTF8.GetBytes(Timings().Replace(File.ReadAllText(file), "Timings: # s"));
        var bytes = File.ReadAllBytes(file);
        if (name.EndsWith(".cat", StringComparison.Ordinal))
            // Header cards are 80 bytes on 80-byte boundaries; a clock card is blanked wherever it is.
            for (var at = 0; at + 80 <= bytes.Length; at += 80)
                if (ClockCards.Any(k => bytes.AsSpan(at, 8).SequenceEqual(Encoding.ASCII.GetBytes(k.PadRight(8)))))
                    bytes.AsSpan(at, 80).Fill((byte)' ');
        return bytes;
    }

    static void Strip(JsonNode? node)
    {
        switch (node)
        {
            case JsonObject o:
                foreach (var f in ClockFields) o.Remove(f);
                if (o["path"] is JsonValue p && p.TryGetValue<string>(out var path)
                    && (TimedFiles.Contains(Path.GetFileName(path)) || path.EndsWith(".cat", StringComparison.Ordinal)))
                {
                    o.Remove("sha256");
                    o.Remove("bytes");
                }
                foreach (var (_, child) in o) Strip(child);
                break;
            case JsonArray a:
                foreach (var child in a) Strip(child);
                break;
        }
    }

    static IEnumerable<string> DropColumn(string[] lines, string column)
    {
        var index = SplitCsv(lines[0]).IndexOf(column);
        return lines.Select(l => string.Join(',', SplitCsv(l).Where((_, i) => i != index)));
    }

    /// <summary>Fields of one CSV line (RFC 4180 quotes).</summary>
    public static List<string> SplitCsv(string line)
    {
        var fields = new List<string>();
        var field = new StringBuilder();
        var quoted = false;
        for (var i = 0; i < line.Length; i++)
        {
            var c = line[i];
            if (quoted)
            {
                if (c == '"' && i + 1 < line.Length && line[i + 1] == '"') { field.Append('"'); i++; }
                else if (c == '"') quoted = false;
                else field.Append(c);
            }
            else if (c == '"') quoted = true;
            else if (c == ',') { fields.Add(field.ToString()); field.Clear(); }
            else field.Append(c);
        }
        if (quoted) throw new InvalidDataException("a quoted field does not end");
        fields.Add(field.ToString());
        return fields;
    }

    /// <summary>
    /// Every problem a reader of the run folder would meet: a file that does not parse (FITS, CSV, JSON, VOTable,
    /// PNG, HTML), a per-tile manifest whose recorded outputs are missing or differ from what it says (an output that
    /// looks fresh but is not), and, when <paramref name="allowTempFiles"/> is false, temp files or step markers left
    /// behind. data/cache/ may hold other runs' temp files and is left out of that last check.
    /// </summary>
    public static List<string> Problems(string runDir, bool allowTempFiles)
    {
        var problems = new List<string>();
        foreach (var file in Directory.EnumerateFiles(runDir, "*", SearchOption.AllDirectories))
        {
            var relative = Path.GetRelativePath(runDir, file);
            if (relative.EndsWith(".binlog", StringComparison.Ordinal) || relative == "run.vascoproj") continue;
            if (AtomicFile.IsTempFile(file) || Path.GetFileName(file) == ".step-running")
            {
                if (!allowTempFiles && !relative.StartsWith("data/cache/", StringComparison.Ordinal)) problems.Add($"{relative}: left behind");
                continue;
            }
            try
            {
                Check(file, runDir, problems);
            }
            catch (Exception e) when (e is not OutOfMemoryException)
            {
                problems.Add($"{relative}: unreadable ({e.GetType().Name}: {e.Message})");
            }
        }
        return problems;
    }

    static void Check(string file, string runDir, List<string> problems)
    {
        var relative = Path.GetRelativePath(runDir, file);
        var name = Path.GetFileName(file);
        if (name.EndsWith(".fits", StringComparison.Ordinal) || name.EndsWith(".cat", StringComparison.Ordinal)
            || name.EndsWith(".psf", StringComparison.Ordinal) || name.EndsWith(".mask", StringComparison.Ordinal))
        {
            var bytes = File.ReadAllBytes(file);
            if (bytes.Length == 0 || bytes.Length % FitsHeader.BlockSize != 0) problems.Add($"{relative}: {bytes.Length} bytes, not whole FITS blocks");
            var fits = FitsFile.Read(bytes, relative);
            if (fits.Hdus.Count == 0) problems.Add($"{relative}: no HDU");
        }
        else if (name.EndsWith(".json", StringComparison.Ordinal))
        {
            using var doc = JsonDocument.Parse(File.ReadAllBytes(file));
            if (name.EndsWith(TileRecords.ManifestSuffix, StringComparison.Ordinal))
                foreach (var output in Manifest.Read(file).Outputs)
                {
                    var path = Path.Combine(runDir, output.Path);
                    if (!File.Exists(path)) problems.Add($"{relative}: its output {output.Path} is missing");
                    else if (FileRecord.Sha256Of(path) != output.Sha256) problems.Add($"{relative}: its output {output.Path} is not the file it recorded");
                }
        }
        else if (name.EndsWith(".csv", StringComparison.Ordinal))
        {
            var lines = File.ReadAllLines(file);
            if (lines.Length == 0) problems.Add($"{relative}: empty, not even a header");
            else
            {
                var width = SplitCsv(lines[0]).Count;
                for (var i = 1; i < lines.Length; i++)
                    if (lines[i].Length > 0 && SplitCsv(lines[i]).Count != width) { problems.Add($"{relative}: line {i + 1} has a different number of fields"); break; }
            }
        }
        else if (name.EndsWith(".vot", StringComparison.Ordinal))
            XDocument.Load(file);
        else if (name.EndsWith(".png", StringComparison.Ordinal))
        {
            var bytes = File.ReadAllBytes(file);
            if (bytes.Length < 20 || !bytes.AsSpan(0, 8).SequenceEqual(new byte[] { 0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A })
                || !bytes.AsSpan(bytes.Length - 8, 4).SequenceEqual("IEND"u8))
                problems.Add($"{relative}: not a whole PNG");
        }
        else if (name.EndsWith(".html", StringComparison.Ordinal) && !File.ReadAllText(file).TrimEnd().EndsWith("</html>", StringComparison.OrdinalIgnoreCase))
            problems.Add($"{relative}: the page does not end");
    }

    /// <summary>Files that differ between two snapshots: missing, extra, or with other content.</summary>
    public static List<string> Differences(SortedDictionary<string, string> expected, SortedDictionary<string, string> actual)
    {
        var diffs = new List<string>();
        foreach (var (path, digest) in expected)
            if (!actual.TryGetValue(path, out var other)) diffs.Add($"{path}: missing");
            else if (other != digest) diffs.Add($"{path}: differs");
        diffs.AddRange(actual.Keys.Where(p => !expected.ContainsKey(p)).Select(p => $"{p}: not in the uninterrupted run"));
        return diffs;
    }

    [GeneratedRegex(@"Timings: [0-9.]+ s")]
    private static partial Regex Timings();
}
