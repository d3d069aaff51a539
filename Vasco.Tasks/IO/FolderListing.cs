using System.IO.Enumeration;

namespace Vasco.IO;

/// <summary>
/// The files of one folder whose names end in one of some suffixes, with their sizes and modification times, from one listing.
/// Each entry's own status is read, without a FileInfo each: at 10,000 files 60 ms instead of 80 ms here, and a
/// one-stale build of 10,000 tiles lists some thirty folders of that size.
/// </summary>
public static class FolderListing
{
    public readonly record struct Dated(long Bytes, DateTime LastWriteUtc);

    /// <summary>By file name; empty when the folder does not exist.</summary>
    public static Dictionary<string, Dated> Of(string dir, params string[] suffixes)
    {
        var files = new Dictionary<string, Dated>(StringComparer.Ordinal);
        if (!Directory.Exists(dir)) return files;
        var listing = new FileSystemEnumerable<(string Name, Dated File)>(dir,
            (ref FileSystemEntry e) => (e.FileName.ToString(), new Dated(e.Length, e.LastWriteTimeUtc.UtcDateTime)))
        {
            ShouldIncludePredicate = (ref FileSystemEntry e) => !e.IsDirectory && EndsWithAny(e.FileName, suffixes),
        };
        foreach (var (name, file) in listing) files[name] = file;
        return files;
    }

    static bool EndsWithAny(ReadOnlySpan<char> name, string[] suffixes)
    {
        foreach (var suffix in suffixes)
            if (name.EndsWith(suffix, StringComparison.Ordinal)) return true;
        return false;
    }
}
