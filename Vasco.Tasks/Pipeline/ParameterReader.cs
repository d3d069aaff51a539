using System.Globalization;

namespace Vasco.Pipeline;

/// <summary>
/// How a step's config binder reads parameters. Every read is recorded: a stamped read
/// changes what the step writes (it goes into the step's stamp, so changing it reruns the
/// step); an <see cref="Unstamped"/> read changes only how it runs (time limits, retries,
/// concurrency). The engine derives a step's stamp from these records, not from a hand-kept list.
/// </summary>
public sealed class ParameterReader
{
    readonly ParameterSet _values;
    readonly List<string> _record;
    readonly ParameterReader _owner;

    public ParameterReader(ParameterSet values)
    {
        _values = values;
        _record = [];
        _owner = this;
        Unstamped = new ParameterReader(values, this);
    }

    ParameterReader(ParameterSet values, ParameterReader owner)
    {
        _values = values;
        _record = [];
        _owner = owner;
        Unstamped = this;
    }

    /// <summary>Reads of settings that do not change the step's outputs, only how it gets them.</summary>
    public ParameterReader Unstamped { get; }

    /// <summary>The stamped parameters read so far, in the order first read.</summary>
    public IReadOnlyList<string> Stamped => _owner._record;

    /// <summary>The unstamped parameters read so far.</summary>
    public IReadOnlyList<string> UnstampedNames => _owner.Unstamped._record;

    public string Text(ParameterDefinition p)
    {
        if (!_record.Contains(p.Name, StringComparer.Ordinal)) _record.Add(p.Name);
        return _values[p.Name];
    }

    public double Number(ParameterDefinition p) => double.Parse(Text(p), CultureInfo.InvariantCulture);
    public int Integer(ParameterDefinition p) => (int)double.Parse(Text(p), CultureInfo.InvariantCulture);
    public bool Boolean(ParameterDefinition p) => Text(p) == "true";
}
