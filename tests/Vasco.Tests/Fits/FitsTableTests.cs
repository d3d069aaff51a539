using NUnit.Framework;
using Vasco.Fits;

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

            var output = ExternalTools.RunPython("""
                import sys
                from astropy.io import fits
                with fits.open(sys.argv[1]) as hdus:
                    head = hdus['LDAC_IMHEAD'].data['Field Header Card'][0]
                    print(len(head))
                    objects = hdus['LDAC_OBJECTS'].data
                    for name in ['MAG', 'FLUX', 'NUMBER', 'FLAGS', 'SOURCE_ID', 'BYTE']:
                        print(' '.join(repr(float(v)) for v in objects[name]))
                    print(' '.join(repr(float(v)) for v in objects['VIGNET'].ravel()))
                    print(objects['VIGNET'].shape[1], objects['VIGNET'].shape[2])
                    print(' '.join(repr(float(v)) for v in objects['MAG_APER'].ravel()))
                    print(' '.join(str(len(s)) for s in objects['NAME']))
                """, path);
            var rows = ExternalTools.ParseRows(output);

            Assert.That(rows[0][0], Is.EqualTo(headerText.Length / 80), "TDIM (80, N) makes astropy see N cards");
            Assert.That(rows[1], Is.EqualTo(Mags));
            Assert.That(rows[2], Is.EqualTo(Fluxes.Select(f => (double)f)));
            Assert.That(rows[3], Is.EqualTo(Numbers.Select(n => (double)n)));
            Assert.That(rows[4], Is.EqualTo(Flags.Select(n => (double)n)));
            Assert.That(rows[5], Is.EqualTo(Ids.Select(n => (double)n)));
            Assert.That(rows[6], Is.EqualTo(Bytes.Select(n => (double)n)));
            Assert.That(rows[7], Is.EqualTo(Vignets.SelectMany(v => v).Select(f => (double)f)));
            Assert.That(rows[8], Is.EqualTo(new[] { 2.0, 3.0 }), "TDIM (3,2) is numpy shape (2,3)");
            Assert.That(rows[9], Is.EqualTo(Apertures.SelectMany(v => v)));
            Assert.That(rows[10], Is.EqualTo(Names.Select(n => (double)n.Length)));
        }
        finally
        {
            File.Delete(path);
        }
    }

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
        var path = ExternalTools.TempPath(".fits");
        try
        {
            ExternalTools.RunPython("""
                import sys
                import numpy as np
                from astropy.io import fits
                u16 = fits.Column(name='U16', format='I', bzero=32768, array=np.array([0, 40000, 65535], dtype=np.uint16))
                raw = fits.Column(name='SCALED', format='J', array=np.array([0, 3, -60], dtype=np.int32))
                table = fits.BinTableHDU.from_columns([u16, raw], name='SCALEDTAB')
                table.header['TSCAL2'] = 0.5
                table.header['TZERO2'] = 10.0
                table.writeto(sys.argv[1])
                """, path);

            var table = FitsFile.Read(path).GetTable("SCALEDTAB");

            Assert.That(table.GetColumn("U16").Zero, Is.EqualTo(32768));
            Assert.That(table.ReadDoubles("U16"), Is.EqualTo(new[] { 0.0, 40000, 65535 }));
            Assert.That(table.GetColumn("SCALED").Scale, Is.EqualTo(0.5));
            Assert.That(table.ReadDoubles("SCALED"), Is.EqualTo(new[] { 10.0, 11.5, -20.0 }));
        }
        finally
        {
            File.Delete(path);
        }
    }
}
