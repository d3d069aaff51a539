using NUnit.Framework;
using Vasco.Tools;

namespace Vasco.Tests;

/// <summary>
/// Before any test: the external tools, installed the way the build installs them
/// (apt-get on Debian as root or with passwordless sudo; otherwise the VASCO0301 error
/// says what to run). After the last: the test run's loose files and
/// the fixtures' shared run folders go, unless a test failed.
/// </summary>
[SetUpFixture]
public class ToolsSetup
{
    [OneTimeSetUp]
    public void EnsureTools() =>
        ToolInstaller.EnsureInstalled(ExternalTools.All, allowInstall: true, m => TestContext.Progress.WriteLine(m));

    [OneTimeTearDown]
    public void FinishTestTemp()
    {
        var failed = TestContext.CurrentContext.Result.FailCount > 0;
        Support.RunFolder.Finish(owner: null, passed: !failed, m => TestContext.Progress.WriteLine(m));  // fixtures' shared run folders
        Support.TestTemp.Finish(keep: failed, m => TestContext.Progress.WriteLine(m));
    }
}
