using NUnit.Framework;
using Vasco.Archives;
using Vasco.Catalogs;
using Vasco.Download;

namespace Vasco.Tests.Net;

/// <summary>The archive clients share one options record, each with its archive's defaults.</summary>
public class ArchiveClientOptionsTests
{
    [Test]
    public void EachClientKeepsItsOwnDefaults()
    {
        var dss = new DssClientOptions { CacheDir = "c" };
        Assert.That((dss.MaxRetries, dss.BackoffBase, dss.BackoffUnit, dss.MaxDelay, dss.AttemptTimeout, dss.MaxConcurrency),
            Is.EqualTo((5, 1.5, TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(300), TimeSpan.FromSeconds(120), 4)));
        Assert.That((dss.Endpoint, dss.Survey, dss.MaxBodyBytes, dss.RejectedDir), Is.EqualTo((DssClientOptions.DefaultEndpoint, "poss1_red", 512L * 1024 * 1024, (string?)null)));

        var vizier = new VizierClientOptions { CacheDir = "c" };
        Assert.That((vizier.MaxRetries, vizier.BackoffBase, vizier.BackoffUnit, vizier.MaxDelay, vizier.AttemptTimeout, vizier.MaxConcurrency),
            Is.EqualTo((3, 2.0, TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(120), TimeSpan.FromSeconds(180), 2)));
        Assert.That((vizier.Mirrors, vizier.MinInterval, vizier.RowLimit, vizier.MaxSplitDepth),
            Is.EqualTo((VizierClientOptions.DefaultMirrors, TimeSpan.FromSeconds(1), 50_000, 3)));
    }

    [Test]
    public void TheVettingClientsKeepTheirDefaults()
    {
        var xmatch = new XmatchClientOptions { CacheDir = "c" };
        Assert.That((xmatch.MaxRetries, xmatch.BackoffBase, xmatch.MaxDelay, xmatch.AttemptTimeout, xmatch.MaxConcurrency),
            Is.EqualTo((3, 2.0, TimeSpan.FromSeconds(120), TimeSpan.FromSeconds(300), 2)));
        Assert.That((xmatch.XmatchUrl.AbsoluteUri, xmatch.MaxUploadRows, xmatch.MinInterval),
            Is.EqualTo(("http://cdsxmatch.cds.unistra.fr/xmatch/api/v1/sync", 100_000, TimeSpan.FromSeconds(1))));
        var tap = new TapClientOptions { CacheDir = "c" };
        Assert.That((tap.MaxRetries, tap.AttemptTimeout, tap.MaxConcurrency, tap.MinInterval, tap.MaxRec, tap.MaxSplitDepth),
            Is.EqualTo((3, TimeSpan.FromSeconds(300), 2, TimeSpan.FromSeconds(1), (int?)null, 12)));
        Assert.That(Assert.Throws<ArgumentOutOfRangeException>(() => new XmatchClient(xmatch with { MaxUploadRows = 0 }))!.ParamName, Is.EqualTo("options.MaxUploadRows"));
        Assert.That(Assert.Throws<ArgumentOutOfRangeException>(() => new TapClient(tap with { MaxConcurrency = 0 }))!.ParamName, Is.EqualTo("options.MaxConcurrency"));
    }

    [Test]
    public void ASharedSettingIsSetLikeTheClientsOwn()
    {
        var options = new VizierClientOptions { CacheDir = "c", MaxRetries = 7, RowLimit = 10 } with { MaxConcurrency = 9 };
        Assert.That((options.MaxRetries, options.RowLimit, options.MaxConcurrency, options.BackoffBase), Is.EqualTo((7, 10, 9, 2.0)));
        var e = Assert.Throws<ArgumentOutOfRangeException>(() => new DssClient(new DssClientOptions { CacheDir = "c", MaxRetries = -1 }))!;
        Assert.That(e.ParamName, Is.EqualTo("options.MaxRetries"));
    }
}
