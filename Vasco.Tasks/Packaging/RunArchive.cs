using System.IO.Compression;
using System.Security.Cryptography;
using Vasco.Pipeline;
using Vasco.IO;

namespace Vasco.Packaging;

/// <summary>What went into an archive, for step 10's manifest.</summary>
public sealed record ArchiveResult(string ZipPath, string ChecksumPath, long Bytes, string Sha256, int Entries, int Manifests);

/// <summary>
/// Step 10: the run's deliverables in artifacts/&lt;RunId&gt;/&lt;RunId&gt;.zip with a
/// &lt;RunId&gt;.zip.sha256 that `sha256sum -c` verifies. Entries carry a fixed date so the
/// same files always make the same archive.
/// </summary>
public static class RunArchive
{
    static readonly DateTimeOffset EntryDate = new(1980, 1, 1, 0, 0, 0, TimeSpan.Zero);

    /// <summary>Writes the zip (atomically) from files given relative to the run folder, then its checksum, and validates both.</summary>
    public static ArchiveResult Write(string runDir, string zipPath, IReadOnlyList<string> relativeFiles)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(zipPath)!);
        AtomicFile.Write(zipPath, stream =>
        {
            using var zip = new ZipArchive(stream, ZipArchiveMode.Create, leaveOpen: true);
            foreach (var rel in relativeFiles.Order(StringComparer.Ordinal))
            {
                var entry = zip.CreateEntry(rel.Replace('\\', '/'), CompressionLevel.Optimal);
                entry.LastWriteTime = EntryDate;
                using var input = File.OpenRead(RunPaths.Inside(runDir, rel));
                using var output = entry.Open();
                input.CopyTo(output);
            }
        });
        var sha = FileRecord.Sha256Of(zipPath);
        var checksum = zipPath + ".sha256";
        // sha256sum's format: the hash, two spaces, the file name (relative to the checksum's folder).
        AtomicFile.WriteAllText(checksum, $"{sha}  {Path.GetFileName(zipPath)}\n");
        var manifests = Validate(zipPath, checksum, relativeFiles);
        return new ArchiveResult(zipPath, checksum, new FileInfo(zipPath).Length, sha, relativeFiles.Count, manifests);
    }

    /// <summary>The seed's checks: the checksum matches, the archive opens, every manifest is inside. Returns the manifest count.</summary>
    public static int Validate(string zipPath, string checksumPath, IReadOnlyList<string> expected)
    {
        var recorded = File.ReadAllText(checksumPath).Split(' ', 2)[0];
        if (recorded != FileRecord.Sha256Of(zipPath))
            throw new VascoException(ErrorCodes.ArchiveInvalid, $"{Path.GetFileName(zipPath)} does not match its checksum {Path.GetFileName(checksumPath)}.",
                "build the package again (-t:VascoPackage -p:FromStep=10).", zipPath);
        using var zip = ZipFile.OpenRead(zipPath);
        var names = zip.Entries.Select(e => e.FullName).ToHashSet(StringComparer.Ordinal);
        var missing = expected.Where(e => e.EndsWith(".json", StringComparison.Ordinal) && !names.Contains(e.Replace('\\', '/'))).ToList();
        if (missing.Count > 0)
            throw new VascoException(ErrorCodes.ArchiveInvalid, $"{Path.GetFileName(zipPath)} lacks {missing.Count} manifest(s), e.g. {missing[0]}.",
                "build the package again.", zipPath);
        foreach (var entry in zip.Entries) { using var s = entry.Open(); s.CopyTo(Stream.Null); } // every entry decompresses
        return names.Count(n => n.EndsWith(".json", StringComparison.Ordinal));
    }

    /// <summary>Most bytes <see cref="ExtractSafely"/> writes unless told otherwise: a run with every plate is a few GB.</summary>
    public const long DefaultMaxExtractedBytes = 64L << 30;

    /// <summary>Most entries <see cref="ExtractSafely"/> accepts: a run archive has a few files per tile and step.</summary>
    public const int MaxEntries = 1_000_000;

    /// <summary>
    /// Extracts an archive into a folder, refusing (before anything is written) entries that would land outside it
    /// (absolute paths, "..", drive letters, control characters), links, duplicate names, more than
    /// <see cref="MaxEntries"/> entries or more than <paramref name="maxBytes"/> bytes in all (a zip bomb), and
    /// paths through a symbolic link already in the destination. Each file is written atomically and never over an
    /// existing one; a damaged entry stops the extraction with VASCO1101 and leaves no partial file.
    /// </summary>
    public static IReadOnlyList<string> ExtractSafely(string zipPath, string destination, long maxBytes = DefaultMaxExtractedBytes)
    {
        var root = Path.GetFullPath(destination);
        var rootWithSeparator = root.EndsWith(Path.DirectorySeparatorChar) ? root : root + Path.DirectorySeparatorChar;
        VascoException Unsafe(string why) => new(ErrorCodes.ArchiveInvalid, $"{Path.GetFileName(zipPath)} {why}.",
            "do not use archives from unknown sources; a Vasco archive has only run-relative paths.", zipPath);
        ZipArchive zip;
        try
        {
            zip = ZipFile.OpenRead(zipPath);
        }
        catch (InvalidDataException e)
        {
            throw Unsafe($"is not a readable zip archive ({e.Message})");
        }
        using (zip)
        {
            if (zip.Entries.Count > MaxEntries)
                throw Unsafe($"holds {zip.Entries.Count} entries, more than the {MaxEntries} a run archive may have");
            var names = new HashSet<string>(StringComparer.Ordinal);
            var declared = 0L;
            foreach (var entry in zip.Entries)
            {
                var name = entry.FullName;
                var shown = string.Concat(name.Select(c => char.IsControl(c) ? $"\\u{(int)c:X4}" : c.ToString()));
                var isLink = (entry.ExternalAttributes >> 16 & 0xF000) == 0xA000; // S_IFLNK in the Unix mode bits
                if (name.Length == 0 || name.Any(char.IsControl) || Path.IsPathRooted(name) || name.Contains(':')
                    || name.Split('/', '\\').Contains("..") || isLink
                    || !Path.GetFullPath(Path.Combine(root, name)).StartsWith(rootWithSeparator, StringComparison.Ordinal))
                    throw Unsafe($"holds an unsafe entry '{shown}'");
                if (!names.Add(name.TrimEnd('/')))
                    throw Unsafe($"holds the entry '{shown}' twice");
                declared += entry.Length;
                if (declared > maxBytes)
                    throw Unsafe($"would extract more than {maxBytes} bytes (a zip bomb or not a run archive)");
            }
            var written = new List<string>();
            var total = 0L;
            foreach (var entry in zip.Entries)
            {
                var target = Path.GetFullPath(Path.Combine(root, entry.FullName));
                if (ThroughLink(root, target) is { } link)
                    throw Unsafe($"would write '{entry.FullName}' through the symbolic link '{link}' in the destination");
                if (entry.FullName.EndsWith('/')) { Directory.CreateDirectory(target); continue; }
                if (File.Exists(target) || Directory.Exists(target))
                    throw Unsafe($"would overwrite '{target}', which exists");
                Directory.CreateDirectory(Path.GetDirectoryName(target)!);
                try
                {
                    AtomicFile.Write(target, output =>
                    {
                        using var input = entry.Open();
                        var buffer = new byte[81920];
                        int read;
                        while ((read = input.Read(buffer)) > 0)
                        {
                            // The declared sizes were checked; this holds whatever the entries really inflate to.
                            if ((total += read) > maxBytes)
                                throw Unsafe($"inflates to more than {maxBytes} bytes (a zip bomb or not a run archive)");
                            output.Write(buffer, 0, read);
                        }
                    });
                }
                catch (InvalidDataException e)
                {
                    throw Unsafe($"has a damaged entry '{entry.FullName}' ({e.Message})");
                }
                written.Add(target);
            }
            return written;
        }
    }

    /// <summary>The first existing symbolic link on the way from <paramref name="root"/> down to <paramref name="target"/>, or null.</summary>
    static string? ThroughLink(string root, string target)
    {
        var path = root;
        foreach (var part in Path.GetRelativePath(root, target).Split(Path.DirectorySeparatorChar))
        {
            path = Path.Combine(path, part);
            var info = new FileInfo(path);
            if (info.Exists || Directory.Exists(path))
                if (info.LinkTarget != null || new DirectoryInfo(path).LinkTarget != null)
                    return path;
        }
        return null;
    }

    /// <summary>The seed's run stamp, run-YYYYMMDD_HHMMSS (UTC).</summary>
    public static string RunStamp(DateTimeOffset time) => "run-" + time.UtcDateTime.ToString("yyyyMMdd_HHmmss", System.Globalization.CultureInfo.InvariantCulture);
}
