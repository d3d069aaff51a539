using System.Globalization;
using Vasco.Extraction;
using Vasco.IO;
using Vasco.Sky;
using Vasco.Synthetic;

namespace Vasco.Recovery;

/// <summary>
/// What the pipeline made of one tile whose truth is known: the truth (what was on the plate), the
/// pass-2 detections, step 8's candidates, and step 8's verdicts on the unmatched sources.
/// </summary>
public sealed record RecoveryInputs(
    string TileId,
    string Kind,
    IReadOnlyList<SyntheticSource> Truth,
    IReadOnlyList<(double Ra, double Dec)> Detections,
    IReadOnlyList<(double Ra, double Dec, int Number)> Candidates,
    IReadOnlyList<(double Ra, double Dec, string Verdict)> Verdicts,
    string VettingFolder = "",
    IReadOnlyList<StageStatuses>? Stages = null)
{
    /// <summary>
    /// Reads a tile's files: the truth CSV, the pass-2 LDAC catalog, step 8's per-tile CSVs, and the files the vetting
    /// stages wrote for it in <paramref name="vettingFolder"/> (data/vetting/&lt;RunId&gt;/), those that exist.
    /// </summary>
    public static RecoveryInputs Read(string tileId, string kind, string truthPath, string pass2Catalog, string candidatesCsv, string filteredCsv, string vettingFolder = "")
    {
        foreach (var path in new[] { pass2Catalog, candidatesCsv, filteredCsv })
            if (!File.Exists(path))
                throw new VascoException(ErrorCodes.RecoveryInputMissing, $"Tile {tileId} has no '{path}'.",
                    "build the run's steps 1-8 first (dotnet build of the run file), then ask for the recovery.", path);
        var catalog = LdacCatalog.Read(pass2Catalog);
        var (ra, dec) = (catalog.Column("ALPHA_J2000"), catalog.Column("DELTA_J2000"));
        var detections = ra.Select((r, i) => (r, dec[i])).ToList();
        var candidates = StepCsv.Rows(candidatesCsv, Step8Output, ["ra", "dec", "number"],
            row => (StepCsv.Number(row, "ra"), StepCsv.Number(row, "dec"), (int)StepCsv.Number(row, "number")));
        var verdicts = StepCsv.Rows(filteredCsv, Step8Output, ["ra", "dec", "verdict"],
            row => (StepCsv.Number(row, "ra"), StepCsv.Number(row, "dec"), row("verdict") ?? ""));
        return new RecoveryInputs(tileId, kind, TruthCsv.Read(truthPath), detections, candidates, verdicts, vettingFolder, VettingFiles.ReadTile(vettingFolder, tileId));
    }

    static readonly CsvInputKind Step8Output = new("Step 8 output", ErrorCodes.RecoveryInputMissing, ErrorCodes.RecoveryInputMissing,
        "build the run's steps 1-8 first.", "rebuild step 8 (-p:FromStep=8): it writes these columns.", "rebuild step 8 (-p:FromStep=8).");
}

/// <summary>One injected vanished source and what became of it.</summary>
public sealed record InjectedOutcome(string TileId, string Kind, string Id, double Mag, double MagBelowLimit, bool Detected, bool Recovered, string Fate);

/// <summary>A candidate that is no injected vanished source, with what lies under it.</summary>
public sealed record FalseCandidate(string TileId, string Kind, int Number, double Ra, double Dec, string NearestTruthKind, string NearestTruthId, double NearestTruthArcsec);

/// <summary>
/// The comparison of one tile's outputs with its truth. A candidate on a source of a vetting class (<see cref="SourceKind.Vetting"/>)
/// is no false candidate of step 8, which must keep such sources: it is counted in <see cref="Vetting"/>, for the stages after it.
/// </summary>
public sealed record TileRecovery(string TileId, string Kind, double PlateLimitMag, IReadOnlyList<InjectedOutcome> Injected, IReadOnlyList<FalseCandidate> FalseCandidates, int Candidates,
    TileVetting Vetting)
{
    /// <summary>The second look's classes of the kept vanished sources whose fate the synthetic sky drew (<see cref="SecondLookTally"/>).</summary>
    public IReadOnlyList<SecondLookOutcome> SecondLook { get; init; } = [];

    /// <summary>A detection or candidate this close (arcsec) to a truth position is that source: a pixel and a bit.</summary>
    public const double MatchArcsec = 2.0;

    public static TileRecovery Compare(RecoveryInputs input)
    {
        var detections = Index(input.Detections.Select(d => (d.Ra, d.Dec)));
        var pointSources = input.Truth.Where(t => t.Kind != SourceKind.Defect && double.IsFinite(t.Mag)).ToList();
        var limit = PlateLimit(pointSources.Select(t => (t.Mag, detections.Within(t.Ra, t.Dec, MatchArcsec).Any())).ToList());

        var candidates = Index(input.Candidates.Select(c => (c.Ra, c.Dec)));
        var verdicts = Index(input.Verdicts.Select(v => (v.Ra, v.Dec)));
        var vanished = input.Truth.Where(t => t.Kind == SourceKind.Vanished).ToList();
        var outcomes = vanished.Select(t =>
        {
            var detected = detections.Within(t.Ra, t.Dec, MatchArcsec).Any();
            var recovered = candidates.Within(t.Ra, t.Dec, MatchArcsec).Any();
            string fate;
            if (recovered) fate = "candidate";
            else if (!detected) fate = "not detected";
            else
            {
                // Step 8 judged every unmatched source; a detected source it never saw was matched to a modern one.
                var (v, _) = verdicts.Nearest(t.Ra, t.Dec, MatchArcsec);
                fate = v >= 0 ? "dropped: " + input.Verdicts[v].Verdict : "matched a modern source within the match radius";
            }
            return new InjectedOutcome(input.TileId, input.Kind, t.Id, t.Mag, Math.Round(limit - t.Mag, 3), detected, recovered, fate);
        }).ToList();

        var truthIndex = Index(input.Truth.Select(t => (t.Ra, t.Dec)));
        var expected = input.Truth.Where(t => t.Kind == SourceKind.Vanished || SourceKind.Vetting.Contains(t.Kind)).ToList();
        var falses = input.Candidates
            .Where(c => !expected.Any(v => Angles.SeparationDeg(v.Ra, v.Dec, c.Ra, c.Dec) * 3600 <= MatchArcsec))
            .Select(c =>
            {
                var (i, separation) = truthIndex.Nearest(c.Ra, c.Dec, 30);
                return i < 0
                    ? new FalseCandidate(input.TileId, input.Kind, c.Number, c.Ra, c.Dec, "nothing within 30\"", "", double.NaN)
                    : new FalseCandidate(input.TileId, input.Kind, c.Number, c.Ra, c.Dec, input.Truth[i].Kind, input.Truth[i].Id, Math.Round(separation, 3));
            }).ToList();
        return new TileRecovery(input.TileId, input.Kind, limit, outcomes, falses, input.Candidates.Count, Vet(input, candidates, truthIndex));
    }

    /// <summary>The planted sources step 8 kept (each with its nearest candidate within the match radius), and what each candidate is.</summary>
    static TileVetting Vet(RecoveryInputs input, SkyIndex candidates, SkyIndex truth)
    {
        var tallied = input.Truth.Where(t => TileVetting.Classes.Contains(t.Kind)).ToList();
        var planted = TileVetting.Classes.ToDictionary(c => c, c => tallied.Count(t => t.Kind == c));
        var selected = tallied.Select(t => (t, candidates.Nearest(t.Ra, t.Dec, MatchArcsec)))
            .Where(x => x.Item2.Index >= 0).Select(x => new SelectedSource(x.t.Kind, x.t.Id, input.Candidates[x.Item2.Index].Number)).ToList();
        var classes = new Dictionary<int, string>();
        foreach (var c in input.Candidates)
        {
            var (i, _) = truth.Nearest(c.Ra, c.Dec, MatchArcsec);
            classes[c.Number] = i < 0 ? TileVetting.Unplanted : input.Truth[i].Kind;
        }
        return new TileVetting(input.VettingFolder, planted, selected, classes, input.Stages ?? []);
    }

    static SkyIndex Index(IEnumerable<(double Ra, double Dec)> positions)
    {
        var list = positions.ToList();
        return new SkyIndex(list.Select(p => p.Ra).ToList(), list.Select(p => p.Dec).ToList());
    }

    /// <summary>
    /// The plate limit: the magnitude at which half of the point sources put on the plate are detected,
    /// interpolated between 0.25-mag bins (bins with fewer than 5 sources are skipped).
    /// </summary>
    public static double PlateLimit(IReadOnlyList<(double Mag, bool Detected)> sources)
    {
        const double width = 0.25;
        var bins = sources.GroupBy(s => Math.Floor(s.Mag / width)).Where(g => g.Count() >= 5)
            .Select(g => (Mag: (g.Key + 0.5) * width, Fraction: g.Count(s => s.Detected) / (double)g.Count()))
            .OrderBy(b => b.Mag).ToList();
        // Going bright from the faint end: the first bin where at least half are found, interpolated with the
        // fainter bin after it (saturated bright stars that merge or are missed do not count as the limit).
        for (var i = bins.Count - 2; i >= 0; i--)
            if (bins[i].Fraction >= 0.5 && bins[i + 1].Fraction < 0.5)
            {
                var (a, b) = (bins[i], bins[i + 1]);
                return Math.Round(a.Mag + (a.Fraction - 0.5) / (a.Fraction - b.Fraction) * (b.Mag - a.Mag), 3);
            }
        return bins.Count > 0 && bins[^1].Fraction >= 0.5 ? bins[^1].Mag : double.NaN;
    }
}
