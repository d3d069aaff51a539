using Vasco.Fits;

namespace Vasco.Extraction;

/// <summary>
/// A SExtractor FITS_LDAC catalog: HDU 1 is LDAC_IMHEAD (the image header as text), the
/// objects are the LDAC_OBJECTS table in HDU 2 (FACTS 1).
/// </summary>
public sealed class LdacCatalog
{
    readonly BinaryTableHdu _objects;

    LdacCatalog(BinaryTableHdu objects) => _objects = objects;

    public static LdacCatalog Read(string path)
    {
        var file = FitsFile.Read(path);
        var objects = file.Hdus.OfType<BinaryTableHdu>().FirstOrDefault(h => h.ExtensionName == "LDAC_OBJECTS")
            ?? throw new FitsFormatException($"'{path}' has no LDAC_OBJECTS table: not a SExtractor FITS_LDAC catalog.");
        return new LdacCatalog(objects);
    }

    public int Count => _objects.RowCount;
    public IReadOnlyList<string> ColumnNames => _objects.Columns.Select(c => c.Name).ToList();
    public bool Has(string column) => _objects.Columns.Any(c => c.Name == column);
    public double[] Column(string name) => _objects.ReadDoubles(name);

    /// <summary>The listed columns the catalog lacks.</summary>
    public IReadOnlyList<string> Missing(IEnumerable<string> columns) => columns.Where(c => !Has(c)).ToList();
}
