using NUnit.Framework;
using Vasco.Catalogs;
using Vasco.Sky;
using Vasco.Steps;
using Vasco.Vetting;

namespace Vasco.Tests.Vetting;

/// <summary>Each vetting stage removes the candidates its archive explains, keeps the others, and says not_checked where it could not look.</summary>
public class VettingStageTests
{
    // Offsets in degrees for a few arcseconds at the test tile's centre.
    static (double Ra, double Dec) Offset(double ra, double dec, double eastArcsec, double northArcsec) =>
        (ra + eastArcsec / 3600 / Math.Cos(dec * Math.PI / 180), dec + northArcsec / 3600);

    [Test]
    public void OtherArchivesRemoveMatchedCandidatesAndKeepInfraredOnlyOnesApart()
    {
        var h = new VettingHarness();
        var (ra, dec) = (h.Tile.RaDeg, h.Tile.DecDeg);
        var a = Offset(ra, dec, 0, 0);
        var b = Offset(ra, dec, 120, 0);
        var c = Offset(ra, dec, 0, 120);
        h.Candidates((1, a.Ra, a.Dec), (2, b.Ra, b.Dec), (3, c.Ra, c.Dec));
        var ir = Offset(a.Ra, a.Dec, 2, 1); // 2.2" from candidate 1
        var optical = Offset(b.Ra, b.Dec, 0, 4.5); // 4.5" from candidate 2; 6" would be out
        var irNearB = Offset(b.Ra, b.Dec, 1, 0);
        h.Archives.Add(VettingHarness.Item("wise", ("Band", "infrared"), ("File", h.File("wise.csv", $"id,ra,dec\nw1,{ir.Ra:R},{ir.Dec:R}\nw2,{irNearB.Ra:R},{irNearB.Dec:R}\n"))));
        h.Archives.Add(VettingHarness.Item("sdss", ("Band", "optical"), ("File", h.File("sdss.csv", $"id,ra,dec\ns1,{optical.Ra:R},{optical.Dec:R}\n"))));

        var (_, verdicts, columns) = h.RunOk(VetArchivesStep.Contract);

        Assert.That(verdicts["1"].Status, Is.EqualTo("removed:ir_only"), "only an infrared archive has it");
        Assert.That(verdicts["1"].Details[0], Is.EqualTo("wise:2.236"));
        Assert.That(verdicts["2"].Status, Is.EqualTo("removed:counterpart"), "an optical match too: not infrared-only");
        Assert.That(verdicts["3"].Status, Is.EqualTo("passed"));
        Assert.That(columns, Is.EqualTo(new[] { "archive_matches", "archive_not_checked" }));
    }

    [Test]
    public void ArchivesOfflineOrWithoutATilesFileAreNotCheckedNeverPassed()
    {
        var h = new VettingHarness();
        h.Candidates((1, h.Tile.RaDeg, h.Tile.DecDeg));
        h.Archives.Add(VettingHarness.Item("wise", ("Band", "infrared"), ("File", "missing/{tile}.csv")));
        var (outcome, verdicts, _) = h.RunOk(VetArchivesStep.Contract);
        Assert.That(verdicts["1"].Status, Does.StartWith("not_checked:wise: no file"));

        var offline = new VettingHarness();
        offline.Candidates((1, offline.Tile.RaDeg, offline.Tile.DecDeg));
        var (_, v2, _) = offline.RunOk(VetArchivesStep.Contract, ("VettingServices", "offline"));
        Assert.That(v2["1"].Status, Is.EqualTo("not_checked:2mass/allwise/catwise/unwise/galex/sdss: offline (VettingServices=offline)"),
            "the default archives, none asked");
    }

    [Test]
    public void AnArchiveWithoutABandIsAnErrorNamingTheItem()
    {
        var h = new VettingHarness();
        h.Candidates((1, h.Tile.RaDeg, h.Tile.DecDeg));
        h.Archives.Add(VettingHarness.Item("wise", ("Table", "II/328/allwise")));
        var e = Assert.Throws<VascoException>(() => h.Run(VetArchivesStep.Contract));
        Assert.That(e!.Code, Is.EqualTo(ErrorCodes.VettingSourceInvalid));
        Assert.That(e.Message, Does.Contain("VascoArchive 'wise'").And.Contain("Band"));
    }

    /// <summary>SkyBoT's text answer (the format of astroquery's skybot_query.dat) for one object near the tile's centre.</summary>
    static string SkybotAnswer(double ra, double dec, double errArcsec, double rateRa, double rateDec)
    {
        var h = TimeSpan.FromHours(ra / 15);
        var raText = $"{(int)h.TotalHours:00} {h.Minutes:00} {h.Seconds + h.Milliseconds / 1000.0:00.0000}";
        var d = Math.Abs(dec);
        var decText = $"{(dec < 0 ? "-" : "+")}{(int)d:00} {(int)(d * 60 % 60):00} {d * 3600 % 60:00.000}";
        return "# Flag: 1\n# Ticket: 166\n# Num | Name | RA(h) | DE(deg) | Class | Mv | Err(arcsec) | d(arcsec) | dRA(arcsec/h) | dDEC(arcsec/h) | Dg(ua) | Dh(ua)\n" +
               $"1234 | Testia | {raText} | {decText} | MB>Inner | 15.2 | {errArcsec} | 10.0 | {rateRa} | {rateDec} | 1.5 | 2.4\n";
    }

    [Test]
    public void AKnownAsteroidExplainsACandidateWithinItsTrailAndNotBeyond()
    {
        var h = new VettingHarness();
        h.Plate();
        var (ra, dec) = (h.Tile.RaDeg, h.Tile.DecDeg);
        // 60"/h eastwards over 50 minutes: half the trail is 25", so the allowed radius is 5 + 25 = 30".
        var near = Offset(ra, dec, 20, 0);
        var far = Offset(ra, dec, 0, 40);
        h.Candidates((1, near.Ra, near.Dec), (2, far.Ra, far.Dec));
        h.VettingFiles.Add(VettingHarness.Item("skybot", ("File", h.File("skybot/{tile}.txt".Replace("{tile}", h.Tile.TileId), SkybotAnswer(ra, dec, 1.0, 60, 0)).Replace(h.Tile.TileId, "{tile}"))));

        var (outcome, verdicts, columns) = h.RunOk(VetAsteroidsStep.Contract);

        Assert.That(verdicts["1"].Status, Is.EqualTo("removed:asteroid"));
        var row = columns.Zip(verdicts["1"].Details).ToDictionary(p => p.First, p => p.Second);
        Assert.That(row["asteroid"], Is.EqualTo("(1234) Testia"));
        Assert.That(double.Parse(row["asteroid_sep_arcsec"], System.Globalization.CultureInfo.InvariantCulture), Is.EqualTo(20).Within(0.1));
        Assert.That(row["asteroid_radius_arcsec"], Is.EqualTo("30"));
        Assert.That(row["asteroid_rate_arcsec_h"], Is.EqualTo("60"));
        Assert.That(verdicts["2"].Status, Is.EqualTo("passed"), "40\" is beyond the 30\" the object is allowed");
    }

    [Test]
    public void AsteroidsNeedTheExposureTimeAndSayWhenTheHeaderHasNone()
    {
        var h = new VettingHarness();
        h.Plate(exposureMinutes: null);
        h.Candidates((1, h.Tile.RaDeg, h.Tile.DecDeg));
        h.VettingFiles.Add(VettingHarness.Item("skybot", ("File", h.File("skybot.txt", SkybotAnswer(h.Tile.RaDeg, h.Tile.DecDeg, 1, 0, 0)))));
        var (_, verdicts, _) = h.RunOk(VetAsteroidsStep.Contract);
        Assert.That(verdicts["1"].Status, Does.StartWith("not_checked:").And.Contain("EXPOSURE"));
    }

    [Test]
    public void TheEarthShadowFlagMarksTheUmbraFromPalomarAtMidExposureAndRemovesNothing()
    {
        // The umbra's centre at GEO seen from Palomar at 1951-11-29 12:32 UT is at J2000 (57.5774, +17.4644) (astropy,
        // EarthShadowTests); 9 deg north of it is outside (the umbra's radius there is about 8.7 deg).
        var h = new VettingHarness(57.5774, 17.4644);
        h.Plate();
        h.Candidates((1, 57.5774, 17.4644), (2, 57.5774, 26.4644));
        var (_, verdicts, _) = h.RunOk(VetShadowStep.Contract);
        Assert.That(verdicts["1"].Status, Is.EqualTo("in_umbra:42164"));
        Assert.That(verdicts["2"].Status, Is.EqualTo("sunlit"));

        var (_, nearer, _) = h.RunOk(VetShadowStep.Contract, ("EarthShadowDistancesKm", "42164;20200"));
        Assert.That(nearer["1"].Status, Is.EqualTo("in_umbra:42164;20200"));
    }

    [Test]
    public void AShadowDistanceThatIsNotBeyondEarthsRadiusIsAParameterError()
    {
        var h = new VettingHarness();
        h.Plate();
        h.Candidates((1, h.Tile.RaDeg, h.Tile.DecDeg));
        var e = Assert.Throws<VascoException>(() => h.Run(VetShadowStep.Contract, ("EarthShadowDistancesKm", "42164;3000")));
        Assert.That(e!.Code, Is.EqualTo(ErrorCodes.ParameterInvalid));
        Assert.That(e.Message, Does.Contain("'3000'").And.Contain("Earth's radius"));
    }

    [Test]
    public void TheShadowFlagAssumesPalomarWhenTheHeaderHasNoSiteAndSaysSo()
    {
        var h = new VettingHarness(57.5774, 17.4644);
        h.Plate(site: false);
        h.Candidates((1, 57.5774, 17.4644));
        var (outcome, verdicts, _) = h.RunOk(VetShadowStep.Contract);
        Assert.That(verdicts["1"].Status, Is.EqualTo("in_umbra:42164"));
        Assert.That(outcome.Warnings, Has.Some.Contain(ErrorCodes.VettingAssumed).And.Some.Contain("Palomar"));
    }

    [Test]
    public void AHighProperMotionStarRunBackToThePlateEpochExplainsACandidate()
    {
        var h = new VettingHarness();
        h.Plate(epoch: 1951.911);
        var (ra, dec) = (h.Tile.RaDeg, h.Tile.DecDeg);
        // A star moving 800 mas/yr north: 51.3" since the plate. Gaia has no motion for it; USNO-B does.
        var modern = Offset(ra, dec, 0, 0.8 * (2016 - 1951.911));
        var slow = Offset(ra, dec, 200, 0);
        h.ModernCatalog("gaia", new ReferenceStar("g1", modern.Ra, modern.Dec, 15, 0, 0, 2016), new ReferenceStar("g2", slow.Ra, slow.Dec, 15, 5, 5, 2016));
        // USNO-B gives the star at epoch 2000, 12.8" south of Gaia's 2016 position: still the same star.
        var at2000 = Offset(ra, dec, 0, 0.8 * (2000 - 1951.911));
        h.ModernCatalog("usnob", new ReferenceStar("u1", at2000.Ra, at2000.Dec, 15, 0, 800, 2000));
        var off = Offset(ra, dec, 200, 30);
        h.Candidates((1, ra, dec), (2, off.Ra, off.Dec));

        var (_, verdicts, columns) = h.RunOk(VetMotionStep.Contract);

        Assert.That(verdicts["1"].Status, Is.EqualTo("removed:mover"));
        var row = columns.Zip(verdicts["1"].Details).ToDictionary(p => p.First, p => p.Second);
        Assert.That(row["mover_pm_mas_yr"], Is.EqualTo("800"));
        Assert.That(double.Parse(row["mover_offset_arcsec"], System.Globalization.CultureInfo.InvariantCulture), Is.LessThan(0.1));
        Assert.That(verdicts["2"].Status, Is.EqualTo("passed"), "a slow star 30\" away does not explain it");
    }

    [Test]
    public void WithoutTheTimeOfDayTheAsteroidsAreNotCheckedRatherThanAskedAtMidnight()
    {
        var h = new VettingHarness();
        h.Plate();
        // The same plate, its UT card gone: DATE-OBS alone gives a date, not the hour.
        var clean = Vasco.Steps.PreprocessStep.Clean.PathOf(h.Steps, h.Tile.TileId);
        var header = Vasco.Fits.FitsFile.ReadPrimaryHeader(clean);
        header.Remove("UT");
        var writer = new Vasco.Fits.FitsWriter();
        writer.AddImage(new float[4], [2, 2], header);
        writer.WriteTo(clean);
        h.Candidates((1, h.Tile.RaDeg, h.Tile.DecDeg));
        h.VettingFiles.Add(VettingHarness.Item("skybot", ("File", h.File("skybot.txt", SkybotAnswer(h.Tile.RaDeg, h.Tile.DecDeg, 1, 0, 0)))));
        var (_, verdicts, _) = h.RunOk(VetAsteroidsStep.Contract);
        Assert.That(verdicts["1"].Status, Does.StartWith("not_checked:").And.Contain("not its time"));
        var (_, shadow, _) = h.RunOk(VetShadowStep.Contract);
        Assert.That(shadow["1"].Status, Does.StartWith("not_checked:"));
    }

    [Test]
    public void AnInfraredMatchIsInfraredOnlyOnlyWhenTheOpticalArchivesLooked()
    {
        var h = new VettingHarness();
        h.Candidates((1, h.Tile.RaDeg, h.Tile.DecDeg));
        h.Archives.Add(VettingHarness.Item("wise", ("Band", "infrared"), ("File", h.File("wise.csv", $"id,ra,dec\nw1,{h.Tile.RaDeg:R},{h.Tile.DecDeg:R}\n"))));
        h.Archives.Add(VettingHarness.Item("sdss", ("Band", "optical"), ("File", "missing-{tile}.csv")));
        var (_, verdicts, _) = h.RunOk(VetArchivesStep.Contract);
        Assert.That(verdicts["1"].Status, Is.EqualTo("removed:counterpart"), "SDSS could not look: not known to be infrared-only");
        Assert.That(verdicts["1"].Details[1], Does.Contain("sdss"));
    }

    [Test]
    public void ALocalPtfTableCountsOnlyObjectsWithAGoodObservationBeforeTheNearestIsTaken()
    {
        var h = new VettingHarness();
        h.Candidates((1, h.Tile.RaDeg, h.Tile.DecDeg));
        var bad = Offset(h.Tile.RaDeg, h.Tile.DecDeg, 1, 0);
        var good = Offset(h.Tile.RaDeg, h.Tile.DecDeg, 3, 0);
        h.VettingFiles.Add(VettingHarness.Item("vsx", ("File", h.File("vsx.csv", "id,ra,dec,name,type\n"))));
        h.VettingFiles.Add(VettingHarness.Item("ptf", ("File", h.File("ptf.csv", $"id,ra,dec,ngoodobs\nbad,{bad.Ra:R},{bad.Dec:R},0\ngood,{good.Ra:R},{good.Dec:R},5\n"))));
        var (_, verdicts, _) = h.RunOk(VetVariablesStep.Contract);
        Assert.That(verdicts["1"].Status, Is.EqualTo("removed:variable"), "as the TAP query, which keeps ngoodobs > 0 before matching");
        Assert.That(verdicts["1"].Details[0], Is.EqualTo("ptf:good"));
    }

    [Test]
    public void SouthOfSuperCosmossPossIScansTheServiceSaysNothingOfThePlate()
    {
        var h = new VettingHarness(60, -25);
        h.Candidates((1, 60, -25));
        using var tap = new Support.TapServer(new Dictionary<string, Support.ArchiveTable>
        {
            ["supercosmos.sources"] = new(["raj2000", "dej2000", "objidr1"], []),
        });
        var (_, verdicts, _) = h.RunOk(VetSecondScanStep.Contract, ("VettingServices", "online"), ("TapUrl", tap.ServiceUrl.ToString()), ("VettingMinIntervalSeconds", "0"));
        Assert.That(verdicts["1"].Status, Does.StartWith("not_checked:").And.Contain("ESO-R"), "no R1 detection there is no artefact: R1 is a later plate");
    }

    [Test]
    public void AServiceThatWasDownIsAskedAgainNextBuildOneThatRefusedIsNot()
    {
        var h = new VettingHarness();
        h.Candidates((1, h.Tile.RaDeg, h.Tile.DecDeg));
        var record = Vasco.Pipeline.TileRecords.ManifestPath(h.Steps["VetSecondScan"].OutputDir, h.Tile.TileId);
        (string, string)[] Online(Uri tap) => [("VettingServices", "online"), ("TapUrl", tap.ToString()), ("VettingMinIntervalSeconds", "0"), ("VettingRetries", "0")];

        using (var down = new Support.TapServer(new Dictionary<string, Support.ArchiveTable> { ["supercosmos.sources"] = new(["raj2000", "dej2000", "objidr1"], []) }))
        {
            down.Inject(Support.ServerFault.Status(503), 10);
            var (_, verdicts, _) = h.RunOk(VetSecondScanStep.Contract, Online(down.ServiceUrl));
            Assert.That(verdicts["1"].Status, Does.StartWith("not_checked:supercosmos: TAP"));
            Assert.That(File.GetLastWriteTimeUtc(record), Is.EqualTo(DateTime.UnixEpoch), "dated before any stamp: the next build runs the tile again");
            Assert.That(Vasco.Pipeline.Manifest.Read(record).Fields, Does.ContainKey("retry_next_build"));
        }
        // A service that has no such table refuses the query: it would refuse it again.
        using var refusing = new Support.TapServer(new Dictionary<string, Support.ArchiveTable>());
        var (_, again, _) = h.RunOk(VetSecondScanStep.Contract, Online(refusing.ServiceUrl));
        Assert.That(again["1"].Status, Does.StartWith("not_checked:"));
        Assert.That(File.GetLastWriteTimeUtc(record), Is.GreaterThan(DateTime.UtcNow.AddMinutes(-5)), "a refusal waits for a change of the run");
    }

    [Test]
    public void OneTilesBadFileFailsThatTileAloneNotTheWholeBatch()
    {
        var dir = Support.TestTemp.NewPath("files-");
        Directory.CreateDirectory(dir);
        File.WriteAllText(Path.Combine(dir, "a.csv"), "id,ra,dec\ns1,10,10\n");
        File.WriteAllText(Path.Combine(dir, "b.csv"), "id,ra,dec\ns2,abc,10\n");
        var source = new FileSource("vsx", dir, "{tile}.csv", new TableColumns(), []);
        var answer = source.LookUp([[new VettingCandidate("a", "1", 10, 10)], [new VettingCandidate("b", "1", 20, 10)]], 5, default);
        Assert.That(answer.Matches.Keys, Is.EqualTo(new[] { "a:1" }));
        Assert.That(answer.TileErrors.Keys, Is.EqualTo(new[] { "b" }));
        Assert.That(answer.TileErrors["b"].Code, Is.EqualTo(ErrorCodes.VettingFileUnreadable));
    }

    [Test]
    public void ACandidateTheSecondScanDidNotSeeIsAScanArtefact()
    {
        var h = new VettingHarness();
        var seen = Offset(h.Tile.RaDeg, h.Tile.DecDeg, 30, 0);
        h.Candidates((1, h.Tile.RaDeg, h.Tile.DecDeg), (2, seen.Ra, seen.Dec));
        var scos = Offset(seen.Ra, seen.Dec, 0, 3);
        h.VettingFiles.Add(VettingHarness.Item("supercosmos", ("File", h.File("scos.csv", $"id,ra,dec\nsc1,{scos.Ra:R},{scos.Dec:R}\n"))));
        var (_, verdicts, _) = h.RunOk(VetSecondScanStep.Contract);
        Assert.That(verdicts["1"].Status, Is.EqualTo("removed:scan_artefact"), "the paper's rule: no SuperCOSMOS detection within 5\"");
        Assert.That(verdicts["2"].Status, Is.EqualTo("passed"));
        Assert.That(verdicts["2"].Details[0], Is.EqualTo("3"));
    }

    [Test]
    public void AKnownVariableIsRemovedWithItsNameAndAPtfObjectWithoutGoodObservationsIsNot()
    {
        var h = new VettingHarness();
        var other = Offset(h.Tile.RaDeg, h.Tile.DecDeg, 60, 0);
        h.Candidates((1, h.Tile.RaDeg, h.Tile.DecDeg), (2, other.Ra, other.Dec));
        var v = Offset(h.Tile.RaDeg, h.Tile.DecDeg, 1, 1);
        h.VettingFiles.Add(VettingHarness.Item("vsx", ("File", h.File("vsx.csv", $"id,ra,dec,name,type\n1,{v.Ra:R},{v.Dec:R},RR Tst,RRAB\n"))));
        h.VettingFiles.Add(VettingHarness.Item("ptf", ("File", h.File("ptf.csv", $"id,ra,dec,ngoodobs\np1,{other.Ra:R},{other.Dec:R},0\n"))));
        var (_, verdicts, _) = h.RunOk(VetVariablesStep.Contract);
        Assert.That(verdicts["1"].Status, Is.EqualTo("removed:variable"));
        Assert.That(verdicts["1"].Details[0], Is.EqualTo("vsx:RR Tst (RRAB)"));
        Assert.That(verdicts["2"].Status, Is.EqualTo("passed"), "a PTF object with no good observation is not a known variable");
    }
}
