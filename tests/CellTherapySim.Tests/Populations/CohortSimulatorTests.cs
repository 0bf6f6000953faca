using CellTherapySim.Compilation;
using CellTherapySim.Modeling;
using CellTherapySim.Output;
using CellTherapySim.Populations;
using CellTherapySim.Simulation;
using CellTherapySim.Studies;
using CellTherapySim.Tests.Modeling;

namespace CellTherapySim.Tests.Populations;

/// <summary>Virtual cohorts: exactness without variability, statistics of the sampled parameters, censoring and reproducibility.</summary>
public class CohortSimulatorTests
{
    private static readonly CompiledModel Model = CompiledModel.Compile(DefaultModel.Definition);

    private static Study SeedStudy() => StudyFileReader.ReadFile(Path.Combine(InputTestSupport.RepositoryRoot(), "models", "studies", "cci-iv-day7.yaml"));

    [Fact]
    public void WithoutVariabilityOrNoiseEveryAnimalIsTheSingleAnimalSimulation()
    {
        var study = SeedStudy() with { Variability = BetweenAnimalVariability.None };
        var cohort = CohortSimulator.Simulate(study, Model, Model.DefaultParameters(), new CohortOptions(AnimalsPerGroup: 3, Noise: false));
        var days = study.Design.ReadoutDays.ToArray();
        var simulator = new Simulator(Model);
        foreach (var animal in cohort.Animals)
        {
            var group = study.Design.Groups.Single(g => g.Name == animal.Group);
            var single = simulator.Simulate(Model.DefaultParameters(), Model.InitialState(group.Injury), group.Doses, days);
            foreach (var observation in animal.Observations)
            {
                var endpoint = DefaultModel.Definition.Endpoint(observation.Endpoint)!;
                var expected = single.Readout(Array.IndexOf(days, observation.Time), endpoint.Readout);
                if (observation.Censoring == Censoring.Right)
                    Assert.True(expected >= endpoint.UpperCutoff && observation.Value == endpoint.UpperCutoff);
                else
                    Assert.Equal(expected, observation.Value);
            }
        }
        Assert.Equal(9, cohort.Animals.Count);
    }

    [Fact]
    public void SampledParametersHaveTheSpecifiedMedianMeanAndCv()
    {
        // θ_i = θ·exp(η), η ~ N(0, ω²), ω² = log(1 + CV²): median θ, mean θ·√(1 + CV²), CV exact.
        // Tolerances: 4 standard errors for N = 10,000 draws; the SE of the sample SD uses the log-normal's kurtosis.
        const int n = 10_000;
        var k_act = DefaultModel.Definition.ParameterIndex("k_act");
        var variability = new BetweenAnimalVariability([new VariabilityTerm(k_act, "k_act", 0.3, VariabilityScale.Log)], []);
        var typical = Model.DefaultParameters();
        var sampler = new ParameterSampler(typical, variability, "test");
        var random = new MathNet.Numerics.Random.Xoshiro256StarStar(42);
        var values = new double[n];
        var parameters = new double[typical.Length];
        for (var i = 0; i < n; i++)
        {
            sampler.Sample(random, parameters);
            values[i] = parameters[k_act];
        }
        double cv = 0.3, theta = typical[k_act], w2 = Math.Log(1 + cv * cv);
        var expectedMean = theta * Math.Sqrt(1 + cv * cv);
        var sd = expectedMean * cv;
        var mean = values.Average();
        Assert.InRange(mean, expectedMean - 4 * sd / Math.Sqrt(n), expectedMean + 4 * sd / Math.Sqrt(n));

        var sampleSd = Math.Sqrt(values.Sum(v => (v - mean) * (v - mean)) / (n - 1));
        var excessKurtosis = Math.Exp(4 * w2) + 2 * Math.Exp(3 * w2) + 3 * Math.Exp(2 * w2) - 6;
        var seSd = sd * Math.Sqrt((2.0 / (n - 1) + excessKurtosis / n)) / 2;
        Assert.InRange(sampleSd / mean, cv - 4 * seSd / expectedMean, cv + 4 * seSd / expectedMean);

        // Median: SE ≈ 1.2533·σ_η·θ/√n on the log-normal's median.
        var median = MathNet.Numerics.Statistics.Statistics.Median(values);
        var seMedian = 1.2533 * Math.Sqrt(w2) * theta / Math.Sqrt(n);
        Assert.InRange(median, theta - 4 * seMedian, theta + 4 * seMedian);
        Assert.All(values, v => Assert.True(v > 0));
    }

    [Fact]
    public void CorrelatedEtasHaveTheSpecifiedCorrelation()
    {
        const int n = 10_000;
        var d = DefaultModel.Definition;
        var (a, b) = (d.ParameterIndex("sig_T"), d.ParameterIndex("sig_L"));
        var variability = new BetweenAnimalVariability(
            [new VariabilityTerm(a, "sig_T", 0.3, VariabilityScale.Log), new VariabilityTerm(b, "sig_L", 0.5, VariabilityScale.Log)],
            [new EtaCorrelation(0, 1, 0.6)]);
        var typical = Model.DefaultParameters();
        var sampler = new ParameterSampler(typical, variability, "test");
        var random = new MathNet.Numerics.Random.Xoshiro256StarStar(7);
        var (x, y) = (new double[n], new double[n]);
        var p = new double[typical.Length];
        for (var i = 0; i < n; i++)
        {
            sampler.Sample(random, p);
            (x[i], y[i]) = (Math.Log(p[a] / typical[a]), Math.Log(p[b] / typical[b]));
        }
        // SE of a correlation coefficient ≈ (1 − r²)/√n.
        var r = MathNet.Numerics.Statistics.Correlation.Pearson(x, y);
        Assert.InRange(r, 0.6 - 4 * (1 - 0.36) / Math.Sqrt(n), 0.6 + 4 * (1 - 0.36) / Math.Sqrt(n));
    }

    [Fact]
    public void BoundedParametersStayInsideTheirBounds()
    {
        var study = SeedStudy();
        var cohort = CohortSimulator.Simulate(study, Model, Model.DefaultParameters(), new CohortOptions(AnimalsPerGroup: 500));
        var imax = DefaultModel.Definition.ParameterIndex("ImaxP");
        Assert.All(cohort.Parameters, p => Assert.InRange(p[imax], double.Epsilon, 1 - 1e-12));
        Assert.All(cohort.Animals.SelectMany(a => a.Observations), o => Assert.True(o.Value > 0));
    }

    [Fact]
    public void ReadingsBeyondTheCutoffComeOutAtTheCutoffAndCensored()
    {
        var study = SeedStudy();
        var cohort = CohortSimulator.Simulate(study, Model, Model.DefaultParameters(), new CohortOptions(AnimalsPerGroup: 200, Seed: 3));
        var censored = 0;
        foreach (var o in cohort.Animals.SelectMany(a => a.Observations))
        {
            var cutoff = DefaultModel.Definition.Endpoint(o.Endpoint)!.UpperCutoff!.Value;
            Assert.True(o.Value <= cutoff, $"{o.Endpoint} {o.Value} above its cutoff {cutoff}");
            Assert.Equal(o.Value == cutoff, o.Censoring == Censoring.Right);
            if (o.Censoring == Censoring.Right) censored++;
        }
        Assert.True(censored > 100, "sham animals near 15 g must often read at the cutoff");
    }

    [Fact]
    public void ObservationAtExactlyTheCutoffIsCensored()
    {
        var pmwt = DefaultModel.Definition.Endpoint("PMWT")!;
        Assert.Equal(new Observation(1, "PMWT", 15, Censoring.Right), CohortSimulator.Observe(1, pmwt, 15.0, null));
        Assert.Equal(new Observation(1, "PMWT", 15, Censoring.Right), CohortSimulator.Observe(1, pmwt, 17.3, null));
        Assert.Equal(new Observation(1, "PMWT", 14.2, Censoring.Exact), CohortSimulator.Observe(1, pmwt, 14.2, null));
    }

    [Fact]
    public void SameSeedGivesTheSameBytesWhateverTheThreadCount()
    {
        var study = SeedStudy();
        var folder = InputTestSupport.CreateTempDirectory();
        string Run(int threads, int seed)
        {
            var dir = Path.Combine(folder, $"t{threads}s{seed}");
            CohortFiles.Write(dir, CohortSimulator.Simulate(study, Model, Model.DefaultParameters(), new CohortOptions(AnimalsPerGroup: 40, Seed: seed, Threads: threads)));
            return File.ReadAllText(Path.Combine(dir, CohortFiles.Observations)) + File.ReadAllText(Path.Combine(dir, CohortFiles.Summary));
        }
        var one = Run(1, 5);
        Assert.Equal(one, Run(2, 5));
        Assert.Equal(one, Run(4, 5));
        Assert.NotEqual(one, Run(2, 6));
        Directory.Delete(folder, recursive: true);
    }
}
