using System.Globalization;
using CellTherapySim.Inference.Diagnostics;
using CellTherapySim.Tests.Modeling;

namespace CellTherapySim.Tests.Inference;

/// <summary>
/// PSIS-LOO against R's loo 2.5.1 (fixture made by Fixtures/loo/make-reference.R): r_eff, Pareto k, pointwise elpd,
/// p_loo and looic, totals, SEs and loo_compare, all to 1e-8 relative (absolute 1e-12 for values near 0);
/// measured agreement is about 1e-14 relative (r_eff, k near 0: ~1e-15 absolute), the rest is rounding order.
/// </summary>
public class PsisLooTests
{
    /// <summary>Relative tolerance of every comparison with loo.</summary>
    private const double Relative = 1e-8;

    /// <summary>Absolute floor for quantities that are 0 in R (the best fit's differences, p_loo of identical draws).</summary>
    private const double Absolute = 1e-12;

    private static readonly string Fixtures =
        Path.Combine(InputTestSupport.RepositoryRoot(), "tests", "CellTherapySim.Tests", "Inference", "Fixtures", "loo");

    private static double Parse(string s) => s switch
    {
        "Inf" => double.PositiveInfinity,
        "-Inf" => double.NegativeInfinity,
        "NaN" or "NA" => double.NaN,
        _ => double.Parse(s, CultureInfo.InvariantCulture),
    };

    private static double[][] ReadMatrix(string file) =>
        File.ReadAllLines(Path.Combine(Fixtures, file)).Where(l => l.Length > 0)
            .Select(l => l.Split(',').Select(Parse).ToArray()).ToArray();

    private static int[] Chains() =>
        File.ReadAllLines(Path.Combine(Fixtures, "chain-id.csv")).Where(l => l.Length > 0).Select(int.Parse).ToArray();

    private static readonly Lazy<List<string[]>> Reference = new(() =>
        File.ReadAllLines(Path.Combine(Fixtures, "reference.csv")).Skip(1).Where(l => l.Length > 0)
            .Select(l => l.Split(',')).ToList());

    private static double[] Pointwise(string model, string quantity) =>
        Reference.Value.Where(r => r[0] == model && r[1] == quantity).OrderBy(r => int.Parse(r[2]))
            .Select(r => Parse(r[3])).ToArray();

    private static double Scalar(string model, string quantity) =>
        Parse(Reference.Value.Single(r => r[0] == model && r[1] == quantity)[3]);

    private static void Close(double expected, double actual, string what)
    {
        if (double.IsInfinity(expected) || double.IsNaN(expected))
        {
            Assert.True(expected.Equals(actual), $"{what}: expected {expected}, got {actual}");
            return;
        }
        var tolerance = Math.Max(Relative * Math.Abs(expected), Absolute);
        Assert.True(Math.Abs(expected - actual) <= tolerance,
            $"{what}: expected {expected:R}, got {actual:R} (difference {Math.Abs(expected - actual):E3}, tolerance {tolerance:E3})");
    }

    private static void Close(IReadOnlyList<double> expected, IReadOnlyList<double> actual, string what)
    {
        Assert.Equal(expected.Count, actual.Count);
        for (var i = 0; i < expected.Count; i++) Close(expected[i], actual[i], $"{what}[{i + 1}]");
    }

    public static TheoryData<string, string> Models => new()
    {
        { "normal", "log-lik-normal.csv" },
        { "student_t", "log-lik-student-t.csv" },
    };

    [Theory]
    [MemberData(nameof(Models))]
    public void LooRelativeEfficiencyEqualsLoo(string model, string file)
    {
        var reff = PsisLooEstimator.RelativeEfficiency(ReadMatrix(file), Chains());
        Close(Pointwise(model, "r_eff"), reff, $"{model} r_eff");
    }

    /// <summary>Chains of 77 draws: loo pads the FFT to 80 and its autocovariances carry the factor 80/77².</summary>
    [Fact]
    public void LooRelativeEfficiencyOfChainsOfNonSmoothLengthEqualsLoo()
    {
        var rows = ReadMatrix("log-lik-normal.csv");
        var logLik = rows.Take(77).Concat(rows.Skip(250).Take(77)).Select(r => r[..5]).ToArray();
        var chains = Enumerable.Range(0, 154).Select(s => s < 77 ? 1 : 2).ToArray();
        Close(Pointwise("short_chains", "r_eff"), PsisLooEstimator.RelativeEfficiency(logLik, chains), "r_eff");
    }

    [Theory]
    [MemberData(nameof(Models))]
    public void LooPointwiseValuesEqualLoo(string model, string file)
    {
        var loo = PsisLooEstimator.Compute(ReadMatrix(file), Chains());
        Close(Pointwise(model, "pareto_k"), loo.ParetoK, $"{model} pareto_k");
        Close(Pointwise(model, "elpd_loo"), loo.PointwiseElpd, $"{model} elpd_loo");
        Close(Pointwise(model, "p_loo"), loo.PointwisePLoo, $"{model} p_loo");
        Close(Pointwise(model, "looic"), loo.PointwiseLooic, $"{model} looic");
    }

    [Theory]
    [MemberData(nameof(Models))]
    public void LooTotalsAndStandardErrorsEqualLoo(string model, string file)
    {
        var loo = PsisLooEstimator.Compute(ReadMatrix(file), Chains());
        Close(Scalar(model, "total_elpd_loo"), loo.ElpdLoo, "elpd_loo");
        Close(Scalar(model, "se_elpd_loo"), loo.ElpdLooSe, "se elpd_loo");
        Close(Scalar(model, "total_p_loo"), loo.PLoo, "p_loo");
        Close(Scalar(model, "se_p_loo"), loo.PLooSe, "se p_loo");
        Close(Scalar(model, "total_looic"), loo.Looic, "looic");
        Close(Scalar(model, "se_looic"), loo.LooicSe, "se looic");
        Assert.Equal(Scalar(model, "k_threshold"), loo.KThreshold, 15);
        Assert.Equal(1000, loo.Draws);
        Assert.Equal(Pointwise(model, "pareto_k").Count(k => k > loo.KThreshold), loo.HighParetoKCount);
    }

    [Fact]
    public void LooOutlierHasLargeParetoK()
    {
        var loo = PsisLooEstimator.Compute(ReadMatrix("log-lik-normal.csv"), Chains());
        Assert.True(loo.ParetoK[39] > 1.0);
        Assert.Equal(1, loo.HighParetoKCount);
        Assert.Equal(2.0 / 3.0, loo.KThreshold, 15); // S = 1000: 1 − 1/log10(1000) = 2/3 < 0.7
    }

    [Fact]
    public void LooCompareEqualsLooCompare()
    {
        var normal = PsisLooEstimator.Compute(ReadMatrix("log-lik-normal.csv"), Chains());
        var t = PsisLooEstimator.Compute(ReadMatrix("log-lik-student-t.csv"), Chains());
        var rows = LooCompare.Compare([("normal", normal), ("student_t", t)]);
        var expected = File.ReadAllLines(Path.Combine(Fixtures, "compare.csv")).Skip(1).Where(l => l.Length > 0)
            .Select(l => l.Split(',')).ToArray();
        Assert.Equal(expected.Select(e => e[0]), rows.Select(r => r.Name));
        for (var j = 0; j < rows.Count; j++)
        {
            Close(Parse(expected[j][1]), rows[j].ElpdDiff, $"{rows[j].Name} elpd_diff");
            Close(Parse(expected[j][2]), rows[j].SeDiff, $"{rows[j].Name} se_diff");
            Close(Parse(expected[j][3]), rows[j].Loo.ElpdLoo, $"{rows[j].Name} elpd_loo");
        }
    }

    [Fact]
    public void LooCompareRefusesDifferentNumbersOfObservations()
    {
        var full = PsisLooEstimator.Compute(ReadMatrix("log-lik-normal.csv"), Chains());
        var fewer = PsisLooEstimator.Compute(ReadMatrix("log-lik-normal.csv").Select(r => r[..39]).ToArray(), Chains());
        Assert.Throws<ArgumentException>(() => LooCompare.Compare([("a", full), ("b", fewer)]));
        Assert.Throws<ArgumentException>(() => LooCompare.Compare([("a", full)]));
    }

    /// <summary>
    /// Identical draws: exp(log_lik) is constant, so loo's ess_rfun gets 0/0 autocorrelations, stops at lag 0 and gives
    /// τ = 2 (r_eff = 0.5); the tail is constant, so no Pareto fit: k = +∞ (loo warns), raw equal weights, elpd = log_lik.
    /// </summary>
    [Fact]
    public void LooIdenticalDrawsGiveInfiniteKAsLoo()
    {
        var logLik = Enumerable.Range(0, 100).Select(_ => new[] { -1.5, -1.5, -1.5 }).ToArray();
        var chains = Enumerable.Range(0, 100).Select(s => s < 50 ? 1 : 2).ToArray();
        Close(Pointwise("identical", "r_eff"), PsisLooEstimator.RelativeEfficiency(logLik, chains), "r_eff");
        var loo = PsisLooEstimator.Compute(logLik, chains);
        Close(Pointwise("identical", "pareto_k"), loo.ParetoK, "pareto_k");
        Close(Pointwise("identical", "elpd_loo"), loo.PointwiseElpd, "elpd_loo");
        Close(Pointwise("identical", "p_loo"), loo.PointwisePLoo, "p_loo");
        // k = +∞ as loo reports it, but the LOO terms are exact (equal weights): counted as constant, not as unreliable.
        Assert.Equal(0, loo.HighParetoKCount);
        Assert.Equal(3, loo.ConstantCount);
    }

    [Fact]
    public void LooRejectsBadInput()
    {
        Assert.Throws<ArgumentException>(() =>
            PsisLooEstimator.Compute([[-1.0, -2.0], [-1.0]], [1, 1]));
        Assert.Throws<ArgumentException>(() => PsisLooEstimator.Compute([[-1.0, -2.0]], [1]));
        Assert.Throws<ArgumentException>(() => PsisLooEstimator.Compute([], []));
        Assert.Throws<ArgumentException>(() => PsisLooEstimator.Compute([[-1.0], [-2.0]], [1]));
        Assert.Throws<ArgumentException>(() => PsisLooEstimator.Compute([[-1.0], [-2.0], [-3.0]], [1, 1, 2]));
        Assert.Throws<ArgumentException>(() => PsisLooEstimator.Compute([[-1.0], [-2.0]], [1, 3]));
        Assert.Throws<ArgumentException>(() => PsisLooEstimator.Compute([[-1.0], [double.NaN]], [1, 1]));
    }
}
