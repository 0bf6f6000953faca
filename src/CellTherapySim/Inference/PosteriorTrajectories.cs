using CellTherapySim.Compilation;
using CellTherapySim.Runs;
using CellTherapySim.Scenarios;
using CellTherapySim.Simulation;
using CellTherapySim.Solvers;
using MathNet.Numerics.Statistics;

namespace CellTherapySim.Inference;

/// <summary>
/// One scenario simulated for the typical animal of every posterior draw (ODE, noise-free), in draw order; summarised
/// per output time and column (states, then readouts) by posterior quantiles (R's type 7).
/// </summary>
public sealed record PosteriorTrajectories(IReadOnlyList<Trajectory> Draws)
{
    /// <summary>The output times.</summary>
    public double[] Times => Draws[0].Times;

    /// <summary>The draws' <paramref name="probability"/> quantile of a column (<see cref="Trajectory.Value"/>) at output time index <paramref name="time"/>.</summary>
    public double Quantile(int time, int column, double probability) =>
        Draws.Select(d => d.Value(time, column)).QuantileCustom(probability, QuantileDefinition.R7);

    /// <summary>
    /// Simulates <paramref name="scenario"/> with each of <paramref name="draws"/> (full parameter vectors, model order)
    /// through <see cref="ScenarioSimulator"/> (without a cache: each draw exactly as a single run with its parameters) on
    /// the <see cref="OrderedRunner"/>; the result does not depend on <paramref name="threads"/> (0: all cores).
    /// </summary>
    /// <param name="progress">Called with the number of draws simulated so far.</param>
    /// <exception cref="SimulationException">A draw's simulation failed; the message names the draw.</exception>
    public static PosteriorTrajectories Simulate(CompiledModel model, ScenarioRequest scenario, IReadOnlyList<double[]> draws,
        SolverKind solver = SolverKind.Stiff, SolverOptions? options = null, int threads = 0, Action<int>? progress = null)
    {
        if (draws.Count == 0) throw new ArgumentException("no posterior draw", nameof(draws));
        var trajectories = new Trajectory[draws.Count];
        OrderedRunner.Run(0, draws.Count, () => new ScenarioSimulator(model, solver, options, cacheSize: 0),
            (position, simulator) => PosteriorDraw.Run(position, () => simulator.Simulate(scenario.For(draws[(int)position]))),
            (position, trajectory) => trajectories[position] = trajectory,
            threads, progress is null ? null : done => progress((int)done));
        return new PosteriorTrajectories(trajectories);
    }
}

/// <summary>The evaluation of one posterior draw, with a failure message that names the draw.</summary>
public static class PosteriorDraw
{
    /// <summary>Runs <paramref name="evaluate"/> for the draw at <paramref name="position"/> (0-based).</summary>
    /// <exception cref="SimulationException">The simulation failed; the message ends with "(posterior draw N)".</exception>
    public static T Run<T>(long position, Func<T> evaluate)
    {
        try
        {
            return evaluate();
        }
        catch (SimulationException failure)
        {
            throw new SimulationException($"{failure.Message} (posterior draw {position + 1})", failure);
        }
    }
}
