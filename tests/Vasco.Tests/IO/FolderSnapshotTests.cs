using NUnit.Framework;
using Vasco.IO;
using Vasco.Tests.Support;

namespace Vasco.Tests.IO;

/// <summary>
/// A folder's listing kept between builds (FolderSnapshot) is used only while the folder's own time says nothing was
/// added, replaced or removed since: a file put there or deleted by hand is seen, as is everything the caller refreshed.
/// </summary>
public class FolderSnapshotTests
{
    static readonly DateTime AnHourAgo = DateTime.UtcNow.AddHours(-1);

    static (string Folder, string Kept) NewFolder(params string[] names)
    {
        var root = TestTemp.NewPath("folder-snapshot-");
        var folder = Path.Combine(root, "Pass1");
        Directory.CreateDirectory(folder);
        foreach (var name in names) AtomicFile.WriteAllText(Path.Combine(folder, name), name);
        // As a folder the last build left a while ago (one changed just now is not kept: see below).
        Directory.SetLastWriteTimeUtc(folder, AnHourAgo);
        return (folder, Path.Combine(root, "obj", "Pass1.listing"));
    }

    [Test]
    public void AnUnchangedFolderIsNotListedAgain()
    {
        var (folder, kept) = NewFolder("t1.tile.json", "t2.failed.json", "t1.cat.fits");
        var first = FolderSnapshot.Open(folder, kept, ".tile.json", ".failed.json");
        Assert.That(first.Reused, Is.False);
        Assert.That(first.Files.Keys, Is.EquivalentTo(new[] { "t1.tile.json", "t2.failed.json" }));
        first.Save();

        var second = FolderSnapshot.Open(folder, kept, ".tile.json", ".failed.json");
        Assert.That(second.Reused, Is.True);
        Assert.That(second.Files, Is.EquivalentTo(first.Files));
        Assert.That(second.Files["t1.tile.json"].Bytes, Is.EqualTo("t1.tile.json".Length));

        Assert.That(FolderSnapshot.Open(folder, kept, ".tile.json").Reused, Is.False, "kept for other suffixes");
    }

    [Test]
    public void AFileAddedOrDeletedByHandIsSeen()
    {
        var (folder, kept) = NewFolder("t1.tile.json", "t2.tile.json");
        FolderSnapshot.Open(folder, kept, ".tile.json").Save();

        File.Delete(Path.Combine(folder, "t2.tile.json"));
        var afterDelete = FolderSnapshot.Open(folder, kept, ".tile.json");
        Assert.That(afterDelete.Reused, Is.False);
        Assert.That(afterDelete.Files.Keys, Is.EquivalentTo(new[] { "t1.tile.json" }));

        Directory.SetLastWriteTimeUtc(folder, AnHourAgo);
        FolderSnapshot.Open(folder, kept, ".tile.json").Save();
        Assert.That(FolderSnapshot.Open(folder, kept, ".tile.json").Reused, Is.True);
        File.WriteAllText(Path.Combine(folder, "t3.tile.json"), "{}");
        Assert.That(FolderSnapshot.Open(folder, kept, ".tile.json").Files.Keys, Is.EquivalentTo(new[] { "t1.tile.json", "t3.tile.json" }));
    }

    [Test]
    public void WhatTheCallerWroteAndRefreshedIsKept()
    {
        var (folder, kept) = NewFolder("t1.tile.json", "t2.tile.json");
        var snapshot = FolderSnapshot.Open(folder, kept, ".tile.json");
        // A step reruns t2 (its record rewritten by rename, and made older than any stamp) and t1 fails (its record removed).
        AtomicFile.WriteAllText(Path.Combine(folder, "t2.tile.json"), "a longer record");
        File.SetLastWriteTimeUtc(Path.Combine(folder, "t2.tile.json"), DateTime.UnixEpoch);
        File.Delete(Path.Combine(folder, "t1.tile.json"));
        snapshot.Refresh(["t1.tile.json", "t2.tile.json"]);
        snapshot.Save();

        var next = FolderSnapshot.Open(folder, kept, ".tile.json");
        Assert.That(next.Reused, Is.True);
        Assert.That(next.Files.Keys, Is.EquivalentTo(new[] { "t2.tile.json" }));
        Assert.That(next.Files["t2.tile.json"], Is.EqualTo(new FolderListing.Dated("a longer record".Length, DateTime.UnixEpoch)));
    }

    [Test]
    public void AFolderChangedJustBeforeItWasListedIsNotKept()
    {
        var (folder, kept) = NewFolder("t1.tile.json");
        FolderSnapshot.Open(folder, kept, ".tile.json").Save();
        // Another file lands within the file system's clock tick: the folder's time alone could not tell it from the first.
        AtomicFile.WriteAllText(Path.Combine(folder, "t2.tile.json"), "{}");
        FolderSnapshot.Open(folder, kept, ".tile.json").Save();
        Assert.That(File.Exists(kept), Is.False);
        Assert.That(FolderSnapshot.Open(folder, kept, ".tile.json").Reused, Is.False);
    }

    [Test]
    public void ADamagedOrMissingKeptListingIsListedAgain()
    {
        var (folder, kept) = NewFolder("t1.tile.json", "t2.tile.json");
        FolderSnapshot.Open(folder, kept, ".tile.json").Save();
        var bytes = File.ReadAllBytes(kept);
        File.WriteAllBytes(kept, bytes[..(bytes.Length - 5)]);
        var damaged = FolderSnapshot.Open(folder, kept, ".tile.json");
        Assert.That(damaged.Reused, Is.False);
        Assert.That(damaged.Files, Has.Count.EqualTo(2));

        Directory.Delete(folder, recursive: true);
        Assert.That(FolderSnapshot.Open(folder, kept, ".tile.json").Files, Is.Empty);
    }
}
