using CellTherapySim.Compilation;
using CellTherapySim.Inference;
using CellTherapySim.Output;
using CellTherapySim.Studies;
using CellTherapySim.Tests.Modeling;
using Xunit.Abstractions;

namespace CellTherapySim.Tests.Inference;

/// <summary>
/// Coverage of the hierarchical fit over several simulated studies, not one chosen seed: three 7-arm, 56-rat studies
/// (models/studies/cci-7arm.yaml simulated from the fixture's generating values with seeds 101–103, the same design and
/// truth as the shipped fixture, random effects on P0, W0 and k_act exactly as the fit assumes), each fitted with random
/// effects on P0, W0 and k_act (auto centring, as the CLI), 2 chains × (500 + 500). Of the 3 × 15 nominal 90% intervals
/// (10 population parameters, 2 σ, 3 ω) a calibrated fit covers 40.5 on average (binomial SD 2.0); the test fails below
/// 36 (P ≈ 0.6% for calibrated intervals), and when a chain pair has not converged (R-hat ≥ 1.05), since intervals of an
/// unconverged fit measure nothing.
/// </summary>
[Trait("Category", "Slow")]
public class HierarchicalCoverageTests(ITestOutputHelper output)
{
    [Fact]
    public void NinetyPercentIntervalsCoverTheGeneratingValuesOverThreeSimulatedStudies()
    {
        var truth = SimulatedStudies.Truth;
        var study = StudyFileReader.ReadFile(SimulatedStudies.StudyPath);
        var compiled = CompiledModel.Compile(study.Model);
        var parameters = SimulatedStudies.TypicalParameters(study, compiled);
        string[] randomEffects = ["P0", "W0", "k_act"];
        int covered = 0, intervals = 0;
        foreach (var seed in new[] { 101, 102, 103 })
        {
            var data = FitData.FromAnimals($"seed {seed}", SimulatedStudies.Generate(seed), study.Model);
            var (fit, _) = Centring.Choose(new FitModel(compiled, data, new FitSettings(RandomEffects: randomEffects, Parameters: parameters)), seed);
            var folder = InputTestSupport.CreateTempDirectory();
            var chains = FitRunner.Run(fit, new FitRunSettings(Chains: 2, Warmup: 500, Draws: 500, Seed: seed, DenseMetric: true), FitFiles.ChainWriters(folder, data.Source));
            var summary = FitFiles.Summarise(fit, chains).ToDictionary(r => r.Variable);
            Directory.Delete(folder, recursive: true);

            var truths = truth.Population.Select(p => (p.Key, p.Value))
                .Concat(truth.Residual.Select(r => (r.Key, r.Value)))
                .Concat(truth.RandomEffects.Select(r => ($"omega_{r.Key}", r.Value.Omega)));
            foreach (var (name, value) in truths)
            {
                var row = summary[name];
                var inside = row.Q5 <= value && value <= row.Q95;
                output.WriteLine($"seed {seed} {name}: truth {value:G4}, 90% [{row.Q5:G4}, {row.Q95:G4}] {(inside ? "covers" : "MISSES")}, R-hat {row.Rhat:F3}");
                Assert.True(row.Rhat < 1.05, $"seed {seed}: {name} R-hat {row.Rhat:F3}: not converged, so its interval measures nothing");
                covered += inside ? 1 : 0;
                intervals++;
            }
            Assert.True(chains.Sum(c => c.Divergences) < 0.01 * chains.Sum(c => c.Draws.Count), $"seed {seed}: {chains.Sum(c => c.Divergences)} divergences");
        }
        output.WriteLine($"{covered} of {intervals} intervals cover");
        Assert.Equal(45, intervals);
        Assert.True(covered >= 36, $"{covered} of {intervals} nominal 90% intervals cover the generating values (calibrated: 40.5 ± 2.0)");
    }
}
