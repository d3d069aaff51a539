using System.Text;
using NUnit.Framework;
using Vasco.IO;
using Vasco.Tests.Support;

namespace Vasco.Tests.IO;

/// <summary>
/// A cache that a build changes a few entries of is appended to, not written whole again; what a killed build left
/// half-appended, or a journal of an older whole file, is never read as an entry.
/// </summary>
public class AppendedCacheTests
{
    const string Header = "test-cache/1";

    static void Entries(BinaryWriter w, params string[] entries)
    {
        w.Write(entries.Length);
        foreach (var e in entries) w.Write(e);
    }

    /// <summary>Each part's entries, in the order read.</summary>
    static List<string[]>? Parts(string path)
    {
        using var read = AppendedCache.Open(path, Header);
        return read?.Parts.Select(part =>
        {
            using var r = new BinaryReader(AppendedCache.StreamOf(part), Encoding.UTF8);
            return Enumerable.Range(0, r.ReadInt32()).Select(_ => r.ReadString()).ToArray();
        }).ToList();
    }

    static AppendedCache.State? State(string path)
    {
        using var read = AppendedCache.Open(path, Header);
        return read?.State;
    }

    static string[] Many(int n, string prefix) => [.. Enumerable.Range(0, n).Select(i => $"{prefix}{i:00000}-" + new string('x', 40))];

    [Test]
    public void AFewChangedEntriesAreAppendedAndReadAfterTheWholeFile()
    {
        var path = Path.Combine(TestTemp.NewPath("appended-"), "c.cache");
        var all = Many(2000, "t");
        AppendedCache.Write(path, Header, null, wholeRequired: false, w => Entries(w, "never"), w => Entries(w, all));
        var whole = (new FileInfo(path).Length, File.GetLastWriteTimeUtc(path));
        Assert.That(File.Exists(AppendedCache.JournalOf(path)), Is.False, "nothing read before: written whole");

        AppendedCache.Write(path, Header, State(path), wholeRequired: false, w => Entries(w, "t00042 new"), w => Entries(w, "never"));
        AppendedCache.Write(path, Header, State(path), wholeRequired: false, w => Entries(w, "t00042 newer", "t00007 new"), w => Entries(w, "never"));

        Assert.That((new FileInfo(path).Length, File.GetLastWriteTimeUtc(path)), Is.EqualTo(whole), "the whole file as it was");
        Assert.That(new FileInfo(AppendedCache.JournalOf(path)).Length, Is.LessThan(200));
        var parts = Parts(path)!;
        Assert.That(parts, Has.Count.EqualTo(3));
        Assert.That(parts[0], Is.EqualTo(all));
        Assert.That(parts[1], Is.EqualTo(new[] { "t00042 new" }));
        Assert.That(parts[2], Is.EqualTo(new[] { "t00042 newer", "t00007 new" }));
        Assert.That(AppendedCache.Heads(path, Header, r => r.ReadInt32()), Is.EqualTo(new[] { 2000, 1, 2 }), "each part's start, the whole file's read no further");
    }

    [Test]
    public void APartCutShortEndsTheJournalAndTheNextWriteIsWhole()
    {
        var path = Path.Combine(TestTemp.NewPath("appended-"), "c.cache");
        AppendedCache.Write(path, Header, null, false, _ => { }, w => Entries(w, Many(2000, "t")));
        AppendedCache.Write(path, Header, State(path), false, w => Entries(w, "first"), _ => { });
        AppendedCache.Write(path, Header, State(path), false, w => Entries(w, "second"), _ => { });
        var journal = AppendedCache.JournalOf(path);
        var bytes = File.ReadAllBytes(journal);

        // A build killed in the middle of its part: the part before it stands, the cut one is not an entry.
        File.WriteAllBytes(journal, bytes[..^3]);
        Assert.That(Parts(path)!.Skip(1), Is.EqualTo(new[] { new[] { "first" } }));
        Assert.That(State(path)!.JournalClean, Is.False);
        // Its bytes all there but one changed: the checksum tells.
        var changed = (byte[])bytes.Clone();
        changed[^10] ^= 1;
        File.WriteAllBytes(journal, changed);
        Assert.That(Parts(path)!.Skip(1), Is.EqualTo(new[] { new[] { "first" } }));

        // Appending after a cut part would be lost behind it: the next write is whole, and the journal goes.
        File.WriteAllBytes(journal, bytes[..^3]);
        AppendedCache.Write(path, Header, State(path), false, w => Entries(w, "third"), w => Entries(w, "all again"));
        Assert.That(Parts(path), Is.EqualTo(new[] { new[] { "all again" } }));
        Assert.That(File.Exists(journal), Is.False);
    }

    [Test]
    public void AJournalOfAnotherWholeFileIsNotRead()
    {
        var path = Path.Combine(TestTemp.NewPath("appended-"), "c.cache");
        AppendedCache.Write(path, Header, null, false, _ => { }, w => Entries(w, Many(2000, "t")));
        AppendedCache.Write(path, Header, State(path), false, w => Entries(w, "of the old whole"), _ => { });
        var journal = AppendedCache.JournalOf(path);
        var old = File.ReadAllBytes(journal);

        // A build stopped between writing a new whole file and deleting the journal of the old one.
        AppendedCache.Write(path, Header, State(path), wholeRequired: true, _ => { }, w => Entries(w, Many(2000, "u")));
        File.WriteAllBytes(journal, old);
        Assert.That(Parts(path), Has.Count.EqualTo(1));
        Assert.That(Parts(path)![0][0], Does.StartWith("u00000"));

        // The next part starts a journal of its own.
        AppendedCache.Write(path, Header, State(path), false, w => Entries(w, "of the new whole"), _ => { });
        Assert.That(Parts(path)!.Skip(1), Is.EqualTo(new[] { new[] { "of the new whole" } }));
        Assert.That(AppendedCache.Open(path, "another-cache/1"), Is.Null, "another header is no cache");
    }

    [Test]
    public void TheWholeFileIsWrittenAgainOnceTheJournalWouldPassAQuarterOfIt()
    {
        var path = Path.Combine(TestTemp.NewPath("appended-"), "c.cache");
        var all = Many(10_000, "t");  // some 480 KB: a quarter is past the 64 KB any journal may reach
        AppendedCache.Write(path, Header, null, false, _ => { }, w => Entries(w, all));
        var quarter = new FileInfo(path).Length / 4;
        var appended = 0;
        while (File.Exists(AppendedCache.JournalOf(path)) || appended == 0)
        {
            AppendedCache.Write(path, Header, State(path), false, w => Entries(w, Many(100, $"p{appended}-")), w => Entries(w, "whole again"));
            if (File.Exists(AppendedCache.JournalOf(path))) Assert.That(new FileInfo(AppendedCache.JournalOf(path)).Length, Is.LessThanOrEqualTo(quarter));
            appended++;
        }
        Assert.That(appended, Is.InRange(20, 30), "parts of 4.8 KB until the journal would pass 120 KB");
        Assert.That(Parts(path), Is.EqualTo(new[] { new[] { "whole again" } }));
    }
}
