using NUnit.Framework;

namespace Vasco.Tests;

/// <summary>
/// Before any test: what the tests use, installed the way the build installs the pipeline's tools
/// (apt-get on Debian as root or with passwordless sudo; otherwise the VASCO0301 error says what
/// to run). Under `dotnet test` the VascoTestTools target has done it already and this only checks;
/// it matters for runners that skip that target. After the last: the test run's loose files and
/// the fixtures' shared run folders go, unless a test failed.
/// </summary>
[SetUpFixture]
public class ToolsSetup
{
    [OneTimeSetUp]
    public void EnsureTools()
    {
        Support.TestTools.Ensure(allowInstall: true, m => TestContext.Progress.WriteLine(m));
        // Tests never reach outside 127.0.0.1: every build a test starts inherits this (MSBuild reads environment
        // variables as properties), so the vetting stages ask no real service. Tests of the online stages pass
        // -p:VettingServices=online with loopback URLs, which beats it.
        Environment.SetEnvironmentVariable("VettingServices", "offline");
    }

    [OneTimeTearDown]
    public void FinishTestTemp()
    {
        var failed = TestContext.CurrentContext.Result.FailCount > 0;
        Support.RunFolder.Finish(owner: null, passed: !failed, m => TestContext.Progress.WriteLine(m));  // fixtures' shared run folders
        Support.TestTemp.Finish(keep: failed, m => TestContext.Progress.WriteLine(m));
    }
}
