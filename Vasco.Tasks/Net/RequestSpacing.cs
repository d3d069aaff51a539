namespace Vasco.Net;

/// <summary>
/// Keeps requests to one server at least <see cref="Interval"/> apart, however many callers share it: each caller
/// reserves the next free start time, then waits for it. Politeness towards a shared archive, on top of any bound
/// on requests in flight. Time comes from <paramref name="timeProvider"/> (the system clock unless a test injects
/// a fake one).
/// </summary>
public sealed class RequestSpacing(TimeSpan interval, TimeProvider? timeProvider = null)
{
    readonly TimeProvider _time = timeProvider ?? TimeProvider.System;
    readonly object _gate = new();
    long _nextStart = long.MinValue;

    public TimeSpan Interval { get; } = interval;

    /// <summary>Waits until this caller may send; returns how long it waited.</summary>
    public async Task<TimeSpan> WaitTurnAsync(CancellationToken cancellationToken)
    {
        if (Interval <= TimeSpan.Zero)
            return TimeSpan.Zero;
        TimeSpan wait;
        lock (_gate)
        {
            var now = _time.GetTimestamp();
            var start = Math.Max(now, _nextStart);
            _nextStart = start + (long)(Interval.TotalSeconds * _time.TimestampFrequency);
            wait = _time.GetElapsedTime(now, start);
        }
        if (wait > TimeSpan.Zero)
            await Task.Delay(wait, _time, cancellationToken).ConfigureAwait(false);
        return wait;
    }
}
