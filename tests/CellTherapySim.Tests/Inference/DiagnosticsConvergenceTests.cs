using CellTherapySim.Inference.Diagnostics;
using MathNet.Numerics.Statistics;

namespace CellTherapySim.Tests.Inference;

/// <summary>R-hat and ESS on chains whose answer is known: independent, autocorrelated, non-mixing, heavy-tailed, constant.</summary>
public class DiagnosticsConvergenceTests
{
    private const int Chains = 4;
    private const int Draws = 1000;
    private const int S = Chains * Draws;

    // For independent draws the lag-t autocorrelation estimates are about N(0, 1/S) (Bartlett); Geyer's initial positive
    // sequence usually stops after the first pair of lags, so τ̂ = 1 + 2(ρ̂₁ + ρ̂₂) + … has sd ≈ 2·√(2/S) and
    // ESS = S/τ̂ has sd ≈ 2·√(2/S)·S ≈ 179 for S = 4000 (measured over 200 seeds: 175).
    private static readonly double IidEssSd = 2 * Math.Sqrt(2.0 / S) * S;

    [Fact]
    public void IndependentNormalDrawsGiveRhatOneAndEssNearTheNumberOfDraws()
    {
        var x = DiagnosticsTestData.Normal(seed: 1, Chains, Draws);

        Assert.InRange(ConvergenceDiagnostics.Rhat(x), 0.99, 1.01);
        Assert.InRange(ConvergenceDiagnostics.RhatBasic(x), 0.99, 1.01);
        // Within 4 standard deviations of S (the estimator's bias, about −1%, is well inside).
        Assert.InRange(ConvergenceDiagnostics.EssBulk(x), S - 4 * IidEssSd, S + 4 * IidEssSd);
        Assert.InRange(ConvergenceDiagnostics.EssTail(x), S - 4 * IidEssSd, S + 4 * IidEssSd);
        Assert.InRange(ConvergenceDiagnostics.EssMean(x), S - 4 * IidEssSd, S + 4 * IidEssSd);
    }

    [Fact]
    public void EssBulkOfIndependentDrawsAveragesToTheNumberOfDraws()
    {
        // Over 20 data sets the mean has standard error IidEssSd/√20 ≈ 40: within 4 of them of S.
        const int replicates = 20;
        var mean = Enumerable.Range(100, replicates)
            .Select(seed => ConvergenceDiagnostics.EssBulk(DiagnosticsTestData.Normal(seed, Chains, Draws)))
            .Average();
        Assert.InRange(mean, S - 4 * IidEssSd / Math.Sqrt(replicates), S + 4 * IidEssSd / Math.Sqrt(replicates));
    }

    [Fact]
    public void Ar1ChainsGiveTheirTheoreticalEss()
    {
        // AR(1) with ρ = 0.9: τ = (1 + ρ)/(1 − ρ) = 19, ESS = S·(1 − ρ)/(1 + ρ) = 210.5. The estimate of one data set
        // varies by about 17% (measured over 200 seeds: sd 36.7), so the test averages 20 data sets (standard error
        // ≈ 8.2 = 3.9%) and asks for 15%: about 4 standard errors.
        const double rho = 0.9;
        const double expected = S * (1 - rho) / (1 + rho);
        var data = Enumerable.Range(1, 20).Select(seed => DiagnosticsTestData.Ar1(seed, Chains, Draws, rho)).ToArray();

        var essMean = data.Select(ConvergenceDiagnostics.EssMean).Average();
        var essBulk = data.Select(ConvergenceDiagnostics.EssBulk).Average();

        Assert.InRange(essMean, 0.85 * expected, 1.15 * expected);
        Assert.InRange(essBulk, 0.85 * expected, 1.15 * expected); // ranks of a Gaussian process keep its autocorrelation
        // The chains mix, but each split half holds only about 26 effective draws, so R-hat wanders up to about 1.05.
        Assert.All(data, x => Assert.InRange(ConvergenceDiagnostics.Rhat(x), 0.99, 1.1));
    }

    [Fact]
    public void ChainsWithShiftedMeansGiveRhatAboveOnePointOne()
    {
        // Means 0, 0.5, 1, 1.5 with unit sd: over the 8 half chains the between-chain variance of the means is 0.357,
        // R-hat ≈ √(1 + 0.357) ≈ 1.16.
        var x = DiagnosticsTestData.Normal(seed: 2, Chains, Draws, mean: c => 0.5 * c);
        Assert.True(ConvergenceDiagnostics.Rhat(x) > 1.1, $"R-hat {ConvergenceDiagnostics.Rhat(x)}");
        Assert.True(ConvergenceDiagnostics.RhatBasic(x) > 1.1);
    }

    [Fact]
    public void ChainsWithDifferentVariancesAreCaughtByTheFoldedRhat()
    {
        // Same mean and median, sd 1 in two chains and 3 in the other two: the location R-hats cannot see it, the
        // R-hat of |x − median| (folded) can.
        var x = DiagnosticsTestData.Normal(seed: 3, Chains, Draws, sd: c => c < 2 ? 1 : 3);
        var bulk = ConvergenceDiagnostics.RhatBasic(ConvergenceDiagnostics.RankNormalize(x)); // = rank-normalised split R-hat (even length)
        Assert.InRange(bulk, 0.99, 1.01);
        Assert.InRange(ConvergenceDiagnostics.RhatBasic(x), 0.99, 1.01);
        Assert.True(ConvergenceDiagnostics.Rhat(x) > 1.1, $"R-hat {ConvergenceDiagnostics.Rhat(x)}");
    }

    [Fact]
    public void CauchyDrawsGiveFiniteRankBasedDiagnostics()
    {
        var x = DiagnosticsTestData.Cauchy(seed: 4, Chains, Draws);

        var rhat = ConvergenceDiagnostics.Rhat(x);
        var bulk = ConvergenceDiagnostics.EssBulk(x);
        var tail = ConvergenceDiagnostics.EssTail(x);
        Assert.InRange(rhat, 0.99, 1.01);
        Assert.InRange(bulk, S - 4 * IidEssSd, S + 4 * IidEssSd);
        Assert.InRange(tail, S - 4 * IidEssSd, S + 4 * IidEssSd);

        // Ranks do not change under a monotone map: atan turns the Cauchy draws into uniform ones with the same bulk
        // R-hat, bulk ESS and tail ESS (the folded R-hat is not invariant: it folds around the median on the draws' scale).
        var uniform = x.Select(c => c.Select(Math.Atan).ToArray()).ToArray();
        Assert.Equal(ConvergenceDiagnostics.RhatBasic(ConvergenceDiagnostics.RankNormalize(x)),
            ConvergenceDiagnostics.RhatBasic(ConvergenceDiagnostics.RankNormalize(uniform)), 12);
        Assert.Equal(bulk, ConvergenceDiagnostics.EssBulk(uniform), 9);
        Assert.Equal(tail, ConvergenceDiagnostics.EssTail(uniform), 9);
    }

    [Fact]
    public void ConstantDrawsGiveNaN()
    {
        double[][] x = [Enumerable.Repeat(2.5, 100).ToArray(), Enumerable.Repeat(2.5, 100).ToArray()];
        Assert.True(double.IsNaN(ConvergenceDiagnostics.Rhat(x)));
        Assert.True(double.IsNaN(ConvergenceDiagnostics.RhatBasic(x)));
        Assert.True(double.IsNaN(ConvergenceDiagnostics.EssBulk(x)));
        Assert.True(double.IsNaN(ConvergenceDiagnostics.EssTail(x)));
        Assert.True(double.IsNaN(ConvergenceDiagnostics.EssBasic(x)));
        Assert.True(double.IsNaN(ConvergenceDiagnostics.EssSd(x)));
        var summary = PosteriorSummary.Summarise("c", x);
        Assert.Equal((2.5, 2.5, 0.0, 0.0, 2.5, 2.5), (summary.Mean, summary.Median, summary.Sd, summary.Mad, summary.Q5, summary.Q95));
    }

    [Fact]
    public void ANaNDrawGivesNaN()
    {
        var x = DiagnosticsTestData.Normal(seed: 5, 2, 100);
        x[1][10] = double.NaN;
        Assert.True(double.IsNaN(ConvergenceDiagnostics.Rhat(x)));
        Assert.True(double.IsNaN(ConvergenceDiagnostics.EssBulk(x)));
        Assert.True(double.IsNaN(ConvergenceDiagnostics.EssTail(x)));
    }

    [Fact]
    public void ASingleChainIsSplitIntoTwo()
    {
        var chain = DiagnosticsTestData.Normal(seed: 6, 1, 2000);
        Assert.InRange(ConvergenceDiagnostics.Rhat(chain), 0.99, 1.01);
        Assert.InRange(ConvergenceDiagnostics.EssBulk(chain), 2000 - 4 * 2 * Math.Sqrt(2.0 / 2000) * 2000, 2000 + 4 * 2 * Math.Sqrt(2.0 / 2000) * 2000);

        // A single chain that drifts: its halves disagree.
        var drifting = new[] { chain[0].Select((v, i) => v + i / 500.0).ToArray() };
        Assert.True(ConvergenceDiagnostics.Rhat(drifting) > 1.1);
    }

    [Fact]
    public void SplitChainsDropsTheMiddleDrawOfAnOddChain()
    {
        var split = ConvergenceDiagnostics.SplitChains([[1, 2, 3, 4, 5], [6, 7, 8, 9, 10]]);
        Assert.Equal([[1, 2], [6, 7], [4, 5], [9, 10]], split);
        Assert.Equal([[1, 2], [3, 4]], ConvergenceDiagnostics.SplitChains([[1, 2, 3, 4]]));
    }

    [Fact]
    public void RankNormalizationAveragesTiedRanks()
    {
        // Draws 3, 1, 4, 1, 5 (S = 5): ranks 3, 1.5, 4, 1.5, 5 (the two 1s share ranks 1 and 2). With c = 3/8,
        // p = (r − 3/8)/(S − 3/4 + 1) = (r − 0.375)/5.25:
        //   r = 3   → p = 2.625/5.25 = 0.5          → z = 0
        //   r = 1.5 → p = 1.125/5.25 = 0.2142857…  → z = −0.7916386077433746
        //   r = 4   → p = 3.625/5.25 = 0.6904762…  → z = 0.4972005706815540
        //   r = 5   → p = 4.625/5.25 = 0.8809524…  → z = 1.1797611176118603
        // (z = Φ⁻¹(p); the same digits as posterior:::z_scale(c(3, 1, 4, 1, 5)) in R.)
        var z = ConvergenceDiagnostics.RankNormalize([[3, 1, 4, 1, 5]])[0];
        double[] expected = [0, -0.79163860774337458, 0.49720057068155399, -0.79163860774337458, 1.1797611176118603];
        for (var i = 0; i < expected.Length; i++)
            Assert.Equal(expected[i], z[i], 14);

        // Ranks run over all chains together.
        var two = ConvergenceDiagnostics.RankNormalize([[3, 1], [4, 1, 5]]);
        Assert.Equal(z[..2], two[0]);
        Assert.Equal(z[2..], two[1]);
    }

    [Fact]
    public void FftAutocovarianceEqualsTheDirectSum()
    {
        // The biased estimate (1/n)·Σᵢ (xᵢ − x̄)(xᵢ₊ₜ − x̄), O(n²), at every lag.
        var x = DiagnosticsTestData.Ar1(seed: 7, 1, 777, 0.8)[0];
        var mean = x.Mean();
        var fft = ConvergenceDiagnostics.Autocovariance(x);
        for (var t = 0; t < x.Length; t++)
        {
            var direct = 0.0;
            for (var i = 0; i + t < x.Length; i++)
                direct += (x[i] - mean) * (x[i + t] - mean);
            direct /= x.Length;
            Assert.True(Math.Abs(fft[t] - direct) <= 1e-12 * fft[0], $"lag {t}: {fft[t]} against {direct}");
        }
        Assert.Equal([0.0, 0.0, 0.0], ConvergenceDiagnostics.Autocovariance([7.0, 7.0, 7.0]));
    }

    [Fact]
    public void ChainsOfDifferentLengthsAreRejected()
    {
        Assert.Throws<ArgumentException>(() => ConvergenceDiagnostics.Rhat([[1, 2, 3], [1, 2]]));
        Assert.Throws<ArgumentException>(() => ConvergenceDiagnostics.EssBulk([]));
        Assert.Throws<ArgumentOutOfRangeException>(() => ConvergenceDiagnostics.EssQuantile([[1, 2, 3]], 1.5));
    }
}
