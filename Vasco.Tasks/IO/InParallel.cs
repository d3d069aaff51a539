namespace Vasco.IO;

/// <summary>Reading many tiles' files at once, for the run-wide steps.</summary>
public static class InParallel
{
    /// <summary>Parallel.For, maxParallel at a time, whose single failure surfaces as itself (an unreadable file's own error), not wrapped.</summary>
    public static void For(int count, int maxParallel, Action<int> body)
    {
        try
        {
            Parallel.For(0, count, new ParallelOptions { MaxDegreeOfParallelism = Math.Max(1, maxParallel) }, body);
        }
        catch (AggregateException e) when (e.InnerExceptions.Count == 1)
        {
            System.Runtime.ExceptionServices.ExceptionDispatchInfo.Throw(e.InnerExceptions[0]);
        }
    }
}
