namespace Vasco.Vetting;

/// <summary>
/// What a vetting stage says of one candidate: <c>passed</c> (checked, not explained), <c>removed:&lt;reason&gt;</c>
/// (explained: an asteroid, a counterpart elsewhere, ...) or <c>not_checked:&lt;why&gt;</c> (the stage could not look:
/// offline, a service down, no data; never counted as passed).
/// </summary>
public static class VettingStatus
{
    public const string Passed = "passed";
    const string RemovedPrefix = "removed:";
    const string NotCheckedPrefix = "not_checked:";

    public static string Removed(string reason) => RemovedPrefix + Cell(reason);

    public static string NotChecked(string why) => NotCheckedPrefix + Cell(why);

    public static bool IsRemoved(string status) => status.StartsWith(RemovedPrefix, StringComparison.Ordinal);

    public static bool IsNotChecked(string status) => status.StartsWith(NotCheckedPrefix, StringComparison.Ordinal);

    /// <summary>The reason of a removed:&lt;reason&gt; status, or null.</summary>
    public static string? ReasonOf(string status) => IsRemoved(status) ? status[RemovedPrefix.Length..] : null;

    /// <summary>A reason or an explanation as one plain CSV cell: no comma, no line break.</summary>
    public static string Cell(string text) => text.Replace(',', ';').Replace('\r', ' ').Replace('\n', ' ').Trim();
}
