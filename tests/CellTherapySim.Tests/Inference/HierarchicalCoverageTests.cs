using CellTherapySim.Compilation;
using CellTherapySim.Inference;
using CellTherapySim.Modeling;
using CellTherapySim.Output;
using CellTherapySim.Studies;
using CellTherapySim.Tests.Modeling;
using MathNet.Numerics.Distributions;
using MathNet.Numerics.Random;
using MathNet.Numerics.Statistics;
using Xunit.Abstractions;

namespace CellTherapySim.Tests.Inference;

/// <summary>
/// Coverage of the hierarchical fit (random effects on P0, W0 and k_act) over several simulated 7-arm studies: the
/// studies of <see cref="SimulatedStudies"/> for other seeds (the fixture's design and generating values), each fitted,
/// and the 90% credible intervals of the population parameters, residual SDs and ωs counted against the truth.
/// </summary>
[Trait("Category", "Slow")]
public class HierarchicalCoverageTests(ITestOutputHelper output)
{
    /// <summary>
    /// The studies: seeds other than the fixture's (56), chosen before the first run (first six, cut to four to keep CI
    /// under its budget: each study takes about 4 minutes here).
    /// </summary>
    private static readonly int[] Seeds = [301, 302, 303, 304];

    /// <summary>
    /// The estimated population parameters. The others (sig_L, rho_S, k_deact, Z50, C50 and the model's unfitted ones)
    /// are held at their generating values: with 4 rats per arm and 2 short chains the weakly informed directions
    /// (rho_S, the ImaxP–Z50 ridge) do not converge (R-hat 1.27 for rho_S with 3 rats per arm), and intervals of
    /// chains that have not mixed would not measure coverage.
    /// </summary>
    private static readonly string[] Free = ["k_act", "k_Z", "ImaxP", "P0", "W0"];

    private static readonly string[] RandomEffects = ["P0", "W0", "k_act"];

    private const int AnimalsPerGroup = 4;

    [Fact]
    public void NinetyPercentIntervalsCoverTheGeneratingValuesAcrossSimulatedStudies()
    {
        var truth = SimulatedStudies.Truth;
        var study = StudyFileReader.ReadFile(SimulatedStudies.StudyPath);
        var compiled = CompiledModel.Compile(study.Model);
        var generating = SimulatedStudies.TypicalParameters(study, compiled);
        var truths = Free.ToDictionary(n => n, n => truth.Population[n]);
        foreach (var (name, value) in truth.Residual) truths[name] = value;
        foreach (var name in RandomEffects) truths[$"omega_{name}"] = truth.RandomEffects[name].Omega;

        var covered = truths.Keys.ToDictionary(n => n, _ => 0);
        var misses = new List<string>();
        foreach (var seed in Seeds)
        {
            var animals = SimulatedStudies.Generate(seed, AnimalsPerGroup);
            var data = FitData.FromAnimals($"study-{seed}", animals, study.Model);
            var fit = new FitModel(compiled, data, new FitSettings(Free, RandomEffects, Parameters: generating));
            var folder = InputTestSupport.CreateTempDirectory();
            var chains = FitRunner.Run(fit, new FitRunSettings(Chains: 2, Warmup: 300, Draws: 300, Seed: seed, DenseMetric: true), FitFiles.ChainWriters(folder, fit.Data));
            var summary = FitFiles.Summarise(fit, chains).ToDictionary(r => r.Variable);
            Directory.Delete(folder, recursive: true);

            // Chains that have not mixed give intervals that mean nothing: each fit must converge first.
            Assert.True(chains.Sum(c => c.Divergences) < 0.01 * chains.Sum(c => c.Draws.Count), $"seed {seed}: {chains.Sum(c => c.Divergences)} divergences");
            foreach (var (name, value) in truths)
            {
                var row = summary[name];
                Assert.True(row.Rhat < 1.05, $"seed {seed}, {name}: R-hat {row.Rhat:F3}");
                if (row.Q5 <= value && value <= row.Q95) covered[name]++;
                else misses.Add($"seed {seed}, {name}: truth {value:G4} outside [{row.Q5:G4}, {row.Q95:G4}]");
            }
            // The data inform every population parameter: its interval is narrower than its prior's, so coverage
            // is not the priors' (whose medians, the model's values, are 5-30% away from the truth).
            foreach (var name in Free)
            {
                var row = summary[name];
                var (lower, upper) = PriorInterval(study.Model.Parameters[study.Model.ParameterIndex(name)].Prior);
                Assert.True(row.Q95 - row.Q5 < 0.8 * (upper - lower), $"seed {seed}, {name}: interval [{row.Q5:G4}, {row.Q95:G4}] against the prior's [{lower:G4}, {upper:G4}]");
            }
        }

        // Under correct calibration each interval covers with probability 0.9. Counted over all studies and
        // quantities the covered number is Binomial(n, 0.9) if the intervals were independent; within a study they
        // are correlated (one unlucky study moves several), which widens the spread, so the band used is the 0.1%
        // quantile of the binomial (for 40 intervals: at least 29 covered, against 36 expected) and, per quantity, at
        // least half of the studies. Too-wide intervals are caught by the prior comparison above, not here.
        var n = Seeds.Length * truths.Count;
        var total = covered.Values.Sum();
        var minimum = Enumerable.Range(0, n + 1).First(c => Binomial.CDF(0.9, n, c) >= 0.001);
        var report = $"{total} of {n} covered (at least {minimum} needed): {string.Join(", ", covered.Select(p => $"{p.Key} {p.Value}/{Seeds.Length}"))}; {string.Join("; ", misses)}";
        output.WriteLine(report);
        Assert.True(total >= minimum, report);
        Assert.All(covered, p => Assert.True(2 * p.Value >= Seeds.Length, report));
    }

    /// <summary>The prior's central 90% interval, from 20,000 draws.</summary>
    private static (double Lower, double Upper) PriorInterval(Prior prior)
    {
        var density = new PriorDensity(prior);
        var random = new Xoshiro256StarStar(7);
        var draws = Enumerable.Range(0, 20_000).Select(_ => density.Sample(random)).ToArray();
        return (draws.Quantile(0.05), draws.Quantile(0.95));
    }
}
