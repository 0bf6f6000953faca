using CellTherapySim.Modeling;
using CellTherapySim.Runs;
using CellTherapySim.Simulation;
using CellTherapySim.Studies;
using MathNet.Numerics.Statistics;

namespace CellTherapySim.Inference;

/// <summary>Posterior median and 90% interval (type-7 quantiles) of one quantity over the draws.</summary>
public readonly record struct PosteriorInterval(double Median, double Q5, double Q95)
{
    /// <summary>The median and the 5% and 95% quantiles (type 7) of <paramref name="values"/>.</summary>
    public static PosteriorInterval Of(IReadOnlyList<double> values) => new(
        values.QuantileCustom(0.5, QuantileDefinition.R7), values.QuantileCustom(0.05, QuantileDefinition.R7), values.QuantileCustom(0.95, QuantileDefinition.R7));
}

/// <summary>One random effect of one animal: the posterior of its individual value of the parameter and of its η.</summary>
public sealed record IndividualEffect(string Parameter, PosteriorInterval Value, PosteriorInterval Eta);

/// <summary>One animal (a row of individuals.csv): its ID, group and the posterior of each random effect.</summary>
public sealed record AnimalEstimate(int Id, string Group, IReadOnlyList<IndividualEffect> Effects);

/// <summary>One reading (a row of ipred.csv): the reading, its individual and population predictions and its weighted residual.</summary>
/// <param name="Ipred">The animal's prediction (its individual parameters, no residual error) over the draws.</param>
/// <param name="Pred">
/// The population prediction: the median over the draws of the typical animal's prediction (typical values, η = 0,
/// this animal's design) — not the prediction at the posterior medians of the parameters.
/// </param>
/// <param name="Iwres">
/// The residual on the endpoint's error scale — log DV − log IPRED median (multiplicative error) or DV − IPRED median
/// (additive) — over the posterior median of the endpoint's residual SD; NaN for a censored reading.
/// </param>
public sealed record ReadingPrediction(int Id, string Group, double Time, string Endpoint, double Value, Censoring Censoring, PosteriorInterval Ipred, double Pred, double Iwres);

/// <summary>Individual outputs of a fit: one estimate per animal (none without random effects) and one prediction per reading.</summary>
public sealed record IndividualPredictionResults(IReadOnlyList<AnimalEstimate> Animals, IReadOnlyList<ReadingPrediction> Readings);

/// <summary>
/// Per-animal outputs of a fit to individual animals: each animal's individual parameter values and ηs, and each
/// reading's individual prediction (IPRED), population prediction (PRED) and weighted residual (IWRES) over posterior draws.
/// </summary>
public static class IndividualPredictions
{
    /// <summary>
    /// Computes the outputs over the constrained <paramref name="draws"/> (each in <see cref="FitModel.Names"/> order) for
    /// <paramref name="animals"/>, the fit's animals in <see cref="FitData.AnimalNames"/> order; readings in the animals'
    /// order, each animal's in its own. Each animal is simulated once per draw at its distinct reading days (twice with
    /// random effects: also as the typical animal), one simulator per thread; results do not depend on <paramref name="threads"/>.
    /// </summary>
    /// <exception cref="ArgumentException">The animals are not the fit's, or there are no draws.</exception>
    /// <exception cref="SimulationException">A draw's simulation of an animal failed.</exception>
    public static IndividualPredictionResults Compute(FitModel fit, IReadOnlyList<AnimalRecord> animals, IReadOnlyList<double[]> draws, int threads)
    {
        if (animals.Count == 0 || animals.Count != fit.Data.AnimalNames.Count)
            throw new ArgumentException($"expected the fit's {fit.Data.AnimalNames.Count} animals, got {animals.Count}", nameof(animals));
        if (draws.Count == 0) throw new ArgumentException("no draws", nameof(draws));
        var model = fit.Compiled.Definition;
        var days = animals.Select(a => a.Observations.Select(o => o.Time).Distinct().Order().ToArray()).ToArray();
        // Each animal's readings as (index of the day in its days, endpoint); their predictions go at first[a] onwards.
        var readings = animals.Select((animal, a) => animal.Observations
            .Select(o => (Day: Array.IndexOf(days[a], o.Time), Endpoint: model.EndpointIndex(o.Endpoint))).ToArray()).ToArray();
        var first = new int[animals.Count + 1];
        for (var a = 0; a < animals.Count; a++) first[a + 1] = first[a] + readings[a].Length;

        var individual = draws.Select(_ => new double[first[^1]]).ToArray();
        var typical = fit.RandomEffects.Length > 0 ? draws.Select(_ => new double[first[^1]]).ToArray() : individual;
        OrderedRunner.Run(0, (long)draws.Count * animals.Count, () => new Simulator(fit.Compiled, SolverKind.Stiff, fit.SolverOptions), (position, simulator) =>
        {
            var (d, a) = ((int)(position / animals.Count), (int)(position % animals.Count));
            var (draw, animal) = (draws[d], animals[a]);
            var parameters = (double[])fit.BaseParameters.Clone();
            fit.SetBodyWeight(parameters, animal.BodyWeight);
            for (var k = 0; k < fit.Free.Length; k++) parameters[fit.Free[k]] = fit.IndividualValue(draw, k, a);
            var own = Predict(simulator, fit, parameters, animal, days[a], readings[a]);
            if (fit.RandomEffects.Length == 0) return (own, own);
            foreach (var k in fit.RandomEffects) parameters[fit.Free[k]] = draw[k];
            return (own, Predict(simulator, fit, parameters, animal, days[a], readings[a]));
        }, (position, result) =>
        {
            var (d, a) = ((int)(position / animals.Count), (int)(position % animals.Count));
            result.Item1.CopyTo(individual[d], first[a]);
            result.Item2.CopyTo(typical[d], first[a]);
        }, threads);

        var sigma = fit.Data.Endpoints.ToDictionary(e => e, e => draws.Select(draw => draw[fit.ResidualCoordinate(e)]).ToArray().QuantileCustom(0.5, QuantileDefinition.R7));
        var rows = new List<ReadingPrediction>(first[^1]);
        for (var a = 0; a < animals.Count; a++)
            for (var r = 0; r < readings[a].Length; r++)
            {
                var (animal, observation, endpoint, i) = (animals[a], animals[a].Observations[r], model.Endpoints[readings[a][r].Endpoint], first[a] + r);
                var ipred = PosteriorInterval.Of(individual.Select(p => p[i]).ToArray());
                var residual = endpoint.ErrorModel == ErrorModel.Multiplicative ? Math.Log(observation.Value) - Math.Log(ipred.Median) : observation.Value - ipred.Median;
                rows.Add(new ReadingPrediction(animal.Id, animal.Group, observation.Time, observation.Endpoint, observation.Value, observation.Censoring, ipred,
                    typical.Select(p => p[i]).ToArray().QuantileCustom(0.5, QuantileDefinition.R7),
                    observation.Censoring == Censoring.Exact ? residual / sigma[readings[a][r].Endpoint] : double.NaN));
            }

        IReadOnlyList<AnimalEstimate> estimates = fit.RandomEffects.Length == 0 ? [] : animals.Select((animal, a) => new AnimalEstimate(animal.Id, animal.Group, fit.RandomEffects.Select((k, j) =>
            new IndividualEffect(model.Parameters[fit.Free[k]].Name,
                PosteriorInterval.Of(draws.Select(draw => fit.IndividualValue(draw, k, a)).ToArray()),
                PosteriorInterval.Of(draws.Select(draw => draw[fit.EtaCoordinate(j, a)]).ToArray()))).ToList())).ToList();
        return new IndividualPredictionResults(estimates, rows);
    }

    /// <summary>The model's readout of each reading's endpoint at its day, for one animal with <paramref name="parameters"/>.</summary>
    private static double[] Predict(Simulator simulator, FitModel fit, double[] parameters, AnimalRecord animal, double[] days, (int Day, int Endpoint)[] readings)
    {
        var trajectory = simulator.Simulate(parameters, fit.Compiled.InitialState(animal.Injury), animal.Doses, days);
        return readings.Select(r => trajectory.Readout(r.Day, fit.Compiled.Definition.Endpoints[r.Endpoint].Readout)).ToArray();
    }
}
