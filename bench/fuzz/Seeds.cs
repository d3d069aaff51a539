using Vasco.Fits;

namespace Vasco.Fuzz;

/// <summary>
/// The seed corpus, cut small from real files (afl-fuzz wants inputs of a few kB): the M67 POSS-I plate as a
/// 20x20 cutout keeping its whole header (DSS plate solution included), plain and gzip; a 3-row FITS_LDAC pass-2
/// catalog and the PSFEx model of an M67 build; the first rows of the M67 Gaia and Tycho-2 files, of a step-6
/// CSV, of the VizieR fixture; a target list; the shipped config.
/// </summary>
static class Seeds
{
    public static int Write(string repo, string outDir)
    {
        var m67 = Path.Combine(repo, "runs/m67/input");
        var build = Environment.GetEnvironmentVariable("VASCO_FUZZ_M67_BUILD") ?? Path.Combine(repo, "runs/m67");

        var plate = FitsFile.Read(Path.Combine(m67, "dss1-red_M67_XE486.fits")).Primary;
        var (width, x0, y0, side) = (plate.Axes[0], 300, 300, 20);
        var all = plate.ReadDoubles();
        var cut = new double[side * side];
        for (var y = 0; y < side; y++)
            for (var x = 0; x < side; x++)
                cut[y * side + x] = all[(y0 + y) * width + x0 + x];
        // The DSS plate solution is in plate coordinates; CNPIX1/2 place the cutout's corner on the plate.
        var header = plate.Header.Clone();
        header.Set("CNPIX1", header.GetLong("CNPIX1") + x0);
        header.Set("CNPIX2", header.GetLong("CNPIX2") + y0);
        var writer = new FitsWriter();
        writer.AddImage(cut, [side, side], 16, header: header);
        var plateBytes = writer.ToBytes();
        Save(outDir, "fits", "plate-20px.fits", plateBytes);
        Save(outDir, "fits", "plate-20px.fits.gz", Program.Gzip(plateBytes));
        Save(outDir, "plate", "plate-20px.fits", plateBytes);

        var p2 = FitsFile.Read(Find(build, "data/catalogs/p2", "*.cat"));
        var objects = p2.GetTable("LDAC_OBJECTS");
        var ldac = new FitsWriter();
        ldac.AddBinaryTable([TableColumn.CreateStrings("Field Header Card", [p2.GetTable("LDAC_IMHEAD").ReadStrings("Field Header Card")[0][..800]], 800)],
            ExtName("LDAC_IMHEAD"));
        ldac.AddBinaryTable(objects.Columns.Where(c => c.Repeat == 1 && c.Type is 'E' or 'D' or 'J' or 'I')
            .Select(c => TableColumn.Create(c.Name, objects.ReadDoubles(c.Name)[..3], c.Unit)).ToList(), ExtName("LDAC_OBJECTS"));
        Save(outDir, "fits", "pass2-3rows.cat", ldac.ToBytes());
        Save(outDir, "fits", "M67.psf", File.ReadAllBytes(Find(build, "data/psf", "*.psf")));

        Save(outDir, "local-catalog", "gaia-head.csv", Head(Path.Combine(m67, "gaia-dr3_M67_r22arcmin.csv"), 6));
        Save(outDir, "bright-stars", "tycho2-head.csv", Head(Path.Combine(m67, "tycho2_M67_r1deg.csv"), 6));
        Save(outDir, "ext-csv", "gaia-M67-head.csv", Head(Find(build, "data/ext/gaia", "*.csv"), 6));
        Save(outDir, "vizier", "gaiadr3-head.tsv", Head(Path.Combine(repo, "tests/Vasco.Tests/Catalogs/Fixtures/gaiadr3_m67.tsv"), 60));
        Save(outDir, "targets", "targets.csv", "name,ra,dec,size_arcmin\nM67,08:51:20.1,+11:48:43,30\nfield150,150,20,\n"u8.ToArray());
        Save(outDir, "config", "pipeline.yaml", File.ReadAllBytes(Path.Combine(repo, "config/pipeline.yaml")));
        return 0;
    }

    /// <summary>The first file of that pattern under a step's folder of the build (any RunId).</summary>
    static string Find(string build, string stepFolder, string pattern) =>
        Directory.GetFiles(Path.Combine(build, stepFolder), pattern, SearchOption.AllDirectories).Order(StringComparer.Ordinal).FirstOrDefault()
        ?? throw new FileNotFoundException($"no {pattern} under {Path.Combine(build, stepFolder)}: build the M67 run first (VASCO_FUZZ_M67_BUILD names its folder)");

    static FitsHeader ExtName(string name)
    {
        var header = new FitsHeader();
        header.Set("EXTNAME", name);
        return header;
    }

    static byte[] Head(string path, int lines) =>
        System.Text.Encoding.UTF8.GetBytes(string.Join('\n', File.ReadLines(path).Take(lines)) + "\n");

    static void Save(string outDir, string target, string name, byte[] bytes)
    {
        var dir = Path.Combine(outDir, target);
        Directory.CreateDirectory(dir);
        File.WriteAllBytes(Path.Combine(dir, name), bytes);
    }
}
