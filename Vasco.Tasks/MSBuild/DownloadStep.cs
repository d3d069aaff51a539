using System.Globalization;
using Microsoft.Build.Framework;
using Vasco.Download;
using Vasco.IO;
using Vasco.Pipeline;
using Vasco.Synthetic;

namespace Vasco.MSBuild;

/// <summary>
/// Step 1: one POSS-I red plate image per tile, from STScI (ImageSource=stsci, through the
/// download cache), from LocalImageDir (ImageSource=local, the plate covering the tile), or
/// drawn from a seeded synthetic sky with its truth file (ImageSource=synthetic).
/// Answers that are not POSS-I red plates are saved aside and fail the tile.
/// </summary>
public sealed class VascoDownload : TileStepTask
{
    [Required] public string CacheDir { get; set; } = "";
    [Required] public string StateDir { get; set; } = "";
    /// <summary>The STScI endpoint; tests point it at a loopback server.</summary>
    public string? Endpoint { get; set; }

    LocalPlateIndex? _local;
    DssClient? _client;
    SyntheticOptions? _synthetic;

    protected override void Prepare(StepDeclaration step)
    {
        var p = ParameterValues;
        if (p["ImageSource"] == "synthetic")
        {
            _synthetic = SyntheticOptions.From(p);
            StepFields["endpoint"] = "synthetic";
        }
        else if (p["ImageSource"] == "local")
        {
            _local = DownloadPlanning.OpenLocalPlates(RunDir, p["LocalImageDir"], StateDir);
            StepFields["endpoint"] = Relative(_local.Directory);
            StepFields["skipped_files"] = SkippedFiles();
        }
        else
        {
            var options = new DssClientOptions
            {
                Endpoint = string.IsNullOrWhiteSpace(Endpoint) ? DssClientOptions.DefaultEndpoint : new Uri(Endpoint),
                MaxRetries = p.Integer("DownloadRetries"),
                BackoffBase = p.Number("DownloadBackoff"),
                AttemptTimeout = TimeSpan.FromSeconds(p.Number("DownloadTimeoutSeconds")),
                MaxConcurrency = p.Integer("DownloadConcurrency"),
                CacheDir = Path.Combine(CacheDir, "dss"),
                RejectedDir = Path.Combine(step.OutputDir, "rejected"),
            };
            _client = new DssClient(options);
            StepFields["endpoint"] = options.Endpoint.ToString();
        }
        StepFields["survey"] = p["Survey"];
        StepFields["image_source"] = p["ImageSource"];
    }

    protected override void Finish() => _client?.Dispose();

    protected override void RunTile(TileContext t)
    {
        var fits = t.OutputPath(".fits");
        var tile = t.Tile;
        if (_synthetic is not null)
        {
            DrawPlate(t, fits);
            return;
        }
        if (_local is not null)
        {
            var choice = _local.Choose(tile.RaDeg, tile.DecDeg, tile.SizeArcmin);
            if (choice.Path is null)
            {
                t.Fields["skipped_files"] = SkippedFiles();
                throw new VascoException(ErrorCodes.NoLocalPlate, $"No plate for tile {tile.TileId}: {choice.Reason}.",
                    "put a POSS-I red plate covering the tile in LocalImageDir, or use ImageSource=stsci.");
            }
            // The tile's square of the plate, as STScI would cut it: a whole plate would bring sources the tile's catalogs do not cover.
            var cut = PlateCutout.Write(choice.Path, tile.RaDeg, tile.DecDeg, tile.SizeArcmin, fits);
            t.Fields["cutout"] = cut.WholePlate ? "whole plate" : $"x {cut.X0}..{cut.X0 + cut.Width - 1}, y {cut.Y0}..{cut.Y0 + cut.Height - 1}";
            t.AddInput(choice.Path);
            t.Counts["covered_fraction"] = Math.Round(choice.CoveredFraction, 4);
            if (choice.CoveredFraction < 0.99)
                t.Warn(ErrorCodes.PlatePartialCoverage, string.Create(CultureInfo.InvariantCulture,
                    $"the plate {Path.GetFileName(choice.Path)} covers {choice.CoveredFraction:P1} of the tile: no source can be found on the rest"));
            Record(t, choice.Plate!, cacheHit: false);
            WarnOfHeader(t, choice.Plate!, choice.Path);
        }
        else
        {
            var result = _client!.DownloadAsync(tile.RaDeg, tile.DecDeg, tile.SizeArcmin, t.Cancellation).GetAwaiter().GetResult();
            t.Retries = result.Retries;
            t.Fields["url"] = result.Url;
            t.Fields["attempts"] = result.AttemptLog;
            // Every attempt broken or cut short is the archive's trouble (a later build may succeed), not a wrong plate.
            if (!result.Ok)
                throw new VascoException(result.GaveUp || result.RejectedPath is null ? ErrorCodes.DownloadFailed : ErrorCodes.NotAPossPlate,
                    $"No plate for tile {tile.TileId}: {result.FailureReason}" + (result.RejectedPath is null ? "." : $" (the answer is saved in {Relative(result.RejectedPath)})."),
                    result.GaveUp || result.RejectedPath is null
                        ? "check the network and the STScI service, then build again (cached plates are not fetched twice)."
                        : "look at the saved answer; south of Dec -30 the archive has no POSS-I plates.");
            PlateCutout.CopyWhole(result.CachePath!, fits);
            Record(t, result.Plate!, result.CacheHit);
            WarnOfHeader(t, result.Plate!, result.CachePath!);
        }
        t.AddOutput(fits);
        t.Counts["fits"] = 1;
    }

    /// <summary>The files of LocalImageDir that are not usable plates, each with why (for the manifests).</summary>
    List<Dictionary<string, string>> SkippedFiles() =>
        _local!.Skipped.Select(s => new Dictionary<string, string> { ["file"] = Relative(s.Path), ["reason"] = s.Reason }).ToList();

    /// <summary>A synthetic plate and, beside it, the truth: every source drawn on it and what the modern catalog lists.</summary>
    void DrawPlate(TileContext t, string fits)
    {
        var sky = SyntheticSky.For(t.Tile, _synthetic!);
        var (pixels, header) = SyntheticPlate.Render(sky);
        var truth = t.OutputPath(".truth.csv");
        TruthCsv.Write(truth, sky.Sources);
        var writer = new Fits.FitsWriter();
        writer.AddImage(pixels, [sky.Width, sky.Height], header);
        writer.WriteTo(fits);
        t.AddOutput(truth);
        t.AddOutput(fits);
        t.Fields["plate_id"] = header.GetString("PLATEID");
        t.Fields["date_obs"] = header.GetString("DATE-OBS");
        t.Fields["plate_epoch"] = Math.Round(sky.PlateEpoch, 6);
        t.Fields["synthetic_seed"] = _synthetic!.Seed;
        t.Fields["synthetic_generator_version"] = SyntheticPlate.Version;
        foreach (var kind in new[] { SourceKind.Star, SourceKind.Faint, SourceKind.Vanished, SourceKind.Mover, SourceKind.Defect })
            t.Counts[$"synthetic_{kind}"] = sky.Sources.Count(s => s.Kind == kind);
        t.Counts["fits"] = 1;
    }

    static void WarnOfHeader(TileContext t, PlateInfo plate, string path)
    {
        foreach (var card in plate.HeaderWarnings)
            t.Warn(ErrorCodes.PlateHeaderNonStandard, $"plate {Path.GetFileName(path)}: {card}");
    }

    static void Record(TileContext t, PlateInfo plate, bool cacheHit)
    {
        t.Fields["cache_hit"] = cacheHit;
        t.Fields["plate_id"] = plate.PlateId;
        t.Fields["region"] = plate.Region;
        t.Fields["plate_label"] = plate.Label;
        t.Fields["survey"] = plate.Survey;
        t.Fields["date_obs"] = plate.DateObs;
        t.Fields["plate_epoch"] = double.IsNaN(plate.Epoch) ? null : Math.Round(plate.Epoch, 6);
        t.Fields["plate_evidence"] = plate.Evidence;
        t.Counts["cache_hits"] = cacheHit ? 1 : 0;
    }
}

/// <summary>What the plan needs of step 1: which local plate a tile reads (its per-tile input).</summary>
public static class DownloadPlanning
{
    public static LocalPlateIndex OpenLocalPlates(string runDir, string localImageDir, string stateDir)
    {
        if (string.IsNullOrWhiteSpace(localImageDir))
            throw new VascoException(ErrorCodes.ParameterInvalid, "ImageSource=local but LocalImageDir is not set.",
                "set LocalImageDir to the folder of POSS-I FITS plates (relative to the run file).");
        return LocalPlateIndex.Open(Path.GetFullPath(Path.Combine(runDir, localImageDir)), Path.Combine(stateDir, "local-plates.tsv"));
    }
}
