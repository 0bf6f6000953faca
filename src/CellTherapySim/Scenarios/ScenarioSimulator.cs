using CellTherapySim.Compilation;
using CellTherapySim.Simulation;
using CellTherapySim.Solvers;

namespace CellTherapySim.Scenarios;

/// <summary>
/// Simulates scenarios of one compiled model with the ODE engine, sharing work between scenarios that differ only in
/// their doses: the untreated trajectory of a parameter set, injury and time grid is simulated once (kept in a small
/// cache), and a dosed scenario starts from its state at the first dose, which the doses cannot have changed before
/// then. With no cache (size 0) every scenario is simulated on its own from day 0, exactly as <see cref="Simulator"/>
/// does: the choice for one scenario per parameter set (a single animal, posterior draws). One instance per thread.
/// </summary>
public sealed class ScenarioSimulator
{
    private readonly Simulator _simulator;
    private readonly int _cacheSize;
    private readonly List<(Scenario Key, Trajectory Value)> _untreated;

    /// <summary>
    /// Creates a simulator of <paramref name="model"/> with the chosen solver and tolerances, keeping the
    /// <paramref name="cacheSize"/> most recent untreated trajectories for reuse (0: none, nothing shared).
    /// </summary>
    public ScenarioSimulator(CompiledModel model, SolverKind solver = SolverKind.Stiff, SolverOptions? options = null, int cacheSize = 8)
    {
        _simulator = new Simulator(model, solver, options);
        _cacheSize = Math.Max(cacheSize, 0);
        _untreated = new(_cacheSize);
    }

    /// <summary>The model simulated.</summary>
    public CompiledModel Model => _simulator.Model;

    /// <summary>
    /// The scenario's trajectory at its output times. With a cache, a dosed scenario whose first dose falls on one of its
    /// output times continues the untreated trajectory from there (outputs before it are the untreated ones); otherwise it
    /// is simulated from day 0.
    /// </summary>
    /// <exception cref="SimulationException">The solver failed; the message names the time, states and likely cause.</exception>
    public Trajectory Simulate(Scenario scenario)
    {
        if (_cacheSize == 0) return _simulator.Simulate(scenario.Parameters, Model.InitialState(scenario.Injury), scenario.Doses, scenario.Times);
        var untreated = Untreated(scenario);
        if (scenario.FirstDose is not { } first) return untreated;
        var k = Array.IndexOf(scenario.Times, first);
        if (k < 0) return _simulator.Simulate(scenario.Parameters, Model.InitialState(scenario.Injury), scenario.Doses, scenario.Times);
        if (k == 0 && first == 0) return _simulator.Simulate(scenario.Parameters, Model.InitialState(scenario.Injury), scenario.Doses, scenario.Times);

        int n = untreated.StateCount, nr = untreated.ReadoutCount, m = scenario.Times.Length;
        var state = untreated.States.AsSpan(k * n, n).ToArray();
        var after = _simulator.Simulate(scenario.Parameters, state, scenario.Doses, scenario.Times[k..], first);
        var states = new double[m * n];
        var readouts = new double[m * nr];
        Array.Copy(untreated.States, states, k * n);
        Array.Copy(untreated.Readouts, readouts, k * nr);
        Array.Copy(after.States, 0, states, k * n, (m - k) * n);
        Array.Copy(after.Readouts, 0, readouts, k * nr, (m - k) * nr);
        return new Trajectory((double[])scenario.Times.Clone(), states, readouts, n, nr, after.Statistics);
    }

    /// <summary>The untreated trajectory of the scenario's parameters, injury and times (from the cache when there).</summary>
    public Trajectory Untreated(Scenario scenario)
    {
        foreach (var (key, value) in _untreated)
            if (key.Injury == scenario.Injury && key.Parameters.AsSpan().SequenceEqual(scenario.Parameters) && key.Times.AsSpan().SequenceEqual(scenario.Times))
                return value;
        var trajectory = _simulator.Simulate(scenario.Parameters, Model.InitialState(scenario.Injury), [], scenario.Times);
        if (_cacheSize == 0) return trajectory;
        if (_untreated.Count == _cacheSize) _untreated.RemoveAt(0);
        // The key keeps copies: callers may reuse their arrays.
        _untreated.Add((scenario with { Parameters = (double[])scenario.Parameters.Clone(), Times = (double[])scenario.Times.Clone(), Doses = [] }, trajectory));
        return trajectory;
    }
}
