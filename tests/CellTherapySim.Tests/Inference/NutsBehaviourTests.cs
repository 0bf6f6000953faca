using CellTherapySim.Inference;
using CellTherapySim.Inference.Sampling;
using MathNet.Numerics.Distributions;
using Xunit.Abstractions;
using static CellTherapySim.Tests.Inference.NutsTestSupport;

namespace CellTherapySim.Tests.Inference;

/// <summary>Failed evaluations, determinism, cancellation, the warm-up window schedule and argument checks.</summary>
public class NutsBehaviourTests(ITestOutputHelper output)
{
    /// <summary>A 2-D standard normal truncated to x₀ &gt; −1; outside it returns −∞ or NaN (a failed evaluation).</summary>
    private sealed class TruncatedNormal(double outside) : ILogDensity
    {
        public int Dimension => 2;

        public double Evaluate(ReadOnlySpan<double> q, Span<double> gradient)
        {
            if (q[0] <= -1) return outside;
            gradient[0] = -q[0];
            gradient[1] = -q[1];
            return -0.5 * (q[0] * q[0] + q[1] * q[1]);
        }
    }

    [Theory]
    [InlineData(double.NegativeInfinity)]
    [InlineData(double.NaN)]
    public void FailedEvaluationsAreRejectedAndCounted(double outside)
    {
        var chain = Sample(new TruncatedNormal(outside), new NutsSettings(Warmup: 500, Draws: 4_000), seed: 3);

        Assert.True(chain.Sampler.RejectedEvaluations > 0);
        Assert.All(chain.Draws, d => Assert.True(d.Position[0] > -1 && double.IsFinite(d.LogDensity)));
        Assert.True(chain.Divergences > 0);
        // E[x₀ | x₀ > −1] = φ(−1) / (1 − Φ(−1)); x₁ is untouched.
        double truncatedMean = Normal.PDF(0, 1, -1) / (1 - Normal.CDF(0, 1, -1));
        output.WriteLine(AssertMean(chain.Coordinate(0), truncatedMean, "x0"));
        output.WriteLine(AssertMean(chain.Coordinate(1), 0, "x1"));
        output.WriteLine($"rejected evaluations {chain.Sampler.RejectedEvaluations}, divergent draws {chain.Divergences} / {chain.Draws.Count}");
    }

    [Fact]
    public void InitialPointWhereTheDensityFailsIsAnArgumentError()
    {
        var sampler = new NutsSampler(new TruncatedNormal(double.NegativeInfinity), new NutsSettings(10, 10), new Random(1));
        Assert.Throws<ArgumentException>(() => sampler.Run([-2, 0], _ => { }));
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void SameSeedGivesIdenticalDraws(bool dense)
    {
        var settings = new NutsSettings(Warmup: 200, Draws: 300, DenseMetric: dense);
        var target = NutsGaussianTarget.Equicorrelated([1, 2, 3], [1, 2, 3], 0.5);
        var first = Sample(target, settings, seed: 17);
        var second = Sample(target, settings, seed: 17);
        var other = Sample(target, settings, seed: 18);

        Assert.Equal(first.Draws.Count, second.Draws.Count);
        for (int i = 0; i < first.Draws.Count; i++)
        {
            var (a, b) = (first.Draws[i], second.Draws[i]);
            Assert.Equal(a.Position, b.Position);
            Assert.Equal(a with { Position = b.Position }, b);
        }
        Assert.Equal(first.Sampler.StepSize, second.Sampler.StepSize);
        Assert.Equal(first.Sampler.InverseMetric.ToArray(), second.Sampler.InverseMetric.ToArray());
        Assert.NotEqual(first.Draws[^1].Position, other.Draws[^1].Position);
    }

    [Fact]
    public void CancellationStopsBetweenIterations()
    {
        using var cancellation = new CancellationTokenSource();
        var sampler = new NutsSampler(NutsGaussianTarget.Standard(3), new NutsSettings(Warmup: 100, Draws: 100), new Random(2));
        int seen = 0;
        int completed = sampler.Run(new double[3], _ => { if (++seen == 42) cancellation.Cancel(); }, cancellation.Token);
        Assert.Equal(42, completed);
        Assert.Equal(42, seen);
    }

    [Fact]
    public void WarmupReportsAdaptationAndThenFixesTheStepSize()
    {
        var draws = new List<NutsDraw>();
        var sampler = new NutsSampler(NutsGaussianTarget.Standard(4), new NutsSettings(Warmup: 150, Draws: 50), new Random(4));
        sampler.Run(new double[4], draws.Add);
        Assert.Equal(200, draws.Count);
        Assert.All(draws.Take(150), d => Assert.True(d.IsWarmup));
        Assert.All(draws.Skip(150), d => Assert.False(d.IsWarmup));
        Assert.All(draws.Skip(150), d => Assert.Equal(sampler.StepSize, d.StepSize));
        Assert.All(draws, d => Assert.InRange(d.TreeDepth, 0, 10));
        Assert.All(draws, d => Assert.InRange(d.LeapfrogSteps, 1, 1023));
    }

    /// <summary>
    /// Stan's windows: warm-up 1000 ⇒ metric updates after iterations 100, 150, 250, 450 and 950 (1-based); warm-up 100
    /// (fallback 15/75/10) ⇒ one window ending after iteration 90; below 20 ⇒ none.
    /// </summary>
    [Theory]
    [InlineData(1000, new[] { 99, 149, 249, 449, 949 })]
    [InlineData(150, new[] { 99 })]
    [InlineData(100, new[] { 89 })]
    [InlineData(19, new int[0])]
    public void MetricWindowsFollowStan(int warmup, int[] expectedEnds)
    {
        var adaptation = new MetricAdaptation(2, dense: false, denseCoordinates: 2);
        var metric = EuclideanMetric.Create(2, dense: false);
        adaptation.Restart(warmup);
        var random = new Random(8);
        var ends = new List<int>();
        for (int i = 0; i < warmup; i++)
            if (adaptation.Learn([random.NextDouble(), random.NextDouble()], metric))
                ends.Add(i);
        Assert.Equal(expectedEnds, ends);
    }

    [Fact]
    public void InvalidSettingsAreRejected()
    {
        var density = NutsGaussianTarget.Standard(2);
        Assert.Throws<ArgumentOutOfRangeException>(() => new NutsSampler(density, new NutsSettings(-1, 10), new Random(1)));
        Assert.Throws<ArgumentOutOfRangeException>(() => new NutsSampler(density, new NutsSettings(10, 10, MaxTreeDepth: 0), new Random(1)));
        Assert.Throws<ArgumentOutOfRangeException>(() => new NutsSampler(density, new NutsSettings(10, 10, TargetAcceptance: 1), new Random(1)));
        Assert.Throws<ArgumentOutOfRangeException>(() => new NutsSampler(density, new NutsSettings(10, 10, InitialStepSize: 0), new Random(1)));
        var sampler = new NutsSampler(density, new NutsSettings(10, 10), new Random(1));
        Assert.Throws<ArgumentException>(() => sampler.Run(new double[3], _ => { }));
    }
}
