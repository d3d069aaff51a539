using NUnit.Framework;
using Vasco.Catalogs;
using Vasco.Pipeline;
using Vasco.Steps;
using Vasco.Preprocess;
using Vasco.Tests.Support;
using Vasco.Tiling;

namespace Vasco.Tests.BadInputs;

/// <summary>
/// The bad-input corpus in Data/bad-inputs/: one file per case, named CODE.what-is-wrong.ext (the VASCO code the
/// reader must give) or ok.what-is-odd.ext (odd but valid: read without error). Each file goes through the domain
/// reader the pipeline uses for that kind of input; an error must carry its code, name the file and say how to fix it.
/// </summary>
public class BadInputCorpusTests
{
    static readonly string Corpus = Repo.Path("tests", "Vasco.Tests", "Data", "bad-inputs");

    /// <summary>Each kind of input (a folder of the corpus) and how the pipeline reads it.</summary>
    static readonly Dictionary<string, Action<string>> Readers = new()
    {
        // The plan: the list, then the names' uniqueness, then the tiles (tile ids come from names).
        ["targets"] = path =>
        {
            var targets = Targets.ReadCsv(path, 30);
            Targets.CheckUnique(targets);
            Tiler.Tile(targets, TilingMode.Single, 30);
        },
        ["catalog"] = path => LocalCatalog.Read(path, LocalCatalog.GaiaArchiveColumns),
        ["bright-stars"] = path => BrightStarCatalog.Read(path, BrightStarColumns.Tycho2),
        ["ext-csv"] = path => ReferenceCatalogCsv.Read(path),
        ["config"] = path => ParameterSet.ReadConfig(path, ParameterCatalog.BuiltIn.ToDictionary(d => d.Name, StringComparer.OrdinalIgnoreCase)),
    };

    public static IEnumerable<TestCaseData> Cases() =>
        Directory.GetDirectories(Corpus).Order(StringComparer.Ordinal)
            .SelectMany(dir => Directory.GetFiles(dir).Order(StringComparer.Ordinal))
            .Select(file => new TestCaseData(Path.GetFileName(Path.GetDirectoryName(file)!), Path.GetFileName(file))
                .SetName($"{Path.GetFileName(Path.GetDirectoryName(file))}/{Path.GetFileName(file)}"));

    [TestCaseSource(nameof(Cases))]
    public void EachBadInputGivesItsCodeNamingTheFileAndTheFix(string kind, string name)
    {
        var path = Path.Combine(Corpus, kind, name);
        var expected = name.Split('.')[0];
        if (expected == "ok")
        {
            Assert.DoesNotThrow(() => Readers[kind](path));
            return;
        }
        var error = Assert.Throws<VascoException>(() => Readers[kind](path))!;
        TestContext.Out.WriteLine($"{kind}/{name}: {error.Code}: {error.UserMessage}");
        Assert.That(error.Code, Is.EqualTo(expected), error.ToString());
        Assert.That(error.Cause, Does.Contain(name), "the message names the input file");
        Assert.That(error.Fix, Is.Not.Empty);
        Assert.That(error.UserMessage, Does.Not.Match(@"[\u0000-\u001f]"), "control characters are shown escaped, on one line");
        Assert.That(ErrorCodes.All.Select(c => c.Code), Does.Contain(error.Code));
    }

    // CsvHelper would read the first of the two silently; the error must say which name, where, and in which file.
    [TestCase("catalog", "VASCO0110.ra-twice.csv", "'ra' more than once (columns 2 and 7")]
    [TestCase("catalog", "VASCO0110.ra-twice-other-case.csv", "'RA' more than once (columns 2 and 7")]
    [TestCase("bright-stars", "VASCO0110.vtmag-twice.csv", "'VTmag' more than once (columns 11 and 16")]
    [TestCase("targets", "VASCO0110.name-twice.csv", "'name' more than once (columns 1 and 4")]
    public void AColumnNamedTwiceIsNamedWithItsPlaces(string kind, string name, string said)
    {
        var error = Assert.Throws<VascoException>(() => Readers[kind](Path.Combine(Corpus, kind, name)))!;
        Assert.That(error.Code, Is.EqualTo(ErrorCodes.CsvColumnTwice));
        Assert.That(error.Cause, Does.Contain($"{name}' has the column {said}"));
    }

    [Test]
    public void TheCorpusCoversEveryKindAndEachKindHasCases()
    {
        var kinds = Directory.GetDirectories(Corpus).Select(d => Path.GetFileName(d)).Order(StringComparer.Ordinal).ToList();
        Assert.That(kinds, Is.EquivalentTo(Readers.Keys));
        foreach (var kind in kinds)
            Assert.That(Directory.GetFiles(Path.Combine(Corpus, kind)), Has.Length.GreaterThanOrEqualTo(4), kind!);
    }

    [Test]
    public void HostileTargetNamesBecomeTileIdsThatStayInsideTheRunFolder()
    {
        var targets = Targets.ReadCsv(Path.Combine(Corpus, "targets", "ok.hostile-names.csv"), 30);
        var tiles = Tiler.Tile(targets, TilingMode.Single, 30);
        Assert.That(tiles.Select(t => t.TileId), Is.EqualTo(new[] { "etc_passwd", "windows", "M67_bell_31m", "abs_path", "CON" }));
        var run = Path.Combine(Path.GetTempPath(), "vasco-run");
        foreach (var tile in tiles)
        {
            Assert.That(TileIds.IsValid(tile.TileId), tile.TileId);
            Assert.That(RunPaths.Inside(run, $"data/downloads/x/{tile.TileId}.fits"), Does.StartWith(run + Path.DirectorySeparatorChar));
        }
    }

    [TestCase("../escape")]
    [TestCase("a/b")]
    [TestCase("..")]
    [TestCase("gaia\u0000")]
    [TestCase("")]
    [TestCase("/tmp/x")]
    public void ACatalogNameThatIsNotASafeFolderNameIsRefused(string name)
    {
        var error = Assert.Throws<VascoException>(() => RunNames.Check("m67", ["gaia", name]))!;
        Assert.That(error.Code, Is.EqualTo(ErrorCodes.CatalogNameInvalid));
        Assert.That(error.UserMessage, Does.Not.Match(@"[\u0000-\u001f]"));
    }

    [TestCase("../../victim")]
    [TestCase("a/b")]
    [TestCase(" ")]
    public void ARunIdThatIsNotASafeFolderNameIsRefused(string runId) =>
        Assert.That(Assert.Throws<VascoException>(() => RunNames.Check(runId, []))!.Code, Is.EqualTo(ErrorCodes.RunIdInvalid));

    [Test]
    public void SafeNamesPass() => Assert.DoesNotThrow(() => RunNames.Check("m67", ["gaia", "usnob", "my_survey-2"]));

    [Test]
    public void AHugeTargetListIsReadButMoreTilesThanARunCanHoldIsAnError()
    {
        using var dir = new TempDir();
        var path = Path.Combine(dir.Path, "huge.csv");
        using (var w = new StreamWriter(path))
        {
            w.Write("name,ra,dec\n");
            for (var i = 0; i < Tiler.MaxTiles + 1; i++)
                w.Write($"t{i},{i * 0.001 % 360:F4},{-80 + i * 160.0 / (Tiler.MaxTiles + 1):F4}\n");
        }
        var targets = Targets.ReadCsv(path, 30);
        Assert.That(targets, Has.Count.EqualTo(Tiler.MaxTiles + 1));
        var error = Assert.Throws<VascoException>(() => Tiler.Tile(targets, TilingMode.Single, 30))!;
        Assert.That(error.Code, Is.EqualTo(ErrorCodes.TooManyTiles));
        Assert.That(error.Cause, Does.Contain("250001 targets"));
    }

    [Test]
    public void AFieldThatNeedsTensOfThousandsOfTilesIsRefusedBeforeAnyIsMade()
    {
        // 1200' of 5' tiles: about 67,500 hex tiles, whose coverage check alone would run for many minutes.
        var target = Targets.Parse("big", "150", "20", "1200", 5, "targets.csv line 2");
        var error = Assert.Throws<VascoException>(() => Tiler.Tile([target], TilingMode.Hex30, 5))!;
        Assert.That(error.Code, Is.EqualTo(ErrorCodes.TooManyTiles));
        Assert.That(error.File, Is.EqualTo("targets.csv"));
        // The largest field of the default-sized tiles is well inside the limit.
        var largest = Targets.Parse("big", "150", "20", "1200", 30, "run file");
        var tiles = Tiler.Tile([largest], TilingMode.Hex30, 30);
        Assert.That(tiles, Has.Count.EqualTo(2040));
        Assert.That(tiles.Count, Is.LessThanOrEqualTo(Tiler.MaxTilesPerTarget));
    }

    [TestCase("Number", "abc")]
    [TestCase("Choice", "a")]
    [TestCase("Colour", "red")]
    [TestCase("", "1")]
    [TestCase("Integer", "1.5")]
    public void ADeclaredParameterWithABadTypeOrDefaultIsACodedError(string type, string defaultValue)
    {
        var error = Assert.Throws<VascoException>(() => ParameterDefinition.Declared("MyLimit", type, defaultValue, "a limit"))!;
        Assert.That(error.Code, Is.EqualTo(ErrorCodes.ParameterInvalid));
        Assert.That(error.Cause, Does.Contain("MyLimit"));
    }

    sealed class TempDir : IDisposable
    {
        public string Path { get; } = Directory.CreateDirectory(System.IO.Path.Combine(System.IO.Path.GetTempPath(), "vasco-tests", "bad-" + Guid.NewGuid().ToString("N")[..8])).FullName;
        public void Dispose() => Directory.Delete(Path, recursive: true);
    }
}
