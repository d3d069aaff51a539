using System.Globalization;
using Vasco.Catalogs;
using Vasco.Pipeline;
using Vasco.Vetting;

namespace Vasco.Steps;

/// <summary>
/// Vetting stage 3: known variables. VSX (VizieR B/vsx/vsx, through CDS XMatch) within the radius, best match only;
/// PTF objects (IRSA TAP) with at least one good observation (ngoodobs &gt; 0, the paper's rule). A VascoVettingFile
/// item named vsx or ptf reads that source from disk instead.
/// </summary>
public sealed class VetVariablesStep : MatchStage
{
    public static readonly TileDataset Results = VerdictsOf("VetVariables");

    public static readonly StepContract Contract = StepContract.PerTile("VetVariables", 8, typeof(VetVariablesStep), VettingSettings.Bind, (env, c) => new VetVariablesStep(env, c));

    readonly IReadOnlyList<VettingSource> _sources;

    public VetVariablesStep(StepEnvironment env, VettingSettings settings) : base(env, settings)
    {
        _sources =
        [
            Services.FileOr("vsx", ["name", "type"], () => Services.Vizier("vsx", "B/vsx/vsx", new([ "OID" ], "RAJ2000", "DEJ2000", [], null, null, 2000.0))),
            // A local PTF table counts only objects with a good observation, as the TAP query does.
            Services.FileOr("ptf", ["ngoodobs"], Services.Ptf, row => GoodEnough("ptf", row)),
        ];
        DescribeSources();
    }

    protected override TileDataset Verdicts => Results;
    protected override IReadOnlyList<string> DetailColumns { get; } = ["variable", "variable_sep_arcsec", "variable_not_checked"];
    protected override IReadOnlyList<VettingSource> Sources => _sources;

    protected override StageVerdict Judge(VettingCandidate c, IReadOnlyList<(VettingSource Source, SourceAnswer Answer)> answers)
    {
        var notChecked = NotCheckedBy(c, answers);
        var found = answers.Select(a => (a.Source.Name, Match: a.Answer.Matches.GetValueOrDefault(c.Key)))
            .Where(m => m.Match is not null && GoodEnough(m.Name, m.Match.Row))
            .OrderBy(m => m.Match!.SeparationArcsec).FirstOrDefault();
        if (found.Match is { } match)
        {
            // VSX's columns are Name and Type (VizieR's case; a local file's name, type); PTF's object id is oid.
            var label = Cell(match.Row, "name") ?? Cell(match.Row, "oid") ?? Cell(match.Row, "id") ?? "";
            var type = Cell(match.Row, "type") is { } t ? $" ({t})" : "";
            return new(VettingStatus.Removed("variable"), [$"{found.Name}:{label}{type}", Arcsec(match.SeparationArcsec), notChecked]);
        }
        return notChecked.Length > 0 ? new(VettingStatus.NotChecked(notChecked), ["", "", notChecked])
            : StageVerdict.Passed(DetailColumns.Count);
    }

    static string? Cell(IReadOnlyDictionary<string, string> row, string column) =>
        row.FirstOrDefault(c => string.Equals(c.Key, column, StringComparison.OrdinalIgnoreCase)).Value is { Length: > 0 } v ? v.Trim() : null;

    /// <summary>A PTF object counts with at least one good observation (a file without ngoodobs has only such objects).</summary>
    static bool GoodEnough(string source, IReadOnlyDictionary<string, string> row) =>
        source != "ptf" || Cell(row, "ngoodobs") is not { } n || double.TryParse(n, NumberStyles.Float, CultureInfo.InvariantCulture, out var v) && v > 0;
}
