using Vasco.Archives;
using Vasco.Vetting;

namespace Vasco.Steps;

/// <summary>What a source said of a batch of candidates: the matches (by <see cref="VettingCandidate.Key"/>), and those it could not check, with why.</summary>
public sealed record SourceAnswer(IReadOnlyDictionary<string, ArchiveMatch> Matches, IReadOnlyDictionary<string, string> NotChecked)
{
    /// <summary>What was not checked was refused for good (not an outage): the next build need not ask again.</summary>
    public bool Refused { get; init; }

    /// <summary>Tiles whose own input was wrong (a bad local file): each fails, and the batch's other tiles go on.</summary>
    public IReadOnlyDictionary<string, VascoException> TileErrors { get; init; } = new Dictionary<string, VascoException>();
}

/// <summary>
/// Where a vetting stage looks its candidates up: a service (CDS XMatch, a TAP service), a local file (one for the
/// run, or one per tile with {tile} in its path), or nothing at all when the run is offline.
/// </summary>
public abstract class VettingSource(string name)
{
    public string Name { get; } = name;

    /// <summary>A service: what it could not check (it failed, or refused) is asked again by the next build.</summary>
    public virtual bool IsService => false;

    /// <summary>What the manifest says of it ("2mass: CDS XMatch vizier:II/246/out").</summary>
    public abstract string Description { get; }

    /// <summary>The nearest row within the radius for each candidate of the batch.</summary>
    public abstract SourceAnswer LookUp(IReadOnlyList<IReadOnlyList<VettingCandidate>> tiles, double radiusArcsec, CancellationToken cancellation);

    protected static SourceAnswer NoneChecked(IEnumerable<VettingCandidate> candidates, string why) =>
        new(new Dictionary<string, ArchiveMatch>(), candidates.ToDictionary(c => c.Key, _ => why, StringComparer.Ordinal));

    protected static IReadOnlyList<SkyPoint> Points(IEnumerable<VettingCandidate> candidates) =>
        candidates.Select(c => new SkyPoint(c.Key, c.Ra, c.Dec)).ToList();
}

/// <summary>A source the run may not ask (VettingServices=offline) and has no file for: nothing is checked.</summary>
public sealed class OfflineSource(string name, string service) : VettingSource(name)
{
    public override string Description => $"{Name}: not asked ({service}; {VettingSettings.OfflineWhy})";

    public override SourceAnswer LookUp(IReadOnlyList<IReadOnlyList<VettingCandidate>> tiles, double radiusArcsec, CancellationToken cancellation) =>
        NoneChecked(tiles.SelectMany(t => t), VettingSettings.OfflineWhy);
}

/// <summary>
/// A source kept in local CSV files (File= of its item, relative to the run folder, {tile} standing for the tile id):
/// the same rows a service would match, read from disk. A tile whose file is missing is not checked.
/// </summary>
public sealed class FileSource(string name, string runDir, string pattern, TableColumns columns, IReadOnlyList<string> keep,
    Func<IReadOnlyDictionary<string, string>, bool>? rows = null) : VettingSource(name)
{
    public override string Description => $"{Name}: file {pattern}";

    public string PathFor(string tileId) => Path.GetFullPath(Path.Combine(runDir, pattern.Replace("{tile}", tileId)));

    public override SourceAnswer LookUp(IReadOnlyList<IReadOnlyList<VettingCandidate>> tiles, double radiusArcsec, CancellationToken cancellation)
    {
        var matches = new Dictionary<string, ArchiveMatch>(StringComparer.Ordinal);
        var notChecked = new Dictionary<string, string>(StringComparer.Ordinal);
        var tables = new Dictionary<string, LocalTable?>(StringComparer.Ordinal);
        var errors = new Dictionary<string, VascoException>(StringComparer.Ordinal);
        foreach (var tile in tiles.Where(t => t.Count > 0))
        {
            var path = PathFor(tile[0].TileId);
            if (!tables.TryGetValue(path, out var table))
            {
                try { tables[path] = table = File.Exists(path) ? LocalTable.Read(path, columns, keep, rows) : null; }
                catch (VascoException e)
                {
                    errors[tile[0].TileId] = e;
                    continue;
                }
            }
            if (table is null)
            {
                foreach (var c in tile) notChecked[c.Key] = $"no file {Path.GetFileName(path)} for the tile";
                continue;
            }
            foreach (var (key, m) in table.Match(Points(tile), radiusArcsec)) matches[key] = m;
        }
        return new SourceAnswer(matches, notChecked) { TileErrors = errors };
    }

    /// <summary>The file source a VascoArchive or VascoVettingFile item names with File=, or null; <paramref name="rows"/> keeps the rows that count.</summary>
    public static FileSource? Of(CatalogItem item, string runDir, IReadOnlyList<string> keep, Func<IReadOnlyDictionary<string, string>, bool>? rows = null) =>
        item.Meta("File") is { } file
            ? new FileSource(item.Name, runDir, file, new TableColumns(item.Meta("RaColumn") ?? "ra", item.Meta("DecColumn") ?? "dec", item.Meta("IdColumn") ?? "id"), keep, rows)
            : null;
}
