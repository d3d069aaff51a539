using System.IO.Compression;
using SharpFuzz;
using Vasco.Catalogs;
using Vasco.Download;
using Vasco.Extraction;
using Vasco.Fits;
using Vasco.Pipeline;
using Vasco.Steps;
using Vasco.Preprocess;
using Vasco.Tiling;

namespace Vasco.Fuzz;

/// <summary>
/// The fuzz targets of bench/fuzz.sh. Each hands one input to a Vasco reader the way the pipeline does; the
/// readers' documented failures (FitsFormatException, VascoException, and for the VizieR rows FormatException,
/// which the client turns into VASCO6006) are fine, anything else escapes and is a crash for afl-fuzz.
///   Vasco.Fuzz TARGET              afl-fuzz mode: inputs on standard input, persistent
///   Vasco.Fuzz TARGET FILE|DIR...  replays inputs and prints each outcome (triage, no afl)
///   Vasco.Fuzz seeds REPO OUTDIR   writes the seed corpus from the repository's real files
/// </summary>
public static class Program
{
    static readonly Dictionary<string, Action<byte[]>> Targets = new()
    {
        ["fits"] = Fits,
        ["plate"] = Plate,
        ["local-catalog"] = bytes => WithFile(bytes, ".csv", path => LocalCatalog.Read(path, LocalCatalog.GaiaArchiveColumns)),
        ["ext-csv"] = bytes => WithFile(bytes, ".csv", path => ReferenceCatalogCsv.Read(path)),
        ["vizier"] = Vizier,
        ["bright-stars"] = bytes => WithFile(bytes, ".csv", path => BrightStarCatalog.Read(path, BrightStarColumns.Tycho2)),
        ["targets"] = TargetList,
        // Proves the set-up reports crashes: an input starting with "crash" throws an undocumented exception.
        // (It goes through TileIds, instrumented code, so that afl-fuzz sees coverage.)
        ["selftest"] = bytes => _ = TileIds.IsValid(System.Text.Encoding.Latin1.GetString(bytes)) && bytes.AsSpan().StartsWith("crash"u8)
            ? throw new IndexOutOfRangeException("selftest") : 0,
        ["config"] = bytes => WithFile(bytes, ".yaml", path => ParameterSet.ReadConfig(path, ParameterCatalog.BuiltIn.ToDictionary(d => d.Name))),
    };

    static string _scratch = "";

    public static int Main(string[] args)
    {
        if (args.Length == 3 && args[0] == "seeds")
            return Seeds.Write(args[1], args[2]);
        if (args.Length == 0 || !Targets.TryGetValue(args[0], out var target))
        {
            Console.Error.WriteLine($"usage: Vasco.Fuzz TARGET [FILE|DIR...] | seeds REPO OUTDIR; targets: {string.Join(", ", Targets.Keys)}");
            return 2;
        }
        // A private scratch folder per process (tmpfs when there is one): the path readers need a file.
        var shm = Directory.Exists("/dev/shm") ? "/dev/shm" : Path.GetTempPath();
        _scratch = Path.Combine(shm, $"vasco-fuzz-{Environment.ProcessId}");
        Directory.CreateDirectory(_scratch);
        try
        {
            if (args.Length == 1)
            {
                Fuzzer.Run(stream =>
                {
                    using var copy = new MemoryStream();
                    stream.CopyTo(copy);
                    Guarded(target, copy.ToArray());
                });
                return 0;
            }
            return Replay(target, args[1..]);
        }
        finally
        {
            Directory.Delete(_scratch, recursive: true);
        }
    }

    /// <summary>Runs one input; the documented failures are swallowed, everything else propagates.</summary>
    static void Guarded(Action<byte[]> target, byte[] bytes)
    {
        try
        {
            target(bytes);
        }
        catch (Exception e) when (e is FitsFormatException or VascoException)
        {
        }
    }

    static int Replay(Action<byte[]> target, string[] paths)
    {
        var files = paths.SelectMany(p => Directory.Exists(p) ? Directory.GetFiles(p) : [p])
            .Where(f => Path.GetFileName(f) != "README.txt").Order(StringComparer.Ordinal).ToList(); // afl-fuzz puts a README in crashes/
        var crashes = 0;
        foreach (var file in files)
        {
            try
            {
                target(File.ReadAllBytes(file));
                Console.WriteLine($"{file}: accepted");
            }
            catch (Exception e) when (e is FitsFormatException or VascoException)
            {
                Console.WriteLine($"{file}: rejected: {e.GetType().Name}: {e.Message.Split('\n')[0]}");
            }
            catch (Exception e)
            {
                crashes++;
                Console.WriteLine($"{file}: CRASH: {e}");
            }
        }
        Console.WriteLine($"{files.Count} input(s), {crashes} crash(es)");
        return crashes == 0 ? 0 : 1;
    }

    static void WithFile(byte[] bytes, string extension, Action<string> read)
    {
        var path = Path.Combine(_scratch, "input" + extension);
        File.WriteAllBytes(path, bytes);
        read(path);
    }

    /// <summary>Every FITS reader: the whole file, each HDU's pixels or columns, as an LDAC catalog, as a PSFEx model.</summary>
    static void Fits(byte[] bytes)
    {
        var file = FitsFile.Read(bytes, "fuzz");
        foreach (var hdu in file.Hdus)
        {
            foreach (var card in hdu.Header.Cards)
                if (!card.IsCommentary)
                {
                    hdu.Header.TryGetDouble(card.Keyword, out _);
                    hdu.Header.TryGetString(card.Keyword, out _);
                }
            switch (hdu)
            {
                case ImageHdu image when image.PixelCount <= 1 << 22:
                    image.ReadFloats();
                    break;
                case BinaryTableHdu table:
                    foreach (var column in table.Columns)
                        if (column.Type is 'A')
                            table.ReadStrings(column.Name);
                        else if (column.Type is 'B' or 'I' or 'J' or 'K' or 'E' or 'D')
                            table.ReadDoubleVectors(column.Name);
                    break;
            }
        }
        using (var stream = new MemoryStream(bytes))
            FitsFile.ReadPrimaryHeader(stream, "fuzz", out _);
        WithFile(bytes, ".cat", path =>
        {
            try
            {
                var catalog = LdacCatalog.Read(path);
                if (catalog.Missing(CatalogChecks.Pass1Columns).Count == 0)
                    CatalogChecks.Pass1(catalog, path);
                else if (catalog.Missing(CatalogChecks.Pass2Columns).Count == 0)
                    CatalogChecks.Pass2(catalog, catalog.Count, 0.01, modelFitting: false, path);
            }
            catch (FitsFormatException)
            {
            }
            Psfex.Read(path);
        });
    }

    /// <summary>A download as step 1 checks it, then as step 2 preprocesses it (with one bright star on the plate).</summary>
    static void Plate(byte[] bytes)
    {
        var check = PlateValidator.Check(bytes, "fuzz");
        if (!check.IsPlate)
            return;
        WithFile(bytes, ".fits", path =>
        {
            PlateValidator.CheckFile(path);
            var star = new BrightStar(132.834, 11.812, 8.0, 0, 0, 2000.0);
            PlatePreprocessor.Run(path, [star], Path.Combine(_scratch, "clean.fits"), Path.Combine(_scratch, "mask.fits"), new PreprocessOptions());
        });
    }

    /// <summary>A VizieR answer as the client reads it: parsed, then each row through the Gaia column mapping.</summary>
    static void Vizier(byte[] bytes)
    {
        var tsv = VizierTsv.Parse(System.Text.Encoding.UTF8.GetString(bytes));
        var columns = CatalogSource.Gaia.Columns;
        var index = tsv.Header.Select((name, i) => (name, i)).GroupBy(c => c.name, StringComparer.OrdinalIgnoreCase)
            .ToDictionary(g => g.Key, g => g.First().i, StringComparer.OrdinalIgnoreCase);
        if (columns.Names.Any(c => !index.ContainsKey(c)))
            return;
        for (var r = 0; r < tsv.Rows.Count; r++)
        {
            try
            {
                columns.ToStar(column => tsv.Rows[r][index[column]], r + 1);
            }
            catch (FormatException)
            {
            }
        }
    }

    /// <summary>A target list as the plan reads it: rows, uniqueness, tiles (single and hex).</summary>
    static void TargetList(byte[] bytes) => WithFile(bytes, ".csv", path =>
    {
        var targets = Vasco.Tiling.Targets.ReadCsv(path, 30);
        Vasco.Tiling.Targets.CheckUnique(targets);
        Tiler.Tile(targets, TilingMode.Single, 30);
        if (targets.Sum(t => t.WidthArcmin * t.HeightArcmin) < 200 * 200)
            Tiler.Tile(targets, TilingMode.Hex30, 30);
    });

    internal static byte[] Gzip(byte[] bytes)
    {
        using var output = new MemoryStream();
        using (var gz = new GZipStream(output, CompressionLevel.Optimal))
            gz.Write(bytes);
        return output.ToArray();
    }
}
