using System.Runtime.CompilerServices;

namespace Vasco.Tools;

/// <summary>
/// Sums the wall time of the external tool processes (SExtractor, PSFEx, STILTS) started within a scope,
/// so a tile's manifest can say how much of its time was the tools' own (the rest is Vasco's).
/// The scope flows with the call (AsyncLocal), so tiles running in parallel keep separate sums.
/// </summary>
public static class ToolClock
{
    static readonly AsyncLocal<StrongBox<double>?> Current = new();

    /// <summary>Starts a fresh sum for the calls made from here on; returns it.</summary>
    public static StrongBox<double> Start() => Current.Value = new StrongBox<double>(0);

    internal static void Add(TimeSpan elapsed)
    {
        if (Current.Value is { } sum) sum.Value += elapsed.TotalSeconds;
    }
}
