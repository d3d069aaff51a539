using Microsoft.Build.Utilities;
using NUnit.Framework;
using Vasco.MSBuild;
using Vasco.Steps;

namespace Vasco.Tests.Adapters;

/// <summary>How items become what the steps see.</summary>
public class ItemsTests
{
    [Test]
    public void CatalogMetadataIsReadWhateverItsCase()
    {
        // MSBuild matches metadata names without regard to case: file="..." is File="...".
        var item = new TaskItem("gaia");
        item.SetMetadata("file", "gaia_m67.csv");
        item.SetMetadata("expectempty", "true");
        item.SetMetadata("RACOLUMN", "ra_deg");
        var catalog = EnvironmentItems.ToCatalog(item);
        Assert.That((catalog.Meta("File"), catalog.ExpectEmpty, catalog.Meta("RaColumn")), Is.EqualTo(("gaia_m67.csv", true, "ra_deg")));
    }

    static TaskItem Step(string name, string? reads, bool builtIn)
    {
        var item = new TaskItem(name);
        item.SetMetadata("Number", "8");
        item.SetMetadata("OutputDir", "/tmp/out/");
        item.SetMetadata("LogDir", "/tmp/logs/");
        if (reads is not null) item.SetMetadata("Reads", reads);
        if (builtIn) item.SetMetadata("BuiltIn", "true");
        return item;
    }

    [Test]
    public void ABuiltInStepsStampComesFromItsContractAndARunFilesStepKeepsItsOwnReads()
    {
        Assert.That(Items.ToStep(Step("Filter", null, builtIn: true)).Reads, Is.EqualTo(BuiltInSteps.Find("Filter")!.Reads));
        // A run of its own steps (VascoBuiltInSteps=false) may name one "Filter": its Reads= are its stamp.
        Assert.That(Items.ToStep(Step("Filter", "MyThreshold", builtIn: false)).Reads, Is.EqualTo(new[] { "MyThreshold" }));
    }
}
