using NUnit.Framework;
using Vasco.Pipeline;
using Vasco.Tests.Steps;
using Vasco.Tests.Support;

namespace Vasco.Tests.Catalogs;

/// <summary>
/// Whole builds of the real M67 tile with its modern catalog or bright-star catalog made untrustworthy: a Gaia file
/// with only its header line, one cut to a few rows, a column mapping without an epoch, a column named twice. Each
/// must stop the build with its VASCO code, the input and the fix, not give "vanished" candidates; an empty catalog
/// that the run file says is expected is a warning. The cases run in order on one run folder, each restoring its input.
/// </summary>
[NonParallelizable]
public class CatalogTrustBuildTests
{
    RunFolder _run = null!;
    string _gaia = "", _runFile = "", _header = "";
    int _candidates;

    [OneTimeSetUp]
    public void BuildM67()
    {
        _run = M67Run.Create("cattrust", gaiaCatalog: "input/gaia.csv");
        Directory.CreateDirectory(_run.Path("input"));
        _gaia = File.ReadAllText(Repo.Path("runs", "m67", "input", "gaia-dr3_M67_r22arcmin.csv"));
        _header = _gaia[.._gaia.IndexOf('\n')];
        File.WriteAllText(_run.Path("input", "gaia.csv"), _gaia);
        _runFile = File.ReadAllText(_run.RunFile);
        var build = _run.Build();
        Assert.That(build.ExitCode, Is.EqualTo(0), build.Output);
        _candidates = Candidates().Count;
        Assert.That(_candidates, Is.EqualTo(1), "the M67 tile's one candidate, with the whole Gaia cone");
    }

    [OneTimeTearDown]
    public void Remove() => _run.Dispose();

    [TearDown]
    public void Restore()
    {
        File.WriteAllText(_run.Path("input", "gaia.csv"), _gaia);
        File.WriteAllText(_run.RunFile, _runFile);
    }

    List<string> Candidates() => File.ReadAllLines(_run.Path("data", "filter", _run.RunId, "candidates.csv")).Skip(1).Where(l => l.Length > 0).ToList();

    void EditRunFile(string from, string to)
    {
        var text = File.ReadAllText(_run.RunFile);
        Assert.That(text, Does.Contain(from));
        File.WriteAllText(_run.RunFile, text.Replace(from, to));
    }

    static void AssertFails(BuildRun build, string code, params string[] said)
    {
        foreach (var line in build.Output.Split('\n').Where(l => l.Contains("error VASCO")).Distinct()) TestContext.Out.WriteLine(line.Trim());
        Assert.That(build.ExitCode, Is.Not.EqualTo(0), build.Output);
        Assert.That(build.ErrorCodes(), Does.Contain(code), build.Output);
        Assert.That(build.ErrorCodes(), Does.Not.Contain("VASCO0001"), "no internal error");
        Assert.That(build.Output, Does.Contain("Fix:"));
        foreach (var s in said) Assert.That(build.Output, Does.Contain(s));
    }

    [Test, Order(1)]
    public void AGaiaFileWithOnlyItsHeaderFailsTheTileInsteadOfMakingEverySourceVanished()
    {
        File.WriteAllText(_run.Path("input", "gaia.csv"), _header + "\n");

        var build = _run.Build();

        AssertFails(build, ErrorCodes.CatalogEmpty, "The gaia catalog (the local file 'input/gaia.csv') has no source in the cone of tile M67", "ExpectEmpty=\"true\"");
        Assert.That(Candidates(), Has.Count.LessThanOrEqualTo(_candidates), "no flood of candidates from the empty catalog");
    }

    [Test, Order(2)]
    public void AnEmptyCatalogSaidToBeExpectedIsAWarningAndTakingThatBackRerunsTheStep()
    {
        File.WriteAllText(_run.Path("input", "gaia.csv"), _header + "\n");
        EditRunFile("File=\"input/gaia.csv\"", "File=\"input/gaia.csv\" ExpectEmpty=\"true\"");

        var expected = _run.Build();

        Assert.That(expected.ExitCode, Is.EqualTo(0), expected.Output);
        var manifest = Manifest.Read(_run.Path("data", "ext", _run.RunId, "M67" + TileRecords.ManifestSuffix));
        Assert.That(manifest.Warnings, Has.One.Contains("gaia: no source in the cone"));
        var xmatch = Manifest.Read(_run.Path("data", "xmatch", _run.RunId, "M67" + TileRecords.ManifestSuffix));
        Assert.That(xmatch.Counts["unmatched_local"], Is.EqualTo(xmatch.Counts["plate_sources"]), "with no modern source every plate source is unmatched");
        TestContext.Out.WriteLine($"candidates with an empty Gaia file said to be expected: {Candidates().Count} (with the whole cone: {_candidates})");
        Assert.That(Candidates(), Has.Count.GreaterThan(_candidates), "what an empty catalog does to the candidates: why it must be said");

        // The same file, no longer said to be expected: the step's stamp changed, so it runs again and fails.
        File.WriteAllText(_run.RunFile, _runFile);
        var again = _run.Build();
        AssertFails(again, ErrorCodes.CatalogEmpty, "has no source in");
    }

    [Test, Order(3)]
    public void AGaiaFileCutToAFewRowsFailsTheCrossMatchWithItsCoverage()
    {
        // Every 40th source: the cone is not empty (step 6 passes), but most plate stars have no counterpart.
        var lines = _gaia.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        File.WriteAllText(_run.Path("input", "gaia.csv"), string.Join('\n', lines.Where((_, i) => i == 0 || i % 40 == 0)) + "\n");

        var build = _run.Build();

        AssertFails(build, ErrorCodes.CatalogSparse, "CrossMatch: tile M67", "The gaia catalog has a source within 5\" of only",
            "of the 1268 sources with SNR_WIN > 30 on the plate of tile M67", "ExpectEmpty=\"true\"");
        Assert.That(build.ErrorCodes(), Does.Not.Contain(ErrorCodes.CatalogEmpty));
    }

    [Test, Order(4)]
    public void AMappedCatalogWithoutAnEpochIsAnErrorNamingTheEpochMetadata()
    {
        const string mapping = "RaColumn=\"ra\" DecColumn=\"dec\" MagColumn=\"phot_g_mean_mag\" PmRaColumn=\"pmra\" PmDecColumn=\"pmdec\" IdColumn=\"source_id\"";
        EditRunFile("File=\"input/gaia.csv\"", $"File=\"input/gaia.csv\" {mapping}");

        var build = _run.Build();

        AssertFails(build, ErrorCodes.CatalogEpochMissing, "VascoCatalog 'gaia' maps its columns (RaColumn, ...) but has no Epoch metadata", "Epoch=\"YEAR\"");

        // Stated, the same mapping gives the run's own result.
        File.WriteAllText(_run.RunFile, _runFile);
        EditRunFile("File=\"input/gaia.csv\"", $"File=\"input/gaia.csv\" {mapping} Epoch=\"2016.0\"");
        var stated = _run.Build();
        Assert.That(stated.ExitCode, Is.EqualTo(0), stated.Output);
        Assert.That(Candidates(), Has.Count.EqualTo(_candidates));
    }

    [Test, Order(5)]
    public void ABrightStarCatalogMappedWithoutAnEpochIsAnError()
    {
        var tycho = Repo.Path("runs", "m67", "input", "tycho2_M67_r1deg.csv");
        EditRunFile($"<VascoBrightStars Include=\"{tycho}\" />",
            $"<VascoBrightStars Include=\"{tycho}\" RaColumn=\"RAmdeg_J2000\" DecColumn=\"DEmdeg_J2000\" MagColumn=\"VTmag\" PmRaColumn=\"pmRA_masyr\" PmDecColumn=\"pmDE_masyr\" />");

        var build = _run.Build();

        AssertFails(build, ErrorCodes.CatalogEpochMissing, "VascoBrightStars", "has no Epoch metadata", "Epoch=\"YEAR\"");
    }

    [Test, Order(6)]
    public void AGaiaFileWithAColumnTwiceIsAnErrorNamingTheColumnAndTheFile()
    {
        // A second "ra" (say, in hours) after the first: which one was meant cannot be known.
        var lines = _gaia.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        File.WriteAllText(_run.Path("input", "gaia.csv"),
            string.Join('\n', lines.Select((l, i) => i == 0 ? l + ",RA" : l + ",8.85")) + "\n");

        var build = _run.Build();

        AssertFails(build, ErrorCodes.CsvColumnTwice, "gaia.csv' has the column 'ra' more than once (columns 2 and 12");
    }
}
