using NUnit.Framework;
using Vasco.Filtering;
using Vasco.Synthetic;

namespace Vasco.Tests.Steps;

/// <summary>The calibration of MAG_AUTO on a catalog's band (step 8's mag_cal) on numbers whose answer is known.</summary>
public class MagnitudeCalibrationTests
{
    /// <summary>catalog mag - MAG_AUTO of a curved, plate-like response: steep at the bright end, flat near the limit.</summary>
    static readonly double[] Truth = [29.0, 0.9, -0.3, -0.08];
    const double TruthPivot = -12.5;

    static double Curve(double magAuto)
    {
        var x = magAuto - TruthPivot;
        return Truth[0] + Truth[1] * x + Truth[2] * x * x + Truth[3] * x * x * x;
    }

    /// <summary><paramref name="n"/> stars over MAG_AUTO -14.5 to -10.5 with Gaussian scatter, every tenth one 1.5-3 mag off (a blend, a wrong match).</summary>
    static List<(double MagAuto, double CatalogMag)> Stars(int n, double scatter, long seed, bool outliers = true)
    {
        var random = SplitMix64.For(seed, "calibration");
        return Enumerable.Range(0, n).Select(i =>
        {
            var m = random.Uniform(-14.5, -10.5);
            var off = outliers && i % 10 == 0 ? random.Uniform(1.5, 3) * (i % 20 == 0 ? 1 : -1) : 0;
            return (m, m + Curve(m) + scatter * random.Gaussian() + off);
        }).ToList();
    }

    [Test]
    public void A_cubic_with_outliers_is_recovered_within_its_errors()
    {
        var stars = Stars(600, 0.2, seed: 7);
        var (fit, failure) = MagnitudeCalibration.Fit(stars, new CalibrationOptions());
        Assert.That(failure, Is.Null);
        Assert.That(fit!.Clipped, Is.GreaterThanOrEqualTo(60), "the 60 stars 1.5-3 mag off are clipped");
        Assert.That(fit.Clipped, Is.LessThan(60 + 10), "and few good ones with them");
        Assert.That(fit.Scatter, Is.EqualTo(0.2).Within(0.02));
        // The zero point is catalog mag - MAG_AUTO at the pivot; the truth there is the curve's value.
        Assert.That(fit.ZeroPoint, Is.EqualTo(Curve(fit.Pivot)).Within(3 * fit.ZeroPointError));
        Assert.That(fit.ZeroPointError, Is.LessThan(0.03).And.GreaterThan(0.005));
        // Over the whole range the curve is right within its error (the error of mag_cal less the scatter and the source's own).
        foreach (var m in new[] { -14.4, -13.5, -12.5, -11.5, -10.6 })
        {
            var (mag, error) = fit.Apply(m, 0);
            var curveError = Math.Sqrt(error * error - fit.Scatter * fit.Scatter);
            Assert.That(mag, Is.EqualTo(m + Curve(m)).Within(3 * curveError + 1e-9), $"MAG_AUTO {m}");
        }
    }

    [Test]
    public void Exact_data_give_the_zero_point_exactly_and_degree_0_is_a_plain_zero_point()
    {
        var stars = Enumerable.Range(0, 20).Select(i => (MagAuto: -14 + 0.2 * i, CatalogMag: -14 + 0.2 * i + 28.5)).ToList();
        stars.Add((-12, 40));  // one wild star
        var (fit, _) = MagnitudeCalibration.Fit(stars, new CalibrationOptions(Degree: 0));
        Assert.That(fit!.ZeroPoint, Is.EqualTo(28.5).Within(1e-9));
        Assert.That((fit.Stars, fit.Clipped, fit.Degree), Is.EqualTo((20, 1, 0)));
        Assert.That(fit.Apply(-13, 0.05).Mag, Is.EqualTo(15.5).Within(1e-9));
        Assert.That(fit.Apply(-13, 0.05).Error, Is.EqualTo(0.05).Within(1e-6), "exact stars: only the source's own error is left");
        Assert.That(fit.MagAutoRange, Is.EqualTo((-14.0, -14 + 0.2 * 19)).Using<(double, double)>((a, b) => Math.Abs(a.Item1 - b.Item1) < 1e-9 && Math.Abs(a.Item2 - b.Item2) < 1e-9));
        Assert.That(fit.CatalogRange.Min, Is.EqualTo(14.5).Within(1e-9));
    }

    [Test]
    public void The_error_combines_the_sources_own_through_the_slope_the_zero_points_and_the_scatter()
    {
        var (fit, _) = MagnitudeCalibration.Fit(Stars(300, 0.15, seed: 3, outliers: false), new CalibrationOptions());
        // At the pivot the curve's error is the zero point's, and d(mag_cal)/d(MAG_AUTO) = 1 + c1.
        var (_, error) = fit!.Apply(fit.Pivot, 0.1);
        var expected = Math.Sqrt(Math.Pow((1 + fit.Coefficients[1]) * 0.1, 2) + Math.Pow(fit.ZeroPointError, 2) + Math.Pow(fit.Scatter, 2));
        Assert.That(error, Is.EqualTo(expected).Within(1e-12));
    }

    [Test]
    public void Nothing_is_extrapolated_beyond_the_stars_range()
    {
        var (fit, _) = MagnitudeCalibration.Fit(Stars(200, 0.2, seed: 5), new CalibrationOptions());
        Assert.That(fit!.Covers(fit.MagAutoRange.Min), Is.True);
        Assert.That(fit.Covers(fit.MagAutoRange.Min - 0.01), Is.False);
        var (mag, error) = fit.Apply(fit.MagAutoRange.Max + 0.01, 0.05);
        Assert.That((double.IsNaN(mag), double.IsNaN(error)), Is.EqualTo((true, true)));
    }

    [Test]
    public void Too_few_stars_is_a_failure_that_says_why()
    {
        var nine = Stars(9, 0.1, seed: 1, outliers: false);
        var (fit, failure) = MagnitudeCalibration.Fit(nine, new CalibrationOptions(MinStars: 10));
        Assert.That(fit, Is.Null);
        Assert.That(failure!.Reason, Is.EqualTo("9 calibration star(s); the fit needs 10"));
        Assert.That(failure.Stars, Is.EqualTo(9));
        // A cubic needs 5 stars however low MinStars is; non-finite magnitudes (a catalog without one) do not count.
        var withNaN = nine.Take(4).Append((-12.0, double.NaN)).ToList();
        Assert.That(MagnitudeCalibration.Fit(withNaN, new CalibrationOptions(MinStars: 2)).Failure!.Reason, Is.EqualTo("4 calibration star(s); the fit needs 5"));
        // Stars that all share one MAG_AUTO determine no curve.
        var same = Enumerable.Range(0, 12).Select(i => (-12.0, 17.0 + 0.01 * i)).ToList();
        Assert.That(MagnitudeCalibration.Fit(same, new CalibrationOptions()).Failure!.Reason, Does.Contain("do not determine a degree-3 curve"));
    }
}
