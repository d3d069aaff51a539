namespace Vasco.Catalogs;

/// <summary>What a VizieR asu-tsv answer says, before its rows are read as sources.</summary>
enum VizierTsvKind
{
    /// <summary>A table (possibly with no rows), or no table at all: VizieR leaves out a table with no row in the cone.</summary>
    Table,
    /// <summary>VizieR says it is too busy (a "Too many jobs" text, even under HTTP 200): ask again later.</summary>
    Overloaded,
    /// <summary>Something another attempt may not meet: an HTML page, an empty or cut-short answer.</summary>
    Damaged,
    /// <summary>VizieR's own error lines (#++++, #***): the query itself is wrong.</summary>
    Error,
}

/// <summary>One parsed answer: the header's column names and the data rows (cells trimmed, empty when missing).</summary>
sealed record VizierTsv(VizierTsvKind Kind, string Message, IReadOnlyList<string> Header, IReadOnlyList<string[]> Rows)
{
    static readonly string[] OverloadPhrases = ["too many jobs", "too many requests", "overloaded", "try again later"];

    /// <summary>
    /// Reads asu-tsv: '#' comment lines (and blank lines) first, then the header line, the unit line and the dash
    /// line, then tab-separated rows up to a blank line, a comment or the end.
    /// </summary>
    public static VizierTsv Parse(string body)
    {
        var lines = body.Split('\n').Select(l => l.TrimEnd('\r')).ToList();
        if (lines.All(string.IsNullOrWhiteSpace))
            return Fail(VizierTsvKind.Damaged, "VizieR answered an empty body");
        var start = body.TrimStart().ToLowerInvariant();
        if (start.StartsWith("<!doctype html", StringComparison.Ordinal) || start.StartsWith("<html", StringComparison.Ordinal))
            return Fail(VizierTsvKind.Damaged, "VizieR answered an HTML page instead of a table");
        // Only outside the table: the comments and what stands where the header should be.
        var firstData = lines.FindIndex(l => l.Length > 0 && l[0] != '#');
        var preamble = firstData < 0 ? lines : lines.Take(firstData + 1).ToList();
        var busy = preamble.FirstOrDefault(l => OverloadPhrases.Any(p => l.Contains(p, StringComparison.OrdinalIgnoreCase)));
        if (busy != null)
            return Fail(VizierTsvKind.Overloaded, $"VizieR is overloaded: \"{Clean(busy)}\"");
        var errors = lines.Where(l => l.StartsWith("#++++", StringComparison.Ordinal) || l.StartsWith("#***", StringComparison.Ordinal))
            .Select(Clean).Where(l => l.Length > 0).ToList();
        if (errors.Count > 0)
            return Fail(VizierTsvKind.Error, $"VizieR answered an error: {string.Join(" / ", errors)}");
        if (firstData < 0)
            return new VizierTsv(VizierTsvKind.Table, "no table: no source in the cone", [], []);

        var header = lines[firstData].Split('\t').Select(c => c.Trim()).ToArray();
        var dash = Enumerable.Range(firstData + 1, 2).FirstOrDefault(i => i < lines.Count && IsDashLine(lines[i]));
        if (dash == 0)
            return Fail(VizierTsvKind.Damaged, $"VizieR answered a header ({Clean(lines[firstData])}) without the unit and dash lines of asu-tsv");
        var rows = new List<string[]>();
        var i = dash + 1;
        for (; i < lines.Count && lines[i].Length > 0 && lines[i][0] != '#'; i++)
        {
            var cells = lines[i].Split('\t');
            if (cells.Length < header.Length)
                return Fail(VizierTsvKind.Damaged, $"row {rows.Count + 1} has {cells.Length} cells for {header.Length} columns: the answer was cut short");
            rows.Add(cells.Select(c => c.Trim()).ToArray());
        }
        // asu-tsv closes a table with a blank line (or a comment): an answer that stops right after a row's line end
        // was cut at a row boundary, and reading it as whole would drop sources (and make them look vanished).
        var closed = i < lines.Count - 1 || i < lines.Count && lines[i].Length > 0;
        if (!closed)
            return Fail(VizierTsvKind.Damaged, $"the table ends after row {rows.Count} without the blank line that closes it: the answer was cut short");
        return new VizierTsv(VizierTsvKind.Table, $"{rows.Count} rows", header, rows);
    }

    static VizierTsv Fail(VizierTsvKind kind, string message) => new(kind, message, [], []);

    static bool IsDashLine(string line) => line.Contains('-') && line.All(c => c is '-' or '\t' or ' ');

    /// <summary>A message line without its comment and emphasis marks.</summary>
    static string Clean(string line)
    {
        var text = line.TrimStart('#', '+', '*', ' ', '\t').Trim();
        return text.Length > 300 ? text[..300] + "..." : text;
    }
}
