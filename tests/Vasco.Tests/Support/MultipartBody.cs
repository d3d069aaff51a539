using System.Text;
using System.Text.RegularExpressions;
using Vasco.Tests.Download;

namespace Vasco.Tests.Support;

/// <summary>One part of a multipart/form-data body: its field name, its file name (an upload) and its content as text.</summary>
sealed record FormPart(string Name, string? FileName, string? ContentType, string Text);

/// <summary>A multipart/form-data request body (RFC 7578) read by the archive stand-ins, as a server's form parser reads it.</summary>
static partial class MultipartBody
{
    /// <summary>The parts by field name (the first of a name), or an exception saying what is wrong with the body.</summary>
    public static IReadOnlyDictionary<string, FormPart> Parse(ScriptedRequest request)
    {
        var contentType = request.Header("Content-Type") ?? throw new FormatException("the request has no Content-Type");
        if (!contentType.StartsWith("multipart/form-data", StringComparison.OrdinalIgnoreCase))
            throw new FormatException($"the request is {contentType}, not multipart/form-data");
        var boundary = Boundary().Match(contentType) is { Success: true } m ? m.Groups[1].Value.Trim('"') : throw new FormatException("no boundary");
        // Latin-1 keeps one char per byte, so that the parts' bytes come back whole for UTF-8 decoding.
        var text = Encoding.Latin1.GetString(request.Body);
        var delimiter = "--" + boundary;
        var pieces = text.Split(delimiter);
        if (pieces.Length < 3 || !pieces[^1].StartsWith("--", StringComparison.Ordinal))
            throw new FormatException("the body does not end with the closing boundary");
        var parts = new Dictionary<string, FormPart>(StringComparer.Ordinal);
        foreach (var piece in pieces[1..^1])
        {
            var split = piece.IndexOf("\r\n\r\n", StringComparison.Ordinal);
            if (!piece.StartsWith("\r\n", StringComparison.Ordinal) || split < 0 || !piece.EndsWith("\r\n", StringComparison.Ordinal))
                throw new FormatException("a part is not headers, a blank line and content");
            var headers = piece[2..split].Split("\r\n").Select(h => h.Split(':', 2)).ToDictionary(h => h[0].Trim(), h => h[1].Trim(), StringComparer.OrdinalIgnoreCase);
            var disposition = headers.GetValueOrDefault("Content-Disposition") ?? throw new FormatException("a part has no Content-Disposition");
            var name = Parameter(disposition, "name") ?? throw new FormatException("a part has no name");
            var content = Encoding.UTF8.GetString(Encoding.Latin1.GetBytes(piece[(split + 4)..^2]));
            parts.TryAdd(name, new FormPart(name, Parameter(disposition, "filename"), headers.GetValueOrDefault("Content-Type"), content));
        }
        return parts;
    }

    /// <summary>A parameter of a Content-Disposition header, quoted or not.</summary>
    static string? Parameter(string header, string name) =>
        Regex.Match(header, $@";\s*{name}=(""(?<v>[^""]*)""|(?<v>[^;\s]+))", RegexOptions.IgnoreCase) is { Success: true } m ? m.Groups["v"].Value : null;

    [GeneratedRegex(@"boundary=(""[^""]+""|[^;\s]+)", RegexOptions.IgnoreCase)]
    private static partial Regex Boundary();
}
