using Microsoft.Build.Framework;
using Microsoft.Build.Utilities;
using NUnit.Framework;
using Vasco.Pipeline;
using Vasco.Steps;
using Vasco.Tests.Support;

namespace Vasco.Tests.Adapters;

/// <summary>What the adapter tests share: a run folder, the items the targets pass, running a task on a <see cref="FakeBuildEngine"/>.</summary>
static class Adapter
{
    /// <summary>A fresh folder standing for the run folder (with its trailing '/', as $(VascoRunDir) has).</summary>
    public static string NewRunDir() => Directory.CreateDirectory(TestTemp.NewPath("adapter-")).FullName + Path.DirectorySeparatorChar;

    /// <summary>Runs the task as MSBuild would, on <paramref name="engine"/> (a new build when null).</summary>
    public static (bool Ok, FakeBuildEngine Engine) Run(ITask task, FakeBuildEngine? engine = null)
    {
        engine ??= new FakeBuildEngine();
        task.BuildEngine = engine;
        return (task.Execute(), engine);
    }

    public static ITaskItem Item(string spec, params (string Name, string Value)[] metadata)
    {
        var item = new TaskItem(spec);
        foreach (var (name, value) in metadata) item.SetMetadata(name, value);
        return item;
    }

    /// <summary>A VascoStep item, its folders under the run folder.</summary>
    public static ITaskItem Step(string runDir, string name, int number, bool perTile = true, string after = "", string reads = "", string tools = "") =>
        Item(name, ("Number", number.ToString(System.Globalization.CultureInfo.InvariantCulture)), ("PerTile", perTile ? "true" : "false"),
            ("After", after), ("Reads", reads), ("Tools", tools),
            ("OutputDir", Path.Combine(runDir, "data", name) + "/"), ("LogDir", Path.Combine(runDir, "logs", name) + "/"));

    /// <summary>The step-0 item as Vasco.Steps.targets declares it.</summary>
    public static ITaskItem TilingStep(string runDir) => Step(runDir, "Tiling", 0, perTile: false,
        reads: "TileSizeArcmin;TilingMode;TileOverlapArcmin;FootprintDecMin;FootprintDecMax;FootprintRaMin;FootprintRaMax;RandomTileCount;RandomSeed");

    /// <summary>VascoParameter items as Vasco.targets makes them: every built-in parameter, valued only where the run sets it.</summary>
    public static ITaskItem[] Parameters(params (string Name, string Value)[] set) =>
        ParameterCatalog.BuiltIn.Select(d => Item(d.Name, ("Value", set.FirstOrDefault(s => s.Name == d.Name).Value ?? ""))).ToArray();

    /// <summary>VascoResolvedParameter items (the plan's output): the defaults, but for <paramref name="set"/>.</summary>
    public static ITaskItem[] Resolved(params (string Name, string Value)[] set) =>
        ParameterCatalog.BuiltIn.Select(d => Item(d.Name, ("Value", set.FirstOrDefault(s => s.Name == d.Name).Value ?? d.Default), ("Source", "Default"))).ToArray();

    /// <summary>A VascoTile item as the plan returns it.</summary>
    public static ITaskItem Tile(string id, double ra = 132.8, double dec = 11.8, string target = "M67", double size = 30, int row = 0, int col = 0) =>
        Item(id, ("TargetName", target), ("Ra", F(ra)), ("Dec", F(dec)), ("SizeArcmin", F(size)), ("Row", row.ToString()), ("Col", col.ToString()));

    static string F(double v) => v.ToString("R", System.Globalization.CultureInfo.InvariantCulture);

    /// <summary>The build logged exactly one error, of <paramref name="code"/>, whose text has each of <paramref name="mentions"/>.</summary>
    public static BuildErrorEventArgs OneError(FakeBuildEngine engine, string code, params string[] mentions)
    {
        Assert.That(engine.Errors, Has.Count.EqualTo(1), engine.Log);
        var error = engine.Errors[0];
        Assert.That(error.Code, Is.EqualTo(code), engine.Log);
        foreach (var m in mentions) Assert.That(error.Message, Does.Contain(m));
        return error;
    }
}
