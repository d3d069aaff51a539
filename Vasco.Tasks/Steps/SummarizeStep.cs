using System.Text;
using Vasco.IO;
using Vasco.Pipeline;
using Vasco.Summaries;

namespace Vasco.Steps;

/// <summary>Step 9: the run's summaries, histograms, report and the dashboard's candidate list, from the tiles step 8 found current.</summary>
public static class SummarizeStep
{
    public static readonly StepContract Contract = StepContract.PerRun("Summarize", 9, typeof(SummarizeStep), Bind);

    /// <summary>How many tiles' files are read at a time (0: one per processor), and where the report's links ask (SkyBoT's service and observatory).</summary>
    public sealed record Config(int MaxParallel, ReportLinks Links);

    public static Config Bind(ParameterReader p) => new(p.Unstamped.Integer(RunSettings.MaxParallel),
        new ReportLinks(p.Text(VetArchivesStep.SkybotUrl), p.Text(VetAsteroidsStep.SkybotObserver).Trim()));

    /// <summary>Where step 9 reads and writes: its folder, step 8's candidates.csv, the dashboard CSV (empty in a shard build), the tile cache (empty: none).</summary>
    /// <param name="StampDir">The run's stamps, where the steps' folders are kept as the build left them (<see cref="TileRecords.Snapshot"/>); empty: each tile's records are queried.</param>
    public sealed record Files(string SummariesDir, string CandidatesFile, string DashboardFile, string CacheFile, string StampDir = "");

    /// <summary>What step 9 wrote: the summary, the report, and how many tiles and candidates they count.</summary>
    public sealed record Result(string Summary, string Report, int Tiles, int Candidates);

    /// <summary>Step 9 of a run whose tiles are <paramref name="tiles"/>: reads what steps 1-8 recorded, writes the summaries and the report.</summary>
    public static Result Run(StepEnvironment env, IReadOnlyList<string> tiles, Files files, Config config)
    {
        var parallel = config.MaxParallel > 0 ? config.MaxParallel : Environment.ProcessorCount;  // 0: one per processor, as everywhere
        var (runDir, runId, summariesDir, candidatesFile, dashboardFile, cacheFile) = (env.RunDir, env.RunId, files.SummariesDir, files.CandidatesFile, files.DashboardFile, files.CacheFile);
        var started = DateTimeOffset.UtcNow;
        var steps = env.Steps.Values.OrderBy(s => s.Number).ToList();
        Directory.CreateDirectory(summariesDir);
        AtomicFile.DeleteTempFiles(summariesDir);
        // Step 8 decided which tiles are current; the summaries count only those, as candidates.csv does.
        var filterManifest = Path.Combine(Path.GetDirectoryName(Path.GetFullPath(candidatesFile))!, "filter.manifest.json");
        var filterRecord = Manifest.TryRead(filterManifest);
        var notCurrent = filterRecord?.FailedTiles
            ?? throw new VascoException(ErrorCodes.TileFailed, $"step 8's {RunPaths.Relative(runDir, filterManifest)} is missing or unreadable, so no tile is known to be current.",
                "build the run again (step 8 writes it after its tiles).", filterManifest);
        var data = RunSummary.LeaveOut(RunSummary.Collect(steps, tiles, t => Pass2Step.Catalog.PathOf(env.Steps, t), parallel, cacheFile.Length > 0 ? cacheFile : null,
            files.StampDir.Length > 0 ? files.StampDir : null), notCurrent);
        var figures = data.Select(d => d.Figures).ToList();
        var histograms = RunSummary.Histograms(data);

        var manifest = new Manifest { Step = "Summarize", StepNumber = 9, RunId = runId, StartedUtc = started };
        var csv = Path.Combine(summariesDir, "summary.csv");
        AtomicFile.WriteAllText(csv, RunSummary.Csv(runId, figures));
        var bins = new StringBuilder("quantity,bin_low,bin_high,count\n");
        foreach (var h in histograms)
        {
            h.AppendCsv(bins);
            var png = Path.Combine(summariesDir, $"hist_{h.Quantity.ToLowerInvariant()}.png");
            h.SavePng(png, $"{h.Quantity} of the {h.Total} pass-2 sources of run {runId}");
            manifest.Outputs.Add(FileRecord.Of(png, runDir));
            manifest.Counts[$"histogram_{h.Quantity.ToLowerInvariant()}_sources"] = h.Total;
        }
        var binsPath = Path.Combine(summariesDir, "histograms.csv");
        AtomicFile.WriteAllText(binsPath, bins.ToString());
        var candidateRows = File.Exists(candidatesFile) ? PlainCsv.Read(candidatesFile).Records() : [];
        var md = Path.Combine(summariesDir, "summary.md");
        // The vetting funnel step 8 wrote beside candidates.csv (its manifest names the file).
        var funnelFile = filterRecord!.Outputs.Select(o => Path.Combine(runDir, o.Path)).FirstOrDefault(p => Path.GetFileName(p) == "funnel.csv" && File.Exists(p));
        var funnel = funnelFile is null ? null : PlainCsv.Read(funnelFile).Records();
        if (funnelFile is not null) manifest.Inputs.Add(FileRecord.Of(funnelFile, runDir));
        var markdown = RunSummary.Markdown(runId, figures, histograms, candidateRows, funnel);
        AtomicFile.WriteAllText(md, markdown);
        var dashboardRows = !File.Exists(candidatesFile) ? 0
            : dashboardFile.Length > 0 ? Dashboard.Update(dashboardFile, runId, candidatesFile)
            : File.ReadLines(candidatesFile).Skip(1).Count(l => l.Length > 0);
        var report = WriteReport(runId, summariesDir, steps, candidatesFile, markdown, config.Links, figures.Where(f => f.Failure is not null).Select(f => (f.TileId, f.Failure!)).ToList(), funnel,
            files.StampDir.Length > 0 ? files.StampDir : null);

        foreach (var path in new[] { md, csv, binsPath, dashboardFile }.Concat(report).Where(p => p.Length > 0 && File.Exists(p))) manifest.Outputs.Add(FileRecord.Of(path, runDir));
        if (File.Exists(candidatesFile)) manifest.Inputs.Add(FileRecord.Of(candidatesFile, runDir));
        manifest.Counts["tiles"] = tiles.Count;
        manifest.Counts["tiles_failed"] = figures.Count(f => f.Status != "ok");
        manifest.Counts["candidates"] = dashboardRows;
        foreach (var f in figures.Where(f => f.Failure is not null)) manifest.FailedTiles.Add(new FailedTile(f.TileId, ErrorCodes.TileFailed, f.Failure!));
        manifest.Status = manifest.FailedTiles.Count == 0 ? "ok" : "partial";
        manifest.Fields["summary_paths"] = new[] { md, csv, binsPath }.Select(p => RunPaths.Relative(runDir, p)).ToList();
        manifest.Fields["plots_emitted"] = histograms.Select(h => $"hist_{h.Quantity.ToLowerInvariant()}.png").ToList();
        manifest.FinishedUtc = DateTimeOffset.UtcNow;
        manifest.ElapsedSeconds = Math.Round((manifest.FinishedUtc - started).TotalSeconds, 3);
        manifest.Write(Path.Combine(summariesDir, StepManifests.FileName));
        return new Result(md, report[0], tiles.Count, dashboardRows);
    }

    /// <summary>report.html (with a plate stamp per candidate), candidates.reg (DS9), candidates.vot (TOPCAT) and candidates.ecsv (astropy).</summary>
    static string[] WriteReport(string runId, string summariesDir, IReadOnlyList<StepDeclaration> steps, string candidatesFile, string summaryMarkdown, ReportLinks links,
        IReadOnlyList<(string, string)> failedTiles,
        IReadOnlyList<IReadOnlyDictionary<string, string>>? funnel, string? stampDir)
    {
        var csv = File.Exists(candidatesFile) ? PlainCsv.Read(candidatesFile) : null;
        var header = csv is { Header.Count: > 0 } ? csv.Header : Vasco.Filtering.Candidates.Columns;
        var cells = csv?.Records() ?? [];
        var masks = steps.First(s => s.Name == "Preprocess").OutputDir;
        var filter = steps.First(s => s.Name == "Filter").OutputDir;
        // Step 8 made the stamps; a run filtered by an older Vasco has none, and gets them made here from its clean images.
        // candidates.csv lists a tile's candidates together: one plate image in memory at a time, not one per tile of the run.
        (string Tile, (float[] Pixels, int Width, int Height)? Image) current = ("", null);
        var candidates = new List<ReportCandidate>();
        var otherPlates = new OtherPlateStamps(steps);
        var html = Path.Combine(summariesDir, "report.html");
        using var cards = stampDir is null ? null : PageCards.Open(stampDir, html);
        // A card is made from its row, the links, and the files its tile's records of step 8 and the second look vouch for
        // (a step writes a tile's files before its record): with all of them as they were, the last page's card is it.
        var shown = stampDir is null ? []
            : steps.Where(s => s.Name == "Filter" || s.Name == OtherPlatesStep.Contract.Name).Select(s => TileRecords.Listed(s, stampDir)).ToList();
        foreach (var c in cells)
        {
            var tile = c["tile_id"];
            var folder = Report.StampFolder(filter, tile);
            if (File.Exists(Report.StampPath(filter, tile, c["number"])))
            {
                var digest = cards is null ? null : PageCards.Digest(string.Join('\n', [links.SkybotUrl, links.SkybotObserver,
                    string.Join('\u001f', header.Select(h => h + "=" + c.GetValueOrDefault(h, ""))), .. shown.Select(records => string.Join(',', TileRecordCache.Signature(records, tile)))]));
                if (digest is not null && cards!.Has(Report.CardId(c), digest))
                {
                    candidates.Add(new ReportCandidate(c, [], null) { Digest = digest });  // copied from the last page
                    continue;
                }
                var info = StampInfo.TryRead(Path.Combine(folder, TileStamps.InfoFile(c["number"])));
                candidates.Add(new ReportCandidate(c, Report.Strip(folder, c, info, otherPlates.Of(tile, c["number"])), info) { Digest = digest });
                continue;
            }
            if (current.Tile != tile)
            {
                var clean = PreprocessStep.Clean.PathIn(masks, tile);
                current = (tile, File.Exists(clean) ? Report.PlateImage(clean) : null);
            }
            var image = current.Image;
            var stamp = image is { } im ? Report.Stamp(im.Pixels, im.Width, im.Height, Report.Number(c["x_image"]), Report.Number(c["y_image"])) : null;
            candidates.Add(new ReportCandidate(c, stamp is null ? [] : [new StripStamp("POSS-I red", stamp, "the clean plate, 61x61 pixels, square-root stretch (made by step 9: step 8 made no stamps for this run).", false)], null));
        }
        var plots = Directory.GetFiles(summariesDir, "hist_*.png").Order(StringComparer.Ordinal).Select(p => (Path.GetFileNameWithoutExtension(p), File.ReadAllBytes(p))).ToList();
        var reg = Path.Combine(summariesDir, "candidates.reg");
        var ecsv = Path.Combine(summariesDir, "candidates.ecsv");
        var vot = Path.Combine(summariesDir, "candidates.vot");
        AtomicFile.WriteAllText(vot, Report.VoTable(runId, header, cells));
        AtomicFile.WriteAllText(reg, Report.Ds9Regions(cells));
        AtomicFile.WriteAllText(ecsv, Report.Ecsv(header, cells));
        AtomicFile.Write(html, stream =>
        {
            using var page = new StreamWriter(stream, new UTF8Encoding(encoderShouldEmitUTF8Identifier: false), 1 << 16, leaveOpen: true);
            Report.WriteHtml(page, runId, summaryMarkdown, plots, candidates, links, failedTiles, funnel, cards);
        });
        cards?.Save(html);
        return [html, reg, ecsv, vot];
    }

    /// <summary>
    /// The second look's stamps of the other plates (OtherPlatesStep: &lt;tile&gt;.plates.csv names each measured plate's stamp), for
    /// the cards' strips; none when the run has no such step. One tile's table in memory at a time: candidates.csv lists a tile's candidates together.
    /// </summary>
    sealed class OtherPlateStamps(IReadOnlyList<StepDeclaration> steps)
    {
        readonly StepDeclaration? _step = steps.FirstOrDefault(s => s.Name == OtherPlatesStep.Contract.Name);
        (string Tile, IReadOnlyList<IReadOnlyDictionary<string, string>> Rows) _current = ("", []);

        public IReadOnlyList<(string Label, string Png, string Caption)> Of(string tile, string number)
        {
            if (_step is null) return [];
            if (_current.Tile != tile)
            {
                var table = OtherPlatesStep.Plates.PathIn(_step.OutputDir, tile);
                _current = (tile, File.Exists(table) ? PlainCsv.Read(table).Records() : []);
            }
            static string Get(IReadOnlyDictionary<string, string> r, string k) => r.TryGetValue(k, out var v) ? v : "";
            return _current.Rows.Where(r => Get(r, "number") == number).Select(r =>
            {
                var label = Download.PlateSurvey.Find(Get(r, "survey"))?.Label ?? Get(r, "survey");
                // A plate not measured keeps its place in the strip, saying why (not fetched: offline; no plate; not registered).
                if (Get(r, "status") != "measured" || Get(r, "stamp").Length == 0)
                    return (label, "", StatusInWords(Get(r, "status")));
                var hours = double.TryParse(Get(r, "hours_from_red"), System.Globalization.NumberStyles.Float, System.Globalization.CultureInfo.InvariantCulture, out var h) ? h : double.NaN;
                var when = Math.Abs(hours) < 48 ? string.Create(System.Globalization.CultureInfo.InvariantCulture, $"{Math.Abs(hours):0.0} h {(hours < 0 ? "before" : "after")} the red plate")
                    : $"epoch {Report.Cell("plate_epoch", Get(r, "epoch"))}";
                var caption = $"plate {Get(r, "plate_label")}, {when}; SNR {Report.Cell("snr_win", Get(r, "snr"))} at the candidate (the second look's forced photometry). "
                    + "61x61 pixels of that scan, on its own pixel grid and scale.";
                return (label, Path.Combine(_step.OutputDir, Get(r, "stamp")), caption);
            }).ToList();
        }

        /// <summary>"not_fetched:offline (...)" as "not fetched: offline (...)".</summary>
        static string StatusInWords(string status) =>
            status.IndexOf(':') is var colon and > 0 ? status[..colon].Replace('_', ' ') + ": " + status[(colon + 1)..] : status.Replace('_', ' ');
    }
}
