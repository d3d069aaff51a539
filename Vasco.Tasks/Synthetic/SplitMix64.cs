namespace Vasco.Synthetic;

/// <summary>
/// SplitMix64 (Steele, Lea and Flood 2014): a small generator whose sequence is fixed by its
/// definition, so a synthetic sky is the same on every .NET version (System.Random's is not promised).
/// </summary>
public sealed class SplitMix64
{
    ulong _state;

    public SplitMix64(ulong seed) => _state = seed;

    /// <summary>A generator for one purpose of one tile: the seed and the names hashed together.</summary>
    public static SplitMix64 For(long seed, params string[] names)
    {
        // FNV-1a over the seed and the names: stable, unlike string.GetHashCode.
        ulong hash = 14695981039346656037UL;
        foreach (var b in BitConverter.GetBytes(seed).Concat(names.SelectMany(n => System.Text.Encoding.UTF8.GetBytes(n + "\0"))))
            hash = (hash ^ b) * 1099511628211UL;
        return new SplitMix64(hash);
    }

    public ulong Next()
    {
        var z = _state += 0x9E3779B97F4A7C15UL;
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
        return z ^ (z >> 31);
    }

    /// <summary>Uniform in [0, 1).</summary>
    public double NextDouble() => (Next() >> 11) * (1.0 / (1UL << 53));

    public double Uniform(double min, double max) => min + (max - min) * NextDouble();

    /// <summary>Standard normal (Box-Muller).</summary>
    public double Gaussian()
    {
        var u = 1.0 - NextDouble();
        return Math.Sqrt(-2 * Math.Log(u)) * Math.Cos(2 * Math.PI * NextDouble());
    }
}
