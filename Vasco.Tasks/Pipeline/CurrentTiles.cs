namespace Vasco.Pipeline;

/// <summary>
/// Which tiles' results stand for the run as it is now. A run-level output (candidates.csv, the summaries, the
/// dashboard) is built only from these: a tile that failed, was skipped, or was not rebuilt since its inputs or
/// parameters changed (a FailFast stop, a Tiles= build) contributes nothing, and is listed with its reason.
/// </summary>
public static class CurrentTiles
{
    /// <summary>
    /// Why the tile's result of <paramref name="final"/> is not current, or null when it is: every per-tile step
    /// that <paramref name="final"/> reads from (directly or not) has the tile's manifest, and the final step's manifest
    /// was made under the tile's current stamp. The final stamp covers the stamps of the steps it reads, so a matching
    /// digest means nothing upstream changed since; the manifests' presence means nothing upstream failed since.
    /// </summary>
    public static FailedTile? Problem(StepDeclaration final, IReadOnlyDictionary<string, StepDeclaration> steps, string stampDir, string tileId)
    {
        foreach (var step in Chain(final, steps))
        {
            if (File.Exists(TileRecords.ManifestPath(step.OutputDir, tileId))) continue;
            var failed = Manifest.TryRead(TileRecords.FailedPath(step.OutputDir, tileId))?.FailedTiles.FirstOrDefault();
            return failed is not null
                ? new FailedTile(tileId, failed.Code, $"{step.Name}: {failed.Reason}")
                : new FailedTile(tileId, ErrorCodes.TileFailed, $"{step.Name}: not built (the build stopped before this tile, or its outputs were removed)");
        }
        var made = Manifest.TryRead(TileRecords.ManifestPath(final.OutputDir, tileId))?.Stamp;
        var now = StampPlanner.ReadDigest(StampPlanner.StampPath(stampDir, final.Name, tileId));
        return made is not null && made == now ? null
            : new FailedTile(tileId, ErrorCodes.TileFailed,
                $"{final.Name}: not rebuilt since its inputs or parameters changed (the build stopped early, or Tiles= left it out); a build of the whole run brings it up to date");
    }

    /// <summary>The per-tile steps <paramref name="final"/> reads from, upstream first, then <paramref name="final"/> itself.</summary>
    public static IReadOnlyList<StepDeclaration> Chain(StepDeclaration final, IReadOnlyDictionary<string, StepDeclaration> steps)
    {
        var seen = new HashSet<string>(StringComparer.Ordinal);
        var stack = new Stack<StepDeclaration>([final]);
        while (stack.TryPop(out var s))
        {
            if (!s.PerTile || !seen.Add(s.Name)) continue;
            foreach (var up in s.After)
                if (steps.TryGetValue(up, out var u)) stack.Push(u);
        }
        return steps.Values.Where(s => seen.Contains(s.Name)).OrderBy(s => s.Number).ToList();
    }
}

/// <summary>
/// FailFast's stop, for the rest of one build: the step that stopped leaves a marker beside the stamps, the later
/// per-tile steps run no tile while it is there, and the next build's plan removes it. The build still reaches its
/// run-level steps, so they publish only what is current instead of leaving the previous build's results standing.
/// </summary>
public static class FailFastStop
{
    public static string MarkerPath(string stampDir) => Path.Combine(stampDir, "failfast-stopped");

    public static void Mark(string stampDir, string step)
    {
        Directory.CreateDirectory(stampDir);
        IO.AtomicFile.WriteAllText(MarkerPath(stampDir), $"step {step} stopped at a failed tile (FailFast=true)\n");
    }

    public static void Clear(string stampDir)
    {
        if (Directory.Exists(stampDir)) File.Delete(MarkerPath(stampDir));
    }
}
