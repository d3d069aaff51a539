using System.Text.RegularExpressions;
using NUnit.Framework;
using Vasco.Pipeline;
using Vasco.Steps;
using Vasco.Tests.Support;

namespace Vasco.Tests.Engine;

/// <summary>The README and the reference pages it points to say what Vasco does.</summary>
public class ReadmeTests
{
    static string Read(params string[] path) => File.ReadAllText(Repo.Path(path));

    [Test]
    public void TheErrorCodePageListsExactlyTheErrorCodes()
    {
        var page = Read("docs", "errors.md");
        var listed = Regex.Matches(page, @"^\| `(VASCO\d{4})` \| (.+) \|$", RegexOptions.Multiline)
            .Select(m => (Code: m.Groups[1].Value, Meaning: m.Groups[2].Value)).ToList();
        Assert.That(listed.Select(l => l.Code), Is.Unique, "a code listed twice");
        Assert.That(listed.Select(l => l.Code), Is.EquivalentTo(ErrorCodes.All.Select(c => c.Code)));
        var meanings = listed.ToDictionary(l => l.Code, l => l.Meaning);
        foreach (var (code, meaning) in ErrorCodes.All)
            Assert.That(meanings[code], Is.EqualTo(meaning), code);
    }

    [Test]
    public void TheReadmeShowsTheTwoCommands()
    {
        var readme = Read("README.md");
        Assert.That(readme, Does.Contain("dotnet build runs/m67/run.vascoproj"));
        Assert.That(readme, Does.Contain("dotnet test"));
    }

    [Test]
    public void TheReadmePointsToTheErrorCodesAndTheParameters()
    {
        var readme = Read("README.md");
        Assert.That(readme, Does.Contain("](docs/errors.md)"));
        Assert.That(readme, Does.Contain("](docs/parameters.md)"));
    }

    /// <summary>
    /// docs/parameters.md's "Pipeline parameters" table lists every built-in parameter once, with its default:
    /// <c>| `Name` | `default` | meaning |</c>, and <c>(empty)</c> for an empty default.
    /// </summary>
    [Test]
    public void TheParameterPageListsEveryParameterWithItsDefault()
    {
        var page = Read("docs", "parameters.md");
        var section = Regex.Match(page, @"^## Pipeline parameters\n(.*?)(?=^## |\z)", RegexOptions.Multiline | RegexOptions.Singleline);
        Assert.That(section.Success, "docs/parameters.md has no '## Pipeline parameters' section");
        var rows = Regex.Matches(section.Groups[1].Value, @"^\| `(\w+)` \| ([^|]*?) \| .+ \|$", RegexOptions.Multiline)
            .Select(m => (Name: m.Groups[1].Value, Default: m.Groups[2].Value)).ToList();
        Assert.That(rows.Select(r => r.Name), Is.Unique, "a parameter listed twice");
        Assert.That(rows.Select(r => r.Name), Is.EquivalentTo(ParameterCatalog.BuiltIn.Select(p => p.Name)));
        var defaults = rows.ToDictionary(r => r.Name, r => r.Default);
        foreach (var p in ParameterCatalog.BuiltIn)
            Assert.That(defaults[p.Name], Is.EqualTo(p.Default == "" ? "(empty)" : $"`{p.Default}`"), p.Name);
    }

    /// <summary>The README's short table of the main properties shows each parameter's built-in default (`60`, or nothing for an empty one).</summary>
    [Test]
    public void TheReadmesMainPropertiesShowTheirDefaults()
    {
        var rows = Regex.Matches(Read("README.md"), @"^\| `(\w+)` \| ([^|]*?) ?\| .+ \|$", RegexOptions.Multiline)
            .Select(m => (Name: m.Groups[1].Value, Default: m.Groups[2].Value.Trim())).Where(r => ParameterCatalog.Find(r.Name) is not null).ToList();
        Assert.That(rows, Has.Count.GreaterThan(5), "the scan finds the table");
        foreach (var (name, shown) in rows)
        {
            var p = ParameterCatalog.Find(name)!;
            Assert.That(shown, p.Default == "" ? Is.Empty : Does.StartWith($"`{p.Default}`"), name);
        }
    }
}
