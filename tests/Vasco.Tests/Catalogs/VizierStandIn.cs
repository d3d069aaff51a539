using System.Globalization;
using System.Text;
using Vasco.Catalogs;
using Vasco.Sky;
using Vasco.Tests.Download;
using Vasco.Tests.Support;

namespace Vasco.Tests.Catalogs;

/// <summary>
/// VizieR's I/355/gaiadr3 as asu-tsv, served from the real M67 Gaia DR3 cone of the embedded default run: it answers
/// a cone search with the sources in the cone, nearest first, cut at -out.max as VizieR cuts.
/// </summary>
static class VizierStandIn
{
    public static readonly string GaiaCsv = Repo.Path("runs", "m67", "input", "gaia-dr3_M67_r22arcmin.csv");

    public static readonly string FixturePath = Repo.Path("tests", "Vasco.Tests", "Catalogs", "Fixtures", "gaiadr3_m67.tsv");

    /// <summary>The real asu-tsv layout (comments, header, units, dashes, 8 rows, a blank line) for eight M67 sources.</summary>
    public static string Fixture => File.ReadAllText(FixturePath);

    static readonly Lazy<IReadOnlyList<ReferenceStar>> M67 = new(() => LocalCatalog.Read(GaiaCsv, LocalCatalog.GaiaArchiveColumns).Stars);

    public static IReadOnlyList<ReferenceStar> M67Stars => M67.Value;

    public static Func<Stream, Task> Tsv(string body) => ScriptedHttpServer.Answer(200, "text/tab-separated-values; charset=ISO-8859-1", Encoding.ASCII.GetBytes(body));

    /// <summary>The query of an asu-tsv request line, unescaped.</summary>
    public static Dictionary<string, string> Query(string requestLine)
    {
        var target = requestLine.Split(' ')[1];
        return target[(target.IndexOf('?') + 1)..].Split('&').Select(p => p.Split('=', 2))
            .ToDictionary(p => p[0], p => Uri.UnescapeDataString(p[1]));
    }

    /// <summary>Answers any cone search on the M67 sources.</summary>
    public static Func<Stream, Task> Route(string requestLine)
    {
        var query = Query(requestLine);
        var centre = query["-c"].Split(' ');
        var (ra, dec) = (double.Parse(centre[0], CultureInfo.InvariantCulture), double.Parse(centre[1], CultureInfo.InvariantCulture));
        var radius = double.Parse(query["-c.rm"], CultureInfo.InvariantCulture);
        var inCone = M67Stars.Select(s => (Star: s, Sep: Angles.SeparationDeg(ra, dec, s.Ra, s.Dec) * 60))
            .Where(s => s.Sep <= radius).OrderBy(s => s.Sep).Take(int.Parse(query["-out.max"], CultureInfo.InvariantCulture))
            .Select(s => s.Star);
        return Tsv(Table(inCone));
    }

    /// <summary>A Gaia asu-tsv answer holding these sources (full precision, so ids and positions compare exactly).</summary>
    public static string Table(IEnumerable<ReferenceStar> stars)
    {
        static string Cell(double v) => double.IsNaN(v) ? "" : v.ToString("R", CultureInfo.InvariantCulture);
        var text = new StringBuilder("#\n#   VizieR Astronomical Server 127.0.0.1\n#\n#Table\tI_355_gaiadr3:\n#Name: I/355/gaiadr3\n")
            .Append("Source\tRA_ICRS\tDE_ICRS\tGmag\tpmRA\tpmDE\n\tdeg\tdeg\tmag\tmas/yr\tmas/yr\n")
            .Append("-------------------\t---------------\t---------------\t---------\t---------\t---------\n");
        foreach (var s in stars)
            text.Append(string.Join('\t', s.Id, Cell(s.Ra), Cell(s.Dec), Cell(s.Mag), Cell(s.PmRa), Cell(s.PmDec))).Append('\n');
        return text.Append('\n').ToString();
    }
}
