using MathNet.Numerics.Statistics;

namespace CellTherapySim.Inference.Diagnostics;

/// <summary>
/// Pareto-smoothed importance-sampling leave-one-out cross-validation (PSIS-LOO) of one fit: Vehtari, Gelman &amp; Gabry
/// (2017), Stat Comput 27:1413, with the Pareto k threshold of Vehtari, Simpson, Gelman, Yao &amp; Gabry (2024), JMLR.
/// </summary>
/// <param name="ElpdLoo">Expected log pointwise predictive density, Σᵢ elpd_loo,i.</param>
/// <param name="ElpdLooSe">Standard error of <paramref name="ElpdLoo"/>, √(N·var(elpd_loo,i)).</param>
/// <param name="PLoo">Effective number of parameters, Σᵢ (lpdᵢ − elpd_loo,i).</param>
/// <param name="PLooSe">Standard error of <paramref name="PLoo"/>.</param>
/// <param name="Looic">LOO information criterion, −2·elpd_loo.</param>
/// <param name="LooicSe">Standard error of <paramref name="Looic"/>.</param>
/// <param name="PointwiseElpd">elpd_loo,i per observation.</param>
/// <param name="PointwisePLoo">p_loo,i per observation.</param>
/// <param name="ParetoK">Pareto shape estimate k per observation (+∞ when no tail could be fitted, as loo).</param>
/// <param name="KThreshold">Sample-size dependent k threshold min(1 − 1/log₁₀ S, 0.7).</param>
/// <param name="Draws">Number of posterior draws S.</param>
public sealed record PsisLoo(
    double ElpdLoo, double ElpdLooSe, double PLoo, double PLooSe, double Looic, double LooicSe,
    IReadOnlyList<double> PointwiseElpd, IReadOnlyList<double> PointwisePLoo, IReadOnlyList<double> ParetoK,
    double KThreshold, int Draws)
{
    /// <summary>Number of observations N.</summary>
    public int Observations => PointwiseElpd.Count;

    /// <summary>
    /// Number of observations whose k exceeds <see cref="KThreshold"/> (NaN and +∞ count as exceeding), leaving out those
    /// whose log-likelihood is the same in every draw: their k is +∞ as R's loo reports it, but their importance weights
    /// are equal and their LOO term exact (p_loo 0) — e.g. a day-0 reading censored at the cutoff when the baseline is
    /// not fitted.
    /// </summary>
    public int HighParetoKCount => ParetoK.Where((k, i) => !(k <= KThreshold) && !IsConstant(i)).Count();

    /// <summary>Number of observations whose log-likelihood is the same in every draw (k = +∞, exact LOO term).</summary>
    public int ConstantCount => ParetoK.Where((_, i) => IsConstant(i)).Count();

    private bool IsConstant(int i) => double.IsPositiveInfinity(ParetoK[i]) && PointwisePLoo[i] == 0;

    /// <summary>Pointwise looic, −2·elpd_loo,i.</summary>
    public IReadOnlyList<double> PointwiseLooic => PointwiseElpd.Select(e => -2.0 * e).ToArray();
}

/// <summary>
/// Computes <see cref="PsisLoo"/> from a pointwise log-likelihood matrix as R's loo package (2.5.1, whose PSIS is the
/// 2024 algorithm) does with <c>loo(log_lik, r_eff = relative_eff(exp(log_lik), chain_id))</c>.
/// </summary>
/// <remarks>
/// Per observation: r_eff from <see cref="RelativeEfficiency"/>; tail length M = ⌈min(0.2·S, 3·√(S/r_eff))⌉; if M ≥ 5 the
/// M largest log ratios (−log_lik, shifted by their maximum) are replaced by the log of the quantiles
/// (j − ½)/M of a generalized Pareto distribution fitted (Zhang &amp; Stephens 2009, weakly informative prior) to
/// exp(tail) − exp(cutoff), cutoff being the largest log ratio below the tail; then the weights are truncated at the
/// largest raw weight (loo ≥ 2.0; the S^(3/4) truncation was the deprecated <c>psislw</c>). When the tail is shorter
/// than 5 draws, or all of its values are equal (for instance identical draws), no tail is fitted, the raw ratios
/// are used and k = +∞, which is what loo reports (with a warning); a non-finite k leaves the tail unsmoothed.
/// Versions: verified against loo 2.5.1; the k threshold is that of loo ≥ 2.7 (posterior's <c>ps_khat_threshold</c>
/// capped at 0.7). loo 2.9 computes r_eff with posterior's <c>ess_basic</c> (split chains) instead of <c>ess_rfun</c>,
/// and its smoothing (posterior's <c>ps_tail</c>) lowers the cutoff by 2⁻⁵² when it ties with the smallest tail value;
/// neither is done here, so r_eff (hence M, k and elpd) can differ slightly from loo 2.9.
/// </remarks>
public static class PsisLooEstimator
{
    /// <summary>Smallest tail for which loo fits a generalized Pareto distribution.</summary>
    public const int MinimumTailLength = 5;

    /// <summary>PSIS-LOO of logLik[s][i] (draw s pooled over chains, observation i); chainOfDraw[s] is the 1-based chain.</summary>
    public static PsisLoo Compute(double[][] logLik, int[] chainOfDraw)
    {
        var (draws, observations) = Validate(logLik);
        var reff = RelativeEfficiency(logLik, chainOfDraw);
        var elpd = new double[observations];
        var ploo = new double[observations];
        var khat = new double[observations];
        var ll = new double[draws];
        var ratios = new double[draws];
        for (var i = 0; i < observations; i++)
        {
            for (var s = 0; s < draws; s++)
            {
                ll[s] = logLik[s][i];
                ratios[s] = -ll[s];
            }
            var (logWeights, k) = Smooth(ratios, TailLength(reff[i], draws));
            khat[i] = k;
            var norm = LogSumExp(logWeights);
            var terms = new double[draws];
            for (var s = 0; s < draws; s++) terms[s] = ll[s] + logWeights[s] - norm;
            elpd[i] = LogSumExp(terms);
            var lpd = LogSumExp(ll) - Math.Log(draws);
            ploo[i] = lpd - elpd[i];
        }
        var looic = elpd.Select(e => -2.0 * e).ToArray();
        return new PsisLoo(elpd.Sum(), StandardError(elpd), ploo.Sum(), StandardError(ploo), looic.Sum(),
            StandardError(looic), elpd, ploo, khat, KThreshold(draws), draws);
    }

    /// <summary>k threshold min(1 − 1/log₁₀ S, 0.7) of Vehtari et al. (2024), eq. (13).</summary>
    public static double KThreshold(int draws) => Math.Min(1.0 - 1.0 / Math.Log10(draws), 0.7);

    /// <summary>loo's tail length ⌈min(0.2·S, 3·√(S/r_eff))⌉.</summary>
    public static int TailLength(double relativeEfficiency, int draws) =>
        (int)Math.Ceiling(Math.Min(0.2 * draws, 3.0 * Math.Sqrt(draws / relativeEfficiency)));

    /// <summary>loo::relative_eff(exp(logLik), chainOfDraw): per observation, the ESS of exp(log_lik) divided by S.</summary>
    public static double[] RelativeEfficiency(double[][] logLik, int[] chainOfDraw)
    {
        var (draws, observations) = Validate(logLik);
        var rows = ChainRows(chainOfDraw, draws);
        var result = new double[observations];
        var sims = rows.Select(r => new double[r.Length]).ToArray();
        for (var i = 0; i < observations; i++)
        {
            for (var c = 0; c < rows.Length; c++)
                for (var t = 0; t < rows[c].Length; t++) sims[c][t] = Math.Exp(logLik[rows[c][t]][i]);
            result[i] = EffectiveSampleSize(sims) / draws;
        }
        return result;
    }

    /// <summary>
    /// ESS of the mean of equally long chains (not split) as loo's <c>ess_rfun</c>: Geyer's initial positive sequence
    /// with the monotone correction, τ bounded below by 1/log₁₀(chains·iterations).
    /// </summary>
    public static double EffectiveSampleSize(IReadOnlyList<double[]> chains)
    {
        var m = chains.Count;
        var n = chains[0].Length;
        var acov = chains.Select(Autocovariance).ToArray();
        double MeanAcov(int lag) => acov.Average(a => a[lag]);
        var meanVar = MeanAcov(0) * n / (n - 1.0);
        var varPlus = meanVar * (n - 1.0) / n;
        if (m > 1) varPlus += chains.Select(c => c.Average()).Variance();
        var rho = new double[n];
        var t = 0;
        var rhoEven = 1.0;
        rho[0] = rhoEven;
        var rhoOdd = n > 1 ? 1.0 - (meanVar - MeanAcov(1)) / varPlus : double.NaN;
        if (n > 1) rho[1] = rhoOdd;
        while (t < n - 5 && !double.IsNaN(rhoEven + rhoOdd) && rhoEven + rhoOdd > 0)
        {
            t += 2;
            rhoEven = 1.0 - (meanVar - MeanAcov(t)) / varPlus;
            rhoOdd = 1.0 - (meanVar - MeanAcov(t + 1)) / varPlus;
            if (rhoEven + rhoOdd >= 0)
            {
                rho[t] = rhoEven;
                rho[t + 1] = rhoOdd;
            }
        }
        var maxT = t;
        if (rhoEven > 0) rho[maxT] = rhoEven;
        t = 0;
        while (t <= maxT - 4)
        {
            t += 2;
            if (rho[t] + rho[t + 1] > rho[t - 2] + rho[t - 1])
            {
                rho[t] = (rho[t - 2] + rho[t - 1]) / 2.0;
                rho[t + 1] = rho[t];
            }
        }
        double total = m * n;
        // loo sums rho_hat_t[1:max_t]; with max_t = 0 R's 1:0 selects just the first element (lag 0).
        var sum = 0.0;
        for (var lag = 0; lag < Math.Max(maxT, 1); lag++) sum += rho[lag];
        var tau = -1.0 + 2.0 * sum + rho[maxT];
        tau = Math.Max(tau, 1.0 / Math.Log10(total));
        return total / tau;
    }

    /// <summary>
    /// Autocovariances at lags 0..n−1 as loo's <c>autocovariance</c>: Σⱼ ycⱼ·ycⱼ₊ₜ · G/n², G being the FFT size
    /// loo pads to (smallest 2·3·5-smooth integer ≥ n); G/n² equals 1/n when n is itself 2·3·5-smooth.
    /// </summary>
    private static double[] Autocovariance(double[] y)
    {
        var n = y.Length;
        var mean = RefinedMean(y);
        var yc = y.Select(v => v - mean).ToArray();
        var scale = (double)NextGoodSize(n) / ((double)n * n);
        var result = new double[n];
        for (var lag = 0; lag < n; lag++)
        {
            var s = 0.0;
            for (var j = 0; j + lag < n; j++) s += yc[j] * yc[j + lag];
            result[lag] = s * scale;
        }
        return result;
    }

    /// <summary>
    /// Mean with one correction pass, mean + Σ(x − mean)/n, like R's <c>mean</c>: exact for constant draws, so their
    /// centred values are exactly 0 as in loo (a plain double sum leaves ~1e-17 residues and a spurious ESS).
    /// </summary>
    private static double RefinedMean(double[] y)
    {
        var mean = y.Sum() / y.Length;
        var correction = 0.0;
        foreach (var v in y) correction += v - mean;
        return mean + correction / y.Length;
    }

    /// <summary>Smallest integer ≥ n (at least 2) with no prime factor above 5 (loo's <c>fft_next_good_size</c>).</summary>
    private static int NextGoodSize(int n)
    {
        if (n <= 2) return 2;
        for (; ; n++)
        {
            var m = n;
            while (m % 2 == 0) m /= 2;
            while (m % 3 == 0) m /= 3;
            while (m % 5 == 0) m /= 5;
            if (m <= 1) return n;
        }
    }

    /// <summary>Pareto-smoothed (unnormalized) log weights of the log ratios and the fitted k.</summary>
    public static (double[] LogWeights, double K) Smooth(IReadOnlyList<double> logRatios, int tailLength)
    {
        var draws = logRatios.Count;
        var max = logRatios.Max();
        var lw = logRatios.Select(v => v - max).ToArray();
        var k = double.PositiveInfinity;
        if (tailLength >= MinimumTailLength && tailLength < draws)
        {
            // Stable ascending order (R's radix sort.int): ties keep their draw order.
            var order = Enumerable.Range(0, draws).OrderBy(s => lw[s]).ToArray();
            var tail = new double[tailLength];
            for (var j = 0; j < tailLength; j++) tail[j] = lw[order[draws - tailLength + j]];
            if (Math.Abs(tail[^1] - tail[0]) >= 2.220446049250313e-16 / 100.0)
            {
                var cutoff = lw[order[draws - tailLength - 1]];
                var expCutoff = Math.Exp(cutoff);
                (k, var sigma) = GeneralizedPareto.Fit(tail.Select(v => Math.Exp(v) - expCutoff).ToArray());
                if (double.IsFinite(k))
                    for (var j = 0; j < tailLength; j++)
                    {
                        var p = (j + 1 - 0.5) / tailLength;
                        lw[order[draws - tailLength + j]] = Math.Log(GeneralizedPareto.Quantile(p, k, sigma) + expCutoff);
                    }
            }
        }
        for (var s = 0; s < draws; s++)
            lw[s] = (lw[s] > 0 ? 0.0 : lw[s]) + max;
        return (lw, k);
    }

    /// <summary>log Σ exp(x), computed around the maximum.</summary>
    public static double LogSumExp(IReadOnlyList<double> x)
    {
        var max = x.Max();
        if (double.IsNegativeInfinity(max)) return max;
        var sum = 0.0;
        foreach (var v in x) sum += Math.Exp(v - max);
        return max + Math.Log(sum);
    }

    /// <summary>√(N·var(x)) with the sample variance, loo's SE of a sum of pointwise values.</summary>
    internal static double StandardError(IReadOnlyList<double> x) => Math.Sqrt(x.Count * x.Variance());

    private static (int Draws, int Observations) Validate(double[][] logLik)
    {
        ArgumentNullException.ThrowIfNull(logLik);
        if (logLik.Length < 2) throw new ArgumentException("PSIS-LOO needs at least 2 draws.", nameof(logLik));
        if (logLik[0] is null || logLik[0].Length == 0)
            throw new ArgumentException("The log-likelihood matrix has no observations.", nameof(logLik));
        var n = logLik[0].Length;
        for (var s = 0; s < logLik.Length; s++)
        {
            if (logLik[s] is null || logLik[s].Length != n)
                throw new ArgumentException($"Draw {s} has {logLik[s]?.Length ?? 0} observations, draw 0 has {n}.", nameof(logLik));
            foreach (var v in logLik[s])
                if (!double.IsFinite(v))
                    throw new ArgumentException($"Draw {s} has a non-finite log-likelihood ({v}).", nameof(logLik));
        }
        return (logLik.Length, n);
    }

    private static int[][] ChainRows(int[] chainOfDraw, int draws)
    {
        ArgumentNullException.ThrowIfNull(chainOfDraw);
        if (chainOfDraw.Length != draws)
            throw new ArgumentException($"{chainOfDraw.Length} chain ids for {draws} draws.", nameof(chainOfDraw));
        var chains = chainOfDraw.Distinct().Count();
        if (chainOfDraw.Min() != 1 || chainOfDraw.Max() != chains)
            throw new ArgumentException("Chain ids must be 1, 2, ..., number of chains.", nameof(chainOfDraw));
        var rows = Enumerable.Range(1, chains)
            .Select(c => Enumerable.Range(0, draws).Where(s => chainOfDraw[s] == c).ToArray()).ToArray();
        if (rows.Any(r => r.Length != rows[0].Length))
            throw new ArgumentException("Not all chains have the same number of draws.", nameof(chainOfDraw));
        return rows;
    }
}

/// <summary>Generalized Pareto fit of Zhang &amp; Stephens (2009) with loo's weakly informative prior on k.</summary>
public static class GeneralizedPareto
{
    /// <summary>Minimum number of grid points; loo uses min_grid_pts + ⌊√n⌋ points.</summary>
    public const int MinimumGridPoints = 30;

    /// <summary>(k, σ) fitted to the ascending exceedances x (loo's <c>gpdfit</c>, <c>wip = TRUE</c>); k = +∞ when NaN.</summary>
    public static (double K, double Sigma) Fit(IReadOnlyList<double> sortedExceedances)
    {
        var x = sortedExceedances;
        var n = x.Count;
        const double prior = 3.0;
        var m = MinimumGridPoints + (int)Math.Floor(Math.Sqrt(n));
        var xStar = x[(int)Math.Floor(n / 4.0 + 0.5) - 1];
        var theta = new double[m];
        var logLik = new double[m];
        for (var j = 0; j < m; j++)
        {
            theta[j] = 1.0 / x[n - 1] + (1.0 - Math.Sqrt(m / (j + 1 - 0.5))) / prior / xStar;
            logLik[j] = n * ProfileLogLikelihood(theta[j], x);
        }
        var norm = PsisLooEstimator.LogSumExp(logLik);
        var thetaHat = 0.0;
        for (var j = 0; j < m; j++) thetaHat += theta[j] * Math.Exp(logLik[j] - norm);
        var k = 0.0;
        foreach (var v in x) k += Log1p(-thetaHat * v);
        k /= n;
        var sigma = -k / thetaHat;
        const double a = 10.0;
        k = k * n / (n + a) + a * 0.5 / (n + a);
        return (double.IsNaN(k) ? double.PositiveInfinity : k, sigma);
    }

    /// <summary>Quantile σ·(exp(−k·log(1 − p)) − 1)/k of the generalized Pareto distribution; NaN unless σ &gt; 0.</summary>
    public static double Quantile(double p, double k, double sigma) =>
        double.IsNaN(sigma) || sigma <= 0 ? double.NaN : sigma * Expm1(-k * Log1p(-p)) / k;

    /// <summary>Profile log-likelihood per observation, log(−θ/k) − k − 1 with k = mean log(1 − θx).</summary>
    private static double ProfileLogLikelihood(double theta, IReadOnlyList<double> x)
    {
        var b = -theta;
        var k = 0.0;
        foreach (var v in x) k += Log1p(b * v);
        k /= x.Count;
        return Math.Log(b / k) - k - 1.0;
    }

    /// <summary>log(1 + x), accurate for small x (Goldberg's correction).</summary>
    internal static double Log1p(double x)
    {
        var u = 1.0 + x;
        if (u == 1.0) return x;
        if (double.IsInfinity(u) || u <= 0) return Math.Log(u);
        return Math.Log(u) * x / (u - 1.0);
    }

    /// <summary>exp(x) − 1, accurate for small x (Kahan's correction).</summary>
    internal static double Expm1(double x)
    {
        var u = Math.Exp(x);
        if (u == 1.0) return x;
        var um1 = u - 1.0;
        if (um1 == -1.0 || double.IsInfinity(u)) return um1;
        return um1 * x / Math.Log(u);
    }
}

/// <summary>One row of <see cref="LooCompare.Compare"/>: a fit and its elpd difference to the best fit.</summary>
/// <param name="Name">Name of the fit.</param>
/// <param name="ElpdDiff">elpd_loo of this fit minus that of the best fit (0 for the best).</param>
/// <param name="SeDiff">√(N·var(pointwise elpd differences)) (0 for the best).</param>
/// <param name="Loo">The fit's PSIS-LOO.</param>
public sealed record LooComparisonRow(string Name, double ElpdDiff, double SeDiff, PsisLoo Loo);

/// <summary>Comparison of fits by elpd_loo as R's <c>loo::loo_compare</c>.</summary>
public static class LooCompare
{
    /// <summary>Rows ordered by elpd_loo descending, with differences to the best fit; fits must share N.</summary>
    public static IReadOnlyList<LooComparisonRow> Compare(IReadOnlyList<(string Name, PsisLoo Loo)> fits)
    {
        ArgumentNullException.ThrowIfNull(fits);
        if (fits.Count < 2) throw new ArgumentException("Comparison needs at least two fits.", nameof(fits));
        var n = fits[0].Loo.Observations;
        if (fits.Any(f => f.Loo.Observations != n))
            throw new ArgumentException("Not all fits have the same number of observations.", nameof(fits));
        var ordered = fits.OrderByDescending(f => f.Loo.ElpdLoo).ToArray();
        var best = ordered[0].Loo.PointwiseElpd;
        return ordered.Select(f =>
        {
            var diffs = f.Loo.PointwiseElpd.Select((e, i) => e - best[i]).ToArray();
            return new LooComparisonRow(f.Name, diffs.Sum(), PsisLooEstimator.StandardError(diffs), f.Loo);
        }).ToArray();
    }
}
