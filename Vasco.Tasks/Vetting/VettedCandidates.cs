using System.Text;
using Vasco.IO;

namespace Vasco.Vetting;

/// <summary>One tile's share of the run's vetted list: step 8's candidates file, and each vetting stage's file for the tile by stage folder.</summary>
public sealed record VettedTile(string TileId, string CandidatesFile, IReadOnlyDictionary<string, string> StageFiles)
{
    /// <summary>The second look's file for the tile (its class per candidate, after the vetting's columns), when the run has one.</summary>
    public string? SecondLookFile { get; init; }

    /// <summary>
    /// What says the tile's files are as they were (the sizes and times of the records the steps wrote after them), for
    /// <see cref="VettedCandidates.Write"/>'s cache; null: always read.
    /// </summary>
    public long[]? Signature { get; init; }
}

/// <summary>What <see cref="VettedCandidates.Write"/> wrote: how many rows, each candidate's status per stage (for the funnel), and the not-checked counts per stage.</summary>
public sealed record VettedList(int Count, IReadOnlyList<IReadOnlyDictionary<string, string>> Statuses, IReadOnlyDictionary<string, int> NotCheckedByStage, int IrOnly)
{
    /// <summary>How many tiles gave at least one candidate.</summary>
    public int TilesWithCandidates { get; init; }

    /// <summary>Why, per stage: the distinct reasons candidates were not checked.</summary>
    public IReadOnlyDictionary<string, IReadOnlyList<string>> NotCheckedWhy { get; init; } = new Dictionary<string, IReadOnlyList<string>>();

    /// <summary>The second look's classes (empty without it), and why candidates were left undecided (distinct reasons).</summary>
    public IReadOnlyDictionary<string, int> Classes { get; init; } = new Dictionary<string, int>();
    public IReadOnlyList<string> UndecidedWhy { get; init; } = [];
}

/// <summary>
/// The run's candidates.csv with its vetting: step 8's columns, then per stage (in the funnel's order) its status
/// column (vet_archives, ..., earth_shadow) and its own columns, then the overall verdict (<c>vetting</c>). Every
/// selected source keeps its row; removed ones say by what. Also the ir_only list (the candidates only infrared
/// archives explain, with the archives named), as the paper kept its infrared-only sources.
/// </summary>
public static class VettedCandidates
{
    public const string OverallColumn = "vetting";
    /// <summary>The second look's class of a candidate (red_only, vanished, still_present, undecided), after the vetting.</summary>
    public const string ClassColumn = "classification";

    /// <summary>
    /// Writes the run's candidates.csv and ir_only.csv from the tiles' files (read <paramref name="maxParallel"/> tiles at a time),
    /// in the tiles' order. A tile without candidates adds no row, so its stages' files are not read, except the first tile's,
    /// which give the header: at 10,000 synthetic tiles, 8,349 had none, and their files were 58,000 of 80,000 read.
    /// </summary>
    /// With <paramref name="cacheFile"/>, a tile whose <see cref="VettedTile.Signature"/> is as it was last time is not read
    /// again but taken from the texts kept there (<see cref="TileTexts"/>).
    public static VettedList Write(string candidatesPath, string irOnlyPath, IReadOnlyList<VettedTile> tiles, IReadOnlyList<FunnelStage> stages, int maxParallel = 1,
        string? cacheFile = null)
    {
        var sb = new StringBuilder();
        var ir = new StringBuilder("tile_id,number,ra,dec,mag,archive_matches\n");
        var statuses = new List<IReadOnlyDictionary<string, string>>();
        var notChecked = stages.ToDictionary(s => s.Folder, _ => 0, StringComparer.Ordinal);
        var whys = stages.ToDictionary(s => s.Folder, _ => new SortedSet<string>(StringComparer.Ordinal), StringComparer.Ordinal);
        string[]? header = null;
        var irOnly = 0;
        var classes = new SortedDictionary<string, int>(StringComparer.Ordinal);
        var undecided = new SortedSet<string>(StringComparer.Ordinal);
        var read = new TileFiles[tiles.Count];
        var texts = new TileTexts.Tile[tiles.Count];
        var kept = cacheFile is null ? null : TileTexts.Load(cacheFile);
        var changed = new bool[tiles.Count];
        InParallel.For(tiles.Count, maxParallel, i =>
        {
            var tile = tiles[i];
            var files = (string?[])[tile.CandidatesFile, .. stages.Select(s => tile.StageFiles[s.Folder]), tile.SecondLookFile];
            var hit = kept is not null && kept.Tiles.TryGetValue(tile.TileId, out var k) && tile.Signature is { } signature && k.Signature.AsSpan().SequenceEqual(signature);
            var text = hit ? kept!.Tiles[tile.TileId].Texts : new string?[files.Length];
            var missing = text.Count(t => t is null);
            text[0] ??= File.ReadAllText(files[0]!);
            var candidates = PlainCsv.Parse(text[0]!);
            if (i == 0 || candidates.Rows.Count > 0)
                for (var n = 1; n < files.Length; n++)
                    if (files[n] is not null) text[n] ??= File.ReadAllText(files[n]!);
            changed[i] = !hit || text.Count(t => t is null) != missing;
            texts[i] = new(tile.TileId, tile.Signature ?? [], text);
            read[i] = i > 0 && candidates.Rows.Count == 0 ? new(candidates, null, default)
                : new(candidates, [.. stages.Select((s, n) => (s, StageTable.Parse(text[n + 1]!, files[n + 1]!)))], tile.SecondLookFile is { } f ? StageTable.Parse(text[^1]!, f) : default);
        });
        if (cacheFile is not null) TileTexts.Save(cacheFile, texts, changed, kept);
        foreach (var (tile, (candidates, stageTables, second)) in tiles.Zip(read))
        {
            if (stageTables is null) continue;
            var tileHeader = candidates.Header.Concat(stageTables.SelectMany(t => new[] { t.Stage.Column }.Concat(t.Table.DetailColumns))).Append(OverallColumn)
                .Concat(second.ByNumber is null ? [] : new[] { ClassColumn }.Concat(second.DetailColumns)).ToArray();
            if (header is null)
            {
                header = tileHeader;
                sb.Append(string.Join(',', header)).Append('\n');
            }
            else if (!header.SequenceEqual(tileHeader))
                throw new VascoException(ErrorCodes.VettingInputInvalid, $"Tile {tile.TileId}'s candidates or vetting files have other columns than the run's first tile's.",
                    "rebuild the run from step 8 (-p:FromStep=8), so that every tile's files come from the same pipeline.", tile.CandidatesFile);
            var number = candidates.IndexOf("number");
            foreach (var row in candidates.Rows)
            {
                var byStage = new Dictionary<string, string>(StringComparer.Ordinal);
                var cells = new List<string>(row);
                foreach (var (stage, table) in stageTables)
                {
                    var verdict = table.ByNumber.TryGetValue(row[number], out var v) ? v
                        : throw new VascoException(ErrorCodes.VettingInputInvalid, $"Tile {tile.TileId}: candidate {row[number]} is missing from {tile.StageFiles[stage.Folder]}.",
                            "rebuild the vetting stages for this tile (-p:FromStep=8).", tile.StageFiles[stage.Folder]);
                    byStage[stage.Folder] = verdict.Status;
                    if (VettingStatus.IsNotChecked(verdict.Status))
                    {
                        notChecked[stage.Folder]++;
                        whys[stage.Folder].Add(verdict.Status["not_checked:".Length..]);
                    }
                    cells.Add(verdict.Status);
                    cells.AddRange(verdict.Details);
                    if (stage.Folder == "archives" && verdict.Status == VettingStatus.Removed("ir_only"))
                    {
                        irOnly++;
                        string Cell(string c) => candidates.IndexOf(c) is var k and >= 0 ? row[k] : "";
                        ir.Append(string.Join(',', tile.TileId, row[number], Cell("ra"), Cell("dec"), Cell("mag"), verdict.Details.FirstOrDefault() ?? "")).Append('\n');
                    }
                }
                cells.Add(Funnel.Overall(byStage));
                if (second.ByNumber is not null)
                {
                    var look = second.ByNumber.TryGetValue(row[number], out var l) ? l
                        : throw new VascoException(ErrorCodes.VettingInputInvalid, $"Tile {tile.TileId}: candidate {row[number]} is missing from {tile.SecondLookFile}.",
                            "rebuild the second look for this tile (-p:FromStep=8).", tile.SecondLookFile);
                    cells.Add(look.Status);
                    cells.AddRange(look.Details);
                    classes[look.Status] = classes.GetValueOrDefault(look.Status) + 1;
                    if (look.Status == SecondLook.SecondLookClass.Undecided && look.Details.Count > 0) undecided.Add(look.Details[0]);
                }
                sb.Append(string.Join(',', cells)).Append('\n');
                statuses.Add(byStage);
            }
        }
        if (header is null) sb.Append(string.Join(',', Filtering.Candidates.Columns.Concat(stages.Select(s => s.Column)).Append(OverallColumn))).Append('\n');
        AtomicFile.WriteAllText(candidatesPath, sb.ToString());
        Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(irOnlyPath))!);
        AtomicFile.WriteAllText(irOnlyPath, ir.ToString());
        return new VettedList(statuses.Count, statuses, notChecked, irOnly)
        {
            TilesWithCandidates = read.Count(r => r.Candidates.Rows.Count > 0),
            NotCheckedWhy = whys.Where(w => w.Value.Count > 0).ToDictionary(w => w.Key, w => (IReadOnlyList<string>)w.Value.ToList(), StringComparer.Ordinal),
            Classes = classes,
            UndecidedWhy = undecided.ToList(),
        };
    }

    /// <summary>
    /// The texts of each tile's files as last read (candidates, each stage's, the second look's; null for one not read), with
    /// the tile's signature then: at 10,000 tiles, reading some 23,000 small files took about a second of every build that
    /// changed a tile. Kept in the run's obj/ folder; a cache written by another build of Vasco's code, or unreadable, is ignored.
    /// </summary>
    public static class TileTexts
    {
        static readonly string Header = CacheFile.Header("vasco-vetted-tiles/2");

        public sealed record Tile(string TileId, long[] Signature, string?[] Texts);

        /// <summary>The cached tiles by id, and what was read of the file (for appending to it).</summary>
        public sealed record Loaded(Dictionary<string, Tile> Tiles, AppendedCache.State State);

        public static Loaded? Load(string path)
        {
            using var file = AppendedCache.Open(path, Header);
            if (file is null) return null;
            try
            {
                var tiles = new Dictionary<string, Tile>(StringComparer.Ordinal);
                foreach (var part in file.Parts)
                {
                    using var reader = new BinaryReader(AppendedCache.StreamOf(part), System.Text.Encoding.UTF8);
                    for (var n = CacheFile.Count(reader); n > 0; n--)
                    {
                        var id = reader.ReadString();
                        var signature = new long[CacheFile.Count(reader)];
                        for (var i = 0; i < signature.Length; i++) signature[i] = reader.ReadInt64();
                        var texts = new string?[CacheFile.Count(reader)];
                        for (var i = 0; i < texts.Length; i++) texts[i] = reader.ReadBoolean() ? reader.ReadString() : null;
                        tiles[id] = new(id, signature, texts);
                    }
                }
                return new(tiles, file.State);
            }
            catch (Exception e) when (e is IOException or InvalidDataException or FormatException or ArgumentException or OverflowException)
            {
                return null;  // no cache: every tile is read
            }
        }

        /// <summary>
        /// Keeps the tiles that have a signature: those <paramref name="changed"/> since <paramref name="from"/> appended to it,
        /// or all written whole (no cache read, or a tile of it no longer among <paramref name="tiles"/>).
        /// </summary>
        public static void Save(string path, IReadOnlyList<Tile> tiles, IReadOnlyList<bool> changed, Loaded? from)
        {
            var present = from is null ? 0 : tiles.Count(t => from.Tiles.ContainsKey(t.TileId));
            AppendedCache.Write(path, Header, from?.State, wholeRequired: from is null || present < from.Tiles.Count,
                w => Write(w, tiles.Where((_, i) => changed[i])), w => Write(w, tiles));
        }

        static void Write(BinaryWriter w, IEnumerable<Tile> tiles)
        {
            var list = tiles.Where(t => t.Signature.Length > 0).ToList();
            w.Write(list.Count);
            foreach (var t in list)
            {
                w.Write(t.TileId);
                w.Write(t.Signature.Length);
                foreach (var v in t.Signature) w.Write(v);
                w.Write(t.Texts.Length);
                foreach (var text in t.Texts)
                {
                    w.Write(text is not null);
                    if (text is not null) w.Write(text);
                }
            }
        }
    }

    /// <summary>A tile's files as read; no stage tables for a tile without candidates (but the first).</summary>
    sealed record TileFiles(PlainCsv Candidates, List<(FunnelStage Stage, (IReadOnlyList<string> DetailColumns, IReadOnlyDictionary<string, StageVerdict> ByNumber) Table)>? StageTables,
        (IReadOnlyList<string> DetailColumns, IReadOnlyDictionary<string, StageVerdict> ByNumber) Second);
}
