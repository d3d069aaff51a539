using NUnit.Framework;
using Vasco.Vetting;

namespace Vasco.Tests.Vetting;

public class FunnelTests
{
    static IReadOnlyDictionary<string, string> Candidate(string archives = "passed", string asteroids = "passed", string variables = "passed",
        string scan = "passed", string motion = "passed", string shadow = "sunlit") => new Dictionary<string, string>
    {
        ["archives"] = archives, ["asteroids"] = asteroids, ["variables"] = variables, ["second-scan"] = scan, ["motion"] = motion, ["shadow"] = shadow,
    };

    [Test]
    public void StagesCountInTheirOrderAndAnUncheckedCandidateStaysIn()
    {
        var rows = Funnel.Compute(100,
        [
            Candidate(archives: "removed:ir_only", asteroids: "removed:asteroid"), // counted by the first stage that removes it
            Candidate(archives: "removed:counterpart"),
            Candidate(asteroids: "removed:asteroid"),
            Candidate(scan: "not_checked:supercosmos: HTTP 503", shadow: "in_umbra:42164"),
            Candidate(),
        ]);
        var byStage = rows.ToDictionary(r => r.Stage);
        Assert.That(byStage["selection"].In, Is.EqualTo(100));
        Assert.That(byStage["selection"].Out, Is.EqualTo(5));
        Assert.That(byStage["archives"].Removed, Is.EqualTo(2));
        Assert.That(byStage["archives"].ByReason, Is.EqualTo(new Dictionary<string, int> { ["counterpart"] = 1, ["ir_only"] = 1 }));
        Assert.That(byStage["asteroids"].In, Is.EqualTo(3));
        Assert.That(byStage["asteroids"].Removed, Is.EqualTo(1));
        Assert.That(byStage["second-scan"].NotChecked, Is.EqualTo(1));
        Assert.That(byStage["second-scan"].Out, Is.EqualTo(2), "not checked is not removed");
        Assert.That(byStage["shadow"].Removed, Is.EqualTo(0), "a flag, not a cut");
        Assert.That(byStage["shadow"].ByReason["in_umbra"], Is.EqualTo(1), "counted by kind, whatever the distances");
        Assert.That(byStage["remaining"].Out, Is.EqualTo(2));
        Assert.That(byStage["remaining"].NotChecked, Is.EqualTo(1));
        Assert.That(byStage["motion"].PaperOut, Is.EqualTo(5_399), "the paper's arithmetic closes");
    }

    [Test]
    public void TheOverallVerdictIsTheFirstRemovalElseNotCheckedElsePassed()
    {
        Assert.That(Funnel.Overall(Candidate(archives: "not_checked:x", variables: "removed:variable")), Is.EqualTo("removed:variable"));
        Assert.That(Funnel.Overall(Candidate(motion: "not_checked:x")), Is.EqualTo("not_checked"));
        Assert.That(Funnel.Overall(Candidate(shadow: "in_umbra:42164")), Is.EqualTo("passed"));
    }
}
