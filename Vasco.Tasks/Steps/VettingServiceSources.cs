using Vasco.Vetting;

namespace Vasco.Steps;

/// <summary>The sources of the vetting stages: a VascoVettingFile item's file when the run names one, else the service (or nothing, offline).</summary>
public static class VettingServiceSources
{
    /// <summary>The VascoVettingFile item named <paramref name="name"/> (skybot, vsx, ptf, supercosmos), or null.</summary>
    public static CatalogItem? FileItem(StepEnvironment env, string name) =>
        env.VettingFiles.FirstOrDefault(f => string.Equals(f.Name, name, StringComparison.OrdinalIgnoreCase));

    public static VettingSource FileOr(string name, StepEnvironment env, IReadOnlyList<string> keep, Func<VettingSource> service) =>
        FileItem(env, name) is { } item ? FileSource.Of(item, env.RunDir, keep)
            ?? throw new VascoException(ErrorCodes.VettingSourceInvalid, $"VascoVettingFile '{name}' has no File=.", "give it File=\"path\" ({tile} stands for the tile id), or remove it to ask the service.")
            : service();

    public static VettingSource Xmatch(string name, string table, StepEnvironment env, VettingSettings s) =>
        s.Online ? throw new NotImplementedException("XMatch client: merge pending") : new OfflineSource(name, $"CDS XMatch vizier:{table}");

    public static VettingSource Ptf(StepEnvironment env, VettingSettings s) =>
        s.Online ? throw new NotImplementedException("TAP client: merge pending") : new OfflineSource("ptf", "IRSA TAP ptf_objects");

    public static VettingSource SuperCosmos(StepEnvironment env, VettingSettings s) =>
        s.Online ? throw new NotImplementedException("TAP client: merge pending") : new OfflineSource("supercosmos", "GAVO TAP supercosmos.sources");
}
