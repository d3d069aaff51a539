using System.Xml;
using System.Xml.Linq;

namespace Vasco;

/// <summary>
/// The run-file element an error is about: a property (<c>&lt;TileSizeArcmin&gt;</c>) or an item
/// (<c>&lt;VascoTarget Include="M67"&gt;</c>), so the error can point at the run file's line rather
/// than at the Vasco targets file whose task found it.
/// </summary>
public sealed record RunFileElement(string Element, string? Include = null)
{
    public static RunFileElement Property(string name) => new(name);
    public static RunFileElement Item(string type, string include) => new(type, include);

    /// <summary>
    /// Line and column (1-based) of this element in <paramref name="projectFile"/>: the last definition of a
    /// property (the one MSBuild keeps), the first item whose Include lists the name; null when the file does not
    /// hold it (it came from an import, or the file cannot be read).
    /// </summary>
    public (int Line, int Column)? FindIn(string? projectFile)
    {
        if (string.IsNullOrEmpty(projectFile) || !System.IO.File.Exists(projectFile)) return null;
        XDocument document;
        try { document = XDocument.Load(projectFile, LoadOptions.SetLineInfo); }
        catch (Exception e) when (e is XmlException or IOException or UnauthorizedAccessException) { return null; }
        var named = document.Descendants().Where(x => string.Equals(x.Name.LocalName, Element, StringComparison.OrdinalIgnoreCase));
        var found = Include is null
            ? named.LastOrDefault(x => x.Parent?.Name.LocalName == "PropertyGroup")
            : named.FirstOrDefault(x => x.Parent?.Name.LocalName == "ItemGroup" && ((string?)x.Attribute("Include") ?? "")
                .Split(';', StringSplitOptions.TrimEntries).Contains(Include.Trim(), StringComparer.OrdinalIgnoreCase));
        // The reader's position is the element's name; the column given is its '<', as MSBuild gives its own.
        return found is IXmlLineInfo info && info.HasLineInfo() ? (info.LineNumber, Math.Max(1, info.LinePosition - 1)) : null;
    }
}
