using Vasco.Pipeline;

namespace Vasco.Steps;

/// <summary>
/// What the vetting stages that ask services share: whether they may (VettingServices), how patiently, and where the
/// services are. Declared by stage 1 (<see cref="VetArchivesStep"/>), read by the others. None of the addresses and
/// client settings is stamped: a mirror gives the same answer; VettingServices is, since offline answers "not checked".
/// </summary>
public sealed record VettingSettings(bool Online, double RadiusArcsec, int Retries, double TimeoutSeconds, double MinIntervalSeconds,
    string XmatchUrl, string SkybotUrl, string TapUrl, string PtfTapUrl, ExternalStep.VizierSettings Vizier)
{
    public static VettingSettings Bind(ParameterReader p) => Bind(p, p.Number(VetArchivesStep.VettingRadiusArcsec));

    /// <summary>For a stage that matches by a radius of its own (the asteroids'): VettingRadiusArcsec is not read, so not stamped.</summary>
    public static VettingSettings BindServices(ParameterReader p) => Bind(p, double.NaN);

    static VettingSettings Bind(ParameterReader p, double radiusArcsec) => new(
        p.Text(VetArchivesStep.VettingServices) == "online",
        radiusArcsec,
        p.Unstamped.Integer(VetArchivesStep.VettingRetries),
        p.Unstamped.Number(VetArchivesStep.VettingTimeoutSeconds),
        p.Unstamped.Number(VetArchivesStep.VettingMinIntervalSeconds),
        p.Unstamped.Text(VetArchivesStep.XmatchUrl),
        p.Unstamped.Text(VetArchivesStep.SkybotUrl),
        p.Unstamped.Text(VetArchivesStep.TapUrl),
        p.Unstamped.Text(VetArchivesStep.PtfTapUrl),
        // VizieR's cones stand in for CDS XMatch when it fails: step 6's client settings, none of them changing an answer.
        ExternalStep.BindVizier(p.Unstamped, p.Unstamped));

    /// <summary>Why a service was not asked: the run is offline.</summary>
    public const string OfflineWhy = "offline (VettingServices=offline)";
}
