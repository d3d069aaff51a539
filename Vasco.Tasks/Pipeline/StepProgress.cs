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

    readonly string _step;
    readonly int _total;
    readonly TimeProvider _time;
    readonly object _lock = new();
    readonly long _start;
    long _lastSaid;
    int _done, _failed, _lastTenth;

    /// <summary>Starts the clock: the step's tiles start now.</summary>
    public StepProgress(string step, int total, TimeProvider? time = null)
    {
        (_step, _total, _time) = (step, total, time ?? TimeProvider.System);
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
                $"{_step}: {_done} of {_total} tile(s) done{(_failed > 0 ? $" ({_failed} failed)" : "")}, {Duration(elapsed)}, about {Duration(left)} left");
        }
    }

    /// <summary>"45 s", "2 min 10 s", "3 h 05 min".</summary>
    public static string Duration(TimeSpan t) => t.TotalHours >= 1 ? $"{(int)t.TotalHours} h {t.Minutes:00} min"
        : t.TotalMinutes >= 1 ? $"{(int)t.TotalMinutes} min {t.Seconds:00} s" : $"{Math.Max(0, (int)Math.Round(t.TotalSeconds))} s";
}
