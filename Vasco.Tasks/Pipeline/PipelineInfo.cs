namespace Vasco.Pipeline;

public static class PipelineInfo
{
    /// <summary>
    /// Enters every stamp: bump it when a change alters what a step computes, so every
    /// run redoes its tiles. Keep it equal to VascoVersion in Directory.Build.props (a test checks).
    /// </summary>
    public const string Version = "0.1.0";
}
