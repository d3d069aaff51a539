using System.Globalization;
using System.Text;
using Vasco.Extraction;
using Vasco.Pipeline;
using Vasco.Filtering;
using Vasco.IO;

namespace Vasco.Summaries;

/// <summary>One tile's figures across the steps, read from the steps' per-tile manifests.</summary>
public sealed record TileFigures(string TileId, string Status, string? Failure, IReadOnlyDictionary<string, double> Values, double Seconds);

/// <summary>
/// What step 9 reads of a tile: its figures, and of its pass-2 sources (none without a catalog) the FWHM_IMAGE and SNR_WIN
/// histograms' counts (their bins are fixed: <see cref="RunSummary.FwhmBins"/>, <see cref="RunSummary.SnrBins"/>) and MAG_AUTO's
/// finite values (its bins come from the whole run's percentiles). Counts, not values: at 10,000 tiles the values were 53 MB
/// of new memory in every build, where a tile's counts are 400 bytes.
/// </summary>
public sealed record TileData(TileFigures Figures, int[] FwhmCounts, double[] Mag, int[] SnrCounts)
{
    /// <summary>A tile's share of the histograms, from its pass-2 columns (read for it alone: <paramref name="snr"/> becomes its log10).</summary>
    public static TileData Of(TileFigures figures, double[] fwhm, double[] mag, double[] snr)
    {
        for (var i = 0; i < snr.Length; i++) snr[i] = snr[i] > 0 ? Math.Log10(snr[i]) : double.NaN;
        return new(figures, RunSummary.FwhmBins.CountsOf(fwhm), [.. mag.Where(double.IsFinite)], RunSummary.SnrBins.CountsOf(snr));
    }

    /// <summary>No pass-2 sources (no catalog, or a tile left out).</summary>
    public static TileData Without(TileFigures figures) => new(figures, [], [], []);
}

/// <summary>
/// Step 9: the run's summary.md and summary.csv (per tile and per run: detections per pass,
/// PSF stars and FWHM, catalog rows, matched and unmatched, kept and dropped per criterion,
/// candidates, failures with reasons, timings), histograms of FWHM_IMAGE, MAG_AUTO and
/// SNR_WIN as PNG and as data.
/// </summary>
public static class RunSummary
{
    /// <summary>The summary.csv columns after scope, tile_id, status (a stable schema: only add at the end).</summary>
    public static readonly string[] Columns =
    [
        "detections_p1", "detections_p2", "psf_stars", "psf_fwhm_px", "catalog_rows", "matched", "unmatched_local", "unmatched_cdss",
        "kept", .. Selection.Order.Select(c => "dropped_" + c), "candidates", "seconds",
    ];

    /// <summary>
    /// Each tile's figures and pass-2 columns (<paramref name="pass2CatalogOf"/>: a tile's pass-2 catalog), in the order of <paramref name="tileIds"/>, read <paramref name="maxParallel"/>
    /// tiles at a time; with a <paramref name="cacheFile"/>, only the tiles whose files changed since the last time (<see cref="SummaryCache"/>).
    /// </summary>
    /// With <paramref name="stampDir"/>, the records' sizes and times come from the steps' folders as the build left them
    /// (<see cref="TileRecords.Snapshot"/>), not from a query of each. With <paramref name="behind"/>, the cache is saved on
    /// the other core (the task is added there, for the caller to wait for), else before this returns.
    public static IReadOnlyList<TileData> Collect(IReadOnlyList<StepDeclaration> steps, IReadOnlyList<string> tileIds, Func<string, string> pass2CatalogOf,
        int maxParallel = 1, string? cacheFile = null, string? stampDir = null, List<Task>? behind = null)
    {
        var perTile = steps.Where(s => s.PerTile).OrderBy(s => s.Number).ToList();
        // The cache and the steps' listings (a dozen files of 10,000 lines each at 10,000 tiles), read on every core.
        var loaded = Task.Run(() => cacheFile is null ? null : SummaryCache.Load(cacheFile));
        var records = stampDir is null ? null : new Dictionary<string, FolderListing.Dated>[perTile.Count];
        if (records is not null) InParallel.For(perTile.Count, maxParallel, i => records[i] = TileRecords.Listed(perTile[i], stampDir!));
        var last = loaded.GetAwaiter().GetResult();
        var cache = last?.Tiles ?? [];
        var result = new (long[] Signature, TileData Data)[tileIds.Count];
        // Eight manifests and a catalog a tile: 90,000 files at 10,000 tiles, on every build that changed a tile.
        InParallel.For(tileIds.Count, maxParallel, i =>
        {
            var tile = tileIds[i];
            var catalog = pass2CatalogOf(tile);
            var signature = records is null ? SummaryCache.Signature(perTile.Select(step => ManifestOrFailure(step, tile)).Append(new FileInfo(catalog)))
                : [.. records.SelectMany(r => RecordSignature(r, tile)), .. SummaryCache.Signature([new FileInfo(catalog)])];
            result[i] = cache.TryGetValue(tile, out var hit) && hit.Signature.AsSpan().SequenceEqual(signature) ? hit
                : (signature, Read(perTile, tile, catalog));
        });
        if (cacheFile is not null)
        {
            void Save()
            {
                try { SummaryCache.Save(cacheFile, result, last); }
                catch (Exception e) when (e is IOException or UnauthorizedAccessException) { }  // only a cache: the next step 9 reads every tile
            }
            if (behind is null) Save();
            else behind.Add(Task.Run(Save));
        }
        return result.Select(r => r.Data).ToList();
    }

    /// <summary>
    /// The tiles step 8 left out of the run's candidates (failed, skipped, or not current: <see cref="CurrentTiles"/>)
    /// marked failed with step 8's reason, their pass-2 columns dropped: no run-level figure counts them.
    /// </summary>
    public static IReadOnlyList<TileData> LeaveOut(IReadOnlyList<TileData> tiles, IEnumerable<FailedTile> notCurrent)
    {
        var reasons = notCurrent.ToDictionary(f => f.TileId, f => $"{f.Code} {f.Reason}", StringComparer.Ordinal);
        return tiles.Select(t => reasons.TryGetValue(t.Figures.TileId, out var why)
            ? TileData.Without(t.Figures with { Status = "failed", Failure = why })
            : t).ToList();
    }

    /// <summary>As <see cref="SummaryCache.Signature"/> of <see cref="ManifestOrFailure"/>, from a listing of the step's records.</summary>
    static long[] RecordSignature(Dictionary<string, FolderListing.Dated> records, string tile) =>
        records.TryGetValue(tile + TileRecords.ManifestSuffix, out var f) || records.TryGetValue(tile + TileRecords.FailedSuffix, out f)
            ? [f.Bytes, f.LastWriteUtc.Ticks] : [-1, -1];

    /// <summary>The file <see cref="Figures"/> reads of a step: the tile's manifest, or its failure record when there is none.</summary>
    static FileInfo ManifestOrFailure(StepDeclaration step, string tile)
    {
        var manifest = new FileInfo(TileRecords.ManifestPath(step.OutputDir, tile));
        return manifest.Exists ? manifest : new FileInfo(TileRecords.FailedPath(step.OutputDir, tile));
    }

    /// <summary>A tile's figures, and FWHM_IMAGE, MAG_AUTO and SNR_WIN of its pass-2 catalog (none when it is missing).</summary>
    static TileData Read(IReadOnlyList<StepDeclaration> perTileSteps, string tile, string catalog)
    {
        var figures = Figures(perTileSteps, tile);
        if (!File.Exists(catalog)) return TileData.Without(figures);
        var c = LdacCatalog.Read(catalog);
        return TileData.Of(figures, c.Column("FWHM_IMAGE"), c.Column("MAG_AUTO"), c.Column("SNR_WIN"));
    }

    static TileFigures Figures(IReadOnlyList<StepDeclaration> perTileSteps, string tile)
    {
        var values = new Dictionary<string, double>(StringComparer.Ordinal);
        string? failure = null;
        double seconds = 0;
        foreach (var step in perTileSteps)
        {
            var m = ManifestFigures.TryRead(TileRecords.ManifestPath(step.OutputDir, tile));
            if (m is null)
            {
                var failed = Manifest.TryRead(TileRecords.FailedPath(step.OutputDir, tile));
                failure ??= failed?.FailedTiles.FirstOrDefault() is { } f ? $"{f.Code} {step.Name}: {f.Reason}" : $"{step.Name}: not built";
                continue;
            }
            seconds += m.ElapsedSeconds;
            double C(string k) => m.Counts.GetValueOrDefault(k, double.NaN);
            switch (step.Name)
            {
                case "Pass1": values["detections_p1"] = C("objects_detected"); break;
                case "Pass2": values["detections_p2"] = C("objects_detected"); break;
                case "Psf":
                    values["psf_stars"] = C("stars_used");
                    values["psf_fwhm_px"] = m.Numbers.GetValueOrDefault("model_quality.fwhm_pixels", double.NaN);
                    break;
                case "External": values["catalog_rows"] = m.Counts.Where(c => c.Key.StartsWith("rows_", StringComparison.Ordinal)).Sum(c => c.Value); break;
                case "CrossMatch":
                    values["matched"] = C("matched_count");
                    values["unmatched_local"] = C("unmatched_local");
                    values["unmatched_cdss"] = C("unmatched_cdss");
                    break;
                case "Filter":
                    values["kept"] = C("kept_count");
                    values["candidates"] = C("kept_count");
                    foreach (var c in Selection.Order) values["dropped_" + c] = C("dropped_" + c);
                    break;
            }
        }
        return new TileFigures(tile, failure is null ? "ok" : "failed", failure, values, Math.Round(seconds, 3));
    }

    public static string Csv(string runId, IReadOnlyList<TileFigures> tiles)
    {
        var rows = tiles.Select(t => new[] { "tile", t.TileId, t.Status }
            .Concat(Columns.Select(c => c == "seconds" ? F(t.Seconds) : F(t.Values.GetValueOrDefault(c, double.NaN))))
            .Append(CsvText.QuotedCell(t.Failure ?? "")));
        // The run's figures are those of its complete tiles: a failed tile's partial figures are in its own row.
        var ok = tiles.Where(t => t.Status == "ok").ToList();
        var run = new[] { "run", runId, tiles.All(t => t.Status == "ok") ? "ok" : "partial" }
            .Concat(Columns.Select(c => c == "seconds" ? F(tiles.Sum(t => t.Seconds))
                : c == "psf_fwhm_px" ? F(Median(ok.Select(t => t.Values.GetValueOrDefault(c, double.NaN))))
                : F(ok.Sum(t => t.Values.TryGetValue(c, out var v) && double.IsFinite(v) ? v : 0))))
            .Append(tiles.Count(t => t.Status != "ok").ToString(CultureInfo.InvariantCulture) + " failed");
        return CsvText.PlainTable(["scope", "tile_id", "status", .. Columns, "failure"], rows.Append(run));
    }

    public static string Markdown(string runId, IReadOnlyList<TileFigures> tiles, IReadOnlyList<Histogram> histograms, IReadOnlyList<IReadOnlyDictionary<string, string>> candidateRows,
        IReadOnlyList<IReadOnlyDictionary<string, string>>? funnel = null)
    {
        // The run's figures, summed over its complete tiles once (not once per figure: 10,000 tiles, twenty figures).
        var totals = new Dictionary<string, double>(StringComparer.Ordinal);
        foreach (var t in tiles.Where(t => t.Status == "ok"))
            foreach (var (k, v) in t.Values)
                if (double.IsFinite(v)) totals[k] = totals.GetValueOrDefault(k) + v;
        double Sum(string c) => totals.GetValueOrDefault(c);
        var sb = new StringBuilder();
        sb.Append($"# Vasco run {runId}\n\n");
        sb.Append($"{tiles.Count} tile(s), {tiles.Count(t => t.Status == "ok")} complete, {tiles.Count(t => t.Status != "ok")} failed; ");
        sb.Append($"**{Sum("candidates"):0} candidate(s)** (data/filter/{runId}/candidates.csv).\n\n");
        sb.Append("| | pass 1 | pass 2 | PSF stars | modern rows | matched | unmatched | kept |\n|---|---|---|---|---|---|---|---|\n");
        sb.Append($"| run | {Sum("detections_p1"):0} | {Sum("detections_p2"):0} | {Sum("psf_stars"):0} | {Sum("catalog_rows"):0} | {Sum("matched"):0} | {Sum("unmatched_local"):0} | {Sum("kept"):0} |\n");
        foreach (var t in tiles.Take(200))
        {
            string V(string c) => t.Values.TryGetValue(c, out var v) && double.IsFinite(v) ? v.ToString("0", CultureInfo.InvariantCulture) : "-";
            sb.Append($"| {t.TileId} | {V("detections_p1")} | {V("detections_p2")} | {V("psf_stars")} | {V("catalog_rows")} | {V("matched")} | {V("unmatched_local")} | {V("kept")} |\n");
        }
        if (tiles.Count > 200) sb.Append($"\n({tiles.Count - 200} more tiles in summary.csv)\n");
        sb.Append("\n## Selection\n\n| criterion | dropped |\n|---|---|\n");
        foreach (var c in Selection.Order) sb.Append($"| {c} | {Sum("dropped_" + c):0} |\n");
        sb.Append($"| kept | {Sum("kept"):0} |\n");
        if (funnel is { Count: > 0 })
        {
            sb.Append("\n## Vetting funnel, beside Solano et al. (2022)\n\n");
            sb.Append("Each stage counts the candidates no earlier stage removed. *Not checked*: the stage could not look (offline, a service down, no data): those stay in, never counted as passed.\n\n");
            sb.Append("| stage | in | removed | out | by reason | not checked | paper: in | paper: removed | paper: out |\n|---|---|---|---|---|---|---|---|---|\n");
            foreach (var r in funnel)
                sb.Append($"| {r["stage"]} | {r["in"]} | {r["removed"]} | {r["out"]} | {r["removed_by_reason"].Replace(";", ", ")} | {r["not_checked"]} | {r["paper_in"]} | {r["paper_removed"]} | {r["paper_out"]} |\n");
        }
        var failed = tiles.Where(t => t.Failure is not null).ToList();
        sb.Append("\n## Failures\n\n").Append(failed.Count == 0 ? "None.\n" : string.Concat(failed.Select(t => $"- {t.TileId}: {t.Failure}\n")));
        sb.Append($"\nTimings: {tiles.Sum(t => t.Seconds):0.0} s of step work in all tiles.\n");
        sb.Append("\n## Candidates\n\n");
        if (candidateRows.Count == 0) sb.Append("None.\n");
        else
        {
            // Positions to 6 decimals, magnitudes to 2 (Report.Cell): candidates.csv has every column in full.
            sb.Append("| tile | number | ra | dec | mag | snr_win | vetting |\n|---|---|---|---|---|---|---|\n");
            foreach (var c in candidateRows.Take(100))
                sb.Append("| ").AppendJoin(" | ", new[] { "tile_id", "number", "ra", "dec", "mag", "snr_win", "vetting" }.Select(k => Report.Cell(k, c.TryGetValue(k, out var v) ? v : ""))).Append(" |\n");
            if (candidateRows.Count > 100) sb.Append($"\n{candidateRows.Count - 100} more in candidates.csv.\n");
        }
        sb.Append("\n## Distributions of the pass-2 sources\n\n");
        foreach (var h in histograms)
            sb.Append($"![{h.Quantity}](hist_{h.Quantity.ToLowerInvariant()}.png)\n\n{h.Total} sources, bins in histograms.csv.\n\n");
        return sb.ToString();
    }

    /// <summary>FWHM_IMAGE's bins, in pixels.</summary>
    public static readonly Histogram.Bins FwhmBins = new(0, 15, 60);
    /// <summary>SNR_WIN's bins, in log10 of the ratio.</summary>
    public static readonly Histogram.Bins SnrBins = new(0, 4, 40);

    /// <summary>Histograms of FWHM_IMAGE, MAG_AUTO and SNR_WIN over every pass-2 source of the run.</summary>
    public static IReadOnlyList<Histogram> Histograms(IReadOnlyList<TileData> tiles)
    {
        var mag = new double[tiles.Sum(t => t.Mag.Length)];
        var at = 0;
        foreach (var t in tiles)
        {
            t.Mag.CopyTo(mag, at);
            at += t.Mag.Length;
        }
        return
        [
            Histogram.Sum("FWHM_IMAGE", "px", FwhmBins, tiles.Select(t => t.FwhmCounts)),
            Histogram.OverRangeOfFinite("MAG_AUTO", "mag, instrumental", mag, 40),
            Histogram.Sum("SNR_WIN", "log10", SnrBins, tiles.Select(t => t.SnrCounts)),
        ];
    }

    static double Median(IEnumerable<double> values) => Selection.Median(values.Where(double.IsFinite).ToArray());
    static string F(double v) => double.IsFinite(v) ? CsvText.Number(v) : "";
}

/// <summary>
/// dashboard/anomalies_minimal.csv: every run's candidates, one row each, accumulated across
/// runs: a run's rows are replaced, never duplicated, when it is rebuilt. The schema is
/// stable (a test pins it): columns may only be added at the end.
/// </summary>
public static class Dashboard
{
    public static readonly string[] Columns = ["run_id", "tile_id", "number", "ra", "dec", "mag", "snr_win", "fwhm_image", "plate_id", "plate_epoch"];

    /// <summary>Removes a run's rows (a run whose outputs were withdrawn); returns how many there were.</summary>
    public static int Remove(string path, string runId)
    {
        if (!File.Exists(path)) return 0;
        var lines = File.ReadAllLines(path);
        var kept = lines.Take(1).Concat(lines.Skip(1).Where(l => l.Length > 0 && l.Split(',')[0] != runId)).ToList();
        if (kept.Count == lines.Count(l => l.Length > 0)) return 0;
        AtomicFile.WriteAllText(path, string.Concat(kept.Select(l => l + "\n")));
        return lines.Count(l => l.Length > 0) - kept.Count;
    }

    public static int Update(string path, string runId, string candidatesCsv)
    {
        var header = string.Join(',', Columns);
        var others = File.Exists(path)
            ? File.ReadAllLines(path).Skip(1).Where(l => l.Length > 0 && l.Split(',')[0] != runId).ToList()
            : [];
        var lines = File.ReadAllLines(candidatesCsv);
        var cols = lines[0].Split(',').ToList();
        var mine = lines.Skip(1).Where(l => l.Length > 0).Select(l =>
        {
            var f = l.Split(',');
            return string.Join(',', Columns.Select(c => c == "run_id" ? runId : f[cols.IndexOf(c)]));
        }).ToList();
        var all = others.Concat(mine).OrderBy(l => l, StringComparer.Ordinal);
        AtomicFile.WriteAllText(path, header + "\n" + string.Concat(all.Select(l => l + "\n")));
        return mine.Count;
    }
}

/// <summary>
/// Step 9's published files. When step 8 or 9 cannot finish (a full disk), they are withdrawn, with the run's rows of
/// the dashboard, rather than left to stand for a run they no longer describe; the next build writes them anew.
/// </summary>
public static class RunPublication
{
    static readonly string[] Files =
        ["manifest.json", "summary.md", "summary.csv", "histograms.csv", "report.html", "candidates.reg", "candidates.ecsv", "candidates.vot"];

    /// <summary>
    /// Before a build reruns any tile: the run's published results (steps 8 and 9, the dashboard's rows) no longer hold, and go
    /// until this build's steps 8 and 9 write them again; a build that stops before then leaves none standing. A run without
    /// steps 8 and 9 (extension steps only) has published nothing. The report is kept aside in the run's
    /// <paramref name="stampDir"/> (<see cref="PageCards.WithdrawnIn"/>), where step 9 copies its unchanged cards from.
    /// </summary>
    public static string? WithdrawBeforeRerun(IReadOnlyDictionary<string, StepDeclaration> steps, string runDir, string dashboardFile, string runId, string stampDir = "") =>
        steps.TryGetValue("Filter", out var filter) && steps.TryGetValue("Summarize", out var summarize)
            ? WithdrawAll(runDir, filter.ManifestDir, summarize.OutputDir, dashboardFile, runId, stampDir.Length > 0 ? PageCards.WithdrawnIn(stampDir) : null) : null;

    /// <summary>
    /// Step 8's run-level files too: candidates.csv, whatever else its manifest lists as written (the vetting's funnel.csv
    /// and ir_only.csv), and the manifest itself; before any tile reruns, so that a build stopped half way (a full disk, a
    /// kill) leaves no result of the run as it was; the build's own steps 8 and 9 publish again at its end.
    /// </summary>
    public static string? WithdrawAll(string runDir, string filterRunDir, string summariesDir, string dashboardFile, string runId, string? keepReportAs = null)
    {
        if (Directory.Exists(filterRunDir))
        {
            var manifest = Path.Combine(filterRunDir, "filter.manifest.json");
            foreach (var output in Manifest.TryRead(manifest)?.Outputs ?? [])
                if (File.Exists(Path.Combine(runDir, output.Path))) File.Delete(Path.Combine(runDir, output.Path));
            foreach (var f in new[] { manifest, Path.Combine(filterRunDir, "candidates.csv") }) File.Delete(f);
        }
        return Withdraw(summariesDir, dashboardFile, runId, keepReportAs);
    }

    /// <summary>
    /// Deletes the files (report.html moved to <paramref name="keepReportAs"/> instead, when given: out of the published
    /// folder); returns what could not be withdrawn (the dashboard's rows need room to rewrite it).
    /// </summary>
    public static string? Withdraw(string summariesDir, string dashboardFile, string runId, string? keepReportAs = null)
    {
        var report = Path.Combine(summariesDir, "report.html");
        if (keepReportAs is not null && File.Exists(report))
            try
            {
                Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(keepReportAs))!);
                File.Move(report, keepReportAs, overwrite: true);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException) { }  // deleted below
        if (Directory.Exists(summariesDir))
            foreach (var path in Files.Select(f => Path.Combine(summariesDir, f)).Concat(Directory.GetFiles(summariesDir, "hist_*.png")))
                File.Delete(path);
        if (dashboardFile.Length == 0) return null;
        try { Dashboard.Remove(dashboardFile, runId); return null; }
        catch (IOException e) { return $"{dashboardFile} still lists run {runId}'s earlier candidates: {e.Message}"; }
    }
}
