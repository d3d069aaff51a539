using Vasco.Archives;
using Vasco.Catalogs;
using Vasco.Sky;
using Vasco.Vetting;

namespace Vasco.Steps;

/// <summary>
/// The sources of the vetting stages: a VascoVettingFile item's file when the run names one, else the service (or
/// nothing, offline). The service clients are made once per step and build, when a source first needs them.
/// </summary>
public sealed class VettingServiceSources(StepEnvironment env, VettingSettings settings) : IDisposable
{
    XmatchClient? _xmatch;
    TapClient? _tap;
    VizierClient? _vizier;

    VizierClient Vizier() => _vizier ??= ExternalStep.NewVizierClient(settings.Vizier, env);

    XmatchClient Xmatch() => _xmatch ??= new XmatchClient(new XmatchClientOptions
    {
        XmatchUrl = new Uri(settings.XmatchUrl),
        MaxRetries = settings.Retries,
        AttemptTimeout = TimeSpan.FromSeconds(settings.TimeoutSeconds),
        MinInterval = TimeSpan.FromSeconds(settings.MinIntervalSeconds),
        CacheDir = Path.Combine(env.CacheDir, "xmatch"),
    });

    TapClient Tap() => _tap ??= new TapClient(new TapClientOptions
    {
        MaxRetries = settings.Retries,
        AttemptTimeout = TimeSpan.FromSeconds(settings.TimeoutSeconds),
        MinInterval = TimeSpan.FromSeconds(settings.MinIntervalSeconds),
        CacheDir = Path.Combine(env.CacheDir, "tap"),
    });

    /// <summary>The VascoVettingFile item named <paramref name="name"/> (skybot, vsx, ptf, supercosmos), or null; one without File= is an error.</summary>
    public static CatalogItem? FileItem(StepEnvironment env, string name) =>
        env.VettingFiles.FirstOrDefault(f => string.Equals(f.Name, name, StringComparison.OrdinalIgnoreCase)) is not { } item ? null
            : item.Meta("File") is not null ? item
            : throw new VascoException(ErrorCodes.VettingSourceInvalid, $"VascoVettingFile '{name}' has no File=.", "give it File=\"path\" ({tile} stands for the tile id), or remove it to ask the service.")
            { InRunFile = RunFileElement.Item("VascoVettingFile", name) };

    public VettingSource FileOr(string name, IReadOnlyList<string> keep, Func<VettingSource> service, Func<IReadOnlyDictionary<string, string>, bool>? rows = null) =>
        FileItem(env, name) is { } item ? FileSource.Of(item, env.RunDir, keep, rows)! : service();

    /// <summary>A VizieR table through CDS XMatch, and VizieR's cone searches (<paramref name="columns"/>) when XMatch fails.</summary>
    public VettingSource Vizier(string name, string table, CatalogColumns columns) =>
        settings.Online ? new XmatchSource(name, table, Xmatch(), new CatalogSource(name, table, columns), Vizier) : new OfflineSource(name, $"CDS XMatch vizier:{table}");

    /// <summary>PTF objects with a good observation, on IRSA's TAP.</summary>
    public VettingSource Ptf() => settings.Online
        ? new TapSource("ptf", new Uri(settings.PtfTapUrl), TapQueries.PtfAdql, "ra", "dec", Tap())
        : new OfflineSource("ptf", "IRSA TAP ptf_objects");

    /// <summary>SuperCOSMOS's R1 (POSS-I E) detections, on GAVO's TAP.</summary>
    public VettingSource SuperCosmos() => settings.Online
        ? new TapSource("supercosmos", new Uri(settings.TapUrl), TapQueries.SuperCosmosR1Adql, "raj2000", "dej2000", Tap())
        : new OfflineSource("supercosmos", "TAP supercosmos.sources");

    public void Dispose()
    {
        _xmatch?.Dispose();
        _tap?.Dispose();
        _vizier?.Dispose();
    }
}

/// <summary>
/// A VizieR table asked of CDS XMatch: the candidates of the whole batch uploaded at once (selection=best). When XMatch
/// fails, the table is asked of VizieR instead, one cone search around each tile's candidates, and matched here.
/// </summary>
public sealed class XmatchSource(string name, string table, XmatchClient client, CatalogSource cones, Func<VizierClient> vizier) : VettingSource(name)
{
    public override string Description => $"{Name}: CDS XMatch vizier:{table} (VizieR cones if it fails)";
    public override bool IsService => true;

    public override SourceAnswer LookUp(IReadOnlyList<IReadOnlyList<VettingCandidate>> tiles, double radiusArcsec, CancellationToken cancellation)
    {
        var all = tiles.SelectMany(t => t).ToList();
        if (all.Count == 0) return new SourceAnswer(new Dictionary<string, ArchiveMatch>(), new Dictionary<string, string>());
        var r = client.MatchAsync(new XmatchQuery(table, radiusArcsec, Points(all)), cancellation).GetAwaiter().GetResult();
        if (r.Ok) return new SourceAnswer(r.Best, new Dictionary<string, string>());
        var matches = new Dictionary<string, ArchiveMatch>(StringComparer.Ordinal);
        var notChecked = new Dictionary<string, string>(StringComparer.Ordinal);
        var refused = r.Refused;
        foreach (var tile in tiles.Where(t => t.Count > 0))
        {
            var cone = AroundAll(tile, radiusArcsec);
            var answer = vizier().ConeSearchAsync(cones, cone, cancellation).GetAwaiter().GetResult();
            if (!answer.Ok)
            {
                foreach (var c in tile) notChecked[c.Key] = $"CDS XMatch: {r.FailureReason}; VizieR: {answer.FailureReason}";
                // Both refused (a table neither knows): asking again will not help. An outage of either is worth another build.
                refused &= answer.FailureCode is ErrorCodes.CatalogQueryRejected;
                continue;
            }
            foreach (var (key, m) in LocalTable.Of(answer.Stars.Select(s => (s.Id, s.Ra, s.Dec))).Match(Points(tile), radiusArcsec)) matches[key] = m;
        }
        return new SourceAnswer(matches, notChecked) { Refused = refused && notChecked.Count > 0 };
    }

    /// <summary>The smallest cone about the candidates' mean direction that holds each of them with the match radius around it.</summary>
    static Cone AroundAll(IReadOnlyList<VettingCandidate> candidates, double radiusArcsec)
    {
        var sum = candidates.Aggregate(new Vector(0, 0, 0), (v, c) => v + Vector.Direction(c.Ra, c.Dec));
        var (ra, dec) = (Math.Atan2(sum.Y, sum.X) * 180 / Math.PI, Math.Atan2(sum.Z, Math.Sqrt(sum.X * sum.X + sum.Y * sum.Y)) * 180 / Math.PI);
        ra = (ra + 360) % 360;
        var reach = candidates.Max(c => Angles.SeparationDeg(ra, dec, c.Ra, c.Dec)) * 60;
        return new Cone(ra, dec, reach + radiusArcsec / 60 + 0.01);
    }
}

/// <summary>A TAP service asked with the candidates uploaded as TAP_UPLOAD.vasco; the nearest row per candidate.</summary>
public sealed class TapSource(string name, Uri service, Func<double, string> adql, string raColumn, string decColumn, TapClient client) : VettingSource(name)
{
    public override string Description => $"{Name}: TAP {service}";
    public override bool IsService => true;

    public override SourceAnswer LookUp(IReadOnlyList<IReadOnlyList<VettingCandidate>> tiles, double radiusArcsec, CancellationToken cancellation)
    {
        var all = tiles.SelectMany(t => t).ToList();
        if (all.Count == 0) return new SourceAnswer(new Dictionary<string, ArchiveMatch>(), new Dictionary<string, string>());
        var points = Points(all);
        var r = client.QueryAsync(new TapQuery(service, adql(radiusArcsec), points), cancellation).GetAwaiter().GetResult();
        if (!r.Ok) return NoneChecked(all, $"TAP {service.Host}: {r.FailureReason}") with { Refused = r.Refused };
        try
        {
            return new SourceAnswer(r.Nearest(raColumn, decColumn, points), new Dictionary<string, string>());
        }
        catch (Exception e) when (e is FormatException or ArgumentException)
        {
            return NoneChecked(all, $"TAP {service.Host}: an answer Vasco cannot read ({e.Message})");
        }
    }
}
