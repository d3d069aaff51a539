using NUnit.Framework;
using Vasco.Extraction;
using Vasco.Steps;

namespace Vasco.Tests.Contracts;

/// <summary>The worked example of docs/architecture.md runs as the doc says, after the real steps 1-5.</summary>
public class ExampleStepTests
{
    [Test]
    public void TheExampleStepCountsTheBrightPass2SourcesOfATile()
    {
        var steps = BuiltInSteps.All.Where(c => c.Name is "Download" or "Preprocess" or "Pass1" or "Psf" or "Pass2").Append(BrightSourceCountStep.Contract).ToList();
        var chain = new SyntheticChain(steps, BrightSourceCountStep.Contract.Owns);
        chain.Run();

        var snr = LdacCatalog.Read(Pass2Step.Catalog.PathOf(chain.Steps, chain.Tile.TileId)).Column("SNR_WIN");
        var written = File.ReadAllText(BrightSourceCountStep.Count.PathOf(chain.Steps, chain.Tile.TileId)).Trim();
        Assert.That(written, Is.EqualTo(snr.Count(s => s > 50).ToString(System.Globalization.CultureInfo.InvariantCulture)));
        Assert.That(int.Parse(written), Is.GreaterThan(0).And.LessThan(snr.Length), "some sources are above SNR 50, not all");
        // Its stamp holds its parameter, and nothing else: it reads nothing else.
        Assert.That(BrightSourceCountStep.Contract.Reads, Is.EqualTo(new[] { "CountSnrMin" }));
        Assert.That(BrightSourceCountStep.Contract.Owns.Select(p => p.Name), Is.EqualTo(new[] { "CountSnrMin" }));
    }
}
