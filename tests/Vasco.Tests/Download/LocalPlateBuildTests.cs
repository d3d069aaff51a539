using System.Globalization;
using System.Text.Json;
using System.Text.RegularExpressions;
using NUnit.Framework;
using Vasco.Pipeline;
using Vasco.Tests.Steps;
using Vasco.Tests.Support;

namespace Vasco.Tests.Download;

/// <summary>
/// Step 1 with ImageSource=local through real builds of VascoDownload: what the user is told, in the build output
/// and in the tile's manifest or failure record, about the plates of LocalImageDir.
/// </summary>
[NonParallelizable]
public class LocalPlateBuildTests
{
    static RunFolder Run(string name, params (string File, byte[] Bytes)[] plates)
    {
        var run = M67Run.Create(name, "<LocalImageDir>plates</LocalImageDir>");
        Directory.CreateDirectory(run.Path("plates"));
        foreach (var (file, bytes) in plates)
            File.WriteAllBytes(run.Path("plates", file), bytes);
        return run;
    }

    static string TileRecord(RunFolder run, string suffix) => run.Path("data", "downloads", run.RunId, M67Tile + suffix);

    const string M67Tile = "M67";

    [Test]
    public void APlateCoveringPartOfTheTileIsAWarningInTheBuildOutputAndTheManifest()
    {
        // The southern 600 rows of the 1059 px cutout: the tile centre (row 530) is on it, the northern part is not.
        using var run = Run("partial", ("m67-south.fits", M67Plate.Crop(1, 1, 1059, 600)));

        var build = run.Build("-t:VascoDownload");

        Assert.That(build.ExitCode, Is.EqualTo(0), build.Output);
        var manifest = Manifest.Read(TileRecord(run, ".tile.json"));
        var covered = manifest.Counts["covered_fraction"];
        Assert.That(covered, Is.InRange(0.4, 0.7));
        var warnings = build.Warnings().Where(w => w.Code == ErrorCodes.PlatePartialCoverage).ToList();
        Assert.That(warnings, Has.Count.EqualTo(1), build.Output);
        var said = Regex.Match(warnings[0].Text, @"^Download: tile M67: the plate m67-south\.fits covers ([0-9.]+) % of the tile: no source can be found on the rest$");
        Assert.That(said.Success, warnings[0].Text);
        Assert.That(double.Parse(said.Groups[1].Value, CultureInfo.InvariantCulture), Is.EqualTo(covered * 100).Within(0.051));
        Assert.That(manifest.Warnings, Is.EqualTo(new[] { $"{ErrorCodes.PlatePartialCoverage}: {warnings[0].Text["Download: tile M67: ".Length..]}" }));
    }

    [Test]
    public void WhenNoPlateIsUsableTheErrorAndTheFailureRecordNameEachSkippedFileAndWhy()
    {
        using var run = Run("skipped",
            ("m67-1990.fits", M67Plate.WithHeader(h => h.Set("DATE-OBS", "1990-01-01"))),
            ("error-page.fits", "<html><body>503 Service Unavailable</body></html>\n"u8.ToArray()));

        var build = run.Build("-t:VascoDownload");

        Assert.That(build.ExitCode, Is.Not.EqualTo(0));
        var error = build.Errors().Single(e => e.Code == ErrorCodes.NoLocalPlate);
        Assert.That(error.Text, Does.Contain("2 file(s) skipped"));
        Assert.That(error.Text, Does.Contain("; m67-1990.fits was exposed on 1990-01-01 (DATE-OBS = '1990-01-01'), outside the POSS-I years 1949-1958"));
        Assert.That(error.Text, Does.Contain(": error-page.fits is not a FITS file: error-page.fits: the file ends inside the primary header"));

        var failure = Manifest.Read(TileRecord(run, ".failed.json"));
        var skipped = ((JsonElement)failure.Fields["skipped_files"]!).EnumerateArray()
            .ToDictionary(f => f.GetProperty("file").GetString()!, f => f.GetProperty("reason").GetString()!);
        Assert.That(skipped.Keys, Is.EquivalentTo(new[] { "plates/error-page.fits", "plates/m67-1990.fits" }));
        Assert.That(skipped["plates/m67-1990.fits"], Does.Contain("outside the POSS-I years"));
        Assert.That(skipped["plates/error-page.fits"], Does.Contain("not a FITS file"));
        var step = Manifest.Read(run.Path("data", "downloads", run.RunId, "manifest.json"));
        Assert.That(JsonSerializer.Serialize(step.Fields["skipped_files"]), Does.Contain("plates/m67-1990.fits").And.Contain("plates/error-page.fits"));
    }

    [Test]
    public void APlateWithANonStandardCardIsUsedAndTheCardIsAWarning()
    {
        // As on real DSS scans: a card whose value is neither quoted text nor a number.
        using var run = Run("skew", ("m67-skew.fits", M67Plate.WithRawCard("SKEW    = a, b")));

        var build = run.Build("-t:VascoDownload");

        Assert.That(build.ExitCode, Is.EqualTo(0), build.Output);
        var warnings = build.Warnings().Where(w => w.Code == ErrorCodes.PlateHeaderNonStandard).Select(w => w.Text).ToList();
        Assert.That(warnings, Is.EqualTo(new[]
        {
            "Download: tile M67: plate m67-skew.fits: card 'SKEW    = a, b' is not FITS standard (cannot parse the value 'a, b' of 'SKEW'): read as the text 'a, b'",
        }), build.Output);
        var manifest = Manifest.Read(TileRecord(run, ".tile.json"));
        Assert.That(manifest.Warnings, Has.One.StartsWith($"{ErrorCodes.PlateHeaderNonStandard}: plate m67-skew.fits: card 'SKEW    = a, b'"));
        Assert.That(manifest.Fields["plate_id"]?.ToString(), Is.EqualTo("07HH"));
    }

    [Test]
    public void APlateWithANonStandardCardIsRefusedOnlyForItsRealReason()
    {
        var late = M67Plate.WithRawCard("SKEW    = a, b", M67Plate.WithHeader(h => h.Set("DATE-OBS", "1990-01-01")));
        using var run = Run("skewlate", ("m67-skew-1990.fits", late));

        var build = run.Build("-t:VascoDownload");

        Assert.That(build.ExitCode, Is.Not.EqualTo(0));
        var error = build.Errors().Single(e => e.Code == ErrorCodes.NoLocalPlate);
        Assert.That(error.Text, Does.Contain("was exposed on 1990-01-01"));
        Assert.That(error.Text, Does.Not.Contain("not a FITS file"));
    }
}
