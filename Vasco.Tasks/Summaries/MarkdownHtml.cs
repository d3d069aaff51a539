using System.Net;
using System.Text;
using System.Text.RegularExpressions;

namespace Vasco.Summaries;

/// <summary>
/// The Markdown that <see cref="RunSummary.Markdown"/> writes, as HTML for the report: headings, pipe tables, lists,
/// paragraphs, code blocks, **bold**, *italic* and `code`. The title (#) and images are left out (the report has its own),
/// as are the sections the caller drops (those the report shows in a form of its own).
/// </summary>
public static partial class MarkdownHtml
{
    /// <param name="headingOffset">Added to each heading's level (1: # becomes h2).</param>
    /// <param name="keepSection">Whether a section (by its heading's text, ## and deeper) is shown; everything under a dropped heading goes with it.</param>
    public static string Render(string markdown, int headingOffset, Func<string, bool> keepSection)
    {
        var sb = new StringBuilder();
        var lines = markdown.Replace("\r\n", "\n").Split('\n');
        var paragraph = new List<string>();
        var dropping = false;
        var dropLevel = 0;
        void Flush()
        {
            if (paragraph.Count > 0 && !dropping) sb.Append("<p>").Append(Inline(string.Join(' ', paragraph))).Append("</p>\n");
            paragraph.Clear();
        }
        for (var i = 0; i < lines.Length; i++)
        {
            var line = lines[i];
            if (Heading().Match(line) is { Success: true } h)
            {
                Flush();
                var level = h.Groups[1].Length;
                if (level == 1 || dropping && level > dropLevel) continue;
                dropping = !keepSection(h.Groups[2].Value.Trim());
                dropLevel = level;
                if (!dropping) sb.Append($"<h{Math.Min(6, level + headingOffset)}>").Append(Inline(h.Groups[2].Value.Trim())).Append($"</h{Math.Min(6, level + headingOffset)}>\n");
                continue;
            }
            if (line.StartsWith("```", StringComparison.Ordinal))
            {
                Flush();
                var code = new List<string>();
                for (i++; i < lines.Length && !lines[i].StartsWith("```", StringComparison.Ordinal); i++) code.Add(lines[i]);
                if (!dropping) sb.Append("<pre>").Append(WebUtility.HtmlEncode(string.Join('\n', code))).Append("</pre>\n");
                continue;
            }
            if (line.StartsWith('|'))
            {
                Flush();
                var rows = new List<string>();
                for (; i < lines.Length && lines[i].StartsWith('|'); i++) rows.Add(lines[i]);
                i--;
                if (!dropping) Table(sb, rows);
                continue;
            }
            if (line.StartsWith("- ", StringComparison.Ordinal))
            {
                Flush();
                var items = new List<string>();
                for (; i < lines.Length && lines[i].StartsWith("- ", StringComparison.Ordinal); i++) items.Add(lines[i][2..]);
                i--;
                if (!dropping) sb.Append("<ul>").Append(string.Concat(items.Select(it => "<li>" + Inline(it) + "</li>"))).Append("</ul>\n");
                continue;
            }
            if (line.Trim().Length == 0 || line.StartsWith("![", StringComparison.Ordinal))
            {
                Flush();
                continue;
            }
            paragraph.Add(line.Trim());
        }
        Flush();
        return sb.ToString();
    }

    static void Table(StringBuilder sb, IReadOnlyList<string> rows)
    {
        static string[] Cells(string row) => row.Trim().Trim('|').Split('|').Select(c => c.Trim()).ToArray();
        var body = rows.Skip(rows.Count > 1 && Separator().IsMatch(rows[1]) ? 2 : 0).ToList();
        sb.Append("<table>");
        if (body.Count < rows.Count) sb.Append("<tr>").Append(string.Concat(Cells(rows[0]).Select(c => "<th>" + Inline(c) + "</th>"))).Append("</tr>");
        foreach (var row in body) sb.Append("<tr>").Append(string.Concat(Cells(row).Select(c => "<td>" + Inline(c) + "</td>"))).Append("</tr>");
        sb.Append("</table>\n");
    }

    static string Inline(string text)
    {
        var html = WebUtility.HtmlEncode(text);
        html = Code().Replace(html, "<code>$1</code>");
        html = Bold().Replace(html, "<b>$1</b>");
        return Italic().Replace(html, "<i>$1</i>");
    }

    [GeneratedRegex(@"^(#{1,6})\s+(.*)$")]
    private static partial Regex Heading();

    [GeneratedRegex(@"^\|(\s*:?-+:?\s*\|)+\s*$")]
    private static partial Regex Separator();

    [GeneratedRegex(@"`([^`]+)`")]
    private static partial Regex Code();

    [GeneratedRegex(@"\*\*([^*]+)\*\*")]
    private static partial Regex Bold();

    [GeneratedRegex(@"(?<![\w*])\*([^*\s][^*]*)\*(?![\w*])")]
    private static partial Regex Italic();
}
