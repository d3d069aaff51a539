using System.Reflection;
using Vasco.Pipeline;

namespace Vasco.Steps;

/// <summary>
/// The parameters Vasco knows: those each step declares beside its work (static
/// <see cref="ParameterDefinition"/> fields of its class), then the run's own
/// (<see cref="RunSettings"/>). config/pipeline.yaml, the targets' VascoParameter items and
/// docs/parameters.md are checked against this list by tests.
/// </summary>
public static class ParameterCatalog
{
    static readonly Lazy<IReadOnlyList<ParameterDefinition>> All = new(() =>
    {
        var list = BuiltInSteps.All.SelectMany(s => s.Owns).Concat(DeclaredBy(typeof(RunSettings))).ToList();
        var twice = list.GroupBy(p => p.Name, StringComparer.OrdinalIgnoreCase).FirstOrDefault(g => g.Count() > 1);
        return twice is null ? list : throw new InvalidOperationException($"Parameter {twice.Key} is declared twice: a parameter has one home.");
    });

    static readonly Lazy<ParameterSet> DefaultValues = new(() =>
        new ParameterSet(BuiltIn.Select(p => new ResolvedParameter(p.Name, p.Normalize(p.Default) ?? p.Default, ParameterSource.Default))));

    public static IReadOnlyList<ParameterDefinition> BuiltIn => All.Value;

    public static ParameterDefinition? Find(string name) =>
        BuiltIn.FirstOrDefault(p => string.Equals(p.Name, name, StringComparison.OrdinalIgnoreCase));

    /// <summary>Every built-in parameter at its default.</summary>
    public static ParameterSet Defaults => DefaultValues.Value;

    /// <summary>Every built-in parameter at its default, and those <paramref name="more"/> declares (a step not yet in <see cref="BuiltInSteps"/>).</summary>
    public static ParameterSet DefaultsWith(IEnumerable<ParameterDefinition> more)
    {
        var extra = more.Where(p => Find(p.Name) is null).ToList();
        return extra.Count == 0 ? Defaults
            : new ParameterSet(Defaults.All.Concat(extra.Select(p => new ResolvedParameter(p.Name, p.Normalize(p.Default) ?? p.Default, ParameterSource.Default))));
    }

    /// <summary>The parameters a class declares, in declaration order.</summary>
    public static IReadOnlyList<ParameterDefinition> DeclaredBy(Type owner) =>
        owner.GetFields(BindingFlags.Public | BindingFlags.Static)
            .Where(f => f.FieldType == typeof(ParameterDefinition))
            .OrderBy(f => f.MetadataToken)
            .Select(f => (ParameterDefinition)f.GetValue(null)!)
            .ToList();
}
