using System.Globalization;
using Vasco.IO;

namespace Vasco.Vetting;

/// <summary>A candidate of step 8 as the vetting stages see it: its tile, its SExtractor NUMBER, and its position (J2000 degrees, at the plate epoch).</summary>
public sealed record VettingCandidate(string TileId, string Number, double Ra, double Dec)
{
    /// <summary>Unique within a run: what a stage sends to an archive as the candidate's id.</summary>
    public string Key => TileId + ":" + Number;

    /// <summary>A tile's candidates from step 8's &lt;tile&gt;_candidates.csv (its columns number, ra, dec).</summary>
    public static IReadOnlyList<VettingCandidate> Read(string candidatesCsv, string tileId)
    {
        var csv = PlainCsv.Read(candidatesCsv);
        var (number, ra, dec) = (csv.IndexOf("number"), csv.IndexOf("ra"), csv.IndexOf("dec"));
        if (number < 0 || ra < 0 || dec < 0)
            throw new VascoException(ErrorCodes.VettingInputInvalid, $"Step 8's candidates of tile {tileId} ('{candidatesCsv}') lack the columns number, ra, dec.",
                "rebuild step 8 for this tile (-p:FromStep=8).", candidatesCsv);
        return csv.Rows.Select(r => new VettingCandidate(tileId, r[number],
            double.Parse(r[ra], NumberStyles.Float, CultureInfo.InvariantCulture), double.Parse(r[dec], NumberStyles.Float, CultureInfo.InvariantCulture))).ToList();
    }
}

/// <summary>A stage's verdict on one candidate: its status and the stage's own columns (what explains it).</summary>
public sealed record StageVerdict(string Status, IReadOnlyList<string> Details)
{
    public static StageVerdict Passed(int detailColumns) => new(VettingStatus.Passed, Enumerable.Repeat("", detailColumns).ToList());

    public static StageVerdict NotChecked(string why, int detailColumns) => new(VettingStatus.NotChecked(why), Enumerable.Repeat("", detailColumns).ToList());
}

/// <summary>
/// One stage's per-tile file: tile_id, number, ra, dec, status, then the stage's own columns. The run's candidates.csv
/// takes the status (as vet_&lt;stage&gt;) and the stage's columns from it.
/// </summary>
public static class StageTable
{
    public static readonly string[] KeyColumns = ["tile_id", "number", "ra", "dec", "status"];

    public static string Write(IReadOnlyList<VettingCandidate> candidates, IReadOnlyList<StageVerdict> verdicts, IReadOnlyList<string> detailColumns) =>
        CsvText.PlainTable(KeyColumns.Concat(detailColumns), candidates.Select((c, i) =>
            new[] { c.TileId, c.Number, CsvText.Number(c.Ra), CsvText.Number(c.Dec), verdicts[i].Status }.Concat(verdicts[i].Details.Select(VettingStatus.Cell))));

    /// <summary>A stage file read back: its detail columns, and per candidate number its status and details.</summary>
    public static (IReadOnlyList<string> DetailColumns, IReadOnlyDictionary<string, StageVerdict> ByNumber) Read(string path) => Parse(File.ReadAllText(path), path);

    /// <summary>A stage file's text (<paramref name="path"/>: where it came from, for errors), as <see cref="Read"/> reads it.</summary>
    public static (IReadOnlyList<string> DetailColumns, IReadOnlyDictionary<string, StageVerdict> ByNumber) Parse(string text, string path)
    {
        var csv = PlainCsv.Parse(text);
        var number = csv.IndexOf("number");
        var status = csv.IndexOf("status");
        if (number < 0 || status < 0 || csv.Header.Count < KeyColumns.Length)
            throw new VascoException(ErrorCodes.VettingInputInvalid, $"The vetting file '{path}' lacks the columns {string.Join(", ", KeyColumns)}.",
                "rebuild the vetting stages for this tile (-p:FromStep=8).", path);
        var details = csv.Header.Skip(KeyColumns.Length).ToList();
        var rows = new Dictionary<string, StageVerdict>(StringComparer.Ordinal);
        foreach (var r in csv.Rows) rows[r[number]] = new StageVerdict(r[status], r.Skip(KeyColumns.Length).ToList());
        return (details, rows);
    }
}
