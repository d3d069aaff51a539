using System.Text.RegularExpressions;
using NUnit.Framework;
using Vasco.Pipeline;
using Vasco.Tests.Support;

namespace Vasco.Tests.Engine;

public class ReadmeTests
{
    [Test]
    public void TheReadmeListsExactlyTheErrorCodes()
    {
        var readme = File.ReadAllText(Repo.Path("README.md"));
        var listed = Regex.Matches(readme, @"^\| `(VASCO\d{4})` \| (.+) \|$", RegexOptions.Multiline)
            .ToDictionary(m => m.Groups[1].Value, m => m.Groups[2].Value);
        Assert.That(listed.Keys, Is.EquivalentTo(ErrorCodes.All.Select(c => c.Code)));
        foreach (var (code, meaning) in ErrorCodes.All)
            Assert.That(listed[code], Is.EqualTo(meaning), code);
    }

    [Test]
    public void TheReadmeShowsTheTwoCommands()
    {
        var readme = File.ReadAllText(Repo.Path("README.md"));
        Assert.That(readme, Does.Contain("dotnet build runs/m67/run.vascoproj"));
        Assert.That(readme, Does.Contain("dotnet test"));
    }
}
