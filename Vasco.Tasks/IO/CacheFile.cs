using System.Text;

namespace Vasco.IO;

/// <summary>
/// A cache kept between builds: a header naming its format and the build of Vasco that wrote it, then what its writer
/// wrote. Read whole; missing, damaged or from other code, it reads as nothing (the caller reads what it describes).
/// Written by rename without flushing to disk (<see cref="AtomicFile.Write"/>), and a failure to write it fails nothing.
/// </summary>
public static class CacheFile
{
    /// <summary>The header of a format: a changed Vasco never reuses an older one's cache.</summary>
    public static string Header(string format) => format + " " + typeof(CacheFile).Assembly.ManifestModule.ModuleVersionId;

    /// <summary>What <paramref name="read"/> makes of the file after its header, or null.</summary>
    public static T? Read<T>(string path, string header, Func<BinaryReader, T> read) where T : class
    {
        try
        {
            using var file = PooledBytes.File.Read(path);
            using var reader = new BinaryReader(file.Stream(), Encoding.UTF8);
            return reader.ReadString() == header ? read(reader) : null;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or InvalidDataException or FormatException or ArgumentException or OverflowException)
        {
            return null;
        }
    }

    public static void Write(string path, string header, Action<BinaryWriter> write)
    {
        try
        {
            Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(path))!);
            AtomicFile.Write(path, stream =>
            {
                using var w = new BinaryWriter(stream, Encoding.UTF8, leaveOpen: true);
                w.Write(header);
                write(w);
            }, durable: false);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException) { }
    }

    /// <summary>A count read back, checked against what is left of the file.</summary>
    public static int Count(BinaryReader r) =>
        r.ReadInt32() is var n and >= 0 && n <= r.BaseStream.Length - r.BaseStream.Position ? n : throw new InvalidDataException("a damaged cache");
}
