using MathNet.Numerics.Distributions;
using MathNet.Numerics.IntegralTransforms;
using MathNet.Numerics.Statistics;

namespace CellTherapySim.Inference.Diagnostics;

/// <summary>
/// R-hat and effective sample sizes of Vehtari, Gelman, Simpson, Carpenter &amp; Bürkner (2021), "Rank-normalization,
/// folding, and localization: An improved R-hat for assessing convergence of MCMC", Bayesian Analysis 16(2), computed
/// step for step as R's posterior package (1.4) does: <c>rhat</c>, <c>ess_bulk</c>, <c>ess_tail</c>, <c>ess_basic</c>,
/// <c>ess_mean</c>, <c>ess_sd</c>, <c>ess_quantile</c> and <c>rhat_basic</c>.
/// </summary>
/// <remarks>
/// The draws of one variable are given as one array per chain, all of the same length (chains × iterations without
/// warm-up). Like posterior, a diagnostic is NaN (posterior's NA) when a draw is NaN, when it needs finite draws and one
/// is infinite, or when the draws it is computed from are constant (max − min below machine epsilon). Results equal
/// posterior's up to rounding (the autocovariances come from a different FFT implementation).
/// </remarks>
public static class ConvergenceDiagnostics
{
    /// <summary>Blom's fractional offset c of the rank normalisation z = Φ⁻¹((r − c)/(S − 2c + 1)).</summary>
    public const double FractionalOffset = 3.0 / 8.0;

    /// <summary>2⁻⁵² (R's <c>.Machine$double.eps</c>): draws whose range is below it are constant.</summary>
    private const double MachineEpsilon = 2.220446049250313e-16;

    /// <summary>
    /// R-hat: the larger of the rank-normalised split R-hat and the rank-normalised split R-hat of the draws folded
    /// around their median, |x − median(x)| (posterior's <c>rhat</c>).
    /// </summary>
    public static double Rhat(IReadOnlyList<double[]> chains)
    {
        var x = Validate(chains);
        var bulk = RhatOf(RankNormalize(SplitChains(x)));
        var tail = RhatOf(RankNormalize(SplitChains(Fold(x))));
        return Math.Max(bulk, tail);
    }

    /// <summary>The classic (Gelman et al. 2013) R-hat, of split chains unless <paramref name="split"/> is false (posterior's <c>rhat_basic</c>).</summary>
    public static double RhatBasic(IReadOnlyList<double[]> chains, bool split = true)
    {
        var x = Validate(chains);
        return RhatOf(split ? SplitChains(x) : x);
    }

    /// <summary>Bulk effective sample size: the ESS of the rank-normalised split chains (posterior's <c>ess_bulk</c>).</summary>
    public static double EssBulk(IReadOnlyList<double[]> chains) => EffectiveSampleSize(RankNormalize(SplitChains(Validate(chains))));

    /// <summary>
    /// Tail effective sample size: the smaller of the ESS of the indicators I(x ≤ q₀.₀₅) and I(x ≤ q₀.₉₅) over split
    /// chains (posterior's <c>ess_tail</c>).
    /// </summary>
    public static double EssTail(IReadOnlyList<double[]> chains) => Math.Min(EssQuantile(chains, 0.05), EssQuantile(chains, 0.95));

    /// <summary>
    /// The ESS of the <paramref name="probability"/> quantile: ESS of the split-chain indicator I(x ≤ q), q the type-7
    /// quantile of all draws (posterior's <c>ess_quantile</c>; probability 1 is taken as (S − ½)/S).
    /// </summary>
    public static double EssQuantile(IReadOnlyList<double[]> chains, double probability)
    {
        if (!(probability >= 0 && probability <= 1))
            throw new ArgumentOutOfRangeException(nameof(probability), probability, "must be between 0 and 1");
        var x = Validate(chains);
        if (ShouldReturnNaN(x))
            return double.NaN;
        var count = x.Length * x[0].Length;
        if (probability == 1)
            probability = (count - 0.5) / count;
        var q = SortedArrayStatistics.QuantileCustom(SortedDraws(x), probability, QuantileDefinition.R7);
        return EffectiveSampleSize(SplitChains(Map(x, v => v <= q ? 1.0 : 0.0)));
    }

    /// <summary>The ESS of the draws themselves, of split chains unless <paramref name="split"/> is false (posterior's <c>ess_basic</c>).</summary>
    public static double EssBasic(IReadOnlyList<double[]> chains, bool split = true)
    {
        var x = Validate(chains);
        return EffectiveSampleSize(split ? SplitChains(x) : x);
    }

    /// <summary>The ESS of the mean: <see cref="EssBasic"/> of split chains (posterior's <c>ess_mean</c>).</summary>
    public static double EssMean(IReadOnlyList<double[]> chains) => EssBasic(chains);

    /// <summary>The ESS of the standard deviation: the ESS of |x − mean(x)| over split chains (posterior's <c>ess_sd</c>).</summary>
    public static double EssSd(IReadOnlyList<double[]> chains)
    {
        var x = Validate(chains);
        var mean = x.SelectMany(c => c).Mean();
        return EffectiveSampleSize(SplitChains(Map(x, v => Math.Abs(v - mean))));
    }

    /// <summary>
    /// Splits every chain into its first and second half (the middle draw of an odd-length chain is dropped): the first
    /// halves of all chains, then the second halves. A chain of one draw is left as it is.
    /// </summary>
    public static double[][] SplitChains(IReadOnlyList<double[]> chains)
    {
        var n = chains[0].Length;
        if (n == 1)
            return chains.ToArray();
        var half = n / 2;
        var secondStart = n - half;
        return chains.Select(c => c[..half]).Concat(chains.Select(c => c[secondStart..])).ToArray();
    }

    /// <summary>
    /// Rank normalisation over all chains together: each draw replaced by z = Φ⁻¹((r − 3/8)/(S − 3/4 + 1)), r its rank
    /// among the S draws (ties get their average rank). NaN draws stay NaN.
    /// </summary>
    public static double[][] RankNormalize(IReadOnlyList<double[]> chains)
    {
        var all = chains.SelectMany(c => c).ToArray();
        var count = all.Length;
        var ranks = Statistics.Ranks(all, RankDefinition.Average);
        var z = new double[count];
        for (var i = 0; i < count; i++)
            z[i] = double.IsNaN(all[i]) ? double.NaN
                : Normal.InvCDF(0, 1, (ranks[i] - FractionalOffset) / (count - 2 * FractionalOffset + 1));
        return Reshape(z, chains);
    }

    /// <summary>
    /// Autocovariances of one chain at lags 0..n−1, each the biased estimate (1/n)·Σ (xᵢ − x̄)(xᵢ₊ₜ − x̄) (Geyer 1992),
    /// computed by FFT; all zero for a constant chain.
    /// </summary>
    public static double[] Autocovariance(ReadOnlySpan<double> chain)
    {
        var n = chain.Length;
        var mean = 0.0;
        foreach (var v in chain)
            mean += v;
        mean /= n;
        var sumSquares = 0.0;
        foreach (var v in chain)
            sumSquares += (v - mean) * (v - mean);
        var result = new double[n];
        if (sumSquares == 0)
            return result;
        // Zero padding to at least 2n makes the circular autocorrelation of the FFT the linear one.
        var size = (int)System.Numerics.BitOperations.RoundUpToPowerOf2((uint)(2 * n));
        var re = new double[size];
        var im = new double[size];
        for (var i = 0; i < n; i++)
            re[i] = chain[i] - mean;
        Fourier.Forward(re, im, FourierOptions.NoScaling);
        for (var k = 0; k < size; k++)
        {
            re[k] = re[k] * re[k] + im[k] * im[k];
            im[k] = 0;
        }
        Fourier.Inverse(re, im, FourierOptions.NoScaling);
        // Scaled, as posterior does, so that lag 0 is exactly Σ(x − x̄)²/n.
        var scale = sumSquares / n / re[0];
        for (var t = 0; t < n; t++)
            result[t] = re[t] * scale;
        return result;
    }

    /// <summary>posterior's <c>.rhat</c>: the potential scale reduction of the given chains as they are.</summary>
    private static double RhatOf(double[][] x)
    {
        if (ShouldReturnNaN(x))
            return double.NaN;
        var n = x[0].Length;
        var chainMeans = x.Select(c => c.Mean()).ToArray();
        var varianceBetween = n * chainMeans.Variance();
        var varianceWithin = x.Select(c => c.Variance()).Mean();
        return Math.Sqrt((varianceBetween / varianceWithin + n - 1) / n);
    }

    /// <summary>
    /// posterior's <c>.ess</c>: the ESS of the given chains as they are, from the combined-chain autocorrelations
    /// ρ̂ₜ = 1 − (W − mean autocovariance at lag t)/var⁺, truncated by Geyer's initial positive sequence, made monotone
    /// (initial monotone sequence), with Geyer's improved estimate τ̂ = −1 + 2·Σρ̂ₜ + ρ̂ at the truncation lag and τ̂ ≥
    /// 1/log₁₀(S) (so ESS ≤ S·log₁₀ S).
    /// </summary>
    private static double EffectiveSampleSize(double[][] x)
    {
        var chains = x.Length;
        var n = x[0].Length;
        if (n < 3 || ShouldReturnNaN(x))
            return double.NaN;
        var acovMeans = new double[n];
        foreach (var chain in x)
        {
            var acov = Autocovariance(chain);
            for (var t = 0; t < n; t++)
                acovMeans[t] += acov[t];
        }
        for (var t = 0; t < n; t++)
            acovMeans[t] /= chains;
        var meanVar = acovMeans[0] * n / (n - 1);
        var varPlus = meanVar * (n - 1) / n;
        if (chains > 1)
            varPlus += x.Select(c => c.Mean()).Variance();

        // Geyer's initial positive sequence (rho[t] is the autocorrelation at lag t).
        var rho = new double[n];
        var lag = 0;
        var rhoEven = 1.0;
        rho[0] = rhoEven;
        var rhoOdd = 1 - (meanVar - acovMeans[1]) / varPlus;
        rho[1] = rhoOdd;
        while (lag < n - 5 && !double.IsNaN(rhoEven + rhoOdd) && rhoEven + rhoOdd > 0)
        {
            lag += 2;
            rhoEven = 1 - (meanVar - acovMeans[lag]) / varPlus;
            rhoOdd = 1 - (meanVar - acovMeans[lag + 1]) / varPlus;
            if (rhoEven + rhoOdd >= 0)
            {
                rho[lag] = rhoEven;
                rho[lag + 1] = rhoOdd;
            }
        }
        var maxLag = lag;
        if (rhoEven > 0)
            rho[maxLag] = rhoEven; // used in the improved estimate

        // Geyer's initial monotone sequence.
        for (lag = 2; lag <= maxLag - 2; lag += 2)
        {
            if (rho[lag] + rho[lag + 1] > rho[lag - 2] + rho[lag - 1])
            {
                rho[lag] = (rho[lag - 2] + rho[lag - 1]) / 2;
                rho[lag + 1] = rho[lag];
            }
        }

        double count = chains * n;
        // posterior sums rho_hat_t[1:max_t]; for max_t = 0 R's 1:0 selects the lag-0 term alone.
        var sum = 0.0;
        for (var t = 0; t < Math.Max(maxLag, 1); t++)
            sum += rho[t];
        var tau = -1 + 2 * sum + rho[maxLag];
        tau = Math.Max(tau, 1 / Math.Log10(count));
        return count / tau;
    }

    /// <summary>posterior's <c>should_return_NA</c>: a NaN or infinite draw, or all draws equal within machine epsilon.</summary>
    private static bool ShouldReturnNaN(double[][] x)
    {
        var min = double.PositiveInfinity;
        var max = double.NegativeInfinity;
        foreach (var chain in x)
        {
            foreach (var v in chain)
            {
                if (!double.IsFinite(v))
                    return true;
                min = Math.Min(min, v);
                max = Math.Max(max, v);
            }
        }
        return Math.Abs(max - min) < MachineEpsilon;
    }

    private static double[][] Fold(double[][] x)
    {
        var median = SortedArrayStatistics.Median(SortedDraws(x));
        return Map(x, v => Math.Abs(v - median));
    }

    private static double[] SortedDraws(double[][] x)
    {
        var all = x.SelectMany(c => c).ToArray();
        Array.Sort(all);
        return all;
    }

    private static double[][] Map(double[][] x, Func<double, double> f) => x.Select(c => c.Select(f).ToArray()).ToArray();

    private static double[][] Reshape(double[] flat, IReadOnlyList<double[]> like)
    {
        var result = new double[like.Count][];
        var offset = 0;
        for (var c = 0; c < like.Count; c++)
        {
            result[c] = flat[offset..(offset + like[c].Length)];
            offset += like[c].Length;
        }
        return result;
    }

    private static double[][] Validate(IReadOnlyList<double[]> chains)
    {
        ArgumentNullException.ThrowIfNull(chains);
        if (chains.Count == 0)
            throw new ArgumentException("at least one chain is needed", nameof(chains));
        var n = chains[0]?.Length ?? 0;
        if (n == 0)
            throw new ArgumentException("a chain has no draws", nameof(chains));
        for (var c = 1; c < chains.Count; c++)
            if (chains[c] is null || chains[c].Length != n)
                throw new ArgumentException($"chain {c + 1} has {chains[c]?.Length ?? 0} draws, chain 1 has {n}: all chains must have the same length", nameof(chains));
        return chains as double[][] ?? chains.ToArray();
    }
}
