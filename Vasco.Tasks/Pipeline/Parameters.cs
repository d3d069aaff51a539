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

/// <summary>The parameters Vasco knows, with the seed's defaults.</summary>
public static class ParameterCatalog
{
    public static readonly IReadOnlyList<ParameterDefinition> BuiltIn =
    [
        new("Survey", ParameterType.Choice, "dss1-red", "the plate survey", Choices: ["dss1-red"]),
        new("TileSizeArcmin", ParameterType.Number, "60", "side of the square tile, arcmin", Min: 0, Max: 1200, MinExclusive: true),
        new("TilingMode", ParameterType.Choice, "hex30", "how the run's sky is cut into tiles: each target's field (hex30, single) or the survey band (footprint, random)", Choices: ["hex30", "single", "footprint", "random"]),
        new("TileOverlapArcmin", ParameterType.Number, "0", "overlap between neighbouring hex tiles (hex30, footprint), arcmin", Min: 0, Max: 600),
        new("FootprintDecMin", ParameterType.Number, "-30", "survey band (footprint, random): southern Dec limit, deg (POSS-I: -30); footprint covers the whole band, and every tile centre lies in it", Min: -90, Max: 90),
        new("FootprintDecMax", ParameterType.Number, "90", "survey band: northern Dec limit, deg", Min: -90, Max: 90),
        new("FootprintRaMin", ParameterType.Number, "0", "survey band: RA where the band starts, deg (RA runs eastwards to FootprintRaMax, wrapping through 0 when larger)", Min: 0, Max: 360),
        new("FootprintRaMax", ParameterType.Number, "360", "survey band: RA where the band ends, deg (0 to 360: all RA)", Min: 0, Max: 360),
        new("RandomTileCount", ParameterType.Integer, "100", "TilingMode=random: how many tiles to draw", Min: 1, Max: 1000000),
        new("RandomSeed", ParameterType.Integer, "1", "TilingMode=random: seed of the draws (same seed, same tiles)", Min: 0, Max: int.MaxValue),
        new("ImageSource", ParameterType.Choice, "stsci", "where plate images come from", Choices: ["stsci", "local", "synthetic"]),
        new("LocalImageDir", ParameterType.Text, "", "folder of FITS plates for ImageSource=local (relative to the run file)"),
        new("SyntheticSeed", ParameterType.Integer, "1", "seed of the synthetic skies (ImageSource=synthetic); with the tile id it fixes every number of a tile"),
        new("SyntheticStarDensity", ParameterType.Number, "4000", "synthetic stars per square degree brighter than SyntheticLimitMag", Min: 0, Max: 100000),
        new("SyntheticLimitMag", ParameterType.Number, "20", "synthetic plates: the magnitude whose peak is 5 times the sky noise", Min: 10, Max: 25),
        new("SyntheticVanishedPerTile", ParameterType.Integer, "20", "sources put on each synthetic plate and left out of its modern catalog", Min: 0, Max: 10000),
        new("SyntheticMoversPerTile", ParameterType.Integer, "10", "high-proper-motion stars (150-600 mas/yr) per synthetic tile", Min: 0, Max: 10000),
        new("SyntheticDefectsPerTile", ParameterType.Integer, "4", "emulsion defects (specks, scratches, blobs) per synthetic plate", Min: 0, Max: 10000),
        new("MatchRadiusArcsec", ParameterType.Number, "5", "cross-match radius, arcsec", Min: 0, Max: 120, MinExclusive: true),
        new("ValidatorToleranceArcsec", ParameterType.Number, "0.05", "within5 validator tolerance, arcsec", Min: 0, Max: 5),
        new("DownloadRetries", ParameterType.Integer, "5", "retries of a failed STScI request", Min: 0, Max: 50),
        new("DownloadBackoff", ParameterType.Number, "1.5", "exponential backoff base between retries (seconds: base^attempt, with jitter)", Min: 1, Max: 10),
        new("DownloadTimeoutSeconds", ParameterType.Number, "120", "time limit of one STScI request", Min: 1),
        new("DownloadConcurrency", ParameterType.Integer, "4", "STScI requests at once", Min: 1, Max: 64),
        new("MaskMagLimit", ParameterType.Number, "13", "stars brighter than this (V) are masked", Min: -2, Max: 25),
        new("MaskReferenceMag", ParameterType.Number, "9", "magnitude whose mask radius is MaskReferenceRadiusArcsec", Min: -2, Max: 25),
        new("MaskReferenceRadiusArcsec", ParameterType.Number, "40", "mask radius at MaskReferenceMag; it grows x10^0.2 per magnitude brighter", Min: 0, MinExclusive: true),
        new("MaskMinRadiusArcsec", ParameterType.Number, "5", "smallest mask radius", Min: 0, MinExclusive: true),
        new("MaskMaxRadiusArcsec", ParameterType.Number, "300", "largest mask radius", Min: 0, MinExclusive: true),
        new("MaskSpikeLengthFactor", ParameterType.Number, "2", "diffraction-spike arm length, in mask radii", Min: 0),
        new("MaskSpikeHalfWidthArcsec", ParameterType.Number, "5", "diffraction-spike arm half-width", Min: 0),
        new("DetectThresh", ParameterType.Number, "5", "SExtractor DETECT_THRESH, sigma", Min: 0, Max: 1000, MinExclusive: true),
        new("AnalysisThresh", ParameterType.Number, "5", "SExtractor ANALYSIS_THRESH, sigma", Min: 0, Max: 1000, MinExclusive: true),
        new("DetectMinArea", ParameterType.Integer, "5", "SExtractor DETECT_MINAREA, pixels", Min: 1, Max: 10000),
        new("SaturLevel", ParameterType.Number, "50000", "SExtractor SATUR_LEVEL, plate units", Min: 0, MinExclusive: true),
        new("BackSize", ParameterType.Integer, "auto", "SExtractor BACK_SIZE, the background mesh in pixels (both passes and step 8's SPREAD_MODEL); auto: 64, or on an image under 512 px a side, an eighth of its smaller side (at least 16)", Min: 8, Max: 4096, Auto: true),
        new("BackFilterSize", ParameterType.Integer, "3", "SExtractor BACK_FILTERSIZE: the median filter over background meshes, in meshes (1: none)", Min: 1, Max: 11),
        new("PsfMinStars", ParameterType.Integer, "20", "fewest stars PSFEx must accept for a usable model", Min: 1, Max: 100000),
        new("PsfMaxChi2", ParameterType.Number, "10", "largest acceptable chi2 of the PSF model", Min: 0, MinExclusive: true),
        new("Pass2CountTolerance", ParameterType.Number, "0.02", "fraction of pass-1 detections pass 2 may lose", Min: 0, Max: 1),
        new("ToolTimeoutSeconds", ParameterType.Number, "1800", "time limit of one SExtractor or PSFEx run", Min: 1),
        new("ExternalMarginArcmin", ParameterType.Number, "1", "margin around a tile's cone for modern catalogs (match radius plus proper motion since the plate)", Min: 0),
        new("VizierRowLimit", ParameterType.Integer, "50000", "row limit of one VizieR answer; a full answer is split into smaller cones", Min: 10),
        new("VizierRetries", ParameterType.Integer, "3", "retries of a failed VizieR query per mirror", Min: 0, Max: 50),
        new("VizierTimeoutSeconds", ParameterType.Number, "180", "time limit of one VizieR query", Min: 1),
        new("VizierConcurrency", ParameterType.Integer, "2", "VizieR queries at once", Min: 1, Max: 16),
        new("VizierMinIntervalSeconds", ParameterType.Number, "1", "least time between two queries to one VizieR mirror", Min: 0),
        new("SpreadModel", ParameterType.Choice, "selected", "SPREAD_MODEL for every pass-2 source (all) or only where the selection needs it (selected)", Choices: ["selected", "all"]),
        new("SnrWinMin", ParameterType.Number, "30", "candidates need SNR_WIN above this"),
        new("FwhmMin", ParameterType.Number, "2", "candidates need FWHM_IMAGE above this, pixels", Min: 0),
        new("FwhmMax", ParameterType.Number, "7", "candidates need FWHM_IMAGE below this, pixels", Min: 0),
        new("ElongationMax", ParameterType.Number, "1.3", "candidates need ELONGATION below this", Min: 1),
        new("SpreadModelMin", ParameterType.Number, "-0.002", "candidates need SPREAD_MODEL above this"),
        new("ExtentDifferenceMax", ParameterType.Number, "2", "candidates need |(XMAX-XMIN)-(YMAX-YMIN)| below this, pixels", Min: 0),
        new("ExtentMin", ParameterType.Number, "1", "candidates need both extents XMAX-XMIN, YMAX-YMIN above this, pixels", Min: 0),
        new("ClipSigma", ParameterType.Number, "2", "sigma clip of FWHM_IMAGE and ELONGATION around the tile median (sigma = 1.4826 MAD)", Min: 0, MinExclusive: true),
        new("SpikeMagLimit", ParameterType.Number, "12.4", "a candidate whose nearest bright star is at most this magnitude is rejected"),
        new("HaloSlope", ParameterType.Number, "0.09", "halo rule: rejected when the nearest bright star has m < -HaloSlope*d + HaloIntercept (d in arcsec)", Min: 0),
        new("HaloIntercept", ParameterType.Number, "15.3", "halo rule intercept, magnitude"),
        new("BrightStarSearchArcmin", ParameterType.Number, "90", "how far to look for the nearest bright star", Min: 0, MinExclusive: true),
        new("PackageIncludeFits", ParameterType.Boolean, "false", "put the run's FITS images and catalogs in the step-10 archive too"),
        new("FailFast", ParameterType.Boolean, "false", "stop at the first failed tile"),
        new("MaxParallel", ParameterType.Integer, "0", "tiles processed at once (0: one per processor)", Min: 0, Max: 1024),
        new("SlurmPartition", ParameterType.Text, "", "VascoSubmitSlurm: the partition (sbatch --partition; empty: the site's default)"),
        new("SlurmAccount", ParameterType.Text, "", "VascoSubmitSlurm: the account charged (sbatch --account; empty: your default)"),
        new("SlurmTimeLimit", ParameterType.Text, "", "VascoSubmitSlurm: time limit of one shard's job, e.g. 04:00:00 (sbatch --time; empty: the partition's)"),
        new("SlurmCpusPerTask", ParameterType.Integer, "0", "VascoSubmitSlurm: CPUs of one shard's job, and its MaxParallel unless MaxParallel is given (0: the site's default)", Min: 0, Max: 1024),
        new("SlurmMemory", ParameterType.Text, "", "VascoSubmitSlurm: memory of one shard's job, e.g. 8G (sbatch --mem; empty: the site's default)"),
        new("SlurmMaxRunning", ParameterType.Integer, "0", "VascoSubmitSlurm: shards running at once (the array's %throttle; 0: no throttle)", Min: 0, Max: 100000),
    ];

    public static ParameterDefinition? Find(string name) =>
        BuiltIn.FirstOrDefault(p => string.Equals(p.Name, name, StringComparison.OrdinalIgnoreCase));
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

    public ParameterSet(IEnumerable<ResolvedParameter> values) =>
        _values = values.ToDictionary(v => v.Name, StringComparer.OrdinalIgnoreCase);

    public IReadOnlyCollection<ResolvedParameter> All => _values.Values;

    public string this[string name] => _values.TryGetValue(name, out var v)
        ? v.Value
        : throw new KeyNotFoundException($"Parameter '{name}' was not resolved.");

    public double Number(string name) => double.Parse(this[name], CultureInfo.InvariantCulture);
    public int Integer(string name) => (int)double.Parse(this[name], CultureInfo.InvariantCulture);
    public bool Boolean(string name) => this[name] == "true";
    public bool Has(string name) => _values.ContainsKey(name);

    /// <summary>Processor count unless MaxParallel says otherwise.</summary>
    public int MaxParallel => Has("MaxParallel") && Integer("MaxParallel") > 0 ? Integer("MaxParallel") : Environment.ProcessorCount;

    /// <summary>
    /// Resolves values. <paramref name="given"/> holds each parameter's MSBuild value (empty
    /// when unset) with whether it came from the command line; <paramref name="extra"/>
    /// declares parameters that extension steps add.
    /// </summary>
    public static ParameterSet Resolve(
        IEnumerable<(string Name, string Value, bool FromCommandLine)> given,
        string? configFile,
        IEnumerable<ParameterDefinition>? extra = null)
    {
        var definitions = ParameterCatalog.BuiltIn.Concat(extra ?? []).ToDictionary(d => d.Name, StringComparer.OrdinalIgnoreCase);
        var config = configFile is null ? new Dictionary<string, string>() : ReadConfig(configFile, definitions);
        var result = new List<ResolvedParameter>();
        foreach (var (name, value, fromCommandLine) in given)
        {
            if (!definitions.TryGetValue(name, out var def))
                throw new VascoException(ErrorCodes.ParameterUnknown, $"'{name}' is not a Vasco parameter.",
                    "remove the VascoParameter item, or give it Type and Default metadata to declare a new parameter.");
            string raw; ParameterSource source;
            if (!string.IsNullOrWhiteSpace(value)) { raw = value; source = fromCommandLine ? ParameterSource.CommandLine : ParameterSource.RunFile; }
            else if (config.TryGetValue(def.Name, out var c)) { raw = c; source = ParameterSource.Config; }
            else { raw = def.Default; source = ParameterSource.Default; }
            var normal = def.Normalize(raw) ?? throw new VascoException(ErrorCodes.ParameterInvalid,
                $"{def.Name}='{raw}' (from {Describe(source, configFile)}) is not {def.Expectation}.",
                $"set {def.Name} to {def.Expectation} ({def.Description}).",
                source == ParameterSource.Config ? configFile : null);
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
