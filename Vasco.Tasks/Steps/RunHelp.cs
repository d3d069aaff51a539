using System.Text;
using Vasco.Pipeline;

namespace Vasco.Steps;

/// <summary>
/// What `dotnet build RUN -t:VascoHelp` prints: the run's steps and their targets, every parameter with the value this run
/// would use and where it comes from, its default and meaning and the steps that read it, and the items a run file takes.
/// Made from the steps' contracts and the parameters' declarations, so it is never written twice.
/// </summary>
public static class RunHelp
{
    /// <summary>The items a run file can hold, and what each is for.</summary>
    public static readonly IReadOnlyList<(string Item, string Meaning)> Items =
    [
        ("VascoTarget Include=\"NAME\" Ra=\"deg or hh:mm:ss\" Dec=\"deg or dd:mm:ss\" [SizeArcmin=\"...\"]", "a field to cover: one tile (TilingMode=single) or a hex tessellation"),
        ("VascoTargetList Include=\"targets.csv\"", "fields from a CSV: name, ra, dec[, size_arcmin]"),
        ("VascoCatalog Include=\"gaia\" [File=\"...\" RaColumn= DecColumn= MagColumn= PmRaColumn= PmDecColumn= IdColumn= Epoch= ExpectEmpty=]", "a modern catalog for step 7: from VizieR (usnob, gaia, ps1), or a local CSV"),
        ("VascoBrightStars Include=\"tycho2.csv\" [column metadata as VascoCatalog]", "the bright stars of the masks and the halo rule (default: Tycho-2 from VizieR)"),
        ("VascoArchive Include=\"NAME\" Table=\"II/246/out\" Band=\"infrared|optical|ultraviolet\" [File=\"...\" RaColumn= DecColumn= IdColumn=]", "an archive of vetting stage 1 (default: 2MASS, AllWISE, CatWISE, unWISE, GALEX, SDSS)"),
        ("VascoVettingFile Include=\"skybot|vsx|ptf|supercosmos\" File=\"path, {tile} for the tile id\"", "a local file standing in for a vetting service"),
        ("VascoParameter Include=\"NAME\" Type=\"Number|Integer|Boolean|Text\" Default=\"...\" Description=\"...\"", "a parameter of a step the run file adds"),
        ("VascoStep Include=\"NAME\" Number=\"N\" After=\"...\" Reads=\"...\" OutputDir=\"...\"", "a step the run file adds (docs/architecture.md)"),
    ];

    public static string Text(string runId, IReadOnlyList<StepDeclaration> steps, ParameterSet values, IReadOnlyList<ParameterDefinition> known)
    {
        var sb = new StringBuilder();
        sb.Append($"Vasco run {runId}: its steps, parameters and items (docs/parameters.md, docs/steps.md)\n\n");
        sb.Append("Steps (dotnet build RUN -t:TARGET runs one and those it needs; Build runs 0-9):\n");
        foreach (var s in steps.OrderBy(s => s.Number))
            sb.Append($"  {s.Number,2}  {("Vasco" + s.Name),-20} {(s.PerTile ? "per tile" : "once per run"),-12} {(s.After.Count == 0 ? "" : "after " + string.Join(", ", s.After))}\n");
        sb.Append("  10  VascoPackage         once per run  the run's archive, only when asked for\n\n");

        var readers = BuiltInSteps.All.SelectMany(c => c.Reads.Concat(c.Unstamped).Select(p => (Parameter: p, Step: c.Name)))
            .Concat(steps.SelectMany(s => s.Reads.Select(p => (Parameter: p, Step: s.Name))))
            .Concat(RunSettings.EngineReads.Select(p => (Parameter: p, Step: "every step")))
            .GroupBy(x => x.Parameter, StringComparer.OrdinalIgnoreCase)
            .ToDictionary(g => g.Key, g => string.Join(", ", g.Select(x => x.Step).Distinct()), StringComparer.OrdinalIgnoreCase);
        sb.Append("Parameters (-p:Name=value beats the run file, which beats config/pipeline.yaml, which beats the default):\n");
        foreach (var p in known)
        {
            var value = values.All.FirstOrDefault(v => string.Equals(v.Name, p.Name, StringComparison.OrdinalIgnoreCase));
            var shown = value is null ? "(not resolved)" : $"{(value.Value.Length == 0 ? "(empty)" : value.Value)}  [{Source(value.Source)}]";
            sb.Append($"  {p.Name} = {shown}\n");
            sb.Append($"      {p.Description}; default {(p.Default.Length == 0 ? "(empty)" : p.Default)}");
            if (p.Choices is { Count: > 0 } choices) sb.Append($"; one of {string.Join(", ", choices)}");
            sb.Append(readers.TryGetValue(p.Name, out var by) ? $"; read by {by}\n" : "; read by VascoSubmitSlurm\n");
        }
        sb.Append("\nItems of a run file:\n");
        foreach (var (item, meaning) in Items) sb.Append($"  <{item} />\n      {meaning}\n");
        return sb.ToString();
    }

    static string Source(ParameterSource s) => s switch
    {
        ParameterSource.CommandLine => "command line",
        ParameterSource.RunFile => "run file",
        ParameterSource.Config => "config file",
        _ => "default",
    };
}
