using System.Globalization;
using Vasco.IO;
using Vasco.Synthetic;
using Vasco.Vetting;

namespace Vasco.Recovery;

/// <summary>A vetting stage after step 8 (its folder under data/vetting/&lt;RunId&gt;/) and the planted class it exists to remove; null for a stage that only flags.</summary>
public sealed record VettingStage(string Folder, string? Class);

/// <summary>What one vetting stage said of one tile's candidates: each candidate's status (<see cref="VettingStatus"/>), by its SExtractor NUMBER.</summary>
public sealed record StageStatuses(string Stage, string File, IReadOnlyDictionary<int, string> ByNumber);

/// <summary>A planted source that step 8 kept: the candidate (by NUMBER) within <see cref="TileRecovery.MatchArcsec"/> of it.</summary>
public sealed record SelectedSource(string Class, string Id, int Number);

/// <summary>
/// What a recovery tile brings to the tally of the vetting stages: how many sources of each class were planted, which of
/// them step 8 kept (and as which candidate), what each candidate is, and what each stage that wrote a file for the
/// tile said. <see cref="Folder"/> is where the stages' files were looked for (empty: the tile named no folder).
/// </summary>
public sealed record TileVetting(string Folder, IReadOnlyDictionary<string, int> Planted, IReadOnlyList<SelectedSource> Selected,
    IReadOnlyDictionary<int, string> CandidateClass, IReadOnlyList<StageStatuses> Stages)
{
    /// <summary>What a candidate within 2" of no planted source is called in the tally.</summary>
    public const string Unplanted = "none";

    /// <summary>The classes tallied: the vanished sources (which no stage may remove), the movers, and the vetting classes.</summary>
    public static readonly IReadOnlyList<string> Classes = [SourceKind.Vanished, SourceKind.Mover, .. SourceKind.Vetting];
}

/// <summary>
/// The vetting stages' files: data/vetting/&lt;RunId&gt;/&lt;stage&gt;/&lt;tile_id&gt;.csv with at least the columns
/// tile_id, number (step 8's candidate NUMBER), ra, dec, status (passed, removed:REASON or not_checked:WHY).
/// </summary>
public static class VettingFiles
{
    /// <summary>The funnel's stages, each with the planted class it must remove (the shadow flag removes none).</summary>
    public static readonly IReadOnlyList<VettingStage> Stages = Funnel.Stages.Select(s => new VettingStage(s.Folder, s.Folder switch
    {
        "archives" => SourceKind.Infrared,
        "asteroids" => SourceKind.Asteroid,
        "variables" => SourceKind.Variable,
        "second-scan" => SourceKind.ScanArtefact,
        "motion" => SourceKind.Mover,
        _ => null,
    })).ToList();

    public static string PathOf(string folder, string stage, string tileId) => Path.Combine(folder, stage, tileId + ".csv");

    /// <summary>The files of the stages that wrote one for <paramref name="tileId"/> (none when <paramref name="folder"/> is empty).</summary>
    public static IReadOnlyList<StageStatuses> ReadTile(string folder, string tileId) =>
        string.IsNullOrEmpty(folder) ? []
        : Stages.Where(s => File.Exists(PathOf(folder, s.Folder, tileId))).Select(s => Read(s.Folder, PathOf(folder, s.Folder, tileId))).ToList();

    /// <summary>
    /// A stage's file of a tile (<see cref="StageTable"/>). A stage that removes must say passed, removed:REASON or
    /// not_checked:WHY of each candidate; the shadow flag says sunlit or in_umbra:KM instead.
    /// </summary>
    public static StageStatuses Read(string stage, string path)
    {
        IReadOnlyDictionary<string, StageVerdict> verdicts;
        try { verdicts = StageTable.Read(path).ByNumber; }
        catch (VascoException e) { throw Unreadable(path, 1, e.Message); }
        var flagOnly = Stages.First(s => s.Folder == stage).Class is null;
        var byNumber = new Dictionary<int, string>();
        var line = 1L;
        foreach (var (text, verdict) in verdicts)
        {
            line++;
            var status = verdict.Status;
            if (!int.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out var number))
                throw Unreadable(path, line, $"its number '{text}' is not a candidate's NUMBER");
            if (!flagOnly && status != VettingStatus.Passed && !VettingStatus.IsRemoved(status) && !VettingStatus.IsNotChecked(status))
                throw Unreadable(path, line, $"its status '{status}' is not passed, removed:REASON or not_checked:WHY");
            byNumber[number] = status;
        }
        return new StageStatuses(stage, path, byNumber);
    }

    static VascoException Unreadable(string path, long line, string why) =>
        new(ErrorCodes.RecoveryVettingInvalid, string.Create(CultureInfo.InvariantCulture, $"The vetting stage's file '{path}' cannot be tallied: line {line}: {why}."),
            "rebuild the vetting stage; each row gives one of step 8's candidates by its NUMBER and one status.", path);
}
