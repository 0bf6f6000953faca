using CellTherapySim.Agents;
using CellTherapySim.Compilation;
using CellTherapySim.Modeling;
using CellTherapySim.Runs;
using CellTherapySim.Simulation;
using CellTherapySim.Solvers;
using CellTherapySim.Studies;
using MathNet.Numerics.Random;

namespace CellTherapySim.Populations;

/// <summary>How a virtual cohort is simulated.</summary>
/// <param name="AnimalsPerGroup">Overrides the study's animals per group when set.</param>
/// <param name="Seed">Seed of every random draw (parameters, then measurement noise).</param>
/// <param name="Threads">Worker threads for the simulations; the result does not depend on it.</param>
/// <param name="Noise">Add residual error, round readings to 0.01 and censor at the cutoffs; false gives exact model values (still censored).</param>
/// <param name="Solver">Integrator.</param>
/// <param name="SolverOptions">Tolerances.</param>
/// <param name="Agents">When set, each animal is simulated by the hybrid agent-based engine (its own cell fates and lattice) instead of the ODE.</param>
/// <param name="Journal">When set (a numeric journal of the endpoints, one row per readout day), each animal's noise-free readouts are kept there, and animals already in it are not simulated again.</param>
public sealed record CohortOptions(
    int? AnimalsPerGroup = null,
    int Seed = 1,
    int Threads = 0,
    bool Noise = true,
    SolverKind Solver = SolverKind.Stiff,
    SolverOptions? SolverOptions = null,
    AgentModel? Agents = null,
    ResultJournal? Journal = null);

/// <summary>A simulated cohort: every animal's record as it would be observed, and each group's typical (noise-free) prediction.</summary>
/// <param name="Animals">The animals in ID order (IDs 1..N, group by group).</param>
/// <param name="Predictions">Per group (study order): noise-free readout of the typical animal, [day index, endpoint index].</param>
/// <param name="Parameters">Per animal: its parameter vector (model order).</param>
public sealed record Cohort(Study Study, IReadOnlyList<AnimalRecord> Animals, IReadOnlyList<double[,]> Predictions, IReadOnlyList<double[]> Parameters)
{
    /// <summary>The typical animal's noise-free value of <paramref name="endpoint"/> in <paramref name="group"/> on readout day <paramref name="day"/>.</summary>
    public double Prediction(string group, double day, string endpoint)
    {
        var design = Study.Design;
        var g = design.Groups.ToList().FindIndex(x => x.Name == group);
        var d = design.ReadoutDays.ToList().IndexOf(day);
        var e = design.Endpoints.ToList().IndexOf(endpoint);
        if (g < 0 || d < 0 || e < 0) throw new ArgumentException($"no prediction for {group}, day {day}, {endpoint}");
        return Predictions[g][d, e];
    }
}

/// <summary>
/// Simulates a study's virtual cohort. Random draws are made sequentially in animal order from one generator
/// seeded by <see cref="CohortOptions.Seed"/> (first all animals' parameters, then, for the agent engine, one seed per
/// animal, then all readings' noise), and the simulations run in parallel on per-thread simulators, so results are
/// identical whatever the thread count.
/// </summary>
public static class CohortSimulator
{
    /// <summary>Simulates the cohort; <paramref name="typical"/> are the typical parameter values (model order).</summary>
    /// <param name="progress">Called with the number of animals simulated so far (from worker threads).</param>
    public static Cohort Simulate(Study study, CompiledModel model, double[] typical, CohortOptions options, Action<int>? progress = null)
    {
        var design = study.Design;
        var bodyWeight = study.Model.ParameterIndex(ModelFileReader.BodyWeightParameter);
        var groups = design.Groups.Select(g => g with { Animals = options.AnimalsPerGroup ?? g.Animals }).ToList();
        var total = groups.Sum(g => g.Animals);
        var groupOf = groups.SelectMany((g, i) => Enumerable.Repeat(i, g.Animals)).ToArray();
        var endpoints = design.Endpoints.Select(e => study.Model.Endpoint(e) ?? throw new InputException(study.Source, $"unknown endpoint '{e}'")).ToArray();
        var days = design.ReadoutDays.ToArray();

        if (options.Agents is not null)
            foreach (var group in groups) HybridSimulator.CheckCellCount(group.Doses, study.Source, $"the doses of group '{group.Name}'");
        var random = new Xoshiro256StarStar(options.Seed);
        var parameters = new ParameterSampler(typical, study.Variability, study.Source).SampleAnimals(total, random);
        var agentSeeds = options.Agents is null ? null : Enumerable.Range(0, total).Select(_ => random.Next()).ToArray();

        var predictions = new double[total][];
        var resumed = (int)Math.Min(options.Journal?.CompletedUnits ?? 0, total);
        if (resumed > 0)
        {
            var units = options.Journal!.ReadNumericUnits(resumed, days.Length, endpoints.Length);
            for (var a = 0; a < resumed; a++) predictions[a] = units[a].SelectMany(row => row.Skip(1)).ToArray();
            progress?.Invoke(resumed);
        }
        // One engine per worker thread: the ODE, or the hybrid agent engine seeded per animal.
        Func<Func<int, StudyGroup, Trajectory>> createEngine = options.Agents is { } agents
            ? () =>
            {
                var engine = new HybridSimulator(agents, options.Solver, options.SolverOptions);
                return (a, group) => engine.Simulate(parameters[a], model.InitialState(group.Injury), group.Doses, days, agentSeeds![a]).Trajectory;
            }
            : () =>
            {
                var simulator = new Simulator(model, options.Solver, options.SolverOptions);
                return (a, group) => simulator.Simulate(parameters[a], model.InitialState(group.Injury), group.Doses, days);
            };
        OrderedRunner.Run(resumed, total, createEngine, (position, simulate) =>
        {
            var a = (int)position;
            var group = groups[groupOf[a]];
            double[] readouts;
            try
            {
                readouts = Readouts(simulate(a, group), endpoints);
            }
            catch (SimulationException failure)
            {
                throw new SimulationException($"{failure.Message} (virtual animal {a + 1}, group {group.Name})", failure);
            }
            // The journal lines are formatted here, in parallel; the in-order commit only appends them.
            var lines = options.Journal is null ? null : ResultJournal.NumericLines(position,
                days.Select((day, d) => readouts.Skip(d * endpoints.Length).Take(endpoints.Length).Prepend(day).ToArray())).ToArray();
            return (Readouts: readouts, Lines: lines);
        }, (position, animal) =>
        {
            predictions[position] = animal.Readouts;
            if (animal.Lines is not null) options.Journal!.Append(animal.Lines);
        }, options.Threads, progress is null ? null : done => progress(resumed + (int)done));

        var animals = new AnimalRecord[total];
        for (var a = 0; a < total; a++)
        {
            var group = groups[groupOf[a]];
            var observations = new List<Observation>(days.Length * endpoints.Length);
            for (var d = 0; d < days.Length; d++)
                for (var e = 0; e < endpoints.Length; e++)
                    observations.Add(Observe(days[d], endpoints[e], predictions[a][d * endpoints.Length + e], options.Noise ? random : null));
            // An animal's own body weight (a study's, or varying between animals) is recorded as the data's WT.
            var weight = bodyWeight >= 0 && parameters[a][bodyWeight] != study.Model.Parameters[bodyWeight].Value ? parameters[a][bodyWeight] : (double?)null;
            animals[a] = new AnimalRecord(a + 1, group.Name, group.Injury, group.Doses, observations, weight);
        }

        var typicalSimulator = new Simulator(model, options.Solver, options.SolverOptions);
        var groupPredictions = groups.Select(g =>
        {
            var flat = Readouts(typicalSimulator.Simulate(typical, model.InitialState(g.Injury), g.Doses, days), endpoints);
            var table = new double[days.Length, endpoints.Length];
            for (var d = 0; d < days.Length; d++)
                for (var e = 0; e < endpoints.Length; e++) table[d, e] = flat[d * endpoints.Length + e];
            return table;
        }).ToList();

        return new Cohort(study with { Design = design with { Groups = groups } }, animals, groupPredictions, parameters);
    }

    /// <summary>The endpoints' readouts at every output time, flattened [day, endpoint].</summary>
    private static double[] Readouts(Trajectory trajectory, EndpointDefinition[] endpoints)
    {
        var result = new double[trajectory.Times.Length * endpoints.Length];
        for (var d = 0; d < trajectory.Times.Length; d++)
            for (var e = 0; e < endpoints.Length; e++)
                result[d * endpoints.Length + e] = trajectory.Readout(d, endpoints[e].Readout);
        return result;
    }

    /// <summary>
    /// A reading of <paramref name="value"/>: with noise, residual error of the endpoint's model and rounding to 0.01;
    /// then censoring — at or beyond a cutoff the reading is the cutoff, flagged censored.
    /// </summary>
    public static Observation Observe(double time, EndpointDefinition endpoint, double value, Random? noise)
    {
        if (noise is not null)
        {
            value = Math.Round(endpoint.WithResidualError(value, endpoint.ErrorSd, noise), 2, MidpointRounding.AwayFromZero);
        }
        if (endpoint.UpperCutoff is { } upper && value >= upper) return new Observation(time, endpoint.Name, upper, Censoring.Right);
        if (endpoint.LowerCutoff is { } lower && value <= lower) return new Observation(time, endpoint.Name, lower, Censoring.Left);
        return new Observation(time, endpoint.Name, value, Censoring.Exact);
    }
}
