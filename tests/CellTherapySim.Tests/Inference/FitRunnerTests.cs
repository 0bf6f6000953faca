using CellTherapySim.Compilation;
using CellTherapySim.Inference;
using CellTherapySim.Inference.Diagnostics;
using CellTherapySim.Modeling;
using CellTherapySim.Output;
using CellTherapySim.Populations;
using CellTherapySim.Studies;
using CellTherapySim.Tests.Modeling;

namespace CellTherapySim.Tests.Inference;

/// <summary>Running chains: parameter recovery from a simulated study, reproducibility across thread counts, interruption.</summary>
[Trait("Category", "Slow")]
public class FitRunnerTests
{
    private static readonly ModelDefinition Model = DefaultModel.Definition;
    private static readonly CompiledModel Compiled = CompiledModel.Compile(Model);

    /// <summary>A study without between-animal variability (the fixed-effects model is then the truth), 20 rats per group.</summary>
    private static IReadOnlyList<AnimalRecord> SimulatedStudy(double[] truth, int seed)
    {
        var path = Path.Combine(InputTestSupport.RepositoryRoot(), "models", "studies", "cci-iv-day7.yaml");
        var study = StudyFileReader.ReadFile(path) with { Variability = BetweenAnimalVariability.None };
        return CohortSimulator.Simulate(study, Compiled, truth, new CohortOptions(AnimalsPerGroup: 20, Seed: seed)).Animals;
    }

    [Fact]
    public void NinetyPercentIntervalsCoverTheTruthOfASimulatedStudy()
    {
        var truth = Compiled.DefaultParameters();
        truth[Model.ParameterIndex("k_act")] = 1.3;
        truth[Model.ParameterIndex("C50")] = 0.6;
        truth[Model.ParameterIndex("sig_L")] = 2.4;
        var data = FitData.FromAnimals("simulated", SimulatedStudy(truth, 17), Model);
        var fit = new FitModel(Compiled, data, new FitSettings(Parameters: truth));
        var folder = InputTestSupport.CreateTempDirectory();
        // v2's default set includes rho_S, only weakly informed by this design (Cramér–Rao SD of log rho_S 0.43, MODEL.md);
        // with adapt_delta 0.8 a few transitions diverge (3 of 600), so the chains take smaller steps: 0.9, as Stan advises.
        var chains = FitRunner.Run(fit, new FitRunSettings(Chains: 2, Warmup: 600, Draws: 600, Seed: 5, AdaptDelta: 0.9, DenseMetric: true), FitFiles.ChainWriters(folder, fit.Data));
        var summary = FitFiles.Summarise(fit, chains);

        var truths = fit.Free.Select(i => truth[i]).Concat(data.Endpoints.Select(e => Model.Endpoints[e].ErrorSd)).ToArray();
        for (var k = 0; k < truths.Length; k++)
        {
            var row = summary.Single(r => r.Variable == fit.Names[k]);
            Assert.True(row.Q5 <= truths[k] && truths[k] <= row.Q95, $"{row.Variable}: truth {truths[k]} outside the 90% interval [{row.Q5:G4}, {row.Q95:G4}]");
            Assert.True(row.Rhat < 1.05, $"{row.Variable}: R-hat {row.Rhat:F3}");
        }
        // The weak rho_S direction still makes a few transitions diverge now and then (4 of 1,200 with this seed):
        // reported, and held under 1% of the draws, the criterion the hierarchical issue sets.
        Assert.True(chains.Sum(c => c.Divergences) < 0.01 * chains.Sum(c => c.Draws.Count), $"{chains.Sum(c => c.Divergences)} divergences");
        Directory.Delete(folder, recursive: true);
    }

    [Fact]
    public void TheShippedStudyFitsWithoutDivergencesAndWithRhatAtMost1Point01()
    {
        // The acceptance run: models/data/cci-iv-day7/observations.csv, the default free set plus the two
        // residual SDs, fixed effects, 4 chains × (1000 warm-up + 1000 draws), the CLI's defaults (dense metric, seed 1).
        var animals = ObservationCsvReader.Read(Path.Combine(InputTestSupport.RepositoryRoot(), "models", "data", "cci-iv-day7", "observations.csv"), Model);
        var fit = new FitModel(Compiled, FitData.FromAnimals("observations.csv", animals, Model), new FitSettings());
        var folder = InputTestSupport.CreateTempDirectory();
        var chains = FitRunner.Run(fit, new FitRunSettings(DenseMetric: true), FitFiles.ChainWriters(folder, fit.Data));
        Assert.All(chains, c => Assert.Equal(0, c.Divergences));
        Assert.All(FitFiles.Summarise(fit, chains), row => Assert.True(row.Rhat <= 1.01, $"{row.Variable}: R-hat {row.Rhat:F4}"));
        Directory.Delete(folder, recursive: true);
    }

    private static FitModel SmallFit()
    {
        var data = FitData.FromAnimals("simulated", SimulatedStudy(Compiled.DefaultParameters(), 3), Model);
        return new FitModel(Compiled, data, new FitSettings(["k_act", "C50"]));
    }

    [Fact]
    public void SameSeedSameDrawsWhateverTheThreadCount()
    {
        var fit = SmallFit();
        var folder = InputTestSupport.CreateTempDirectory();
        var settings = new FitRunSettings(Chains: 2, Warmup: 60, Draws: 40, Seed: 9);
        var one = FitRunner.Run(fit, settings with { Threads = 1 }, FitFiles.ChainWriters(Path.Combine(folder, "one"), fit.Data));
        var two = FitRunner.Run(fit, settings with { Threads = 2 }, FitFiles.ChainWriters(Path.Combine(folder, "two"), fit.Data));
        for (var c = 0; c < 2; c++) Assert.Equal(one[c].Draws.SelectMany(d => d), two[c].Draws.SelectMany(d => d));
        var different = FitRunner.Run(fit, settings with { Seed = 10 }, FitFiles.ChainWriters(Path.Combine(folder, "other"), fit.Data));
        Assert.NotEqual(one[0].Draws.SelectMany(d => d), different[0].Draws.SelectMany(d => d));
        Directory.Delete(folder, recursive: true);
    }

    [Fact]
    public void AnInterruptedFitLeavesItsDrawsOnDisk()
    {
        var fit = SmallFit();
        var folder = InputTestSupport.CreateTempDirectory();
        using var cancellation = new CancellationTokenSource();
        var chains = FitRunner.Run(fit, new FitRunSettings(Chains: 1, Warmup: 50, Draws: 500, Seed: 2), FitFiles.ChainWriters(folder, fit.Data),
            p => { if (!p.Warmup && p.Iteration == 50 + 25) cancellation.Cancel(); }, cancellation.Token);
        var chain = Assert.Single(chains);
        Assert.False(chain.Completed);
        Assert.InRange(chain.Draws.Count, 25, 26);
        // Under the temporary name: no draws-chain-1.csv looks finished (ResultFile).
        Assert.False(File.Exists(Path.Combine(folder, "draws-chain-1.csv")));
        var csv = CmdStanCsvReader.Read(Path.Combine(folder, "draws-chain-1.csv" + ResultFile.PartialSuffix));
        Assert.Equal(chain.Draws.Count, csv.Draws.Count);
        Assert.False(csv.IsComplete);
        Assert.Equal(chain.Draws[^1][0], csv.Column("k_act")[^1]);
        Directory.Delete(folder, recursive: true);
    }

    [Fact]
    public void EveryDrawsPointwiseLogLikelihoodIsWrittenAndSumsToTheLikelihoodPartOfLp()
    {
        var fit = SmallFit();
        var folder = InputTestSupport.CreateTempDirectory();
        var chains = FitRunner.Run(fit, new FitRunSettings(Chains: 1, Warmup: 40, Draws: 20, Seed: 4), FitFiles.ChainWriters(folder, fit.Data));
        var draws = CmdStanCsvReader.Read(FitFiles.ChainFile(folder, 1));
        var logLik = CmdStanCsvReader.Read(FitFiles.LogLikelihoodFile(folder, 1));
        var observations = fit.Data.Readings.Count;
        Assert.Equal(FitChainWriter.LogLikelihoodNames(observations), logLik.ColumnNames.Skip(CmdStanCsvWriter.SamplerColumns.Count));
        Assert.Equal(chains[0].Draws.Count, logLik.Draws.Count);
        Assert.True(logLik.IsComplete);
        // lp__ = log prior + log Jacobian + Σ log-likelihood; the pointwise terms come from a plain simulation, the
        // sampler's from the sensitivity solve, which agree to the solver tolerance (rtol 1e-6).
        for (var d = 0; d < logLik.Draws.Count; d++)
        {
            var prior = 0.0;
            for (var i = 0; i < fit.PriorCount; i++)
            {
                var q = fit.Transforms[i].ToUnconstrained(draws.Draws[d][CmdStanCsvWriter.SamplerColumns.Count + i]);
                fit.Transforms[i].ToConstrained(q, out var logJacobian, out _, out _);
                prior += fit.Priors[i].LogDensity(draws.Draws[d][CmdStanCsvWriter.SamplerColumns.Count + i], out _) + logJacobian;
            }
            var sum = logLik.Draws[d].Skip(CmdStanCsvWriter.SamplerColumns.Count).Sum();
            Assert.Equal(draws.Draws[d][0], prior + sum, 1e-3);
        }
        // Per animal: each column the sum of that animal's readings (written to 17 significant digits, so equal to rounding).
        var perAnimal = CmdStanCsvReader.Read(FitFiles.AnimalLogLikelihoodFile(folder, 1));
        var animals = fit.Data.AnimalNames.Count;
        Assert.Equal(FitChainWriter.AnimalLogLikelihoodNames(animals), perAnimal.ColumnNames.Skip(CmdStanCsvWriter.SamplerColumns.Count));
        Assert.Equal(logLik.Draws.Count, perAnimal.Draws.Count);
        for (var d = 0; d < logLik.Draws.Count; d++)
            for (var a = 0; a < animals; a++)
            {
                var expected = fit.Data.Readings.Select((r, i) => (r, i)).Where(x => x.r.Animal == a)
                    .Sum(x => logLik.Draws[d][CmdStanCsvWriter.SamplerColumns.Count + x.i]);
                Assert.Equal(expected, perAnimal.Draws[d][CmdStanCsvWriter.SamplerColumns.Count + a], 1e-9);
            }
        Directory.Delete(folder, recursive: true);
    }
}
