using System.Globalization;
using Vasco.CrossMatch;
using Vasco.Extraction;
using Vasco.Filtering;
using Vasco.Fits;
using Vasco.IO;
using Vasco.Pipeline;
using Vasco.Preprocess;
using Vasco.Summaries;
using Vasco.Vetting;

namespace Vasco.Steps;

/// <summary>
/// Step 8: the paper's selection over each tile's unmatched plate sources, spike and halo
/// rejection, SPREAD_MODEL where it is needed, and the within5 validator; then, once per
/// run, the run's candidates.csv from the tiles whose result is current.
/// </summary>
public sealed class FilterStep : TileStep
{
    public static readonly ParameterDefinition SnrWinMin = new("SnrWinMin", ParameterType.Number, "30", "candidates need SNR_WIN above this");
    public static readonly ParameterDefinition FwhmMin = new("FwhmMin", ParameterType.Number, "2", "candidates need FWHM_IMAGE above this, pixels", Min: 0);
    public static readonly ParameterDefinition FwhmMax = new("FwhmMax", ParameterType.Number, "7", "candidates need FWHM_IMAGE below this, pixels", Min: 0);
    public static readonly ParameterDefinition ElongationMax = new("ElongationMax", ParameterType.Number, "1.3", "candidates need ELONGATION below this", Min: 1);
    public static readonly ParameterDefinition SpreadModelMin = new("SpreadModelMin", ParameterType.Number, "-0.002", "candidates need SPREAD_MODEL above this");
    public static readonly ParameterDefinition ExtentDifferenceMax = new("ExtentDifferenceMax", ParameterType.Number, "2", "candidates need |(XMAX-XMIN)-(YMAX-YMIN)| below this, pixels", Min: 0);
    public static readonly ParameterDefinition ExtentMin = new("ExtentMin", ParameterType.Number, "1", "candidates need both extents XMAX-XMIN, YMAX-YMIN above this, pixels", Min: 0);
    public static readonly ParameterDefinition ClipSigma = new("ClipSigma", ParameterType.Number, "2", "sigma clip of FWHM_IMAGE and ELONGATION around the tile median (sigma = 1.4826 MAD)", Min: 0, MinExclusive: true);
    public static readonly ParameterDefinition SpikeMagLimit = new("SpikeMagLimit", ParameterType.Number, "12.4", "a candidate whose nearest bright star is at most this magnitude is rejected");
    public static readonly ParameterDefinition HaloSlope = new("HaloSlope", ParameterType.Number, "0.09", "halo rule: rejected when the nearest bright star has m < -HaloSlope*d + HaloIntercept (d in arcsec)", Min: 0);
    public static readonly ParameterDefinition HaloIntercept = new("HaloIntercept", ParameterType.Number, "15.3", "halo rule intercept, magnitude");
    public static readonly ParameterDefinition BrightStarSearchArcmin = new("BrightStarSearchArcmin", ParameterType.Number, "90", "how far to look for the nearest bright star", Min: 0, MinExclusive: true);
    public static readonly ParameterDefinition MagCalStarsMin = new("MagCalStarsMin", ParameterType.Integer, "10", "a tile's calibrated magnitudes (mag_cal) need at least this many matched stars with FLAGS 0 and IMAFLAGS_ISO 0; with fewer, its candidates get none", Min: 2);
    public static readonly ParameterDefinition MagCalDegree = new("MagCalDegree", ParameterType.Integer, "3", "degree of the polynomial of catalog mag - MAG_AUTO in MAG_AUTO that gives mag_cal (0: a zero point only)", Min: 0, Max: 5);

    /// <summary>Every unmatched source with its verdict, for review.</summary>
    public static readonly TileDataset Filtered = new("Filter", "_filtered.csv");
    /// <summary>The tile's candidates, in the run's candidates.csv columns.</summary>
    public static readonly TileDataset Candidates = new("Filter", "_candidates.csv");

    public sealed record Config(BrightStarSource.Config BrightStars, bool SpreadModelEverywhere, SelectionThresholds Thresholds,
        double MatchRadiusArcsec, double ToleranceArcsec, Pass1Step.Detection Detection, double ToolTimeoutSeconds, CalibrationOptions MagCal);

    public static readonly StepContract Contract = StepContract.PerTile("Filter", 8, typeof(FilterStep), Bind, (env, c) => new FilterStep(env, c),
        revision: "4 (modern-sky stamps)");

    public static Config Bind(ParameterReader p) => new(BrightStarSource.Bind(p), Pass2Step.BindSpreadModel(p), new SelectionThresholds
    {
        SnrWinMin = p.Number(SnrWinMin),
        FwhmMin = p.Number(FwhmMin),
        FwhmMax = p.Number(FwhmMax),
        ElongationMax = p.Number(ElongationMax),
        SpreadModelMin = p.Number(SpreadModelMin),
        ExtentDifferenceMax = p.Number(ExtentDifferenceMax),
        ExtentMin = p.Number(ExtentMin),
        ClipSigma = p.Number(ClipSigma),
        SpikeMagLimit = p.Number(SpikeMagLimit),
        HaloSlope = p.Number(HaloSlope),
        HaloIntercept = p.Number(HaloIntercept),
        BrightStarSearchArcmin = p.Number(BrightStarSearchArcmin),
    }, p.Number(CrossMatchStep.MatchRadiusArcsec), p.Number(PreprocessStep.ValidatorToleranceArcsec), Pass1Step.BindDetection(p), p.Unstamped.Number(Pass1Step.ToolTimeoutSeconds),
        new CalibrationOptions(Degree: p.Integer(MagCalDegree), MinStars: p.Integer(MagCalStarsMin)));

    /// <summary>The SExtractor column list of step 8's SPREAD_MODEL runs.</summary>
    public const string SpreadColumns = "SpreadColumns";

    readonly Config _config;
    readonly BrightStarSource _bright;

    public FilterStep(StepEnvironment env, Config config) : base(env)
    {
        _config = config;
        _bright = new BrightStarSource(env, config.BrightStars);
        StepFields["bright_star_catalog"] = _bright.Description(env.RunDir);
        StepFields["criteria"] = config.Thresholds;
        StepFields["criteria_order"] = Selection.Order;
    }

    public override void Dispose()
    {
        _bright.Dispose();
        base.Dispose();
    }

    public override void RunTile(TileContext t)
    {
        var id = t.Tile.TileId;
        // The old stamps go first: a rerun that fails half way must not leave them beside other candidates.
        var stamps = Report.StampFolder(t.Step.OutputDir, id);
        if (Directory.Exists(stamps)) Directory.Delete(stamps, recursive: true);
        var files = CrossMatchStep.FilesOf(t);
        var plate = CleanPlate.Read(t.Input(PreprocessStep.Clean));
        var epoch = plate.Epoch;

        var unmatched = PlateSources.ReadCsv(files.UnmatchedPlate);
        var matched = PlateSources.ReadCsv(files.Matched);
        var all = PlateSources.Concat(unmatched, matched);
        var modern = ModernPositions.Read(files.Matched, files.UnmatchedModern);
        var xmatch = PlainCsv.Read(files.Matched);
        var pairs = xmatch.Numbers("sep_arcsec");
        var searchArcmin = t.Tile.SizeArcmin / Math.Sqrt(2) + _config.Thresholds.BrightStarSearchArcmin;
        var bright = _bright.Around(t.Tile, searchArcmin, t.Cancellation).Select(b => b.PropagatedTo(epoch)).Select(b => (b.Ra, b.Dec, b.Mag)).ToList();
        var measured = new Dictionary<int, double>();
        var selection = TileFilter.Select(unmatched, all, modern, pairs, bright, _config.Thresholds, _config.MatchRadiusArcsec, _config.ToleranceArcsec,
            rows =>
            {
                foreach (var (row, value) in SpreadModel(t, unmatched, rows)) measured[row] = value;
                return measured;
            }, id);

        // Every unmatched source with its verdict, for review; the kept ones as candidate rows.
        var filtered = t.Output(Filtered);
        AtomicFile.WriteAllText(filtered, unmatched.ToCsv(Enumerable.Range(0, unmatched.Count).ToList(),
            (["verdict", "spread_model_measured", "nearest_modern_arcsec", "nearest_bright_arcsec", "nearest_bright_mag"], k =>
            [
                selection.Verdicts[k] ?? "kept",
                measured.TryGetValue(k, out var v) ? PlateSources.Format(v) : "",
                Filtering.Candidates.Round(selection.NearestModernArcsec[k]), Filtering.Candidates.Round(selection.NearestBrightArcsec[k]), Filtering.Candidates.Round(selection.NearestBrightMag[k]),
            ])));
        WriteStamps(t, unmatched, selection.Kept, files);
        var calibration = Calibrate(t, matched, xmatch, unmatched, selection.Kept);
        var candidates = t.Output(Candidates);
        AtomicFile.WriteAllText(candidates, Filtering.Candidates.Header + Filtering.Candidates.Rows(id, unmatched, selection, measured, plate, calibration));
        t.AddInput(files.UnmatchedPlate);
        t.AddInput(files.Matched);
        t.AddInput(files.UnmatchedModern);
        t.AddOutput(filtered);
        t.AddOutput(candidates);
        t.Counts["unmatched"] = unmatched.Count;
        t.Counts["kept_count"] = selection.Kept.Count;
        t.Counts["dropped_count"] = unmatched.Count - selection.Kept.Count;
        foreach (var (criterion, n) in selection.Dropped) t.Counts["dropped_" + criterion] = n;
        t.Counts["spread_model_measured"] = measured.Count;
        t.Fields["clip"] = selection.Clip;
        t.Fields["validator"] = selection.Validator with { MinCandidateDistanceArcsec = double.IsFinite(selection.Validator.MinCandidateDistanceArcsec) ? selection.Validator.MinCandidateDistanceArcsec : -1 };
        t.Fields["plate_id"] = plate.PlateId;
        t.Fields["plate_label"] = plate.Label;
        t.Fields["plate_epoch"] = epoch;
    }

    /// <summary>
    /// The tile's calibration of MAG_AUTO on the band of the run's first catalog that the tile's matched stars come from
    /// (<see cref="MagnitudeCalibration"/>), recorded in the manifest's field mag_cal; null, with a VASCO8002 warning and the
    /// reason in that field, when it cannot be fitted. A candidate outside the calibration stars' MAG_AUTO range is named too.
    /// </summary>
    MagnitudeCalibration? Calibrate(TileContext t, PlateSources matched, PlainCsv xmatch, PlateSources unmatched, IReadOnlyList<int> kept)
    {
        var column = xmatch.IndexOf("ref_catalog");
        var refCatalog = xmatch.Rows.Select(r => r[column]).ToList();
        var present = refCatalog.ToHashSet(StringComparer.Ordinal);
        var catalog = Env.Catalogs.Select(c => c.Name).FirstOrDefault(present.Contains) ?? refCatalog.FirstOrDefault();
        var band = catalog is null ? null : Band(catalog);
        var (calibration, failure) = MagnitudeCalibration.Fit(
            catalog is null ? [] : MagnitudeCalibration.StarsOf(matched, refCatalog, xmatch.Numbers("ref_mag"), catalog), _config.MagCal);
        if (calibration is null)
        {
            t.Fields["mag_cal"] = CalibrationSummary.Of(band, null, failure!.Reason, failure.Stars, []);
            if (kept.Count > 0) t.Warn(ErrorCodes.MagnitudeUncalibrated, $"no calibrated magnitude (mag_cal) for the tile's {kept.Count} candidate(s): {failure.Reason}");
            return null;
        }
        var outside = kept.Where(k => !calibration.Covers(unmatched["mag_auto"][k])).Select(k => (int)unmatched["number"][k]).ToList();
        t.Fields["mag_cal"] = CalibrationSummary.Of(band, calibration, null, calibration.Stars, outside);
        if (outside.Count > 0)
            t.Warn(ErrorCodes.MagnitudeUncalibrated, string.Create(CultureInfo.InvariantCulture,
                $"no calibrated magnitude (mag_cal) for candidate(s) {string.Join(", ", outside.Select(n => "#" + n))}: MAG_AUTO outside the calibration stars' range {calibration.MagAutoRange.Min:0.00} to {calibration.MagAutoRange.Max:0.00}"));
        return calibration;
    }

    /// <summary>The band a catalog's magnitudes are in: its name and the columns they come from, in the order tried.</summary>
    string Band(string catalog)
    {
        if (catalog == ExternalStep.SyntheticCatalog) return "synthetic: the synthetic sky's magnitudes";
        var item = Env.Catalogs.FirstOrDefault(c => c.Name == catalog) ?? new CatalogItem(catalog, "", new Dictionary<string, string>());
        var columns = ExternalStep.MagnitudeColumns(item);
        return columns.Count == 0 ? $"{catalog}: no magnitude column" : $"{catalog} {columns[0]}" + (columns.Count > 1 ? $" (else {string.Join(", ", columns.Skip(1))})" : "");
    }

    /// <summary>
    /// The report's stamps of each kept source in <see cref="Report.StampFolder"/> (<see cref="TileStamps"/>): the clean plate, the modern
    /// sky drawn on its pixels, and the card's facts (north and east, neighbours). Without a readable clean image the tile keeps its
    /// candidates and gets a warning; the report then says it has no plate image.
    /// </summary>
    void WriteStamps(TileContext t, PlateSources unmatched, IReadOnlyList<int> kept, MatchFiles files)
    {
        if (kept.Count == 0) return;
        var clean = t.Input(PreprocessStep.Clean);
        var psf = t.Input(PsfStep.Model);
        TileStamps stamps;
        try
        {
            stamps = TileStamps.Open(clean, psf, files.Matched, files.UnmatchedModern, Env.Catalogs.Select(c => c.Name).ToList());
        }
        catch (Exception e) when (e is IOException or FitsFormatException or Sky.WcsException)
        {
            t.Warnings.Add($"no plate stamps: {e.Message}");
            return;
        }
        t.AddInput(clean);
        if (File.Exists(psf)) t.AddInput(psf);
        var folder = Report.StampFolder(t.Step.OutputDir, t.Tile.TileId);
        Directory.CreateDirectory(folder);
        foreach (var k in kept)
            foreach (var (name, bytes) in stamps.Make(PlateSources.Format(unmatched["number"][k]), unmatched["x_image"][k], unmatched["y_image"][k], unmatched["ra"][k], unmatched["dec"][k]))
            {
                AtomicFile.WriteAllBytes(Path.Combine(folder, name), bytes);
                t.AddOutput(Path.Combine(folder, name));
            }
    }

    /// <summary>SPREAD_MODEL of some unmatched sources: from pass 2 when it has the column, else measured now in ASSOC mode.</summary>
    IEnumerable<(int Row, double Value)> SpreadModel(TileContext t, PlateSources unmatched, IReadOnlyList<int> rows)
    {
        // Pass 2's own column when it has one (SpreadModel=all, or a user's column list with SPREAD_MODEL); SpreadModel=all promises it.
        if (unmatched.Has("spread_model")) return rows.Select(r => (r, unmatched["spread_model"][r]));
        if (_config.SpreadModelEverywhere)
            throw new VascoException(ErrorCodes.CrossMatchInvalid, $"Tile {t.Tile.TileId}: SpreadModel=all, but the pass-2 sources step 7 wrote have no SPREAD_MODEL.",
                "rebuild from step 5 for this tile (-p:FromStep=5).");
        var clean = t.Input(PreprocessStep.Clean);
        var sources = rows.Select(r => new AssocSource((int)unmatched["number"][r], unmatched["x_image"][r], unmatched["y_image"][r])).ToList();
        var byNumber = new SpreadModelMeasurement(new SExtractor(Env.Tool("source-extractor", "Filter"), TimeSpan.FromSeconds(_config.ToolTimeoutSeconds)))
            .Measure(sources, clean, t.Input(PreprocessStep.Mask), t.Input(PsfStep.Model),
                Env.File(Pass1Step.SExtractorConfig), Env.File(SpreadColumns), _config.Detection.Overrides(clean), t.LogPath(".spread.log"), t.Cancellation);
        return rows.Select(r => (r, byNumber.TryGetValue((int)unmatched["number"][r], out var v) ? v : double.NaN));
    }

    /// <summary>What <see cref="WriteRunCandidates"/> wrote.</summary>
    public sealed record RunCandidates(string Path, int Count, int CurrentTiles, int AllTiles, int FailedTiles, VettedList? Vetting, IReadOnlyList<FunnelRow> Funnel);

    /// <summary>
    /// The run's candidates.csv and filter.manifest.json in <paramref name="outputDir"/>, from the share of every tile whose result is
    /// current (<see cref="CurrentTiles"/>: step 8's and every vetting stage's); the others are listed in the manifest as failed, with
    /// their reasons. With the vetting stages, each candidate carries every stage's status, and <paramref name="vettingDir"/> gets the
    /// run's funnel.csv and ir_only.csv.
    /// </summary>
    public static RunCandidates WriteRunCandidates(StepEnvironment env, string stampDir, IReadOnlyList<string> tiles, string outputDir, string vettingDir, int maxParallel)
    {
        var started = DateTimeOffset.UtcNow;
        var filter = env.Steps["Filter"];
        var stages = VettingChain.In(env.Steps);
        var secondLook = stages.Count > 0 && env.Steps.TryGetValue(OtherPlatesStep.Contract.Name, out var look) ? look : null;
        Directory.CreateDirectory(outputDir);
        var path = Path.Combine(outputDir, "candidates.csv");
        var manifestPath = Path.Combine(outputDir, "filter.manifest.json");
        var funnelPath = Path.Combine(vettingDir, "funnel.csv");
        // candidates.csv and its manifest go into step 8's own folder, which moves the folder's time: the records' listing
        // is kept again once they are written (nothing here touches a record), or every later look at the folder's 30,000
        // files (step 9, the next build's plan and flow) would list it again.
        var filterRecords = TileRecords.Snapshot(filter, stampDir);
        // Withdrawn first: a run-level output that cannot be rewritten (a full disk) must not stand for the run.
        File.Delete(manifestPath);
        if (Directory.Exists(vettingDir))
            foreach (var stale in new[] { funnelPath, Path.Combine(vettingDir, "ir_only.csv") }) File.Delete(stale);
        var problems = new FailedTile?[tiles.Count];
        var finals = new[] { filter }.Concat(stages.Select(s => s.Step)).Concat(secondLook is null ? [] : [secondLook]).ToList();
        var checker = new CurrentTiles.Checker(finals, env.Steps, stampDir);
        // The records' signatures as the check found them: what the tiles' cached parts below are keyed by.
        var signatures = new long[tiles.Count][];
        InParallel.For(tiles.Count, maxParallel, i => problems[i] = checker.Problem(tiles[i], out signatures[i]));
        var current = tiles.Where((_, i) => problems[i] is null).ToList();
        var currentSignatures = signatures.Where((_, i) => problems[i] is null).ToList();
        var files = current.Select(t => Candidates.PathOf(env.Steps, t)).ToList();
        // Each tile's counts and candidates file as step 8's manifest.json took them from its record (TileRecordCache), read
        // again only when the record changed since: at 10,000 tiles, parsing every record again took 0.7 s of a build.
        // Read on the other core while the candidates are written: the two need nothing of each other.
        var gathered = Task.Run(() =>
        {
            using var cache = TileRecordCache.Load(TileRecordCache.PathOf(stampDir, filter.Name));
            var taken = cache.Tiles;
            var records = new (IReadOnlyList<(string Name, double Value)> Counts, IReadOnlyList<FileRecord> Outputs)[current.Count];
            InParallel.For(current.Count, maxParallel, i =>
            {
                var tile = current[i];
                if (taken.TryGetValue(tile, out var e) && e.Kind == TileRecordCache.Kind.Ok && e.Signature.AsSpan().SequenceEqual(currentSignatures[i].AsSpan(0, 4)))  // step 8's, the first final
                    records[i] = (e.Counts, [.. e.Outputs.Select(TileRecordCache.Json.Read<FileRecord>)]);
                else
                {
                    var m = Manifest.Read(TileRecords.ManifestPath(filter.OutputDir, tile));
                    records[i] = ([.. m.Counts.Select(c => (c.Key, c.Value))], m.Outputs);
                }
            });
            return records;
        });
        int count;
        VettedList? vetted = null;
        try
        {
            if (stages.Count == 0) count = Filtering.Candidates.WriteRun(path, files);
            else
            {
                var vettedTiles = current.Select((t, i) => new VettedTile(t, files[i],
                    stages.ToDictionary(s => s.Stage.Folder, s => VettingStage.VerdictsOf(s.Step.Name).PathOf(env.Steps, t), StringComparer.Ordinal))
                    {
                        SecondLookFile = secondLook is null ? null : OtherPlatesStep.Results.PathOf(env.Steps, t),
                        // Each file is written before its step's record of the tile: records as they were, files as they were.
                        Signature = currentSignatures[i],
                    }).ToList();
                vetted = VettedCandidates.Write(path, Path.Combine(vettingDir, "ir_only.csv"), vettedTiles, stages.Select(s => s.Stage).ToList(), maxParallel,
                    cacheFile: Path.Combine(stampDir, "Filter.vetted.cache"));
                count = vetted.Count;
            }
        }
        catch (IOException) { File.Delete(path); throw; }
        var manifest = new Manifest { Step = "Filter", StepNumber = 8, RunId = env.RunId, StartedUtc = started };
        manifest.FailedTiles.AddRange(problems.OfType<FailedTile>());
        foreach (var (counts, outputs) in gathered.GetAwaiter().GetResult())
        {
            foreach (var (k, v) in counts) manifest.Counts[k] = manifest.Counts.GetValueOrDefault(k) + v;
            manifest.Inputs.AddRange(outputs.Where(o => o.Path.EndsWith(Candidates.Suffix, StringComparison.Ordinal)));
        }
        IReadOnlyList<FunnelRow> funnel = [];
        if (vetted is not null)
        {
            funnel = Funnel.Compute((int)manifest.Counts.GetValueOrDefault("unmatched"), vetted.Statuses);
            AtomicFile.WriteAllText(funnelPath, Funnel.ToCsv(funnel));
            manifest.Outputs.Add(FileRecord.Of(funnelPath, env.RunDir));
            manifest.Outputs.Add(FileRecord.Of(Path.Combine(vettingDir, "ir_only.csv"), env.RunDir));
            manifest.Fields["vetting_not_checked"] = vetted.NotCheckedByStage;
            manifest.Fields["ir_only"] = vetted.IrOnly;
            manifest.Fields["remaining_after_vetting"] = funnel[^1].Out;
        }
        manifest.Status = manifest.FailedTiles.Count == 0 ? "ok" : "partial";
        manifest.Outputs.Insert(0, FileRecord.Of(path, env.RunDir));
        manifest.Fields["candidates"] = count;
        manifest.Fields["tiles_with_candidates"] = vetted?.TilesWithCandidates ?? files.Count(f => File.ReadLines(f).Skip(1).Any(l => l.Length > 0));
        manifest.FinishedUtc = DateTimeOffset.UtcNow;
        manifest.Write(manifestPath);
        filterRecords.Refresh([]);
        filterRecords.Save();
        return new RunCandidates(path, count, current.Count, tiles.Count, manifest.FailedTiles.Count, vetted, funnel);
    }
}
