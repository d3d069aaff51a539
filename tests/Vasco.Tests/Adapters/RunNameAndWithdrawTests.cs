using NUnit.Framework;
using Vasco.MSBuild;
using static Vasco.Tests.Adapters.Adapter;

namespace Vasco.Tests.Adapters;

/// <summary>VascoCheckNames (before Clean deletes what the names point at) and VascoWithdrawRun (after step 8 or 9 failed).</summary>
public class RunNameAndWithdrawTests
{
    [Test]
    public void SafeNamesPass()
    {
        var (ok, engine) = Run(new VascoCheckNames { RunId = "m67-run_2", Catalogs = [Item("gaia"), Item("my_survey")] });

        Assert.That(ok, Is.True, engine.Log);
        Assert.That(engine.Errors, Is.Empty);
    }

    [TestCase("")]
    [TestCase("../m67")]
    [TestCase("m67 run")]
    public void AnUnsafeRunIdIsVasco0107(string runId)
    {
        var (ok, engine) = Run(new VascoCheckNames { RunId = runId, Catalogs = [Item("gaia")] });

        Assert.That(ok, Is.False);
        OneError(engine, "VASCO0107", $"RunId '{runId}' is not a safe folder name", "Fix: set RunId to letters, digits, '-' and '_' only");
    }

    [Test]
    public void AnUnsafeCatalogNameIsVasco0108NamingItAndWhereItsFileGoes()
    {
        var (ok, engine) = Run(new VascoCheckNames { RunId = "m67", Catalogs = [Item("gaia"), Item("cats/gaia.csv")] });

        Assert.That(ok, Is.False);
        OneError(engine, "VASCO0108", "VascoCatalog 'cats/gaia.csv' is not a safe folder name", "put the file's path in File=");
    }

    [Test]
    public void WithdrawDeletesTheRunsSummariesAndDashboardRowsOnly()
    {
        var runDir = NewRunDir();
        var summaries = Directory.CreateDirectory(Path.Combine(runDir, "data", "summaries", "m67")).FullName;
        foreach (var f in new[] { "manifest.json", "summary.md", "report.html", "hist_mag.png", "notes.txt" })
            File.WriteAllText(Path.Combine(summaries, f), "x");
        var dashboard = Path.Combine(runDir, "dashboard", "anomalies_minimal.csv");
        Directory.CreateDirectory(Path.GetDirectoryName(dashboard)!);
        File.WriteAllText(dashboard, "run_id,tile_id,ra,dec\nm67,t1,1,2\nother,t9,3,4\nm67,t2,5,6\n");

        var (ok, engine) = Run(new VascoWithdrawRun { RunId = "m67", SummariesDir = summaries, DashboardFile = dashboard });

        Assert.That(ok, Is.True, engine.Log);
        Assert.That(Directory.GetFiles(summaries).Select(Path.GetFileName), Is.EquivalentTo(new[] { "notes.txt" }));
        Assert.That(File.ReadAllText(dashboard), Is.EqualTo("run_id,tile_id,ra,dec\nother,t9,3,4\n"));
        Assert.That(engine.Messages.Single(m => m.Importance == Microsoft.Build.Framework.MessageImportance.High).Message,
            Does.Contain("summaries of run m67 were withdrawn"));
        Assert.That(engine.Warnings, Is.Empty);
    }

    [Test]
    public void WithdrawWithNothingWrittenYetSucceeds()
    {
        var runDir = NewRunDir();

        var (ok, engine) = Run(new VascoWithdrawRun { RunId = "m67", SummariesDir = Path.Combine(runDir, "none"), DashboardFile = Path.Combine(runDir, "none.csv") });

        Assert.That(ok, Is.True, engine.Log);
        Assert.That(engine.Errors, Is.Empty);
        Assert.That(File.Exists(Path.Combine(runDir, "none.csv")), Is.False);
    }
}
