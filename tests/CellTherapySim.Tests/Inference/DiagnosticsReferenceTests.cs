using CellTherapySim.Inference.Diagnostics;

namespace CellTherapySim.Tests.Inference;

/// <summary>
/// Diagnostics and summaries against values computed by R's posterior package itself (posterior 1.4.0, R 4.2.2, the
/// Debian bookworm packages r-cran-posterior and r-base-core) on data sets that R and C# build identically.
/// </summary>
/// <remarks>
/// The data sets are <see cref="DiagnosticsTestData.Reproducible"/>'s; this R script builds them and prints the values
/// (<c>sprintf("%.17g")</c>):
/// <code>
/// library(posterior)
/// nextu &lt;- function() { seed &lt;&lt;- (16807 * seed) %% 2147483647; seed / 2147483647 }
/// seed &lt;- 12345; A &lt;- matrix(0, 100, 4)
/// for (c in 1:4) { x &lt;- 0; for (i in 1:100) { e &lt;- nextu() - 0.5; x &lt;- if (i == 1) e else 0.7 * x + e; A[i, c] &lt;- x + 0.1 * (c - 1) } }
/// seed &lt;- 777; B &lt;- matrix(0, 51, 3)
/// for (c in 1:3) for (i in 1:51) { u1 &lt;- nextu(); u2 &lt;- nextu(); B[i, c] &lt;- (u1 - 0.5) / (u2 + 0.001) }
/// seed &lt;- 2024; C &lt;- matrix(0, 60, 4)
/// for (c in 1:4) for (i in 1:60) C[i, c] &lt;- floor(nextu() * 6)
/// seed &lt;- 99; D &lt;- matrix(0, 200, 1)
/// x &lt;- 0; for (i in 1:200) { e &lt;- nextu() - 0.5; x &lt;- if (i == 1) e else 0.5 * x + e; D[i, 1] &lt;- x }
/// for (m in list(A, B, C, D)) print(c(rhat(m), ess_bulk(m), ess_tail(m), ess_basic(m), ess_sd(m), rhat_basic(m),
///     ess_quantile(m, 0.05), ess_quantile(m, 0.95), mean(m), median(m), sd(m), mad(m), quantile(m, c(0.05, 0.95))))
/// </code>
/// The C# values agree to about 1e-14 relative (the autocovariances come from another FFT); the tolerance is 1e-10.
/// </remarks>
public class DiagnosticsReferenceTests
{
    private const double Relative = 1e-10;

    public static TheoryData<string, double[]> Diagnostics => new()
    {
        // rhat, ess_bulk, ess_tail, ess_basic, ess_sd, rhat_basic, ess_quantile 0.05, ess_quantile 0.95
        { "A", [1.0834540169486633, 37.582747076656204, 122.2532127310169, 37.324688620132335, 172.1880313816726, 1.0837444039360329, 122.2532127310169, 195.52624817875682] },
        { "B", [1.0217830456224177, 141.39323609590383, 175.37382314934459, 186.01971986483389, 167.44230134708522, 0.9933519606651412, 175.37382314934459, 182.10535302655168] },
        // C's 95% quantile is its largest value, 5: the indicator I(x ≤ 5) is constant, so ess_quantile(0.95) and ess_tail are NA.
        { "C", [1.0033124113370611, 225.59661950965824, double.NaN, 225.85715718464269, 243.76352641492596, 1.0001338074256054, 255.88410317444044, double.NaN] },
        // One chain: the split halves are the two chains.
        { "D", [1.0247924296402211, 75.747013467093865, 73.867408033412076, 77.026075156140337, 99.930366038462282, 1.0236238961656421, 73.867408033412076, 152.81425918388848] },
    };

    public static TheoryData<string, double[]> Summaries => new()
    {
        // mean, median, sd, mad, q5, q95
        { "A", [0.11345452212019429, 0.12758931597977921, 0.39915941927496812, 0.41745656158470235, -0.55268606383591479, 0.74708853300207134] },
        { "B", [0.22164322269317308, -0.055048142658857838, 4.4054897042902228, 0.70403324927439814, -1.9655263060790591, 3.6699304644617059] },
        { "C", [2.3624999999999998, 2, 1.6509950087230585, 1.4825999999999999, 0, 5] },
        { "D", [-0.0034828089425757765, -0.011983950449903469, 0.32380160231095012, 0.35363098592722542, -0.51690590196728503, 0.51915368307696752] },
    };

    [Theory]
    [MemberData(nameof(Diagnostics))]
    public void DiagnosticsEqualPosteriors(string dataSet, double[] expected)
    {
        var x = DiagnosticsTestData.Reproducible(dataSet);
        double[] actual =
        [
            ConvergenceDiagnostics.Rhat(x), ConvergenceDiagnostics.EssBulk(x), ConvergenceDiagnostics.EssTail(x),
            ConvergenceDiagnostics.EssBasic(x), ConvergenceDiagnostics.EssSd(x), ConvergenceDiagnostics.RhatBasic(x),
            ConvergenceDiagnostics.EssQuantile(x, 0.05), ConvergenceDiagnostics.EssQuantile(x, 0.95),
        ];
        AssertClose(expected, actual);
        Assert.Equal(ConvergenceDiagnostics.EssBasic(x), ConvergenceDiagnostics.EssMean(x));
    }

    [Theory]
    [MemberData(nameof(Summaries))]
    public void SummaryEqualsSummariseDraws(string dataSet, double[] expected)
    {
        var x = DiagnosticsTestData.Reproducible(dataSet);
        var s = PosteriorSummary.Summarise(dataSet, x);
        AssertClose(expected, [s.Mean, s.Median, s.Sd, s.Mad, s.Q5, s.Q95]);
        Assert.Equal(ConvergenceDiagnostics.Rhat(x), s.Rhat);
        Assert.Equal(ConvergenceDiagnostics.EssBulk(x), s.EssBulk);
        Assert.Equal(ConvergenceDiagnostics.EssTail(x), s.EssTail);
    }

    [Fact]
    public void TinyChainsFollowPosteriorsEdgeRules()
    {
        // R: x <- matrix(c(1,3,2,5,4, 2,1,4,3,6), 5, 2): odd length, the split drops the middle draws (5 and 4),
        // leaving halves of 2 draws, too few for an ESS (posterior needs 3 per split chain).
        double[][] odd = [[1, 3, 2, 5, 4], [2, 1, 4, 3, 6]];
        AssertClose([1.3469000032570986, double.NaN, double.NaN, 1.3662601021279464],
            [ConvergenceDiagnostics.Rhat(odd), ConvergenceDiagnostics.EssBulk(odd), ConvergenceDiagnostics.EssBasic(odd), ConvergenceDiagnostics.RhatBasic(odd)]);

        // R: matrix(c(1,3,2,5,4,7,6,9), 8, 1): halves of 4 draws end Geyer's sequence at once; posterior's
        // tau = -1 + 2·sum(rho[1:0]) + rho[1] = 2 then gives ESS = 8/2 = 4.
        double[][] single = [[1, 3, 2, 5, 4, 7, 6, 9]];
        AssertClose([1.6322597186826293, 4, 4],
            [ConvergenceDiagnostics.Rhat(single), ConvergenceDiagnostics.EssBulk(single), ConvergenceDiagnostics.EssBasic(single)]);
    }

    [Fact]
    public void AnInfiniteDrawLeavesTheRankBasedDiagnosticsDefined()
    {
        // R: data set A with A[5, 2] <- Inf. Ranks map Inf to a finite z, so rhat and ess_bulk are defined; ess_tail and
        // ess_basic need finite draws and are NA.
        var x = DiagnosticsTestData.Reproducible("A");
        x[1][4] = double.PositiveInfinity;
        AssertClose([1.0822569558810939, 40.038742470092082, double.NaN, double.NaN],
            [ConvergenceDiagnostics.Rhat(x), ConvergenceDiagnostics.EssBulk(x), ConvergenceDiagnostics.EssTail(x), ConvergenceDiagnostics.EssBasic(x)]);
    }

    private static void AssertClose(double[] expected, double[] actual)
    {
        Assert.Equal(expected.Length, actual.Length);
        for (var i = 0; i < expected.Length; i++)
        {
            if (double.IsNaN(expected[i]))
                Assert.True(double.IsNaN(actual[i]), $"value {i}: expected NaN, got {actual[i]:R}");
            else
                Assert.True(Math.Abs(actual[i] - expected[i]) <= Relative * Math.Abs(expected[i]),
                    $"value {i}: expected {expected[i]:R}, got {actual[i]:R}");
        }
    }
}
