using NUnit.Framework;
using Vasco.Extraction;
using Vasco.Pipeline;
using Vasco.Steps;
using Vasco.Tests.Support;

namespace Vasco.Tests.Steps;

/// <summary>SExtractor's background mesh (BackSize, BackFilterSize): run parameters, sized to the image by default.</summary>
[TestFixture, NonParallelizable]
public class BackgroundMeshTests
{
    [TestCase("auto", 1059, 1059, 64)]   // the M67 plate (30'): the reference pipeline's 64 px
    [TestCase("auto", 2118, 2118, 64)]   // a 60' tile
    [TestCase("auto", 512, 700, 64)]     // 8 meshes across: still 64
    [TestCase("auto", 176, 176, 22)]     // a 5' cutout (the Crab's): 8 meshes across
    [TestCase("auto", 60, 60, 16)]       // never narrower than 16 px
    [TestCase("32", 1059, 1059, 32)]     // a number is used as it is
    public void TheMeshFollowsTheImageSizeUnlessGiven(string parameter, int width, int height, int expected) =>
        Assert.That(BackgroundMesh.Size(parameter, width, height), Is.EqualTo(expected));

    [Test]
    public void BackSizeTakesAutoOrPixels()
    {
        var set = ParameterSet.Resolve([("BackSize", "", false), ("BackFilterSize", "", false)], null, ParameterCatalog.BuiltIn);
        Assert.That((set["BackSize"], set["BackFilterSize"]), Is.EqualTo(("auto", "3")));
        Assert.That(ParameterSet.Resolve([("BackSize", "AUTO", true)], null, ParameterCatalog.BuiltIn)["BackSize"], Is.EqualTo("auto"));
        Assert.That(ParameterSet.Resolve([("BackSize", "32.0", true)], null, ParameterCatalog.BuiltIn)["BackSize"], Is.EqualTo("32"));
        var e = Assert.Throws<VascoException>(() => ParameterSet.Resolve([("BackSize", "big", true)], null, ParameterCatalog.BuiltIn))!;
        Assert.That((e.Code, e.Cause), Is.EqualTo(("VASCO0103", "BackSize='big' (from the command line) is not auto or an integer in [8, 4096].")));
    }

    /// <summary>The log of a tile's pass-1 SExtractor run: its argument list.</summary>
    static string Pass1Log(RunFolder run) => File.ReadAllText(run.Path("logs", "sextractor-p1", run.RunId, "M67.log"));

    [Test]
    public void ASmallTileGetsASmallerMeshAndTheM67TileKeepsTheReferenceOne()
    {
        using var small = M67Run.Create("mesh5", "<TileSizeArcmin>5</TileSizeArcmin>");
        var build = small.Build("-t:VascoPass1");
        Assert.That(build.ExitCode, Is.EqualTo(0), build.Output);
        // A 5' tile's cutout of the 1.7"/px plate is under 200 px a side: 8 meshes across, not 3 of 64 px.
        var header = Vasco.Fits.FitsFile.ReadPrimaryHeader(small.Path("data", "masks", small.RunId, "M67.clean.fits"));
        var side = Math.Min(header.GetInt("NAXIS1"), header.GetInt("NAXIS2"));
        Assert.That(side, Is.LessThan(200));
        Assert.That(Pass1Log(small), Does.Contain($"-BACK_SIZE {side / 8} -BACK_FILTERSIZE 3"));

        using var m67 = M67Run.Create("mesh30");
        build = m67.Build("-t:VascoPass1");
        Assert.That(build.ExitCode, Is.EqualTo(0), build.Output);
        Assert.That(Pass1Log(m67), Does.Contain("-BACK_SIZE 64 -BACK_FILTERSIZE 3"));
        Assert.That(File.ReadAllText(m67.Path("data", "catalogs", "p1", m67.RunId, "M67.tile.json")), Does.Contain("\"back_size\": 64"));

        // Changing the mesh reruns pass 1 (it is stamped like the other parameters).
        build = m67.Build("-t:VascoPass1", "-p:BackSize=32");
        Assert.That(build.TilesRun("VascoPass1"), Is.EqualTo(new[] { "M67" }));
        Assert.That(Pass1Log(m67), Does.Contain("-BACK_SIZE 32 -BACK_FILTERSIZE 3"));
    }

    [Test]
    public void NoDetectionsNamesTheBackgroundMeshAsWellAsTheThreshold()
    {
        using var run = M67Run.Create("nodet", "<DetectThresh>1000</DetectThresh>");
        var build = run.Build("-t:VascoPass1");
        Assert.That(build.ExitCode, Is.Not.EqualTo(0));
        Assert.That(build.ErrorCodes(), Is.EquivalentTo(new[] { "VASCO3001", "VASCO0002" }), build.Output);
        Assert.That(build.Output, Does.Contain("SExtractor found no source in M67.cat (DetectThresh=1000, DetectMinArea=5, BackSize=auto (BACK_SIZE 64 px), BackFilterSize=3)"));
        Assert.That(build.Output, Does.Contain("set a smaller BackSize (e.g. -p:BackSize=16)"));
    }
}
