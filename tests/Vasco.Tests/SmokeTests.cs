using NUnit.Framework;
namespace Vasco.Tests;
public class SmokeTests { [Test] public void VersionIsSet() => Assert.That(Vasco.Pipeline.PipelineInfo.Version, Is.Not.Empty); }
