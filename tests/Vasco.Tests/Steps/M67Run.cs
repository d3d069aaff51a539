using NUnit.Framework;
using Vasco.Tests.Support;

namespace Vasco.Tests.Steps;

/// <summary>
/// The embedded default's run (the real M67 plate, Tycho-2 masks) in a throw-away folder,
/// built once for all the tests of a fixture that need its outputs.
/// </summary>
public static class M67Run
{
    public const string TileId = "M67";

    public static RunFolder Create(string name = "m67", string extraProperties = "", string? gaiaCatalog = null)
    {
        var input = Repo.Path("runs", "m67", "input");
        var gaia = gaiaCatalog ?? $"{input}/gaia-dr3_M67_r22arcmin.csv";
        return new RunFolder(name).WriteRunFile($"""
            <TilingMode>single</TilingMode>
            <TileSizeArcmin>30</TileSizeArcmin>
            <ImageSource>local</ImageSource>
            <LocalImageDir>{input}</LocalImageDir>
            {extraProperties}
            """, $"""
            <VascoTarget Include="M67" Ra="132.834" Dec="11.812" />
            <VascoBrightStars Include="{input}/tycho2_M67_r1deg.csv" />
            <VascoCatalog Include="gaia" File="{gaia}" />
            """, testSteps: false);
    }
}
