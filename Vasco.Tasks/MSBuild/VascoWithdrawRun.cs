using Microsoft.Build.Framework;
using Vasco.Summaries;

namespace Vasco.MSBuild;

/// <summary>After step 8 or 9 failed: withdraws step 9's files and the run's dashboard rows (<see cref="RunPublication"/>).</summary>
public sealed class VascoWithdrawRun : VascoTask
{
    [Required] public string RunId { get; set; } = "";
    [Required] public string SummariesDir { get; set; } = "";
    public string DashboardFile { get; set; } = "";

    protected override void ExecuteCore()
    {
        var left = RunPublication.Withdraw(SummariesDir, DashboardFile, RunId);
        LogHigh($"Vasco: the summaries of run {RunId} were withdrawn (the run-level steps did not finish); the next build writes them again");
        if (left is not null) Log.LogWarning(left);
    }
}
