using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using NUnit.Framework;
using Vasco.Fits;

namespace Vasco.Tests.Support;

/// <summary>
/// Expectations made once with Debian's astropy and committed as data under tests/Vasco.Tests/Data/astropy
/// (made by generate.py there): the tests read them and never run python.
/// <para>
/// Files under written-by-vasco/ are what our own code writes for fixed inputs; astropy read them when the data were
/// made, and the tests compare what our code writes now with them byte for byte (or value for value where a least-squares
/// fit is involved), so astropy's reading still applies. With <see cref="WriteInputsVariable"/>=1 the tests that own those
/// files rewrite them instead (generate.py does that first) and stop before checking against the expectations.
/// </para>
/// </summary>
internal static class AstropyData
{
    public const string WriteInputsVariable = "VASCO_WRITE_ASTROPY_INPUTS";

    /// <summary>The NUnit category of the tests that write the files under written-by-vasco/.</summary>
    public const string WritesInputs = "AstropyInputs";

    private const string Regenerate =
        $"rerun /usr/bin/python3 tests/Vasco.Tests/Data/astropy/generate.py (it rewrites written-by-vasco/ through the tests with {WriteInputsVariable}=1, then the expectations) and review the diff";

    public static bool WritingInputs => Environment.GetEnvironmentVariable(WriteInputsVariable) == "1";

    public static string Path(params string[] parts) => Repo.Path(["tests", "Vasco.Tests", "Data", "astropy", .. parts]);

    /// <summary>A data file's path relative to the repository root, with '/', as the JSON files name their inputs.</summary>
    public static string RepoRelative(string relativePath) => "tests/Vasco.Tests/Data/astropy/" + relativePath;

    /// <summary>The root element of a committed JSON expectation file.</summary>
    public static JsonElement Json(string name)
    {
        using var document = JsonDocument.Parse(File.ReadAllBytes(Path(name)));
        return document.RootElement.Clone();
    }

    public static double[] Doubles(JsonElement array) => array.EnumerateArray().Select(v => v.GetDouble()).ToArray();

    public static (double A, double B)[] Pairs(JsonElement array) =>
        array.EnumerateArray().Select(p => (p[0].GetDouble(), p[1].GetDouble())).ToArray();

    /// <summary>Asserts that an input file (path relative to the repository root) is still the one the expectations were made from.</summary>
    public static void AssertInputUnchanged(string repoRelativePath, string sha256)
    {
        var bytes = File.ReadAllBytes(Repo.Path(repoRelativePath.Split('/')));
        Assert.That(Convert.ToHexStringLower(SHA256.HashData(bytes)), Is.EqualTo(sha256),
            $"{repoRelativePath} changed since astropy's expectations were made from it: {Regenerate}");
    }

    /// <summary>
    /// Asserts that <paramref name="actual"/> (what our code writes now) is byte for byte the committed input that
    /// astropy read; in input-writing mode writes it there instead.
    /// </summary>
    public static void AssertSameAsCommittedInput(string relativePath, byte[] actual)
    {
        var path = Path(relativePath.Split('/'));
        if (WritingInputs)
        {
            Directory.CreateDirectory(System.IO.Path.GetDirectoryName(path)!);
            File.WriteAllBytes(path, actual);
            return;
        }
        Assert.That(File.Exists(path), Is.True, $"{path} is missing: {Regenerate}");
        Assert.That(actual.SequenceEqual(File.ReadAllBytes(path)), Is.True,
            $"our output differs from {relativePath}, the file astropy's expectations were made from: {Regenerate}");
    }

    /// <summary>Ends a test that has just written its inputs in input-writing mode; otherwise does nothing.</summary>
    public static void StopIfWritingInputs()
    {
        if (WritingInputs)
            Assert.Pass($"{WriteInputsVariable}=1: wrote the inputs for generate.py; the expectations are not checked");
    }

    /// <summary>A header as text: one 80-column card image a line with its trailing blanks dropped, ending with END.</summary>
    public static string HeaderText(FitsHeader header)
    {
        var cards = header.ToCardText();
        var text = new StringBuilder();
        for (var i = 0; i < cards.Length; i += FitsCard.Length)
            text.Append(cards.AsSpan(i, FitsCard.Length).TrimEnd(' ')).Append('\n');
        return text.ToString();
    }

    /// <summary>Reads a header written by <see cref="HeaderText"/>.</summary>
    public static FitsHeader ReadHeader(string relativePath) =>
        FitsHeader.Parse(string.Concat(File.ReadAllLines(Path(relativePath.Split('/'))).Select(line => line.PadRight(FitsCard.Length))));

    /// <summary>
    /// Asserts that a header our code made now is, card for card, the committed one: same keywords, comments and
    /// non-real values, and each real value within a relative 1e-9 (a least-squares fit can move in the last digits
    /// between machines; the WCS checks then bound what that does to positions).
    /// </summary>
    public static void AssertSameAsCommittedHeader(string relativePath, FitsHeader actual)
    {
        if (WritingInputs)
        {
            AssertSameAsCommittedInput(relativePath, Encoding.ASCII.GetBytes(HeaderText(actual)));
            return;
        }
        Assert.That(File.Exists(Path(relativePath.Split('/'))), Is.True, $"{relativePath} is missing: {Regenerate}");
        var expected = ReadHeader(relativePath);
        Assert.That(actual.Cards.Select(c => (c.Keyword, c.Comment, c.IsCommentary)),
            Is.EqualTo(expected.Cards.Select(c => (c.Keyword, c.Comment, c.IsCommentary))), $"cards of {relativePath}: {Regenerate}");
        for (var i = 0; i < expected.Cards.Count; i++)
        {
            var (a, e) = (actual.Cards[i].Value, expected.Cards[i].Value);
            if (e is double d)
                Assert.That(a, Is.TypeOf<double>().And.EqualTo(d).Within(Math.Abs(d) * 1e-9), $"{expected.Cards[i].Keyword} of {relativePath}: {Regenerate}");
            else
                Assert.That(a, Is.EqualTo(e), $"{expected.Cards[i].Keyword} of {relativePath}: {Regenerate}");
        }
    }
}
