using System.Globalization;
using System.Text.Json;

namespace Vasco.Pipeline;

/// <summary>
/// The numbers of a tile manifest, and nothing else: elapsed_seconds, the counts, and the numbers of its
/// other objects one level down ("model_quality.fwhm_pixels"). Step 9 reads eight manifests a tile, 80,000
/// at 10,000 tiles; reading only these is several times quicker than <see cref="Manifest.Read"/>, which
/// builds the file lists and keeps every other field.
/// </summary>
public sealed record ManifestFigures(double ElapsedSeconds, IReadOnlyDictionary<string, double> Counts, IReadOnlyDictionary<string, double> Numbers)
{
    /// <summary>The figures, or null when the manifest is missing or unreadable (as <see cref="Manifest.TryRead"/>).</summary>
    public static ManifestFigures? TryRead(string path)
    {
        byte[] bytes;
        try { bytes = File.ReadAllBytes(path); }
        catch (IOException) { return null; }  // missing included
        try { return Parse(bytes); }
        catch (JsonException) { return null; }
        catch (FormatException) { return null; }
    }

    static ManifestFigures Parse(ReadOnlySpan<byte> json)
    {
        var reader = new Utf8JsonReader(json);
        double elapsed = 0;
        var counts = new Dictionary<string, double>(StringComparer.Ordinal);
        var numbers = new Dictionary<string, double>(StringComparer.Ordinal);
        Expect(ref reader, JsonTokenType.StartObject);
        while (Next(ref reader) == JsonTokenType.PropertyName)
        {
            var name = reader.GetString()!;
            Next(ref reader);
            if (name == "elapsed_seconds" && TryNumber(ref reader, out var e)) elapsed = e;
            else if (reader.TokenType == JsonTokenType.StartObject && name is not ("parameters" or "tools"))
                ReadNumbers(ref reader, name == "counts" ? counts : numbers, name == "counts" ? "" : name + ".");
            else reader.Skip();
        }
        if (reader.TokenType != JsonTokenType.EndObject) throw new JsonException("a manifest is one JSON object");
        return new ManifestFigures(elapsed, counts, numbers);
    }

    /// <summary>The numeric members of the object the reader is at (nested objects and arrays skipped).</summary>
    static void ReadNumbers(ref Utf8JsonReader reader, Dictionary<string, double> into, string prefix)
    {
        while (Next(ref reader) == JsonTokenType.PropertyName)
        {
            var name = reader.GetString()!;
            Next(ref reader);
            if (TryNumber(ref reader, out var v)) into[prefix + name] = v;
            else reader.Skip();
        }
    }

    // Manifests write NaN and the infinities as strings (JsonNumberHandling.AllowNamedFloatingPointLiterals).
    static bool TryNumber(ref Utf8JsonReader reader, out double value)
    {
        value = double.NaN;
        if (reader.TokenType == JsonTokenType.Number) value = reader.GetDouble();
        else if (reader.TokenType != JsonTokenType.String) return false;
        else if (reader.ValueTextEquals("Infinity")) value = double.PositiveInfinity;
        else if (reader.ValueTextEquals("-Infinity")) value = double.NegativeInfinity;
        else if (!reader.ValueTextEquals("NaN")) return false;
        return true;
    }

    static JsonTokenType Next(ref Utf8JsonReader reader) =>
        reader.Read() ? reader.TokenType : throw new JsonException("the manifest ends early");

    static void Expect(ref Utf8JsonReader reader, JsonTokenType token)
    {
        if (Next(ref reader) != token) throw new JsonException($"expected {token.ToString().ToLower(CultureInfo.InvariantCulture)}");
    }
}
