using System.Text.RegularExpressions;

namespace Vasco.Pipeline;

/// <summary>
/// Finds the command-line properties (-p:Name=value, MSBuild's global properties) that nothing in the build reads: a
/// misspelt parameter such as -p:TileSizeArcmn=30 would otherwise be ignored without a word. A property counts as read
/// when it is a Vasco parameter, when one of the build's project files (the run file, Vasco's targets and what they
/// import by a literal path) reads it as $(Name), or when it belongs to MSBuild, NuGet or the .NET SDK.
/// </summary>
public static partial class GlobalPropertyCheck
{
    // MSBuild's, NuGet's and the SDK's own properties, which users and tools pass and Vasco's files never read.
    static readonly string[] ToolPrefixes = ["MSBuild", "_", "Restore", "NuGet", "VSTest", "VisualStudio", "Solution", "DOTNET_", "Build", "Design"];
    static readonly HashSet<string> ToolProperties = new(StringComparer.OrdinalIgnoreCase)
    {
        "Configuration", "Platform", "TargetFramework", "TargetFrameworks", "RuntimeIdentifier", "RuntimeIdentifiers",
        "OutputPath", "OutDir", "BaseOutputPath", "IntermediateOutputPath", "BaseIntermediateOutputPath", "PublishDir",
        "ContinuousIntegrationBuild", "TreatWarningsAsErrors", "WarningsAsErrors", "WarningsNotAsErrors", "NoWarn",
        "Deterministic", "CurrentSolutionConfigurationContents", "SkipInvalidConfigurations", "NoBuild", "NoRestore",
        "Version", "VersionPrefix", "VersionSuffix", "PackageVersion", "AssemblyVersion", "FileVersion", "GenerateFullPaths",
        "SelfContained", "UseAppHost", "PackageOutputPath", "WarnOnPackingNonPackableProject", "TargetPlatformVersion",
        "LangVersion", "Nullable", "DebugType", "DebugSymbols", "Optimize", "DefineConstants", "EnableNETAnalyzers",
    };

    /// <summary>Each global property that nothing reads, with the nearest name that something does read (or null).</summary>
    public static IReadOnlyList<(string Name, string? Suggestion)> Unread(
        IEnumerable<string> globals, IEnumerable<string> parameters, IEnumerable<string> projectFiles)
    {
        var read = new HashSet<string>(parameters, StringComparer.OrdinalIgnoreCase);
        read.UnionWith(PropertiesReadBy(projectFiles));
        var candidates = read.Where(n => !n.StartsWith('_')).Order(StringComparer.Ordinal).ToList();
        return globals
            .Where(g => !read.Contains(g) && !ToolProperties.Contains(g) && !ToolPrefixes.Any(p => g.StartsWith(p, StringComparison.OrdinalIgnoreCase)))
            .Order(StringComparer.OrdinalIgnoreCase)
            .Select(g => (g, Nearest(g, candidates)))
            .ToList();
    }

    /// <summary>The closest name within a few typing mistakes (a third of the name's length, at least 2), or null.</summary>
    public static string? Nearest(string name, IEnumerable<string> names)
    {
        var best = names.Select(n => (Name: n, Distance: Distance(name.ToLowerInvariant(), n.ToLowerInvariant())))
            .OrderBy(c => c.Distance).ThenBy(c => c.Name, StringComparer.Ordinal).FirstOrDefault();
        return best.Name is not null && best.Distance <= Math.Max(2, name.Length / 3) ? best.Name : null;
    }

    /// <summary>Levenshtein distance: insertions, deletions and substitutions.</summary>
    public static int Distance(string a, string b)
    {
        var previous = Enumerable.Range(0, b.Length + 1).ToArray();
        var current = new int[b.Length + 1];
        for (var i = 1; i <= a.Length; i++)
        {
            current[0] = i;
            for (var j = 1; j <= b.Length; j++)
                current[j] = Math.Min(Math.Min(current[j - 1] + 1, previous[j] + 1), previous[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1));
            (previous, current) = (current, previous);
        }
        return previous[b.Length];
    }

    /// <summary>The names read as $(Name) in the files and in the files they import by a literal path, recursively.</summary>
    public static HashSet<string> PropertiesReadBy(IEnumerable<string> projectFiles)
    {
        var names = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        var seen = new HashSet<string>(StringComparer.Ordinal);
        var queue = new Queue<string>(projectFiles.Where(f => !string.IsNullOrWhiteSpace(f)).Select(f => Path.GetFullPath(f)));
        while (queue.Count > 0)
        {
            var file = queue.Dequeue();
            if (!seen.Add(file) || !File.Exists(file)) continue;
            string text;
            try { text = File.ReadAllText(file); }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException) { continue; }
            foreach (Match m in PropertyReference().Matches(text)) names.Add(m.Groups[1].Value);
            var dir = Path.GetDirectoryName(file)!;
            foreach (Match m in Import().Matches(text))
            {
                // Only what can be found without evaluating: $(MSBuildThisFileDirectory) and plain paths.
                var path = m.Groups[1].Value.Replace("$(MSBuildThisFileDirectory)", dir + Path.DirectorySeparatorChar, StringComparison.OrdinalIgnoreCase);
                if (path.Contains("$(", StringComparison.Ordinal) || path.Contains('*')) continue;
                queue.Enqueue(Path.GetFullPath(Path.Combine(dir, path)));
            }
        }
        return names;
    }

    [GeneratedRegex(@"\$\(\s*([A-Za-z_][A-Za-z0-9_\-]*)\s*[\)\.]")]
    private static partial Regex PropertyReference();

    [GeneratedRegex(@"<Import\s[^>]*Project\s*=\s*""([^""]+)""")]
    private static partial Regex Import();

    /// <summary>The VASCO0111 warning for -p:<paramref name="name"/>=<paramref name="value"/>.</summary>
    public static string Warning(string name, string value, string? suggestion) =>
        $"-p:{name}={value} is not a Vasco parameter, and nothing in this build reads a property of that name: it has no effect. " +
        (suggestion is null
            ? "Fix: check its spelling against docs/parameters.md (or config/pipeline.yaml), or remove it."
            : $"Did you mean {suggestion}? Fix: write -p:{suggestion}={value}, or remove it.");
}
