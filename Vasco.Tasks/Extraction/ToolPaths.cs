using Vasco.Tools;

namespace Vasco.Extraction;

/// <summary>Where the installed SExtractor keeps its filter and neural-network files.</summary>
public static class ToolPaths
{
    /// <summary>
    /// The share folder of the SExtractor that <paramref name="executable"/> belongs to
    /// (/usr/bin/source-extractor → /usr/share/source-extractor). SExtractor does not find
    /// them itself outside their folder (FACTS 1), so Vasco passes absolute paths.
    /// </summary>
    public static string SExtractorShare(string executable)
    {
        var resolved = new FileInfo(executable).ResolveLinkTarget(returnFinalTarget: true)?.FullName ?? executable;
        var prefix = Path.GetDirectoryName(Path.GetDirectoryName(resolved))!;
        foreach (var candidate in new[] { Path.Combine(prefix, "share", "source-extractor"), Path.Combine(prefix, "share", "sextractor"), "/usr/share/source-extractor" })
            if (File.Exists(Path.Combine(candidate, "default.nnw"))) return candidate;
        throw new VascoException(ErrorCodes.ToolMissing,
            $"SExtractor's data files (default.nnw, default.conv) are not beside {executable}.",
            $"reinstall SExtractor: {ExternalTools.InstallCommand([ExternalTools.Get("source-extractor")])}.");
    }
}
