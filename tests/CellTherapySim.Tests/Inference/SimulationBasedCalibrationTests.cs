using CellTherapySim.Compilation;
using CellTherapySim.Inference;
using CellTherapySim.Inference.Sampling;
using CellTherapySim.Modeling;
using CellTherapySim.Studies;
using MathNet.Numerics.Distributions;
using MathNet.Numerics.Random;

namespace CellTherapySim.Tests.Inference;

/// <summary>
/// Simulation-based calibration (Talts, Betancourt, Simpson, Vehtari &amp; Gelman 2018, arXiv:1804.06788) of the whole
/// fitting path — priors, transforms, sensitivities, likelihood, NUTS — on a small ODE model: truths drawn from the
/// prior, data simulated from them, and the rank of each truth among thinned posterior draws must be uniform.
/// </summary>
[Trait("Category", "Slow")]
public class SimulationBasedCalibrationTests
{
    private const string DecayModel = """
        name: decay
        parameters:
          k: {value: 0.5, unit: 1/day, prior: {distribution: lognormal, median: 0.5, sdlog: 0.3}}
          X0: {value: 10, unit: "1", prior: {distribution: lognormal, median: 10, sdlog: 0.2}}
          kY: {value: 0.2, unit: 1/day}
        states:
          X: {initial: 0, unit: "1"}
          Y: {initial: 0, unit: "1"}
        equations:
          dX/dt: -k*X
          dY/dt: k*X - kY*Y
        readouts:
          signal: {expression: "X0*(X + Y) + 1", unit: "1"}
        injuries:
          start:
            initial: {X: 1}
        endpoints:
          signal:
            readout: signal
            unit: "1"
            error: {model: additive, sd: 0.3, prior: {distribution: halfnormal, sd: 0.5}}
        """;

    [Fact]
    public void RanksOfTheTruthAreUniform()
    {
        const int replicates = 200, thin = 3, kept = 99, bins = 10;
        var model = ModelFileReader.Read(DecayModel, "decay.yaml");
        var compiled = CompiledModel.Compile(model);
        var times = new[] { 0.5, 1, 2, 4, 6, 9 };
        var free = new[] { "k", "X0" };
        var names = free.Append("sigma_signal").ToArray();
        var ranks = new int[replicates, names.Length];

        Parallel.For(0, replicates, replicate =>
        {
            var random = new Xoshiro256StarStar(1000 + replicate);
            // Truth from the priors, then data from the truth.
            var truth = new[]
            {
                new PriorDensity(model.Parameters[0].Prior).Sample(random),
                new PriorDensity(model.Parameters[1].Prior).Sample(random),
                new PriorDensity(model.Endpoints[0].ErrorPrior).Sample(random),
            };
            var parameters = compiled.DefaultParameters();
            (parameters[0], parameters[1]) = (truth[0], truth[1]);
            var trajectory = new CellTherapySim.Simulation.Simulator(compiled).Simulate(parameters, compiled.InitialState("start"), [], times);
            var readings = times.Select((t, i) => new Observation(t, "signal", trajectory.Readout(i, 0) + Normal.Sample(random, 0, truth[2]), Censoring.Exact)).ToList();
            var data = FitData.FromAnimals("sbc", [new AnimalRecord(1, "G", "start", [], readings)], model);
            var fit = new FitModel(compiled, data, new FitSettings(free));

            var draws = new List<double[]>();
            var sampler = new NutsSampler(new FitPosterior(fit), new NutsSettings(300, kept * thin), random);
            sampler.Run(fit.InitialPoint(random, 0.5), d => { if (!d.IsWarmup) draws.Add(fit.Constrain(d.Position)); });
            var thinned = draws.Where((_, i) => i % thin == thin - 1).ToList();
            for (var p = 0; p < names.Length; p++) ranks[replicate, p] = thinned.Count(d => d[p] < truth[p]);
        });

        // χ² test of uniformity over 10 bins of 10 ranks (0..99): 9 degrees of freedom, 1% level → critical value 21.67.
        var critical = ChiSquared.InvCDF(bins - 1, 0.99);
        for (var p = 0; p < names.Length; p++)
        {
            var counts = new int[bins];
            for (var r = 0; r < replicates; r++) counts[Math.Min(ranks[r, p] / ((kept + 1) / bins), bins - 1)]++;
            var expected = replicates / (double)bins;
            var chi2 = counts.Sum(c => (c - expected) * (c - expected) / expected);
            Assert.True(chi2 < critical, $"{names[p]}: χ² = {chi2:F1} ≥ {critical:F1}; bin counts {string.Join(", ", counts)}");
        }
    }
}
