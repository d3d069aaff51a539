namespace Vasco.Sky;

/// <summary>
/// The 40-term TPV distortion polynomial: term j is u^a v^b (or r^c, r = sqrt(u^2 + v^2)), ordered
/// 1, u, v, r, u^2, uv, v^2, u^3, u^2v, uv^2, v^3, r^3, u^4 ... v^7, r^7. xi uses (u, v) = (x, y) with PV1_j;
/// eta uses (u, v) = (y, x) with PV2_j.
/// </summary>
internal static class TpvPolynomial
{
    public const int TermCount = 40;

    /// <summary>(power of u, power of v, power of r) of every term.</summary>
    public static readonly IReadOnlyList<(int U, int V, int R)> Terms = BuildTerms();

    /// <summary>Value and partial derivatives of sum_j c_j term_j(u, v).</summary>
    public static (double Value, double DU, double DV) Evaluate(IReadOnlyList<double> coefficients, double u, double v)
    {
        var r = Math.Sqrt(u * u + v * v);
        double value = 0, dU = 0, dV = 0;
        for (var j = 0; j < coefficients.Count; j++)
        {
            var c = coefficients[j];
            if (c == 0)
                continue;
            var (pu, pv, pr) = Terms[j];
            if (pr > 0)
            {
                var rPower = Math.Pow(r, pr);
                value += c * rPower;
                // d(r^n)/du = n r^(n-2) u; zero at the origin for the odd n used here.
                if (r > 0)
                {
                    var factor = pr * rPower / (r * r);
                    dU += c * factor * u;
                    dV += c * factor * v;
                }
                continue;
            }
            value += c * Pow(u, pu) * Pow(v, pv);
            if (pu > 0)
                dU += c * pu * Pow(u, pu - 1) * Pow(v, pv);
            if (pv > 0)
                dV += c * pv * Pow(u, pu) * Pow(v, pv - 1);
        }
        return (value, dU, dV);
    }

    /// <summary>Indices of the plain monomial terms (no r) up to total degree <paramref name="order"/>.</summary>
    public static IEnumerable<int> MonomialsUpTo(int order) =>
        Enumerable.Range(0, TermCount).Where(j => Terms[j].R == 0 && Terms[j].U + Terms[j].V <= order);

    public static double Term(int j, double u, double v)
    {
        var (pu, pv, pr) = Terms[j];
        return pr > 0 ? Math.Pow(Math.Sqrt(u * u + v * v), pr) : Pow(u, pu) * Pow(v, pv);
    }

    private static double Pow(double x, int n)
    {
        var result = 1.0;
        for (var i = 0; i < n; i++)
            result *= x;
        return result;
    }

    private static (int, int, int)[] BuildTerms()
    {
        var terms = new List<(int, int, int)>();
        for (var degree = 0; degree <= 7; degree++)
        {
            for (var v = 0; v <= degree; v++)
                terms.Add((degree - v, v, 0));
            if (degree % 2 == 1)
                terms.Add((0, 0, degree));
        }
        return [.. terms];
    }
}
