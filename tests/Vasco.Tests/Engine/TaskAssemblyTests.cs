using NUnit.Framework;
using Vasco.Tests.Support;

namespace Vasco.Tests.Engine;

/// <summary>
/// The tasks run inside MSBuild's process. A reused MSBuild node keeps the task assembly it loaded; if the
/// assembly is rebuilt meanwhile, the node must refuse to run the old code rather than run it silently.
/// </summary>
public class TaskAssemblyTests
{
    [Test]
    public void ATaskRefusesToRunFromAnAssemblyReplacedAfterItsProcessLoadedIt()
    {
        using var run = new RunFolder("stale-tasks");
        run.WriteRunFile("", """<VascoTarget Include="a" Ra="10" Dec="0" />""", testSteps: false);

        // An ordinary build stages the task assembly in Vasco.Tasks/bin/tasks/ and loads it from there.
        var first = run.Build("-t:VascoTiling");
        Assert.That(first.ExitCode, Is.EqualTo(0), first.Output);
        var staged = Repo.Path("Vasco.Tasks", "bin", "tasks");
        Assert.That(File.Exists(Path.Combine(staged, "Vasco.Tasks.dll")), Is.True);

        // A private copy, replaced between two tasks of one build (what a rebuild does under a reused node).
        var copy = run.Path("tasks");
        foreach (var file in Directory.EnumerateFiles(staged, "*", SearchOption.AllDirectories))
        {
            var target = Path.Combine(copy, Path.GetRelativePath(staged, file));
            Directory.CreateDirectory(Path.GetDirectoryName(target)!);
            File.Copy(file, target);
        }
        var text = File.ReadAllText(run.RunFile);
        File.WriteAllText(run.RunFile, text.Replace("</Project>", """
              <Target Name="ReplaceTheTasks" AfterTargets="VascoTools"><Touch Files="$(VascoTasksAssembly)" /></Target>
            </Project>
            """));
        var assembly = $"-p:VascoTasksAssembly={Path.Combine(copy, "Vasco.Tasks.dll")}";
        var stale = run.Build("-t:VascoTiling", assembly);
        Assert.That(stale.ExitCode, Is.Not.EqualTo(0), stale.Output);
        Assert.That(stale.ErrorCodes(), Is.EqualTo(new[] { "VASCO0005" }));
        Assert.That(stale.Output, Does.Contain("dotnet build-server shutdown"));

        // A fresh process loads the replaced file and runs.
        File.WriteAllText(run.RunFile, text);
        var fresh = run.Build("-t:VascoTiling", assembly);
        Assert.That(fresh.ExitCode, Is.EqualTo(0), fresh.Output);
    }
}
