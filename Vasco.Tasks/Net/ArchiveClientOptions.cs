namespace Vasco.Net;

/// <summary>
/// What the clients of shared archives (<see cref="Download.DssClient"/> for STScI, <see cref="Catalogs.VizierClient"/>)
/// are told alike: how often and how patiently they retry, how long one attempt may take, how many requests they may
/// have in flight, and where they cache what they fetched. Each client's own record adds what is its own and sets the
/// defaults that suit its archive.
/// </summary>
public abstract record ArchiveClientOptions
{
    protected ArchiveClientOptions(int maxRetries, double backoffBase, TimeSpan maxDelay, TimeSpan attemptTimeout, int maxConcurrency)
    {
        MaxRetries = maxRetries;
        BackoffBase = backoffBase;
        MaxDelay = maxDelay;
        AttemptTimeout = attemptTimeout;
        MaxConcurrency = maxConcurrency;
    }

    /// <summary>Retries after the first attempt.</summary>
    public int MaxRetries { get; init; }

    /// <summary>Retry n waits about BackoffBase^n times <see cref="BackoffUnit"/>, with jitter.</summary>
    public double BackoffBase { get; init; }

    public TimeSpan BackoffUnit { get; init; } = TimeSpan.FromSeconds(1);

    /// <summary>No wait between attempts is longer, whatever a Retry-After header asks.</summary>
    public TimeSpan MaxDelay { get; init; }

    /// <summary>One attempt (connect, answer, whole body) gives up after this long and counts as a failed attempt.</summary>
    public TimeSpan AttemptTimeout { get; init; }

    /// <summary>Requests in flight at once across the whole client: the archive is shared by everyone.</summary>
    public int MaxConcurrency { get; init; }

    /// <summary>Checked answers, named from a hash of the request.</summary>
    public required string CacheDir { get; init; }

    /// <summary>Throws for retries, backoff or concurrency out of range (named as the clients' constructors name them).</summary>
    internal void CheckRetries()
    {
        ArgumentOutOfRangeException.ThrowIfNegative(MaxRetries, "options.MaxRetries");
        ArgumentOutOfRangeException.ThrowIfLessThan(BackoffBase, 1.0, "options.BackoffBase");
        ArgumentOutOfRangeException.ThrowIfLessThan(MaxConcurrency, 1, "options.MaxConcurrency");
    }
}
