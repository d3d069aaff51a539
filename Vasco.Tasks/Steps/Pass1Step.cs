using System.Globalization;
using Vasco.Extraction;
using Vasco.Fits;
using Vasco.Pipeline;

namespace Vasco.Steps;

/// <summary>Step 3: SExtractor pass 1 on the clean image, masked stars flagged; FITS_LDAC for PSFEx.</summary>
public sealed class Pass1Step(StepEnvironment env, Pass1Step.Config config) : TileStep(env)
{
    public static readonly ParameterDefinition DetectThresh = new("DetectThresh", ParameterType.Number, "5", "SExtractor DETECT_THRESH, sigma", Min: 0, Max: 1000, MinExclusive: true);
    public static readonly ParameterDefinition AnalysisThresh = new("AnalysisThresh", ParameterType.Number, "5", "SExtractor ANALYSIS_THRESH, sigma", Min: 0, Max: 1000, MinExclusive: true);
    public static readonly ParameterDefinition DetectMinArea = new("DetectMinArea", ParameterType.Integer, "5", "SExtractor DETECT_MINAREA, pixels", Min: 1, Max: 10000);
    public static readonly ParameterDefinition SaturLevel = new("SaturLevel", ParameterType.Number, "50000", "SExtractor SATUR_LEVEL, plate units", Min: 0, MinExclusive: true);
    public static readonly ParameterDefinition BackSize = new("BackSize", ParameterType.Integer, "auto", "SExtractor BACK_SIZE, the background mesh in pixels (both passes and step 8's SPREAD_MODEL); auto: 64, or on an image under 512 px a side, an eighth of its smaller side (at least 16)", Min: 8, Max: 4096, Auto: true);
    public static readonly ParameterDefinition BackFilterSize = new("BackFilterSize", ParameterType.Integer, "3", "SExtractor BACK_FILTERSIZE: the median filter over background meshes, in meshes (1: none)", Min: 1, Max: 11);
    public static readonly ParameterDefinition ToolTimeoutSeconds = new("ToolTimeoutSeconds", ParameterType.Number, "1800", "time limit of one SExtractor or PSFEx run", Min: 1);

    /// <summary>The pass-1 catalog (FITS_LDAC, for PSFEx).</summary>
    public static readonly TileDataset Catalog = new("Pass1", ".cat");

    /// <summary>
    /// The run's detection and background settings: the same in both passes and in step 8's SPREAD_MODEL runs, whose
    /// measurements must match pass 2's.
    /// </summary>
    public sealed record Detection(string DetectThresh, string AnalysisThresh, string DetectMinArea, string SaturLevel, string BackSize, string BackFilterSize)
    {
        /// <summary>The settings for this image, as SExtractor config overrides (BackSize=auto follows its size).</summary>
        public Dictionary<string, string> Overrides(string image)
        {
            var header = FitsFile.ReadPrimaryHeader(image);
            var backSize = BackgroundMesh.Size(BackSize, header.GetInt("NAXIS1"), header.GetInt("NAXIS2"));
            return new()
            {
                ["DETECT_THRESH"] = DetectThresh,
                ["ANALYSIS_THRESH"] = AnalysisThresh,
                ["DETECT_MINAREA"] = DetectMinArea,
                ["SATUR_LEVEL"] = SaturLevel,
                ["BACK_SIZE"] = backSize.ToString(CultureInfo.InvariantCulture),
                ["BACK_FILTERSIZE"] = BackFilterSize,
            };
        }

        /// <summary>What the no-detection error quotes: the settings a user can change, with the values SExtractor got.</summary>
        public string Describe(IReadOnlyDictionary<string, string> overrides) =>
            $"DetectThresh={DetectThresh}, DetectMinArea={DetectMinArea}, BackSize={BackSize} (BACK_SIZE {overrides["BACK_SIZE"]} px), BackFilterSize={BackFilterSize}";
    }

    public static Detection BindDetection(ParameterReader p) =>
        new(p.Text(DetectThresh), p.Text(AnalysisThresh), p.Text(DetectMinArea), p.Text(SaturLevel), p.Text(BackSize), p.Text(BackFilterSize));

    public sealed record Config(Detection Detection, double ToolTimeoutSeconds);

    public static readonly StepContract Contract = StepContract.PerTile("Pass1", 3, typeof(Pass1Step), Bind, (env, c) => new Pass1Step(env, c));

    public static Config Bind(ParameterReader p) => new(BindDetection(p), p.Unstamped.Number(ToolTimeoutSeconds));

    /// <summary>Configuration files by role, as the MSBuild targets name them.</summary>
    public const string SExtractorConfig = "SExtractorConfig", Pass1Columns = "Pass1Columns";

    public override void RunTile(TileContext t)
    {
        var clean = t.Input(PreprocessStep.Clean);
        var mask = t.Input(PreprocessStep.Mask);
        var catalog = t.Output(Catalog);
        var overrides = config.Detection.Overrides(clean);
        new SExtractor(Env.Tool("source-extractor", "Pass1"), TimeSpan.FromSeconds(config.ToolTimeoutSeconds))
            .Run(new SExtractorJob(clean, Env.File(SExtractorConfig), Env.File(Pass1Columns), catalog, t.LogPath(), mask) { Overrides = overrides }, t.Cancellation);
        var result = LdacCatalog.Read(catalog);
        CatalogChecks.Pass1(result, catalog, config.Detection.Describe(overrides));
        t.Fields["back_size"] = int.Parse(overrides["BACK_SIZE"], CultureInfo.InvariantCulture);
        t.AddInput(clean);
        t.AddInput(mask);
        t.AddOutput(catalog);
        t.Counts["objects_detected"] = result.Count;
        t.Fields["p1_cat"] = Env.Relative(catalog);
    }
}
