using System.Globalization;

namespace Vasco.Pipeline;

/// <summary>
/// A step's progress over its stale tiles, said while it runs: "Pass1: 40 of 400 tile(s) done (1 failed), 2 min 10 s, about
/// 19 min left". Once the step has run <see cref="Quiet"/>, a line at each tenth of the tiles, and at least every
/// <see cref="Interval"/>; none for a quick step, or one of fewer than <see cref="MinTiles"/> tiles, whose one-line
/// summary says enough. Thread-safe: tiles finish in parallel.
/// </summary>
public sealed class StepProgress
{
    public const int MinTiles = 5;
    public static readonly TimeSpan Interval = TimeSpan.FromMinutes(1);
    public static readonly TimeSpan Quiet = TimeSpan.FromSeconds(10);

    readonly string _step, _what;
    readonly int _total;
    readonly TimeProvider _time;
    readonly object _lock = new();
    readonly long _start;
    long _lastSaid;
    int _done, _failed, _lastTenth;

    /// <summary>Starts the clock: the step's tiles start now. <paramref name="what"/>: what the counted tiles are ("done").</summary>
    public StepProgress(string step, int total, TimeProvider? time = null, string what = "done")
    {
        (_step, _total, _time, _what) = (step, total, time ?? TimeProvider.System, what);
        _start = _lastSaid = _time.GetTimestamp();
    }

    /// <summary>Counts a finished tile; returns the line to say now, or null.</summary>
    public string? Tile(bool failed)
    {
        lock (_lock)
        {
            var now = _time.GetTimestamp();
            _done++;
            if (failed) _failed++;
            if (_total < MinTiles || _done >= _total || _time.GetElapsedTime(_start, now) < Quiet) return null;
            var tenth = _done * 10 / _total;
            if (tenth <= _lastTenth && _time.GetElapsedTime(_lastSaid, now) < Interval) return null;
            (_lastTenth, _lastSaid) = (tenth, now);
            var elapsed = _time.GetElapsedTime(_start, now);
            var left = TimeSpan.FromTicks(elapsed.Ticks / _done * (_total - _done));
            return string.Create(CultureInfo.InvariantCulture,
                $"{_step}: {_done} of {_total} tile(s) {_what}{(_failed > 0 ? $" ({_failed} failed)" : "")}, {Duration(elapsed)}, about {Duration(left)} left");
        }
    }

    /// <summary>"45 s", "2 min 10 s", "3 h 05 min".</summary>
    public static string Duration(TimeSpan t) => t.TotalHours >= 1 ? $"{(int)t.TotalHours} h {t.Minutes:00} min"
        : t.TotalMinutes >= 1 ? $"{(int)t.TotalMinutes} min {t.Seconds:00} s" : $"{Math.Max(0, (int)Math.Round(t.TotalSeconds))} s";
}

/// <summary>
/// A flow's progress (<see cref="TileFlow"/>: all the build's steps at once): a tile counts once it is through every step
/// that runs it in this build, failed if any of them failed it. "Vasco: 40 of 400 tile(s) through their steps, ...".
/// </summary>
public sealed class FlowProgress
{
    readonly Dictionary<string, int> _stepsLeft;
    readonly HashSet<string> _failed = new(StringComparer.Ordinal);
    readonly StepProgress _progress;

    /// <summary>Each stale tile once per step that runs it. Starts the clock.</summary>
    public FlowProgress(IEnumerable<string> staleTilePerStep, TimeProvider? time = null)
    {
        _stepsLeft = staleTilePerStep.GroupBy(t => t, StringComparer.Ordinal).ToDictionary(g => g.Key, g => g.Count(), StringComparer.Ordinal);
        _progress = new StepProgress("Vasco", _stepsLeft.Count, time, "through their steps");
    }

    /// <summary>Counts a tile through one step; returns the line to say now, or null.</summary>
    public string? Through(TileOutcome outcome)
    {
        bool failed;
        lock (_stepsLeft)
        {
            if (outcome.Status == TileStatus.Failed) _failed.Add(outcome.TileId);
            if (--_stepsLeft[outcome.TileId] > 0) return null;
            failed = _failed.Contains(outcome.TileId);
        }
        return _progress.Tile(failed);
    }
}
