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
        // Step 8 decided which tiles are current; the summaries count only those, as candidates.csv does.
        var filterManifest = Path.Combine(Path.GetDirectoryName(Path.GetFullPath(candidatesFile))!, "filter.manifest.json");
        var filterRecord = Manifest.TryRead(filterManifest);
        var notCurrent = filterRecord?.FailedTiles
            ?? throw new VascoException(ErrorCodes.TileFailed, $"step 8's {RunPaths.Relative(runDir, filterManifest)} is missing or unreadable, so no tile is known to be current.",
                "build the run again (step 8 writes it after its tiles).", filterManifest);
        // The report's cards (each a row of candidates.csv with its stamps, or a copy of the last page's) and its tables
        // need nothing of the summaries: made on the other core while the tiles' figures are gathered and plotted.
        var draft = Task.Run(() => ReportDraft.Make(runId, summariesDir, steps, candidatesFile, config.Links, files.StampDir.Length > 0 ? files.StampDir : null));
        // What is written on the other core (the tiles' cache, summary.csv, the plots): waited for before the step ends,
        // failed or not, so a failed step leaves nothing writing behind it.
        var behind = new List<Task> { draft };
        try { return Summarize(); }
        catch
        {
            try { Task.WaitAll([.. behind]); } catch (AggregateException) { }
            if (draft.IsCompletedSuccessfully) draft.Result.Dispose();
            throw;
        }

        Result Summarize()
        {
            var data = RunSummary.LeaveOut(RunSummary.Collect(steps, tiles, t => Pass2Step.Catalog.PathOf(env.Steps, t), parallel, cacheFile.Length > 0 ? cacheFile : null,
                files.StampDir.Length > 0 ? files.StampDir : null, behind), notCurrent);
            var figures = data.Select(d => d.Figures).ToList();
            var histograms = RunSummary.Histograms(data);

            var manifest = new Manifest { Step = "Summarize", StepNumber = 9, RunId = runId, StartedUtc = started };
            var csv = Path.Combine(summariesDir, "summary.csv");
            var binsPath = Path.Combine(summariesDir, "histograms.csv");
            var md = Path.Combine(summariesDir, "summary.md");
            string[] reportFiles;
            FileRecord? pageRecord;
            using (var report = draft.GetAwaiter().GetResult())
            {
                // summary.csv and the plots beside the summary and the page's head: the longest writes of the summaries
                // but the page, which needs the plots only when it reaches them.
                var summaryCsv = Task.Run(() => AtomicFile.WriteAllText(csv, RunSummary.Csv(runId, figures)));
                behind.Add(summaryCsv);
                var plots = Task.Run(() => histograms.Select(h =>
                {
                    var png = Path.Combine(summariesDir, $"hist_{h.Quantity.ToLowerInvariant()}.png");
                    h.SavePng(png, $"{h.Quantity} of the {h.Total} pass-2 sources of run {runId}");
                    return FileRecord.Of(png, runDir);
                }).ToList());
                behind.Add(plots);
                var bins = new StringBuilder("quantity,bin_low,bin_high,count\n");
                foreach (var h in histograms)
                {
                    h.AppendCsv(bins);
                    manifest.Counts[$"histogram_{h.Quantity.ToLowerInvariant()}_sources"] = h.Total;
                }
                AtomicFile.WriteAllText(binsPath, bins.ToString());
                // The vetting funnel step 8 wrote beside candidates.csv (its manifest names the file).
                var funnelFile = filterRecord!.Outputs.Select(o => Path.Combine(runDir, o.Path)).FirstOrDefault(p => Path.GetFileName(p) == "funnel.csv" && File.Exists(p));
                var funnel = funnelFile is null ? null : PlainCsv.Read(funnelFile).Records();
                if (funnelFile is not null) manifest.Inputs.Add(FileRecord.Of(funnelFile, runDir));
                var markdown = RunSummary.Markdown(runId, figures, histograms, report.Rows, funnel);
                AtomicFile.WriteAllText(md, markdown);
                // The page shows the plots, not summary.csv: that one is waited for with the rest of what is behind.
                manifest.Outputs.AddRange(plots.GetAwaiter().GetResult());
                report.WritePage(runDir, markdown, figures.Where(f => f.Failure is not null).Select(f => (f.TileId, f.Failure!)).ToList(), funnel);
                (reportFiles, pageRecord) = (report.Files, report.PageRecord);
            }
            var dashboardRows = !File.Exists(candidatesFile) ? 0
                : dashboardFile.Length > 0 ? Dashboard.Update(dashboardFile, runId, candidatesFile)
                : File.ReadLines(candidatesFile).Skip(1).Count(l => l.Length > 0);

            foreach (var path in new[] { md, csv, binsPath, dashboardFile }.Concat(reportFiles).Where(p => p.Length > 0 && File.Exists(p)))
                manifest.Outputs.Add(path == reportFiles[0] && pageRecord is not null ? pageRecord : FileRecord.Of(path, runDir));
            if (File.Exists(candidatesFile)) manifest.Inputs.Add(FileRecord.Of(candidatesFile, runDir));
            manifest.Counts["tiles"] = tiles.Count;
            manifest.Counts["tiles_failed"] = figures.Count(f => f.Status != "ok");
            manifest.Counts["candidates"] = dashboardRows;
            foreach (var f in figures.Where(f => f.Failure is not null)) manifest.FailedTiles.Add(new FailedTile(f.TileId, ErrorCodes.TileFailed, f.Failure!));
            manifest.Status = manifest.FailedTiles.Count == 0 ? "ok" : "partial";
            manifest.Fields["summary_paths"] = new[] { md, csv, binsPath }.Select(p => RunPaths.Relative(runDir, p)).ToList();
            manifest.Fields["plots_emitted"] = histograms.Select(h => $"hist_{h.Quantity.ToLowerInvariant()}.png").ToList();
            Task.WaitAll([.. behind]);
            manifest.FinishedUtc = DateTimeOffset.UtcNow;
            manifest.ElapsedSeconds = Math.Round((manifest.FinishedUtc - started).TotalSeconds, 3);
            manifest.Write(Path.Combine(summariesDir, StepManifests.FileName));
            return new Result(md, reportFiles[0], tiles.Count, dashboardRows);
        }
    }

    /// <summary>
    /// report.html (with a plate stamp per candidate), candidates.reg (DS9), candidates.vot (TOPCAT) and candidates.ecsv (astropy):
    /// the tables and the cards first (<see cref="Make"/>), the page once the summary it opens with is written (<see cref="WritePage"/>).
    /// </summary>
    sealed class ReportDraft : IDisposable
    {
        readonly string _runId, _summariesDir, _html;
        readonly ReportLinks _links;
        readonly List<ReportCandidate> _candidates;
        readonly PageCards? _cards;

        ReportDraft(string runId, string summariesDir, ReportLinks links, IReadOnlyList<IReadOnlyDictionary<string, string>> rows, List<ReportCandidate> candidates, PageCards? cards)
        {
            (_runId, _summariesDir, _links, Rows, _candidates, _cards) = (runId, summariesDir, links, rows, candidates, cards);
            _html = Path.Combine(summariesDir, "report.html");
            Files = [_html, Path.Combine(summariesDir, "candidates.reg"), Path.Combine(summariesDir, "candidates.ecsv"), Path.Combine(summariesDir, "candidates.vot")];
        }

        /// <summary>candidates.csv's rows, as the cards show them.</summary>
        public IReadOnlyList<IReadOnlyDictionary<string, string>> Rows { get; }
        /// <summary>report.html, candidates.reg, candidates.ecsv, candidates.vot.</summary>
        public string[] Files { get; }

        public static ReportDraft Make(string runId, string summariesDir, IReadOnlyList<StepDeclaration> steps, string candidatesFile, ReportLinks links, string? stampDir)
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
            var cards = stampDir is null ? null : PageCards.Open(stampDir, Path.Combine(summariesDir, "report.html"));
            try
            {
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
                var draft = new ReportDraft(runId, summariesDir, links, cells, candidates, cards);
                AtomicFile.WriteAllText(draft.Files[3], Report.VoTable(runId, header, cells));
                AtomicFile.WriteAllText(draft.Files[1], Report.Ds9Regions(cells));
                AtomicFile.WriteAllText(draft.Files[2], Report.Ecsv(header, cells));
                return draft;
            }
            catch
            {
                cards?.Dispose();
                throw;
            }
        }

        /// <summary>report.html: the summary, the step's plots (hist_*.png, written before), the funnel, the cards.</summary>
        public void WritePage(string runDir, string summaryMarkdown, IReadOnlyList<(string, string)> failedTiles, IReadOnlyList<IReadOnlyDictionary<string, string>>? funnel)
        {
            var plots = Directory.GetFiles(_summariesDir, "hist_*.png").Order(StringComparer.Ordinal).Select(p => (Path.GetFileNameWithoutExtension(p), File.ReadAllBytes(p))).ToList();
            AtomicFile.Write(_html, stream =>
            {
                // Hashed as it is written: reading 66 MB back for the manifest took longer than writing it.
                using var hashed = new HashingStream(stream);
                using (var page = new StreamWriter(hashed, new UTF8Encoding(encoderShouldEmitUTF8Identifier: false), 1 << 16, leaveOpen: true))
                    Report.WriteHtml(page, _runId, summaryMarkdown, plots, _candidates, _links, failedTiles, funnel, _cards);
                PageRecord = new FileRecord(RunPaths.Relative(runDir, _html), hashed.Length, hashed.Sha256);
            });
            _cards?.Save(_html);
        }

        /// <summary>report.html's record for the manifest, once <see cref="WritePage"/> wrote it.</summary>
        public FileRecord? PageRecord { get; private set; }

        public void Dispose() => _cards?.Dispose();
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
