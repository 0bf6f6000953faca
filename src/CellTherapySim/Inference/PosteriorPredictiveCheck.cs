using CellTherapySim.Modeling;
using CellTherapySim.Populations;
using CellTherapySim.Runs;
using CellTherapySim.Simulation;
using CellTherapySim.Studies;
using MathNet.Numerics.Distributions;
using MathNet.Numerics.Random;
using MathNet.Numerics.Statistics;

namespace CellTherapySim.Inference;

/// <summary>One row of the posterior predictive check: the observed group mean beside the predictive distribution of that mean.</summary>
public sealed record PredictiveRow(string Group, double Time, string Endpoint, int N, double ObservedMean, double Median, double Q5, double Q25, double Q75, double Q95);

/// <summary>
/// Posterior predictive check of group means: for each posterior draw, N new animals per group (new ηs for random
/// effects) are simulated and observed — residual error, rounding-free, censored at the cutoffs — and their mean is
/// the draw's predicted group mean; its median and 50%/90% intervals (type-7 quantiles) stand beside the observed mean.
/// </summary>
public static class PosteriorPredictiveCheck
{
    /// <summary>Runs the check on the constrained <paramref name="draws"/> (each in <see cref="FitModel.Names"/> order).</summary>
    public static IReadOnlyList<PredictiveRow> Run(FitModel fit, IReadOnlyList<double[]> draws, int seed, int threads)
    {
        var model = fit.Compiled.Definition;
        var data = fit.Data;
        var cells = ObservedCells(data);
        // Each group's design (its first animal's injury and regimen), at every day the group was read.
        var designs = cells.Select(c => c.Group).Distinct().ToDictionary(g => g, g =>
        {
            var first = data.Scenarios[data.Groups.First(x => x.Group == g).Scenario];
            return first with { Times = cells.Where(c => c.Group == g).Select(c => c.Time).Distinct().Order().ToArray() };
        });

        // Each group's cells (index into cells), found once.
        var groupCells = designs.Keys.ToDictionary(g => g, g => Enumerable.Range(0, cells.Count).Where(i => cells[i].Group == g).ToArray());
        var randomEffects = fit.RandomEffects.Length > 0;

        // All random draws up front, in draw order: one stream per draw so the parallel simulations cannot reorder them.
        var random = new Xoshiro256StarStar(seed);
        var drawSeeds = draws.Select(_ => random.Next()).ToArray();
        var predicted = new double[draws.Count][];
        OrderedRunner.Run(0, draws.Count, () => new Simulator(fit.Compiled, SolverKind.Stiff, fit.SolverOptions), (position, simulator) =>
        {
            var d = (int)position;
            var rng = new Xoshiro256StarStar(drawSeeds[d]);
            var draw = draws[d];
            var sums = new double[cells.Count];
            foreach (var (group, scenario) in designs)
            {
                var indices = groupCells[group];
                // Fixed effects: one prediction, N noisy readings per cell; random effects: one new animal per reading.
                var animals = randomEffects ? indices.Max(i => cells[i].N) : 1;
                for (var a = 0; a < animals; a++)
                {
                    var parameters = Parameters(fit, draw, rng);
                    fit.SetBodyWeight(parameters, scenario);
                    var trajectory = simulator.Simulate(parameters, fit.Compiled.InitialState(scenario.Injury), scenario.Doses, scenario.Times);
                    foreach (var i in indices)
                    {
                        var cell = cells[i];
                        if (a >= cell.N) continue;
                        var endpoint = model.Endpoints[cell.Endpoint];
                        var f = trajectory.Readout(Array.IndexOf(scenario.Times, cell.Time), endpoint.Readout);
                        var sigma = draw[fit.ResidualCoordinate(cell.Endpoint)];
                        for (var r = 0; r < (randomEffects ? 1 : cell.N); r++)
                            sums[i] += CohortSimulator.Observe(cell.Time, endpoint, endpoint.WithResidualError(f, sigma, rng), null).Value;
                    }
                }
            }
            for (var i = 0; i < cells.Count; i++) sums[i] /= cells[i].N;
            return sums;
        }, (d, sums) => predicted[d] = sums, threads);

        return cells.Select((c, i) =>
        {
            var values = predicted.Select(p => p[i]).ToArray();
            return new PredictiveRow(c.Group, c.Time, model.Endpoints[c.Endpoint].Name, c.N, c.Mean,
                values.QuantileCustom(0.5, QuantileDefinition.R7), values.QuantileCustom(0.05, QuantileDefinition.R7),
                values.QuantileCustom(0.25, QuantileDefinition.R7), values.QuantileCustom(0.75, QuantileDefinition.R7),
                values.QuantileCustom(0.95, QuantileDefinition.R7));
        }).ToList();
    }

    private sealed record Cell(string Group, double Time, int Endpoint, int N, double Mean);

    /// <summary>Observed group means (censored readings counted at the cutoff) by group, day and endpoint.</summary>
    private static List<Cell> ObservedCells(FitData data)
    {
        if (data.Means.Count > 0)
            return data.Means.Select(m => new Cell(data.Groups.First(g => g.Scenario == m.Scenario).Group, data.Scenarios[m.Scenario].Times[m.Time], m.Endpoint, m.N, m.Mean)).ToList();
        var groupOf = data.Groups.ToDictionary(g => g.Scenario, g => g.Group);
        return data.Readings
            .GroupBy(r => (Group: groupOf[r.Scenario], Time: data.Scenarios[r.Scenario].Times[r.Time], r.Endpoint))
            .Select(g => new Cell(g.Key.Group, g.Key.Time, g.Key.Endpoint, g.Count(), g.Average(r => r.Value)))
            .ToList();
    }

    /// <summary>A new animal's parameters under a draw: the typical values, with new ηs for the random effects.</summary>
    private static double[] Parameters(FitModel fit, double[] draw, Random random)
    {
        var parameters = (double[])fit.BaseParameters.Clone();
        for (var k = 0; k < fit.Free.Length; k++) parameters[fit.Free[k]] = draw[k];
        for (var j = 0; j < fit.RandomEffects.Length; j++)
        {
            var k = fit.RandomEffects[j];
            parameters[fit.Free[k]] = fit.Scales[j].Individual(draw[k], draw[fit.OmegaOffset + j] * Normal.Sample(random, 0, 1));
        }
        return parameters;
    }
}
