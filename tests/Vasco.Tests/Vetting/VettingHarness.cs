using System.Globalization;
using NUnit.Framework;
using Vasco.Catalogs;
using Vasco.Fits;
using Vasco.IO;
using Vasco.Pipeline;
using Vasco.Steps;
using Vasco.Tests.Support;
using Vasco.Tiling;
using Vasco.Vetting;

namespace Vasco.Tests.Vetting;

/// <summary>
/// One tile's inputs of the vetting stages written by hand (step 8's candidates, the clean plate's header, step 6's
/// catalogs), and the stages run through their contracts without MSBuild, as a build runs them.
/// </summary>
sealed class VettingHarness
{
    public VettingHarness(double ra = 57.5774, double dec = 17.4644)
    {
        RunDir = TestTemp.NewPath("vetting-");
        Tile = Tiler.Tile([new Target("field", ra, dec, 20, 20, "test")], TilingMode.Single, 20)[0];
        var names = new[] { "Preprocess", "External", "Filter" }.Concat(VettingChain.Stages.Select(s => s.Step));
        Steps = names.Select(n => new StepDeclaration(n, n switch { "Preprocess" => 2, "External" => 6, _ => 8 }, true,
                n switch { "Preprocess" or "External" => [], "Filter" => ["Preprocess"], _ => ["Preprocess", "External", "Filter"] },
                BuiltInSteps.Find(n)?.Reads ?? [], [], [], Path.Combine(RunDir, "data", n), Path.Combine(RunDir, "logs", n)))
            .ToDictionary(s => s.Name, StringComparer.Ordinal);
        foreach (var s in Steps.Values) Directory.CreateDirectory(s.OutputDir);
        // Steps 2, 6 and 8 "completed" for the tile: the stages run only after them.
        foreach (var up in new[] { "Preprocess", "External", "Filter" })
            new Manifest { Step = up, RunId = "vetting", Status = "ok" }.Write(TileRecords.ManifestPath(Steps[up].OutputDir, Tile.TileId));
    }

    public string RunDir { get; }
    public Tile Tile { get; }
    public Dictionary<string, StepDeclaration> Steps { get; }
    public List<CatalogItem> Archives { get; } = [];
    public List<CatalogItem> VettingFiles { get; } = [];
    public List<CatalogItem> Catalogs { get; } = [];

    /// <summary>Step 8's candidates of the tile (INTERFACE.md's columns; only number, ra, dec filled).</summary>
    public void Candidates(params (int Number, double Ra, double Dec)[] candidates) =>
        AtomicFile.WriteAllText(FilterStep.Candidates.PathOf(Steps, Tile.TileId), CsvText.PlainTable(Vasco.Filtering.Candidates.Columns,
            candidates.Select(c => Vasco.Filtering.Candidates.Columns.Select(col => col switch
            {
                "tile_id" => Tile.TileId,
                "number" => c.Number.ToString(CultureInfo.InvariantCulture),
                "ra" => CsvText.Number(c.Ra),
                "dec" => CsvText.Number(c.Dec),
                "mag" => "15",
                _ => "",
            }))));

    /// <summary>
    /// A clean plate whose header says when and where it was exposed: by default the M67 plate's
    /// (DATE-OBS '29/11/51', UT 12:07, 50 minutes, Palomar's SITELAT/SITELONG; mid-exposure 12:32 UT).
    /// </summary>
    public void Plate(double epoch = 1951.911, string? exposureMinutes = "50", bool site = true)
    {
        var header = new FitsHeader();
        header.Set("EPOCHPLT", epoch, "plate epoch");
        header.Set("PLATEID", "07HH");
        header.Set("DATE-OBS", "29/11/51");
        header.Set("UT", "12:07:00.00");
        if (exposureMinutes is not null) header.Set("EXPOSURE", double.Parse(exposureMinutes, CultureInfo.InvariantCulture), "minutes");
        if (site)
        {
            header.Set("SITELAT", "+33:24:24.00");
            header.Set("SITELONG", "-116:51:48.00");
        }
        var writer = new FitsWriter();
        writer.AddImage(new float[4], [2, 2], header);
        writer.WriteTo(PreprocessStep.Clean.PathOf(Steps, Tile.TileId));
    }

    /// <summary>Step 6's file of a catalog for the tile (and the catalog becomes one of the run's).</summary>
    public void ModernCatalog(string name, params ReferenceStar[] stars)
    {
        var path = Path.Combine(RunDir, "data", "ext", name, "vetting", Tile.TileId + ".csv");
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        ReferenceCatalogCsv.Write(path, stars);
        Catalogs.Add(new CatalogItem(name, "", new Dictionary<string, string>()));
    }

    /// <summary>A file in the run folder, relative to it.</summary>
    public string File(string relative, string text)
    {
        var path = Path.Combine(RunDir, relative);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        System.IO.File.WriteAllText(path, text);
        return relative;
    }

    public static CatalogItem Item(string name, params (string Key, string Value)[] metadata) =>
        new(name, "", metadata.ToDictionary(m => m.Key, m => m.Value, StringComparer.OrdinalIgnoreCase));

    /// <summary>Runs one stage on the tile; returns its outcome and its verdicts by candidate number.</summary>
    public (TileOutcome Outcome, IReadOnlyDictionary<string, StageVerdict> Verdicts, IReadOnlyList<string> Columns) Run(StepContract contract, params (string Name, string Value)[] parameters)
    {
        var values = SyntheticChainValues(parameters);
        var env = new StepEnvironment
        {
            RunDir = RunDir, RunId = "vetting", Steps = Steps, CacheDir = Path.Combine(RunDir, "cache"), StateDir = Path.Combine(RunDir, "obj"),
            ExtDir = Path.Combine(RunDir, "data", "ext"), Catalogs = Catalogs, Archives = Archives, VettingFiles = VettingFiles,
        };
        var runner = new StepRunner
        {
            Step = Steps[contract.Name], RunDir = RunDir, RunId = "vetting", Parameters = contract.Restrict(values),
            ToolVersions = new Dictionary<string, string>(), AllSteps = Steps, StampDir = Path.Combine(RunDir, "obj", "stamps"),
        };
        using var work = contract.Create(env, values);
        var outcome = work.Run(runner, [Tile], [Tile.TileId]).Single();
        var path = VettingStage.VerdictsOf(contract.Name).PathOf(Steps, Tile.TileId);
        if (!System.IO.File.Exists(path)) return (outcome, new Dictionary<string, StageVerdict>(), []);
        var (columns, verdicts) = StageTable.Read(path);
        return (outcome, verdicts, columns);
    }

    public (TileOutcome Outcome, IReadOnlyDictionary<string, StageVerdict> Verdicts, IReadOnlyList<string> Columns) RunOk(StepContract contract, params (string Name, string Value)[] parameters)
    {
        var r = Run(contract, parameters);
        Assert.That(r.Outcome.Status, Is.EqualTo(TileStatus.Ok), $"{contract.Name}: {r.Outcome.Code} {r.Outcome.Message}");
        return r;
    }

    static ParameterSet SyntheticChainValues((string Name, string Value)[] given) =>
        ParameterSet.Resolve(ParameterCatalog.BuiltIn.Select(p => (p.Name, given.FirstOrDefault(g => g.Name == p.Name).Value ?? "", false)), null, ParameterCatalog.BuiltIn);
}
