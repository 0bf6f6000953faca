using CellTherapySim.Inference;
using CellTherapySim.Inference.Sampling;
using MathNet.Numerics.LinearAlgebra;

namespace CellTherapySim.Tests.Inference;

/// <summary>
/// Targets with known moments, a run helper and the Monte Carlo error used by the NUTS tests. Tolerances are
/// |estimate − truth| &lt; 4·MCSE with MCSE = sd/√ESS, the ESS from the chain's own autocorrelations (Geyer's initial
/// monotone positive sequence); computed here so the tests do not depend on the project's diagnostics code.
/// </summary>
internal static class NutsTestSupport
{
    /// <summary>Post-warm-up draws of one chain and the sampler after its run.</summary>
    internal sealed record Chain(NutsSampler Sampler, List<NutsDraw> Draws)
    {
        public double[] Coordinate(int i) => Draws.Select(d => d.Position[i]).ToArray();
        public int Divergences => Draws.Count(d => d.Divergent);
        public double MeanAcceptStat => Draws.Average(d => d.AcceptStat);
    }

    public static Chain Sample(ILogDensity density, NutsSettings settings, int seed, double[]? initial = null)
    {
        var sampler = new NutsSampler(density, settings, new Random(seed));
        var draws = new List<NutsDraw>(settings.Draws);
        sampler.Run(initial ?? new double[density.Dimension], d => { if (!d.IsWarmup) draws.Add(d); });
        return new Chain(sampler, draws);
    }

    /// <summary>Effective sample size of one chain: n / (−1 + 2 Σ Γₖ), Γₖ = ρ₂ₖ + ρ₂ₖ₊₁ truncated at the first non-positive
    /// pair and made monotone (Geyer 1992, Statistical Science 7).</summary>
    public static double EffectiveSampleSize(double[] x)
    {
        int n = x.Length;
        double mean = x.Average();
        double Autocovariance(int lag)
        {
            double s = 0;
            for (int i = 0; i + lag < n; i++) s += (x[i] - mean) * (x[i + lag] - mean);
            return s / n;
        }
        double variance = Autocovariance(0);
        double sum = 0, previous = double.PositiveInfinity;
        for (int k = 0; 2 * k + 1 < n; k++)
        {
            double pair = (Autocovariance(2 * k) + Autocovariance(2 * k + 1)) / variance;
            if (pair <= 0) break;
            pair = Math.Min(pair, previous);
            sum += pair;
            previous = pair;
        }
        return n / (-1 + 2 * sum);
    }

    /// <summary>Mean of the series and its Monte Carlo standard error sd/√ESS.</summary>
    public static (double Mean, double Mcse, double Ess) MeanWithError(double[] x)
    {
        double mean = x.Average();
        double sd = Math.Sqrt(x.Sum(v => (v - mean) * (v - mean)) / (x.Length - 1));
        double ess = EffectiveSampleSize(x);
        return (mean, sd / Math.Sqrt(ess), ess);
    }

    /// <summary>Asserts that the chain's mean of f is within 4 MCSE of <paramref name="truth"/>; returns a report line.</summary>
    public static string AssertMean(double[] values, double truth, string label)
    {
        var (mean, mcse, ess) = MeanWithError(values);
        string line = $"{label}: {mean:G5} vs {truth:G5} (MCSE {mcse:G3}, ESS {ess:F0}, z = {(mean - truth) / mcse:F2})";
        Assert.True(Math.Abs(mean - truth) < 4 * mcse, line);
        return line;
    }

    /// <summary>Asserts mean and variance of one coordinate (the variance as the mean of (x − μ)², with its own ESS).</summary>
    public static IEnumerable<string> AssertMoments(double[] x, double mean, double variance, string label)
    {
        yield return AssertMean(x, mean, $"{label} mean");
        yield return AssertMean(x.Select(v => (v - mean) * (v - mean)).ToArray(), variance, $"{label} variance");
    }
}

/// <summary>Multivariate normal N(μ, Σ): log p = −½ (q − μ)ᵀ Σ⁻¹ (q − μ), no allocation per evaluation.</summary>
internal sealed class NutsGaussianTarget : ILogDensity
{
    private readonly double[] _mean;
    private readonly double[,] _precision;
    private readonly double[] _centred;

    public NutsGaussianTarget(double[] mean, double[,] covariance)
    {
        _mean = mean;
        Covariance = covariance;
        _precision = Matrix<double>.Build.DenseOfArray(covariance).Inverse().ToArray();
        _centred = new double[mean.Length];
    }

    public double[,] Covariance { get; }
    public double[] Mean => _mean;
    public int Dimension => _mean.Length;

    /// <summary>Σᵢⱼ = sᵢ sⱼ (1 if i = j, else <paramref name="correlation"/>).</summary>
    public static NutsGaussianTarget Equicorrelated(double[] mean, double[] scales, double correlation)
    {
        int n = scales.Length;
        var covariance = new double[n, n];
        for (int i = 0; i < n; i++)
            for (int j = 0; j < n; j++)
                covariance[i, j] = scales[i] * scales[j] * (i == j ? 1 : correlation);
        return new NutsGaussianTarget(mean, covariance);
    }

    public static NutsGaussianTarget Standard(int n) => Equicorrelated(new double[n], Enumerable.Repeat(1.0, n).ToArray(), 0);

    public double Evaluate(ReadOnlySpan<double> q, Span<double> gradient)
    {
        int n = _mean.Length;
        for (int i = 0; i < n; i++) _centred[i] = q[i] - _mean[i];
        double quadratic = 0;
        for (int i = 0; i < n; i++)
        {
            double s = 0;
            for (int j = 0; j < n; j++) s += _precision[i, j] * _centred[j];
            gradient[i] = -s;
            quadratic += _centred[i] * s;
        }
        return -0.5 * quadratic;
    }
}

/// <summary>
/// Neal's funnel: v ~ N(0, σ²), xᵢ | v ~ N(0, eᵛ) for i = 1..k (coordinates (v, x₁, …, x_k)). Marginally
/// E v = 0, Var v = σ², E xᵢ = 0, Var xᵢ = E eᵛ = exp(σ²/2). Neal (2003), Ann. Statist. 31, uses σ = 3, k = 9.
/// </summary>
internal sealed class NutsFunnelTarget(double sigma, int k) : ILogDensity
{
    public int Dimension => k + 1;

    public double Evaluate(ReadOnlySpan<double> q, Span<double> gradient)
    {
        double v = q[0];
        double precision = Math.Exp(-v);
        double logDensity = -0.5 * v * v / (sigma * sigma) - 0.5 * k * v;
        double dv = -v / (sigma * sigma) - 0.5 * k;
        for (int i = 1; i <= k; i++)
        {
            double x = q[i];
            logDensity -= 0.5 * x * x * precision;
            dv += 0.5 * x * x * precision;
            gradient[i] = -x * precision;
        }
        gradient[0] = dv;
        return logDensity;
    }
}
