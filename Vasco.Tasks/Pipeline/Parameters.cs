using System.Globalization;
using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace Vasco.Pipeline;

public enum ParameterType { Number, Integer, Boolean, Text, Choice }

/// <summary>A pipeline parameter: its type, range and built-in default.</summary>
public sealed record ParameterDefinition(
    string Name,
    ParameterType Type,
    string Default,
    string Description,
    IReadOnlyList<string>? Choices = null,
    double Min = double.NegativeInfinity,
    double Max = double.PositiveInfinity,
    bool MinExclusive = false,
    bool Auto = false)
{
    /// <summary>Checks a value and returns its normal form (so "60.0" and "60" stamp alike); null when invalid.</summary>
    public string? Normalize(string value)
    {
        var v = value.Trim();
        // "auto": the step derives the value from its input (BackSize from the image's size).
        if (Auto && string.Equals(v, "auto", StringComparison.OrdinalIgnoreCase)) return "auto";
        switch (Type)
        {
            case ParameterType.Number:
            case ParameterType.Integer:
                if (!double.TryParse(v, NumberStyles.Float, CultureInfo.InvariantCulture, out var d) || !double.IsFinite(d)) return null;
                if (Type == ParameterType.Integer && d != Math.Floor(d)) return null;
                if (d < Min || d > Max || (MinExclusive && d == Min)) return null;
                return d.ToString("R", CultureInfo.InvariantCulture);
            case ParameterType.Boolean:
                return v.ToLowerInvariant() switch { "true" or "yes" or "1" => "true", "false" or "no" or "0" => "false", _ => null };
            case ParameterType.Choice:
                return Choices!.FirstOrDefault(c => string.Equals(c, v, StringComparison.OrdinalIgnoreCase));
            default:
                return v;
        }
    }

    /// <summary>
    /// A parameter an extension step declares with a VascoParameter item (Type, Default, Description metadata).
    /// Choice needs a list of choices, which an item cannot give: Number, Integer, Boolean or Text.
    /// </summary>
    public static ParameterDefinition Declared(string name, string type, string defaultValue, string description)
    {
        if (!Enum.TryParse<ParameterType>(type, ignoreCase: true, out var parsed) || parsed == ParameterType.Choice || !Enum.IsDefined(parsed))
            throw new VascoException(ErrorCodes.ParameterInvalid,
                $"VascoParameter '{name}' declares Type='{type}', which is not a parameter type.",
                "give Type=\"Number\", \"Integer\", \"Boolean\" or \"Text\".");
        var definition = new ParameterDefinition(name, parsed, defaultValue, description);
        if (definition.Normalize(defaultValue) is null)
            throw new VascoException(ErrorCodes.ParameterInvalid,
                $"VascoParameter '{name}' declares Default='{defaultValue}', which is not {definition.Expectation}.",
                $"give Default metadata that is {definition.Expectation}.");
        return definition;
    }

    public string Expectation => (Auto ? "auto or " : "") + (Type switch
    {
        ParameterType.Number or ParameterType.Integer =>
            $"{(Type == ParameterType.Integer ? "an integer" : "a number")}{RangeText}",
        ParameterType.Boolean => "true or false",
        ParameterType.Choice => "one of " + string.Join(", ", Choices!),
        _ => "text",
    });

    string RangeText =>
        double.IsNegativeInfinity(Min) && double.IsPositiveInfinity(Max) ? ""
        : $" in {(MinExclusive ? "(" : "[")}{Fmt(Min)}, {Fmt(Max)}]";

    static string Fmt(double d) => double.IsInfinity(d) ? (d > 0 ? "inf" : "-inf") : d.ToString(CultureInfo.InvariantCulture);
}

/// <summary>Where a resolved value came from, for manifests and "why did this rerun" answers.</summary>
public enum ParameterSource { CommandLine, RunFile, Config, Default }

public sealed record ResolvedParameter(string Name, string Value, ParameterSource Source);

/// <summary>
/// The parameter values of a build: command line beats the run file, which beats the
/// config YAML, which beats the built-in default.
/// </summary>
public sealed class ParameterSet
{
    readonly Dictionary<string, ResolvedParameter> _values;
    readonly string? _limitedTo;

    public ParameterSet(IEnumerable<ResolvedParameter> values) =>
        _values = values.ToDictionary(v => v.Name, StringComparer.OrdinalIgnoreCase);

    ParameterSet(IEnumerable<ResolvedParameter> values, string limitedTo) : this(values) => _limitedTo = limitedTo;

    public IReadOnlyCollection<ResolvedParameter> All => _values.Values;

    public string this[string name] => _values.TryGetValue(name, out var v)
        ? v.Value
        : throw new KeyNotFoundException(_limitedTo is null ? $"Parameter '{name}' was not resolved."
            : $"Parameter '{name}' is not among the parameters of {_limitedTo}: a step may read only what its stamp holds (add it to the step's config record).");

    /// <summary>These values limited to <paramref name="names"/>; reading another names <paramref name="what"/>.</summary>
    public ParameterSet Only(IEnumerable<string> names, string what)
    {
        var keep = names.ToHashSet(StringComparer.OrdinalIgnoreCase);
        return new ParameterSet(_values.Values.Where(v => keep.Contains(v.Name)), what);
    }

    public double Number(string name) => double.Parse(this[name], CultureInfo.InvariantCulture);
    public int Integer(string name) => (int)double.Parse(this[name], CultureInfo.InvariantCulture);
    public bool Boolean(string name) => this[name] == "true";
    public bool Has(string name) => _values.ContainsKey(name);

    /// <summary>Processor count unless MaxParallel says otherwise.</summary>
    public int MaxParallel => Has("MaxParallel") && Integer("MaxParallel") > 0 ? Integer("MaxParallel") : Environment.ProcessorCount;

    /// <summary>
    /// Resolves values. <paramref name="given"/> holds each parameter's MSBuild value (empty
    /// when unset) with whether it came from the command line; <paramref name="known"/>
    /// declares every parameter there is (the steps' own and those extension steps add).
    /// </summary>
    public static ParameterSet Resolve(
        IEnumerable<(string Name, string Value, bool FromCommandLine)> given,
        string? configFile,
        IEnumerable<ParameterDefinition> known)
    {
        var definitions = known.ToDictionary(d => d.Name, StringComparer.OrdinalIgnoreCase);
        var config = configFile is null ? new Dictionary<string, string>() : ReadConfig(configFile, definitions);
        var result = new List<ResolvedParameter>();
        foreach (var (name, value, fromCommandLine) in given)
        {
            if (!definitions.TryGetValue(name, out var def))
                throw new VascoException(ErrorCodes.ParameterUnknown, $"'{name}' is not a Vasco parameter.",
                    "remove the VascoParameter item, or give it Type and Default metadata to declare a new parameter.")
                { InRunFile = RunFileElement.Item("VascoParameter", name) };
            string raw; ParameterSource source;
            if (!string.IsNullOrWhiteSpace(value)) { raw = value; source = fromCommandLine ? ParameterSource.CommandLine : ParameterSource.RunFile; }
            else if (config.TryGetValue(def.Name, out var c)) { raw = c; source = ParameterSource.Config; }
            else { raw = def.Default; source = ParameterSource.Default; }
            var normal = def.Normalize(raw) ?? throw new VascoException(ErrorCodes.ParameterInvalid,
                $"{def.Name}='{raw}' (from {Describe(source, configFile)}) is not {def.Expectation}.",
                $"set {def.Name} to {def.Expectation} ({def.Description}).",
                source == ParameterSource.Config ? configFile : null)
                { InRunFile = source == ParameterSource.RunFile ? RunFileElement.Property(def.Name) : null };
            result.Add(new ResolvedParameter(def.Name, normal, source));
        }
        return new ParameterSet(result);
    }

    static string Describe(ParameterSource source, string? configFile) => source switch
    {
        ParameterSource.CommandLine => "the command line",
        ParameterSource.RunFile => "the run file",
        ParameterSource.Config => configFile ?? "the config",
        _ => "the built-in default",
    };

    /// <summary>Reads a flat YAML mapping of parameter names to scalar values, rejecting unknown keys.</summary>
    public static Dictionary<string, string> ReadConfig(string path, IReadOnlyDictionary<string, ParameterDefinition> definitions)
    {
        if (!File.Exists(path))
            throw new VascoException(ErrorCodes.ConfigUnreadable, $"Config file '{path}' does not exist.",
                "set VascoConfigFile to an existing YAML file, or leave it unset to use the built-in config/pipeline.yaml.", path);
        var stream = new YamlStream();
        Scanner? scanner = null;
        try
        {
            using var reader = new StreamReader(path);
            scanner = new Scanner(reader);
            stream.Load(new Parser(scanner));
        }
        catch (YamlException e)
        {
            throw new VascoException(ErrorCodes.ConfigUnreadable,
                $"Config file '{path}' is not valid YAML at line {e.Start.Line}, column {e.Start.Column}: {e.Message}",
                "fix the YAML syntax (a flat list of 'Name: value' lines).", path, e) { Line = (int)e.Start.Line, Column = (int)e.Start.Column };
        }
        catch (Exception e) when (e is InvalidOperationException or ArgumentException)
        {
            // YamlDotNet throws these, not a YamlException, on some malformed input (its scanner and its node
            // loader; found by bench/fuzz.sh, kept in the bad-input corpus). Their messages say nothing useful
            // ("Operation is not valid due to the current state of the object"): where the scanner stopped does.
            var at = scanner?.CurrentPosition ?? Mark.Empty;
            throw new VascoException(ErrorCodes.ConfigUnreadable,
                $"Config file '{path}' is not valid YAML at line {at.Line}, column {at.Column}: the YAML reader cannot go on from there.",
                "fix the YAML syntax there or just before it (a flat list of 'Name: value' lines, plain ASCII or UTF-8 text).", path, e)
                { Line = (int)at.Line, Column = (int)at.Column };
        }
        var values = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        if (stream.Documents.Count == 0 || stream.Documents[0].RootNode is YamlScalarNode { Value: null or "" }) return values;
        if (stream.Documents[0].RootNode is not YamlMappingNode map)
            throw new VascoException(ErrorCodes.ConfigUnreadable, $"Config file '{path}' is not a mapping of parameter names to values.",
                "write one 'Name: value' line per parameter.", path);
        var seen = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        foreach (var (keyNode, valueNode) in map.Children)
        {
            var key = (keyNode as YamlScalarNode)?.Value ?? "";
            if (!definitions.TryGetValue(key, out var def))
                throw new VascoException(ErrorCodes.ConfigUnknownKey,
                    $"Config file '{path}' line {keyNode.Start.Line}: '{key}' is not a Vasco parameter.",
                    $"remove or correct it; known parameters: {string.Join(", ", definitions.Keys.Order(StringComparer.Ordinal))}.", path) { Line = (int)keyNode.Start.Line, Column = (int)keyNode.Start.Column };
            if (valueNode is not YamlScalarNode scalar)
                throw new VascoException(ErrorCodes.ParameterInvalid,
                    $"Config file '{path}' line {valueNode.Start.Line}: {key} has a list or mapping as value.",
                    $"give {key} a single value: {def.Expectation}.", path) { Line = (int)valueNode.Start.Line, Column = (int)valueNode.Start.Column };
            // Keys match without regard to case, so "tilesizearcmin" after "TileSizeArcmin" would silently win.
            if (!seen.Add(def.Name))
                throw new VascoException(ErrorCodes.ConfigUnreadable,
                    $"Config file '{path}' line {keyNode.Start.Line}: {def.Name} is set twice.",
                    $"keep one '{def.Name}:' line.", path) { Line = (int)keyNode.Start.Line, Column = (int)keyNode.Start.Column };
            if (scalar.Value is null || scalar.Value == "") continue; // null/empty: use the default
            if (def.Normalize(scalar.Value) is null)
                throw new VascoException(ErrorCodes.ParameterInvalid,
                    $"Config file '{path}' line {valueNode.Start.Line}: {key}='{scalar.Value}' is not {def.Expectation}.",
                    $"set {key} to {def.Expectation} ({def.Description}).", path) { Line = (int)valueNode.Start.Line, Column = (int)valueNode.Start.Column };
            values[def.Name] = scalar.Value;
        }
        return values;
    }
}
