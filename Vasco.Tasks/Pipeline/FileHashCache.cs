using System.Globalization;
using Vasco.IO;

namespace Vasco.Pipeline;

/// <summary>
/// Content hashes of input files, recomputed only when a file's size or modification time
/// changes. Content (not time) decides reruns, so a fresh checkout or a CI cache restore
/// that only changes timestamps reruns nothing.
/// </summary>
public sealed class FileHashCache
{
    readonly string _path;
    readonly Dictionary<string, (long Size, long Ticks, string Hash)> _entries = new(StringComparer.Ordinal);
    bool _dirty;

    public FileHashCache(string path)
    {
        _path = path;
        if (!File.Exists(path)) return;
        foreach (var line in File.ReadLines(path))
        {
            var parts = line.Split('\t');
            if (parts.Length == 4 && long.TryParse(parts[1], CultureInfo.InvariantCulture, out var size)
                && long.TryParse(parts[2], CultureInfo.InvariantCulture, out var ticks))
                _entries[parts[0]] = (size, ticks, parts[3]);
        }
    }

    /// <summary>SHA-256 of the file, or "missing" when it does not exist.</summary>
    public string HashOf(string fullPath)
    {
        var info = new FileInfo(fullPath);
        if (!info.Exists) return "missing";
        lock (_entries)
        {
            if (_entries.TryGetValue(fullPath, out var e) && e.Size == info.Length && e.Ticks == info.LastWriteTimeUtc.Ticks)
                return e.Hash;
        }
        var hash = FileRecord.Sha256Of(fullPath);
        lock (_entries)
        {
            _entries[fullPath] = (info.Length, info.LastWriteTimeUtc.Ticks, hash);
            _dirty = true;
        }
        return hash;
    }

    public void Save()
    {
        if (!_dirty) return;
        var lines = _entries.OrderBy(e => e.Key, StringComparer.Ordinal)
            .Select(e => string.Join('\t', e.Key, e.Value.Size.ToString(CultureInfo.InvariantCulture),
                e.Value.Ticks.ToString(CultureInfo.InvariantCulture), e.Value.Hash));
        AtomicFile.WriteAllText(_path, string.Join('\n', lines) + "\n");
        _dirty = false;
    }
}
