using NUnit.Framework;
using Vasco.IO;
using Vasco.Pipeline;
using Vasco.Tests.Support;

namespace Vasco.Tests.Steps;

/// <summary>
/// Step 8's candidate list is rewritten when any tile's record of step 8 or of a vetting stage is missing or newer than
/// it (MSBuild's rule over 80,000 records at 10,000 tiles): the one record that rule turns on is named from the folders'
/// kept listings, and agrees with a look at every record.
/// </summary>
public class DecidingRecordTests
{
    static readonly DateTime AnHourAgo = DateTime.UtcNow.AddHours(-1);

    static (string Stamps, List<(string Step, string Folder)> Steps) NewRun(string[] tiles)
    {
        var root = TestTemp.NewPath("deciding-");
        var steps = new List<(string, string)>();
        var t = AnHourAgo;
        foreach (var step in new[] { "Filter", "VetArchives" })
        {
            var folder = Path.Combine(root, step);
            Directory.CreateDirectory(folder);
            foreach (var tile in tiles)
            {
                var record = TileRecords.ManifestPath(folder, tile);
                AtomicFile.WriteAllText(record, "{}");
                File.SetLastWriteTimeUtc(record, t = t.AddSeconds(1));
            }
            Directory.SetLastWriteTimeUtc(folder, AnHourAgo.AddMinutes(5));  // as a build left it a while ago: its listing is kept
            steps.Add((step, folder));
        }
        return (Path.Combine(root, "stamps"), steps);
    }

    [Test]
    public void TheNewestRecordDecidesAndAMissingOneComesFirst()
    {
        var tiles = new[] { "t1", "t2", "t3" };
        var (stamps, steps) = NewRun(tiles);
        var newest = TileRecords.ManifestPath(steps[1].Folder, "t3");
        Assert.That(TileRecords.Deciding(steps, stamps, tiles), Is.EqualTo(newest));
        Assert.That(File.Exists(Path.Combine(stamps, "VetArchives.records.listing")), Is.True, "the listing kept for the next build");

        // A tile rerun by step 8 alone: its record, written by rename, is now the newest.
        var rerun = TileRecords.ManifestPath(steps[0].Folder, "t2");
        AtomicFile.WriteAllText(rerun, "{\"again\":1}");
        Assert.That(TileRecords.Deciding(steps, stamps, tiles), Is.EqualTo(rerun));

        // A tile with no record of a vetting stage: the target must run, as MSBuild runs it for a missing input.
        File.Delete(TileRecords.ManifestPath(steps[1].Folder, "t1"));
        var missing = TileRecords.Deciding(steps, stamps, tiles);
        Assert.That(missing, Is.EqualTo(TileRecords.ManifestPath(steps[1].Folder, "t1")));
        Assert.That(File.Exists(missing), Is.False);

        Assert.That(TileRecords.Deciding(steps, stamps, []), Is.Empty, "no tiles: only the tiling's stamp decides");
    }
}
