using CellTherapySim.Agents;
using CellTherapySim.Compilation;
using CellTherapySim.Modeling;
using CellTherapySim.Simulation;
using CellTherapySim.Solvers;
using MathNet.Numerics.Distributions;
using Xunit.Abstractions;

namespace CellTherapySim.Tests.Agents;

/// <summary>
/// The agent-based trafficking chain against the ODE. Given D(t), cells move independently through a linear system, so a
/// location's count at t is Binomial(N, p(t)) with p(t) = ODE amount / dose: mean N p, SD σ = √(N p (1 − p)).
/// All runs are seeded; tolerances are derived from the sample sizes as stated at each test.
/// </summary>
public class CellTraffickingTests(ITestOutputHelper output)
{
    private static readonly CompiledModel Model = CompiledModel.Compile(DefaultModel.Definition);
    private static readonly double[] Days = Enumerable.Range(0, 16).Select(d => (double)d).ToArray();
    private static readonly SolverOptions Tight = new(RelativeTolerance: 1e-10, AbsoluteTolerance: 1e-14);

    /// <summary>The ODE (tight tolerances) and the chain driven by the ODE's own D, for CCI and one dose at day 7.</summary>
    private sealed record Setup(Trajectory Ode, CellTrafficking Chain, Dose[] Doses);

    private static Setup Make(string route, double cells)
    {
        var parameters = Model.DefaultParameters();
        var initial = Model.InitialState("cci");
        var doses = new[] { Dose.Cells(7, route, cells) };
        var simulator = new Simulator(Model, SolverKind.Stiff, Tight);
        var ode = simulator.Simulate(parameters, initial, doses, Days);
        var injury = InjuryIndexCurve.FromSimulation(simulator, parameters, initial, doses, 15, 0.003);
        // Linear interpolation of D at step 0.003 d: error ≤ h²/8·max|D''|; it changes homing probabilities by at most
        // k_BT·ε·(time in blood), far below every tolerance here.
        Assert.True(injury.InterpolationErrorBound < 1e-6, $"D interpolation error bound {injury.InterpolationErrorBound}");
        return new Setup(ode, new CellTrafficking(TraffickingRates.FromModel(Model, parameters), injury), doses);
    }

    private static double Probability(Setup s, int day, string state) =>
        Math.Clamp(s.Ode.State(day, Model.Definition.StateIndex(state)) / (s.Doses[0].Amount * 1e-6), 0, 1);

    private static readonly (CellLocation Location, string State)[] OdeLocations =
        [(CellLocation.Blood, "B"), (CellLocation.Lung, "L"), (CellLocation.Csf, "Q"), (CellLocation.Site, "T")];

    /// <summary>
    /// 1,000,000 cells, mean of R = 16 seeded replicates. Where the ODE count μ exceeds 10,000: |mean − μ| ≤ 1% μ; the
    /// replicates make this ≥ 4 SDs of the mean (4σ/√16 ≤ √μ ≤ 0.01 μ for μ ≥ 10⁴; a single run would give only 1 SD at
    /// μ = 10⁴). Elsewhere: |mean − μ| ≤ 4σ/√R, or, when the pooled expected count is below 25 (normal approximation
    /// poor), the pooled count's exact two-sided Binomial(N R, p) tail probability must be ≥ 6.3e-5 (the 4σ level).
    /// </summary>
    [Theory]
    [InlineData("iv")]
    [InlineData("it")]
    public void MeanCountsFollowTheOde(string route)
    {
        const int N = 1_000_000, R = 16;
        var setup = Make(route, N);
        var runs = new TraffickingResult[R];
        Parallel.For(0, R, k => runs[k] = setup.Chain.Simulate(setup.Doses, Days, seed: 1000 + k));
        var checkedRelative = 0;
        for (var day = 0; day < Days.Length; day++)
        {
            var total = 0.0;
            foreach (var loc in Enum.GetValues<CellLocation>()) total += runs[0].Count(day, loc);
            Assert.Equal(day <= 7 ? 0 : N, total); // dose right after the day-7 output
            foreach (var (location, state) in OdeLocations)
            {
                var p = Probability(setup, day, state);
                var mu = N * p;
                var sigmaMean = Math.Sqrt(N * p * (1 - p) / R);
                var pooled = runs.Sum(run => run.Count(day, location));
                var mean = pooled / (double)R;
                var what = $"{route} day {day} {location}: mean {mean:F2}, ODE {mu:F2}, σ/√R {sigmaMean:F2}";
                output.WriteLine($"{what}, z {(sigmaMean > 0 ? (mean - mu) / sigmaMean : 0):F2}, rel {(mu > 0 ? (mean - mu) / mu : 0):E2}");
                if (mu > 10_000)
                {
                    Assert.True(0.01 * mu >= 4 * sigmaMean, what);
                    Assert.True(Math.Abs(mean - mu) <= 0.01 * mu, what);
                    checkedRelative++;
                }
                else if (mu * R >= 25) Assert.True(Math.Abs(mean - mu) <= 4 * sigmaMean, what);
                else
                {
                    var binomial = new Binomial(p, N * R);
                    var lower = binomial.CumulativeDistribution(pooled);
                    var upper = pooled == 0 ? 1 : 1 - binomial.CumulativeDistribution(pooled - 1);
                    Assert.True(2 * Math.Min(lower, upper) >= 6.3e-5, $"{what}, pooled {pooled}");
                }
            }
        }
        // v2's nerve repairs, so fewer IV cells home than in v1: the relative check still covers 7 day-location points.
        Assert.True(checkedRelative >= 7, $"only {checkedRelative} points above 10,000 cells");
    }

    /// <summary>
    /// 1,000 cells, 400 seeded replicates: the sample variance s² of each ODE-tracked count with N p (1 − p) ≥ 5 matches
    /// σ² = N p (1 − p). (R − 1)s²/σ² ~ χ²(R − 1) for normal counts; we accept the central 1 − 1e-4 of it (per side 5e-5),
    /// widening the deviation by √(1 + κ(R − 1)/(2R)) for the binomial's excess kurtosis κ = (1 − 6p(1 − p))/(N p (1 − p)).
    /// Counts with N p (1 − p) &lt; 5 (blood after IV, late lung) are skipped: there s² is too skewed for this test.
    /// </summary>
    [Theory]
    [InlineData("iv")]
    [InlineData("it")]
    public void VarianceIsBinomial(string route)
    {
        const int N = 1000, R = 400;
        var setup = Make(route, N);
        var runs = new TraffickingResult[R];
        Parallel.For(0, R, k => runs[k] = setup.Chain.Simulate(setup.Doses, Days, seed: 5000 + k));
        var chi = new ChiSquared(R - 1);
        double lo = chi.InverseCumulativeDistribution(5e-5) / (R - 1), hi = chi.InverseCumulativeDistribution(1 - 5e-5) / (R - 1);
        var tested = 0;
        for (var day = 8; day < Days.Length; day++)
            foreach (var (location, state) in OdeLocations)
            {
                var p = Probability(setup, day, state);
                var variance = N * p * (1 - p);
                if (variance < 5) continue;
                var xs = runs.Select(run => (double)run.Count(day, location)).ToArray();
                var mean = xs.Average();
                var s2 = xs.Sum(x => (x - mean) * (x - mean)) / (R - 1);
                var kurtosis = (1 - 6 * p * (1 - p)) / variance;
                var widen = Math.Sqrt(1 + Math.Max(0, kurtosis) * (R - 1) / (2.0 * R));
                var ratio = s2 / variance;
                var what = $"{route} day {day} {location}: s² {s2:F2}, Np(1-p) {variance:F2}, accepted ratio [{1 - (1 - lo) * widen:F3}, {1 + (hi - 1) * widen:F3}]";
                output.WriteLine(what + $", ratio {ratio:F3}");
                Assert.True(ratio >= 1 - (1 - lo) * widen && ratio <= 1 + (hi - 1) * widen, what);
                tested++;
            }
        Assert.True(tested >= 8, $"only {tested} counts tested");
    }

    /// <summary>Same seed ⇒ identical counts and event totals; another seed ⇒ different counts.</summary>
    [Fact]
    public void SeedDeterminesTheRun()
    {
        var setup = Make("iv", 100_000);
        var a = setup.Chain.Simulate(setup.Doses, Days, seed: 7);
        var b = setup.Chain.Simulate(setup.Doses, Days, seed: 7);
        var c = setup.Chain.Simulate(setup.Doses, Days, seed: 8);
        Assert.Equal(a.Counts, b.Counts);
        Assert.Equal(a.Events, b.Events);
        Assert.Equal(a.RejectedCandidates, b.RejectedCandidates);
        Assert.NotEqual(a.Counts, c.Counts);
    }

    /// <summary>
    /// Thinning against a closed form, with a non-monotone D: only homing (k_BT = 5, all else 0), D piecewise linear
    /// 0 → 1 → 0.1 → 0.8. Then P(site at t) = 1 − exp(−k_BT ∫₀ᵗ D), the integral exact by trapezoids; 200,000 cells,
    /// each count within 4σ of N p.
    /// </summary>
    [Fact]
    public void ThinningIsExactForVaryingD()
    {
        const int N = 200_000;
        const double kBT = 5;
        double[] t = [0, 1, 2, 3, 4], d = [0, 1, 0.1, 0.8, 0.8];
        var chain = new CellTrafficking(new TraffickingRates(0, 0, 0, 0, kBT, 0, 0, 0), new InjuryIndexCurve(t, d));
        var times = new[] { 0.25, 0.5, 1, 1.5, 2, 2.5, 3, 4 };
        var result = chain.Simulate([Dose.Cells(0, "iv", N)], times, seed: 3);
        Assert.True(result.RejectedCandidates > 0);
        for (var i = 0; i < times.Length; i++)
        {
            var integral = Integral(t, d, times[i]);
            var p = 1 - Math.Exp(-kBT * integral);
            var sigma = Math.Sqrt(N * p * (1 - p));
            var site = result.Count(i, CellLocation.Site);
            Assert.True(Math.Abs(site - N * p) <= 4 * sigma, $"t {times[i]}: site {site}, expected {N * p:F1} ± {sigma:F1}");
            Assert.Equal(N, site + result.Count(i, CellLocation.Blood));
        }
    }

    /// <summary>The interpolant's maximum on an interval is exact, including interior nodes.</summary>
    [Fact]
    public void CurveMaximumIsExact()
    {
        var curve = new InjuryIndexCurve([0, 1, 2, 3], [0.2, 1, 0.1, 0.5]);
        Assert.Equal(1, curve.Max(0.5, 1.5));
        Assert.Equal(0.6, curve.Max(0, 0.5), 12);
        Assert.Equal(0.3, curve.Max(2.5, 2.5), 12);
        Assert.Equal(0.5, curve.Max(2.2, 9), 12);
    }

    private static double Integral(double[] t, double[] d, double x)
    {
        var sum = 0.0;
        for (var i = 0; i + 1 < t.Length && t[i] < x; i++)
        {
            var end = Math.Min(x, t[i + 1]);
            var dEnd = d[i] + (d[i + 1] - d[i]) * (end - t[i]) / (t[i + 1] - t[i]);
            sum += (d[i] + dEnd) / 2 * (end - t[i]);
        }
        return sum;
    }
}
