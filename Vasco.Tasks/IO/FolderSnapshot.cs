using System.Text;

namespace Vasco.IO;

/// <summary>
/// A <see cref="FolderListing"/> kept in a file between builds, valid while the folder's own modification time is what it
/// was when kept. Every file Vasco puts in its run folders arrives by rename (<see cref="AtomicFile"/>) and leaves by
/// deletion, and either moves the folder's time, so a folder whose time has not moved still holds the files listed: at
/// 10,000 tiles that is one query instead of 10,000 per folder, and a one-stale build looks at some thirty such folders.
/// What a build writes into a folder itself it tells the snapshot (<see cref="Refresh"/>) before keeping it (<see cref="Save"/>);
/// anything else that moves the folder's time (a file deleted or added by hand, another build) makes the next
/// <see cref="Open"/> list the folder again. A file changed in place, without a rename, is not seen: Vasco never does
/// that to the files it lists this way (tiles' records, stamps), except to set a record's or a stamp's time, which it
/// refreshes itself.
/// </summary>
public sealed class FolderSnapshot
{
    // Only a folder whose time is at least this old when it is listed is kept: a change within the file system's clock
    // tick after that time would leave the time as it was (Linux stamps times from a clock that moves every few ms).
    static readonly TimeSpan Settled = TimeSpan.FromSeconds(2);
    const string Header = "vasco-folder-snapshot/1";

    readonly string _folder;
    readonly string[] _suffixes;
    readonly string _file;
    long _listedAt;  // the folder's time when listed (or kept), in ticks; 0 when not to be kept as it is

    /// <summary>The files whose names end in one of the suffixes, by name.</summary>
    public Dictionary<string, FolderListing.Dated> Files { get; }
    /// <summary>Whether <see cref="Files"/> came from the kept file, not from listing the folder.</summary>
    public bool Reused { get; }

    FolderSnapshot(string folder, string[] suffixes, string file, Dictionary<string, FolderListing.Dated> files, long listedAt, bool reused) =>
        (_folder, _suffixes, _file, Files, _listedAt, Reused) = (folder, suffixes, file, files, listedAt, reused);

    /// <summary>The files of <paramref name="folder"/> ending in one of <paramref name="suffixes"/>: as kept in <paramref name="file"/> when still valid, else listed.</summary>
    public static FolderSnapshot Open(string folder, string file, params string[] suffixes)
    {
        var time = TimeOf(folder);
        if (time != 0 && Read(file, folder, suffixes, time) is { } kept) return new(folder, suffixes, file, kept, time, reused: true);
        var files = FolderListing.Of(folder, suffixes);
        var settled = time != 0 && DateTime.UtcNow - new DateTime(time, DateTimeKind.Utc) >= Settled;
        return new(folder, suffixes, file, files, settled ? time : 0, reused: false);
    }

    /// <summary>Reads again the status of these files (by name), which the caller wrote, deleted or touched since <see cref="Open"/>.</summary>
    public void Refresh(IEnumerable<string> names)
    {
        foreach (var name in names)
        {
            var info = new FileInfo(Path.Combine(_folder, name));
            if (info.Exists) Files[name] = new(info.Length, info.LastWriteTimeUtc);
            else Files.Remove(name);
        }
        _listedAt = -1;  // the folder's time after the caller's own changes
    }

    /// <summary>
    /// Keeps the snapshot for the next <see cref="Open"/>, or drops the kept one when this one may be incomplete (the folder
    /// changed within a clock tick of its listing). After <see cref="Refresh"/>, the folder's time now is kept: the
    /// caller must have refreshed every change it made, and no one else may change the folder meanwhile (the run lock);
    /// on a file system whose times are whole seconds it is not kept.
    /// </summary>
    public void Save()
    {
        var time = _listedAt == -1 ? TimeOf(_folder) : _listedAt;
        // A file system that keeps whole seconds (or two) would hide a change made within that second after the caller's own.
        try
        {
            if (time == 0 || (_listedAt == -1 && time % TimeSpan.TicksPerSecond == 0)) { if (File.Exists(_file)) File.Delete(_file); return; }
            Directory.CreateDirectory(Path.GetDirectoryName(_file)!);
            Write(time);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException) { }  // only a cache: the next Open lists the folder
    }

    void Write(long time) =>
        AtomicFile.Write(_file, stream =>
        {
            using var w = new BinaryWriter(stream, Encoding.UTF8, leaveOpen: true);
            w.Write(Header);
            w.Write(Path.GetFullPath(_folder));
            w.Write(string.Join('|', _suffixes));
            w.Write(time);
            w.Write(Files.Count);
            foreach (var (name, file) in Files)
            {
                w.Write(name);
                w.Write(file.Bytes);
                w.Write(file.LastWriteUtc.Ticks);
            }
        }, durable: false);

    static long TimeOf(string folder) => Directory.Exists(folder) ? Directory.GetLastWriteTimeUtc(folder).Ticks : 0;

    static Dictionary<string, FolderListing.Dated>? Read(string file, string folder, string[] suffixes, long time)
    {
        try
        {
            using var bytes = PooledBytes.File.Read(file);
            using var reader = new BinaryReader(bytes.Stream(), Encoding.UTF8);
            if (reader.ReadString() != Header || reader.ReadString() != Path.GetFullPath(folder) || reader.ReadString() != string.Join('|', suffixes) || reader.ReadInt64() != time)
                return null;
            var count = reader.ReadInt32();
            if (count < 0 || count > reader.BaseStream.Length) return null;
            var files = new Dictionary<string, FolderListing.Dated>(count, StringComparer.Ordinal);
            for (var i = 0; i < count; i++)
                files[reader.ReadString()] = new(reader.ReadInt64(), new DateTime(reader.ReadInt64(), DateTimeKind.Utc));
            return files;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or EndOfStreamException or ArgumentException)
        {
            return null;
        }
    }
}
