using Microsoft.Build.Framework;
using Vasco.Extraction;
using Vasco.Pipeline;

namespace Vasco.MSBuild;

/// <summary>Step 3: SExtractor pass 1 on the clean image, masked stars flagged; FITS_LDAC for PSFEx.</summary>
public sealed class VascoPass1 : TileStepTask
{
    [Required] public string ConfigFile { get; set; } = "";
    [Required] public string ParametersFile { get; set; } = "";

    protected override void RunTile(TileContext t)
    {
        var (clean, mask) = Preprocessed(t);
        var catalog = t.OutputPath(".cat");
        var detection = Detection(t.Parameters, clean);
        new SExtractor(ToolPath("source-extractor"), TimeSpan.FromSeconds(t.Parameters.Number("ToolTimeoutSeconds")))
            .Run(new SExtractorJob(clean, ConfigFile, ParametersFile, catalog, t.LogPath(), mask) { Overrides = detection }, t.Cancellation);
        var result = LdacCatalog.Read(catalog);
        CatalogChecks.Pass1(result, catalog, Settings(t.Parameters, detection));
        t.Fields["back_size"] = int.Parse(detection["BACK_SIZE"], System.Globalization.CultureInfo.InvariantCulture);
        t.AddInput(clean);
        t.AddInput(mask);
        t.AddOutput(catalog);
        t.Counts["objects_detected"] = result.Count;
        t.Fields["p1_cat"] = Relative(catalog);
    }

    internal static (string Clean, string Mask) Preprocessed(TileContext t)
    {
        var dir = t.UpstreamDirs["Preprocess"];
        return (Path.Combine(dir, t.Tile.TileId + ".clean.fits"), Path.Combine(dir, t.Tile.TileId + ".mask"));
    }

    /// <summary>
    /// The run's detection and background parameters for this image, as SExtractor config overrides (the same in both
    /// passes and in step 8's SPREAD_MODEL runs, whose measurements must match pass 2's).
    /// </summary>
    internal static Dictionary<string, string> Detection(ParameterSet p, string image)
    {
        var header = Vasco.Fits.FitsFile.ReadPrimaryHeader(image);
        var backSize = BackgroundMesh.Size(p["BackSize"], header.GetInt("NAXIS1"), header.GetInt("NAXIS2"));
        return new()
        {
            ["DETECT_THRESH"] = p["DetectThresh"],
            ["ANALYSIS_THRESH"] = p["AnalysisThresh"],
            ["DETECT_MINAREA"] = p["DetectMinArea"],
            ["SATUR_LEVEL"] = p["SaturLevel"],
            ["BACK_SIZE"] = backSize.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["BACK_FILTERSIZE"] = p["BackFilterSize"],
        };
    }

    /// <summary>What the no-detection error quotes: the settings a user can change, with the values SExtractor got.</summary>
    internal static string Settings(ParameterSet p, IReadOnlyDictionary<string, string> detection) =>
        $"DetectThresh={p["DetectThresh"]}, DetectMinArea={p["DetectMinArea"]}, BackSize={p["BackSize"]} (BACK_SIZE {detection["BACK_SIZE"]} px), BackFilterSize={p["BackFilterSize"]}";
}

/// <summary>Step 4: the PSFEx model of each tile, with its accepted stars and quality checked.</summary>
public sealed class VascoPsf : TileStepTask
{
    [Required] public string ConfigFile { get; set; } = "";

    protected override void RunTile(TileContext t)
    {
        var catalog = Path.Combine(t.UpstreamDirs["Pass1"], t.Tile.TileId + ".cat");
        var psf = t.OutputPath(".psf");
        var model = new Psfex(ToolPath("psfex"), TimeSpan.FromSeconds(t.Parameters.Number("ToolTimeoutSeconds")))
            .Run(catalog, ConfigFile, psf, t.LogPath(), t.Cancellation);
        CatalogChecks.Psf(model, t.Parameters.Integer("PsfMinStars"), t.Parameters.Number("PsfMaxChi2"), psf);
        t.AddInput(catalog);
        t.AddOutput(psf);
        t.Counts["stars_loaded"] = model.Loaded;
        t.Counts["stars_used"] = model.Accepted;
        t.Fields["psf_model"] = Relative(psf);
        t.Fields["model_quality"] = new Dictionary<string, double> { ["chi2"] = model.Chi2, ["fwhm_pixels"] = model.FwhmPixels, ["sampling"] = model.Sampling };
    }
}

/// <summary>Step 5: SExtractor pass 2 with the tile's PSF: the catalog the science filters read.</summary>
public sealed class VascoPass2 : TileStepTask
{
    [Required] public string ConfigFile { get; set; } = "";
    /// <summary>The column list without model fitting (SpreadModel=selected).</summary>
    [Required] public string ParametersFile { get; set; } = "";
    /// <summary>The column list with SPREAD_MODEL and PSF photometry for every source (SpreadModel=all).</summary>
    [Required] public string ModelParametersFile { get; set; } = "";

    protected override void RunTile(TileContext t)
    {
        var (clean, mask) = VascoPass1.Preprocessed(t);
        var psf = Path.Combine(t.UpstreamDirs["Psf"], t.Tile.TileId + ".psf");
        var pass1 = Path.Combine(t.UpstreamDirs["Pass1"], t.Tile.TileId + ".cat");
        var catalog = t.OutputPath(".cat");
        var modelFitting = t.Parameters["SpreadModel"] == "all";
        new SExtractor(ToolPath("source-extractor"), TimeSpan.FromSeconds(t.Parameters.Number("ToolTimeoutSeconds")))
            .Run(new SExtractorJob(clean, ConfigFile, modelFitting ? ModelParametersFile : ParametersFile, catalog, t.LogPath(), mask, psf)
                { Overrides = VascoPass1.Detection(t.Parameters, clean) }, t.Cancellation);
        var result = LdacCatalog.Read(catalog);
        var pass1Count = LdacCatalog.Read(pass1).Count;
        CatalogChecks.Pass2(result, pass1Count, t.Parameters.Number("Pass2CountTolerance"), modelFitting, catalog);
        t.AddInput(clean);
        t.AddInput(mask);
        t.AddInput(psf);
        t.AddOutput(catalog);
        t.Counts["objects_detected"] = result.Count;
        t.Counts["pass1_objects"] = pass1Count;
        t.Fields["p2_cat"] = Relative(catalog);
        t.Fields["psf_model_used"] = Relative(psf);
        t.Fields["spread_model"] = modelFitting ? "every source" : "measured in step 8 for the sources the selection asks about";
    }
}
