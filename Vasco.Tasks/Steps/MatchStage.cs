using Vasco.Pipeline;
using Vasco.Tiling;
using Vasco.Vetting;

namespace Vasco.Steps;

/// <summary>
/// A vetting stage that matches candidates against other archives: all stale tiles of a build go to each source in
/// one batch (one CDS XMatch or TAP request per table per build, not one cone per candidate), then each tile's
/// candidates are judged from the sources' answers.
/// </summary>
public abstract class MatchStage(StepEnvironment env, VettingSettings settings) : VettingStage(env)
{
    /// <summary>The stage's sources: local files, or the services (their clients made once per build).</summary>
    protected VettingServiceSources Services { get; } = new(env, settings);

    public override void Dispose()
    {
        Services.Dispose();
        base.Dispose();
    }

    /// <summary>The sources, in the order the stage reports them.</summary>
    protected abstract IReadOnlyList<VettingSource> Sources { get; }

    /// <summary>A candidate's verdict from every source's answer.</summary>
    protected abstract StageVerdict Judge(VettingCandidate candidate, IReadOnlyList<(VettingSource Source, SourceAnswer Answer)> answers);

    /// <summary>The manifest's record of the stage's radius and sources.</summary>
    protected void DescribeSources()
    {
        StepFields["radius_arcsec"] = settings.RadiusArcsec;
        StepFields["sources"] = Sources.Select(s => s.Description).ToList();
    }

    public override TileWork Work() =>
        TileWork.Batched(
            prepare: CandidatesOf,
            batch: tiles =>
            {
                var batch = tiles.Select(t => t.Prepared).ToList();
                return (IReadOnlyList<(VettingSource, SourceAnswer)>)Sources.Select(s => (s, s.LookUp(batch, settings.RadiusArcsec, tiles[0].Tile.Cancellation))).ToList();
            },
            finish: (t, candidates, answers) =>
            {
                if (answers.Select(a => a.Item2.TileErrors.GetValueOrDefault(t.Tile.TileId)).FirstOrDefault(e => e is not null) is { } error) throw error;
                Write(t, candidates, candidates.Select(c => Judge(c, answers)).ToList());
                var failed = answers.Where(a => a.Item1.IsService && !a.Item2.Refused && candidates.Any(c => a.Item2.NotChecked.ContainsKey(c.Key)))
                    .Select(a => a.Item1.Name).ToList();
                if (failed.Count > 0) t.RetryNextBuild = $"{string.Join(", ", failed)} did not answer: the next build asks again";
            }) with { WaitsOnNetwork = Sources.Any(s => s.IsService) };

    /// <summary>
    /// Why the sources that could not check <paramref name="c"/> did not ("2mass/allwise: offline (VettingServices=offline)",
    /// sources with the same reason together), or empty when every source checked it.
    /// </summary>
    protected static string NotCheckedBy(VettingCandidate c, IReadOnlyList<(VettingSource Source, SourceAnswer Answer)> answers) =>
        string.Join("; ", answers.Where(a => a.Answer.NotChecked.ContainsKey(c.Key)).GroupBy(a => a.Answer.NotChecked[c.Key])
            .Select(g => $"{string.Join('/', g.Select(a => a.Source.Name))}: {g.Key}"));

    protected static string Arcsec(double v) => Math.Round(v, 3).ToString(System.Globalization.CultureInfo.InvariantCulture);
}
