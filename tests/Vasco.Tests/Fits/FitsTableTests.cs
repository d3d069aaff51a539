using NUnit.Framework;
using Vasco.Fits;
using Vasco.Tests.Support;

namespace Vasco.Tests.Fits;

public class FitsTableTests
{
    private static readonly double[] Mags = [12.5, 18.25, -0.5];
    private static readonly float[] Fluxes = [1.5f, 2e10f, -3f];
    private static readonly int[] Numbers = [1, 2, int.MaxValue];
    private static readonly short[] Flags = [0, 3, short.MinValue];
    private static readonly long[] Ids = [604922879209223296L, 0L, long.MinValue];
    private static readonly byte[] Bytes = [0, 128, 255];
    private static readonly string[] Names = ["star", "galaxy it's", ""];
    private static readonly float[][] Vignets = [[1, 2, 3, 4, 5, 6], [7, 8, 9, 10, 11, 12], [0, -1, -2, -3, -4, -5]];
    private static readonly double[][] Apertures = [[1.0, 2.0], [3.0, 4.0], [5.0, 6.0]];

    private static TableColumn[] AllColumnTypes() =>
    [
        TableColumn.Create("MAG", Mags, "mag"),
        TableColumn.Create("FLUX", Fluxes, "count"),
        TableColumn.Create("NUMBER", Numbers),
        TableColumn.Create("FLAGS", Flags),
        TableColumn.Create("SOURCE_ID", Ids),
        TableColumn.Create("BYTE", Bytes),
        TableColumn.CreateStrings("NAME", Names, 12),
        TableColumn.Create("VIGNET", Vignets, [3, 2], "count"),
        TableColumn.Create("MAG_APER", Apertures),
    ];

    private static FitsHeader Named(string extensionName)
    {
        var header = new FitsHeader();
        header.Set("EXTNAME", extensionName);
        return header;
    }

    [Test]
    public void EveryColumnTypeRoundTrips()
    {
        var writer = new FitsWriter();
        writer.AddBinaryTable(AllColumnTypes(), Named("OBJECTS"));

        var file = FitsFile.Read(writer.ToBytes());
        var table = file.GetTable("OBJECTS");

        Assert.That(file.Hdus, Has.Count.EqualTo(2), "an empty primary is written before a table");
        Assert.That(file.Primary.Header.GetBool("EXTEND"), Is.True);
        Assert.That(file.GetTable(1), Is.SameAs(table));
        Assert.That(table.ExtensionType, Is.EqualTo("BINTABLE"));
        Assert.That(table.RowCount, Is.EqualTo(3));
        Assert.That(table.RowWidth, Is.EqualTo(8 + 4 + 4 + 2 + 8 + 1 + 12 + 24 + 16));
        Assert.That(table.Columns.Select(c => c.Name), Is.EqualTo(AllColumnTypes().Select(c => c.Name)));
        Assert.That(table.ReadDoubles("MAG"), Is.EqualTo(Mags));
        Assert.That(table.ReadDoubles("mag"), Is.EqualTo(Mags), "column names match case-insensitively");
        Assert.That(table.ReadDoubles("FLUX"), Is.EqualTo(Fluxes.Select(f => (double)f)));
        Assert.That(table.ReadDoubles("NUMBER"), Is.EqualTo(Numbers.Select(n => (double)n)));
        Assert.That(table.ReadDoubles("FLAGS"), Is.EqualTo(Flags.Select(n => (double)n)));
        Assert.That(table.ReadDoubles("SOURCE_ID"), Is.EqualTo(Ids.Select(n => (double)n)));
        Assert.That(table.ReadDoubles("BYTE"), Is.EqualTo(Bytes.Select(n => (double)n)));
        Assert.That(table.ReadStrings("NAME"), Is.EqualTo(Names));
        Assert.That(table.ReadFloatVectors("VIGNET"), Is.EqualTo(Vignets));
        Assert.That(table.ReadDoubleVectors("MAG_APER"), Is.EqualTo(Apertures));
        Assert.That(table.GetColumn("VIGNET").Dims, Is.EqualTo(new[] { 3, 2 }));
        Assert.That(table.GetColumn("VIGNET").Unit, Is.EqualTo("count"));
        Assert.That(table.GetColumn("MAG_APER").Type, Is.EqualTo('D'));
        Assert.That(table.GetColumn("MAG_APER").Repeat, Is.EqualTo(2));
    }

    [Test]
    public void MisusedReadsAreRefused()
    {
        var writer = new FitsWriter();
        writer.AddBinaryTable(AllColumnTypes());
        var table = FitsFile.Read(writer.ToBytes()).GetTable(1);

        Assert.That(() => table.GetColumn("NOPE"), Throws.TypeOf<KeyNotFoundException>().With.Message.Contains("MAG, FLUX"));
        Assert.That(() => table.ReadDoubles("VIGNET"), Throws.InvalidOperationException.With.Message.Contains("ReadDoubleVectors"));
        Assert.That(() => table.ReadStrings("MAG"), Throws.InvalidOperationException);
        Assert.That(() => table.ReadDoubleVectors("NAME"), Throws.TypeOf<NotSupportedException>());
    }

    [Test]
    public void InconsistentColumnsAreRejectedWhenBuilt()
    {
        Assert.That(() => TableColumn.Create("V", new float[][] { [1], [1, 2] }), Throws.ArgumentException);
        Assert.That(() => TableColumn.Create("V", new float[][] { [1, 2] }, [3]), Throws.ArgumentException);
        Assert.That(() => TableColumn.CreateStrings("S", ["too long"], 3), Throws.ArgumentException);
        Assert.That(() => TableColumn.CreateStrings("S", ["x"], 0), Throws.TypeOf<ArgumentOutOfRangeException>());
        Assert.That(() => TableColumn.Create(" ", Mags), Throws.ArgumentException);
        Assert.That(() => new FitsWriter().AddBinaryTable([TableColumn.Create("A", Mags), TableColumn.Create("B", new double[2])]),
            Throws.ArgumentException);
        var column = TableColumn.Create("V", Vignets, [3, 2], "adu");
        Assert.That((column.Name, column.Format, column.Unit, column.RowCount), Is.EqualTo(("V", "6E", "adu", 3)));
        Assert.That(column.Dims, Is.EqualTo(new[] { 3, 2 }));
    }

    [Test]
    [Category(AstropyData.WritesInputs)]
    public void LdacCatalogRoundTripsAndPassesFitsverifyAndAstropy()
    {
        // FITS_LDAC as SExtractor writes it: empty primary, LDAC_IMHEAD holding the image header as one
        // character cell of 80*N characters with TDIM (80, N), then LDAC_OBJECTS.
        var imageHeader = FitsFile.Read(FitsImageTests.M67Path).Primary.Header;
        var headerText = imageHeader.ToCardText();
        var writer = new FitsWriter();
        writer.AddBinaryTable([TableColumn.CreateStrings("Field Header Card", [headerText], headerText.Length, [80, headerText.Length / 80])],
            Named("LDAC_IMHEAD"));
        writer.AddBinaryTable(AllColumnTypes(), Named("LDAC_OBJECTS"));
        var path = ExternalTools.TempPath(".ldac");
        try
        {
            writer.WriteTo(path);
            var file = FitsFile.Read(path);
            var embedded = FitsHeader.Parse(file.GetTable("LDAC_IMHEAD").ReadStrings("Field Header Card")[0]);

            Assert.That(embedded.Cards.Select(c => c.ToString()), Is.EqualTo(imageHeader.Cards.Select(c => c.ToString())));
            Assert.That(file.GetTable(2).ExtensionName, Is.EqualTo("LDAC_OBJECTS"));
            // SExtractor's own column name has blanks, which fitsverify flags; nothing else may be reported.
            ExternalTools.AssertFitsVerifyClean(path, allowedWarning: "Name \"Field Header Card\" contains character ' '");
            // astropy read this file, as our writer writes it, when the data were made.
            AstropyData.AssertSameAsCommittedInput(LdacFile, File.ReadAllBytes(path));
        }
        finally
        {
            File.Delete(path);
        }
        AstropyData.StopIfWritingInputs();

        var astropy = AstropyData.Json("fits_roundtrip_ldac.json");
        Assert.That(astropy.GetProperty("file").GetString(), Is.EqualTo(AstropyData.RepoRelative(LdacFile)));
        AstropyData.AssertInputUnchanged(AstropyData.RepoRelative(LdacFile), astropy.GetProperty("sha256").GetString()!);
        var objects = astropy.GetProperty("objects");
        double[] Column(string name) => AstropyData.Doubles(objects.GetProperty(name));

        Assert.That(astropy.GetProperty("imhead_length").GetInt32(), Is.EqualTo(headerText.Length / 80), "TDIM (80, N) makes astropy see N cards");
        Assert.That(Column("MAG"), Is.EqualTo(Mags));
        Assert.That(Column("FLUX"), Is.EqualTo(Fluxes.Select(f => (double)f)));
        Assert.That(Column("NUMBER"), Is.EqualTo(Numbers.Select(n => (double)n)));
        Assert.That(Column("FLAGS"), Is.EqualTo(Flags.Select(n => (double)n)));
        Assert.That(Column("SOURCE_ID"), Is.EqualTo(Ids.Select(n => (double)n)));
        Assert.That(Column("BYTE"), Is.EqualTo(Bytes.Select(n => (double)n)));
        Assert.That(Column("VIGNET"), Is.EqualTo(Vignets.SelectMany(v => v).Select(f => (double)f)));
        Assert.That(AstropyData.Doubles(astropy.GetProperty("vignet_cell_shape")), Is.EqualTo(new[] { 2.0, 3.0 }), "TDIM (3,2) is numpy shape (2,3)");
        Assert.That(Column("MAG_APER"), Is.EqualTo(Apertures.SelectMany(v => v)));
        Assert.That(AstropyData.Doubles(astropy.GetProperty("name_lengths")), Is.EqualTo(Names.Select(n => (double)n.Length)));
    }

    private const string LdacFile = "written-by-vasco/m67_objects.ldac";

    [Test]
    public void PsfexStylePsfMaskIsReadAsOneVectorWithDims()
    {
        var mask = Enumerable.Range(0, 25 * 25 * 3).Select(i => (float)Math.Sin(i)).ToArray();
        var header = Named("PSF_DATA");
        header.Set("POLNAXIS", 0L);
        header.Set("PSF_SAMP", 1.0);
        var writer = new FitsWriter();
        writer.AddBinaryTable([TableColumn.Create("PSF_MASK", new[] { mask }, [25, 25, 3])], header);

        var table = FitsFile.Read(writer.ToBytes()).GetTable("PSF_DATA");

        Assert.That(table.RowCount, Is.EqualTo(1));
        Assert.That(table.GetColumn("PSF_MASK").Dims, Is.EqualTo(new[] { 25, 25, 3 }));
        Assert.That(table.ReadFloatVectors("PSF_MASK")[0], Is.EqualTo(mask));
        Assert.That(table.Header.GetDouble("PSF_SAMP"), Is.EqualTo(1.0));
    }

    [Test]
    public void ReadsScaledColumnsWrittenByAstropy()
    {
        // astropy writes unsigned integers with TZEROn; the second column gets TSCAL/TZERO over raw 0, 3, -60.
        // generate.py wrote the file with astropy and recorded the values astropy reads back from it.
        var astropy = AstropyData.Json("fits_scaled_columns.json");
        var file = astropy.GetProperty("file").GetString()!;
        AstropyData.AssertInputUnchanged(file, astropy.GetProperty("sha256").GetString()!);
        double[] expectedU16 = [0.0, 40000, 65535];
        double[] expectedScaled = [10.0, 11.5, -20.0];
        Assert.That(AstropyData.Doubles(astropy.GetProperty("columns").GetProperty("U16")), Is.EqualTo(expectedU16));
        Assert.That(AstropyData.Doubles(astropy.GetProperty("columns").GetProperty("SCALED")), Is.EqualTo(expectedScaled));

        var table = FitsFile.Read(Repo.Path(file.Split('/'))).GetTable("SCALEDTAB");

        Assert.That(table.GetColumn("U16").Zero, Is.EqualTo(32768));
        Assert.That(table.ReadDoubles("U16"), Is.EqualTo(expectedU16));
        Assert.That(table.GetColumn("SCALED").Scale, Is.EqualTo(0.5));
        Assert.That(table.ReadDoubles("SCALED"), Is.EqualTo(expectedScaled));
    }
}
