using System.Globalization;
using Vasco.Tests.Download;

namespace Vasco.Tests.Support;

/// <summary>
/// A known solar-system object for <see cref="SkybotServer"/>: at <paramref name="AtUtc"/> it is at
/// (<paramref name="RaDeg"/>, <paramref name="DecDeg"/>), and it moves in a straight line at the rates given (arcsec per
/// hour on the sky, RA's rate times cos Dec, as SkyBoT gives dRA).
/// </summary>
sealed record KnownBody(string Number, string Name, double RaDeg, double DecDeg, DateTime AtUtc, double RaRateArcsecPerHour = 0,
    double DecRateArcsecPerHour = 0, string Class = "MB>Middle", double Mv = 15.0, double ErrArcsec = 0.1, double DistanceAu = 1.6)
{
    /// <summary>Where it is at <paramref name="utc"/>.</summary>
    public (double Ra, double Dec) At(DateTime utc)
    {
        var hours = (utc - AtUtc).TotalHours;
        var dec = DecDeg + DecRateArcsecPerHour * hours / 3600;
        var ra = RaDeg + RaRateArcsecPerHour * hours / 3600 / Math.Cos(DecDeg * Math.PI / 180);
        return ((ra % 360 + 360) % 360, dec);
    }
}

/// <summary>
/// A stand-in for IMCCE SkyBoT's cone search on 127.0.0.1 (GET {Endpoint}?-ep=JD&amp;-ra=&amp;-dec=&amp;-rd=&amp;-loc=&amp;-mime=text...).
/// It places each <see cref="KnownBody"/> at the epoch asked, keeps those within -rd degrees of the centre, and answers
/// SkyBoT's text format (the format of astroquery's imcce/tests/data/skybot_query.dat): "# Flag: 1", "# Ticket", the
/// header line and a " | "-separated row per object, or "# Flag: 0" and "No solar system object was found in the
/// requested FOV" when none is there. A request for another observer than the one it models, or without -mime=text,
/// gets SkyBoT's flag -1 error.
/// <example><code>
/// using var skybot = new SkybotServer([new KnownBody("1234", "1931 TA", 132.8375, 11.8028, new DateTime(1951, 11, 29, 12, 32, 0, DateTimeKind.Utc), RaRateArcsecPerHour: 30)]);
/// var options = new SkybotClientOptions { Endpoint = skybot.Endpoint, CacheDir = dir, MinInterval = TimeSpan.Zero };
/// </code></example>
/// </summary>
sealed class SkybotServer(IEnumerable<KnownBody> bodies, string observer = "675") : LoopbackArchive
{
    public const string Header = "# Num | Name | RA(h) | DE(deg) | Class | Mv | Err(arcsec) | d(arcsec) | dRA(arcsec/h) | dDEC(arcsec/h) | Dg(ua) | Dh(ua) | " +
                                 "Phase(deg) | SunElong(deg) | x(au) | y(au) | z(au) | vx(au/d) | vy(au/d) | vz(au/d) | Ref. Epoch(JD)";

    readonly IReadOnlyList<KnownBody> _bodies = bodies.ToList();
    int _ticket;

    /// <summary>The cone search's endpoint, as SkybotClientOptions.Endpoint.</summary>
    public Uri Endpoint => new(BaseUri, "webservices/skybot/api/conesearch.php");

    protected override ArchiveReplyText Answer(ScriptedRequest request)
    {
        if (request.Method != "GET" || request.Path != Endpoint.AbsolutePath) return new ArchiveReplyText(404, "text/plain", "no such endpoint");
        var query = request.Target.Split('?', 2) is [_, var q]
            ? q.Split('&').Select(p => p.Split('=', 2)).ToDictionary(p => Uri.UnescapeDataString(p[0]), p => p.Length > 1 ? Uri.UnescapeDataString(p[1]) : "")
            : [];
        var ticket = 1764763200000 + Interlocked.Increment(ref _ticket);
        string Head(int flag) => $"# Flag: {flag}\n# Ticket: {ticket}\n";
        string Error(string message) => Head(-1) + $"SkyBoT asteroid conesearch -> {message}\n";
        if (query.GetValueOrDefault("-mime") != "text") return Text(Error("this stand-in answers -mime=text only"));
        if (query.GetValueOrDefault("-loc") != observer) return Text(Error($"observer '{query.GetValueOrDefault("-loc")}' is not the stand-in's ({observer})"));
        double Number(string name) => double.Parse(query[name], NumberStyles.Float, CultureInfo.InvariantCulture);
        var epoch = DateTime.UnixEpoch.AddDays(Number("-ep") - 2440587.5);
        var (ra, dec, radiusArcsec) = (Number("-ra"), Number("-dec"), Number("-rd") * 3600);

        var rows = new List<string>();
        foreach (var body in _bodies)
        {
            var (r, d) = body.At(epoch);
            var distance = ArchiveTable.DistanceArcsec(ra, dec, r, d);
            if (distance > radiusArcsec) continue;
            rows.Add(string.Join(" | ", body.Number, body.Name, Sexagesimal(r / 15, 4, signed: false), Sexagesimal(d, 3, signed: true), body.Class,
                F(body.Mv, "0.0"), F(body.ErrArcsec, "0.000"), F(distance, "0.000"), F(body.RaRateArcsecPerHour, "0.0000"), F(body.DecRateArcsecPerHour, "0.000"),
                F(body.DistanceAu, "0.00000000000"), F(body.DistanceAu + 1, "0.00000000000"), "25.28", "158.93", "1.785869066", "0.771585904", "0.334985019",
                "-0.00588659", "0.010886508", "0.003535381", F(Number("-ep"), "0.######")));
        }
        return Text(rows.Count == 0
            ? Head(0) + "No solar system object was found in the requested FOV\n"
            : Head(1) + Header + "\n" + string.Concat(rows.Select(row => " " + row + "\n")));
    }

    static ArchiveReplyText Text(string body) => new(200, "text/plain;charset=UTF-8", body);

    static string F(double value, string format) => value.ToString(format, CultureInfo.InvariantCulture);

    /// <summary>"hh mm ss.ssss" or "+dd mm ss.sss", rounded as a whole so that 59.99995 s carries into the minute.</summary>
    static string Sexagesimal(double value, int decimals, bool signed)
    {
        var sign = value < 0 ? "-" : "+";
        var scale = Math.Pow(10, decimals);
        var total = Math.Round(Math.Abs(value) * 3600 * scale);
        var seconds = total % (60 * scale) / scale;
        var minutes = (long)(total / (60 * scale)) % 60;
        var whole = (long)(total / (3600 * scale));
        var text = $"{whole:00} {minutes:00} {seconds.ToString("00." + new string('0', decimals), CultureInfo.InvariantCulture)}";
        return signed ? sign + text : text;
    }
}
