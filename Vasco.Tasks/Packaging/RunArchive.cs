using System.IO.Compression;
using System.Security.Cryptography;
using Vasco.IO;
using Vasco.Pipeline;

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

    /// <summary>
    /// Extracts an archive into a folder, refusing entries that would land outside it
    /// (absolute paths, "..", drive letters) or that are links: archives from elsewhere are
    /// not trusted.
    /// </summary>
    public static IReadOnlyList<string> ExtractSafely(string zipPath, string destination)
    {
        var root = Path.GetFullPath(destination);
        var rootWithSeparator = root.EndsWith(Path.DirectorySeparatorChar) ? root : root + Path.DirectorySeparatorChar;
        using var zip = ZipFile.OpenRead(zipPath);
        foreach (var entry in zip.Entries)
        {
            var name = entry.FullName;
            var target = Path.GetFullPath(Path.Combine(root, name));
            var isLink = (entry.ExternalAttributes >> 16 & 0xF000) == 0xA000; // S_IFLNK in the Unix mode bits
            if (name.Length == 0 || Path.IsPathRooted(name) || name.Contains(':') || name.Split('/', '\\').Contains("..")
                || !target.StartsWith(rootWithSeparator, StringComparison.Ordinal) || isLink)
                throw new VascoException(ErrorCodes.ArchiveInvalid, $"{Path.GetFileName(zipPath)} holds an unsafe entry '{name}'.",
                    "do not use archives from unknown sources; a Vasco archive has only run-relative paths.", zipPath);
        }
        var written = new List<string>();
        foreach (var entry in zip.Entries)
        {
            var target = Path.GetFullPath(Path.Combine(root, entry.FullName));
            if (entry.FullName.EndsWith('/')) { Directory.CreateDirectory(target); continue; }
            Directory.CreateDirectory(Path.GetDirectoryName(target)!);
            entry.ExtractToFile(target, overwrite: false);
            written.Add(target);
        }
        return written;
    }

    /// <summary>The seed's run stamp, run-YYYYMMDD_HHMMSS (UTC).</summary>
    public static string RunStamp(DateTimeOffset time) => "run-" + time.UtcDateTime.ToString("yyyyMMdd_HHmmss", System.Globalization.CultureInfo.InvariantCulture);
}
