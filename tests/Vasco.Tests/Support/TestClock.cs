using Microsoft.Extensions.Time.Testing;
using NUnit.Framework;

namespace Vasco.Tests.Support;

/// <summary>
/// A fake clock for tests of time limits, retry waits and request spacing: time moves only when the test
/// advances it, so a loaded machine can neither make an attempt time out nor end a wait early. It also
/// records every timer armed on it (a retry wait, a spacing wait, an attempt's limit), so a test can advance
/// exactly when the code under test is waiting, and check what it waits.
/// </summary>
public sealed class TestClock : FakeTimeProvider
{
    readonly List<TimeSpan> _armed = [];

    public override ITimer CreateTimer(TimerCallback callback, object? state, TimeSpan dueTime, TimeSpan period)
    {
        Armed(dueTime);
        return new Recorded(base.CreateTimer(callback, state, dueTime, period), this);
    }

    void Armed(TimeSpan dueTime)
    {
        if (dueTime == Timeout.InfiniteTimeSpan || dueTime <= TimeSpan.Zero) return;  // not waiting on the clock
        lock (_armed) _armed.Add(dueTime);
    }

    /// <summary>
    /// Waits (real time, up to a minute: only a broken test waits that long) until a timer matching
    /// <paramref name="which"/> is armed, and returns its due time; each armed timer is returned once.
    /// </summary>
    public async Task<TimeSpan> ArmedAsync(Func<TimeSpan, bool> which, string what)
    {
        var limit = DateTime.UtcNow + TimeSpan.FromMinutes(1);
        while (DateTime.UtcNow < limit)
        {
            lock (_armed)
            {
                var i = _armed.FindIndex(d => which(d));
                if (i >= 0)
                {
                    var due = _armed[i];
                    _armed.RemoveAt(i);
                    return due;
                }
            }
            await Task.Delay(5);
        }
        Assert.Fail($"nothing armed a timer for {what} within a minute (armed: {string.Join(", ", _armed)})");
        throw new InvalidOperationException();
    }

    /// <summary>Waits (real time, up to a minute) for <paramref name="condition"/>, which the clock does not drive (e.g. a request reaching the server).</summary>
    public static async Task Until(Func<bool> condition, string what)
    {
        var limit = DateTime.UtcNow + TimeSpan.FromMinutes(1);
        while (!condition())
        {
            if (DateTime.UtcNow > limit) Assert.Fail($"{what} did not happen within a minute");
            await Task.Delay(5);
        }
    }

    /// <summary>Awaits work that should finish now that the clock has moved, failing (not hanging) if it does not within a minute.</summary>
    public static async Task<T> Finished<T>(Task<T> task, string what)
    {
        if (await Task.WhenAny(task, Task.Delay(TimeSpan.FromMinutes(1))) != task) Assert.Fail($"{what} did not finish within a minute");
        return await task;
    }

    /// <summary>A timer that reports when it is re-armed (Task.Delay and CancelAfter may arm after creating).</summary>
    sealed class Recorded(ITimer inner, TestClock clock) : ITimer
    {
        public bool Change(TimeSpan dueTime, TimeSpan period)
        {
            clock.Armed(dueTime);
            return inner.Change(dueTime, period);
        }

        public void Dispose() => inner.Dispose();
        public ValueTask DisposeAsync() => inner.DisposeAsync();
    }
}
