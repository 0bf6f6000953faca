using CellTherapySim.Inference.Sampling;
using Xunit.Abstractions;
using static CellTherapySim.Tests.Inference.NutsTestSupport;

namespace CellTherapySim.Tests.Inference;

/// <summary>
/// Funnels: a mild one (σ = 1, scales of x varying ≈ e² over v's central 95%) that NUTS samples correctly, and Neal's
/// funnel (σ = 3, 9 x's) whose neck it cannot enter with one step size — the divergences must be reported.
/// </summary>
public class NutsFunnelTests(ITestOutputHelper output)
{
    [Fact]
    public void MildFunnelMomentsAreRecoveredWithFewDivergences()
    {
        const double sigma = 1;
        var chain = Sample(new NutsFunnelTarget(sigma, k: 2), new NutsSettings(Warmup: 1_000, Draws: 4_000), seed: 31);

        var lines = AssertMoments(chain.Coordinate(0), 0, sigma * sigma, "v")
            .Concat(AssertMoments(chain.Coordinate(1), 0, Math.Exp(sigma * sigma / 2), "x1"))
            .Concat(AssertMoments(chain.Coordinate(2), 0, Math.Exp(sigma * sigma / 2), "x2"));
        foreach (string line in lines) output.WriteLine(line);

        int divergences = chain.Divergences;
        output.WriteLine($"step size {chain.Sampler.StepSize:G4}, mean accept_stat {chain.MeanAcceptStat:F3}, divergences {divergences} / {chain.Draws.Count}");
        // A 10⁶-draw run of this target diverges in ≈ 0.06% of transitions; allow 0.5%.
        Assert.True(divergences <= chain.Draws.Count / 200, $"{divergences} divergences");
    }

    /// <summary>
    /// Neal's funnel defeats a single step size. Four chains: each reports divergences, most of them during sampling
    /// too (a chain whose adaptation ends with a tiny step size may have none), and they flag real bias — the chains stay
    /// out of the neck (v &lt; −5 has probability Φ(−5/3) ≈ 4.8%, ≈ 383 of the 8000 draws; they get far fewer).
    /// </summary>
    [Fact]
    public void NealsFunnelDivergencesAreDetected()
    {
        var density = new NutsFunnelTarget(sigma: 3, k: 9);
        int samplingDivergences = 0, inNeck = 0;
        for (int seed = 1; seed <= 4; seed++)
        {
            var all = new List<NutsDraw>();
            var sampler = new NutsSampler(density, new NutsSettings(Warmup: 1_000, Draws: 2_000), new Random(seed));
            sampler.Run(new double[density.Dimension], all.Add);

            var draws = all.Where(d => !d.IsWarmup).ToList();
            int warmup = all.Count(d => d.IsWarmup && d.Divergent), sampling = draws.Count(d => d.Divergent);
            samplingDivergences += sampling;
            inNeck += draws.Count(d => d.Position[0] < -5);
            output.WriteLine($"chain {seed}: step size {sampler.StepSize:G3}, mean accept_stat {draws.Average(d => d.AcceptStat):F3}, "
                + $"divergences warm-up {warmup} / 1000, sampling {sampling} / 2000, min v {draws.Min(d => d.Position[0]):F2}");
            Assert.True(warmup + sampling > 0);
            // A divergent transition stops at once: its tree is cut short of the maximum depth.
            Assert.All(all.Where(d => d.Divergent), d => Assert.True(d.LeapfrogSteps < 1023));
        }
        output.WriteLine($"sampling divergences {samplingDivergences} / 8000; draws with v < -5: {inNeck} (expected ≈ 383)");
        Assert.True(samplingDivergences > 0);
        Assert.True(inNeck < 383 / 4);
    }
}
