using CellTherapySim.Modeling;
using CellTherapySim.Compilation;
using CellTherapySim.Solvers;

namespace CellTherapySim.Simulation;

/// <summary>Which integrator a simulation uses.</summary>
public enum SolverKind
{
    /// <summary>Rodas4: L-stable Rosenbrock method with the analytic Jacobian (the default; the default model is stiff).</summary>
    Stiff,
    /// <summary>Dormand–Prince 5(4): explicit, for non-stiff models.</summary>
    Nonstiff,
}

/// <summary>
/// Simulates a compiled model from day 0 through bolus doses: the solver integrates to each dose time, the dose is
/// times its route's scale added to the route's target state (an exact discontinuity), and integration restarts. A dose at an output time
/// is given right after that output (the measured-before-dosing convention). States that provably stay 0 (the
/// compartments of products never given) are not integrated. One instance per thread.
/// </summary>
public sealed class Simulator
{
    private readonly IOdeSolver _solver;
    private readonly SolverOptions _options;
    private readonly DoseEventBuffer _doseEvents;
    private readonly Dictionary<int[], (ReducedOdeSystem System, SolverOptions Options)> _reduced = new(ReferenceEqualityComparer.Instance);

    /// <summary>Creates a simulator for <paramref name="model"/> with the chosen solver and tolerances.</summary>
    public Simulator(CompiledModel model, SolverKind solver = SolverKind.Stiff, SolverOptions? options = null)
    {
        Model = model;
        _solver = solver == SolverKind.Stiff ? new Rodas4() : new DormandPrince54();
        _options = options ?? SolverOptions.Default;
        _doseEvents = new DoseEventBuffer(model);
        if (_options.AbsoluteToleranceScales is null && ToleranceScales(model) is { } scales) _options = _options with { AbsoluteToleranceScales = scales };
    }

    /// <summary>
    /// Per state, its own absolute tolerance (model file 'atol') over the default one, so that every setting of the
    /// tolerances scales them alike; null when no state has its own.
    /// </summary>
    public static double[]? ToleranceScales(CompiledModel model) =>
        model.Definition.States.Any(s => s.AbsoluteTolerance is not null)
            ? model.Definition.States.Select(s => (s.AbsoluteTolerance ?? SolverOptions.Default.AbsoluteTolerance) / SolverOptions.Default.AbsoluteTolerance).ToArray()
            : null;

    /// <summary>The model simulated.</summary>
    public CompiledModel Model { get; }

    /// <summary>
    /// Simulates from the initial state <paramref name="initial"/> at day <paramref name="start"/> (default 0) with the
    /// given parameter values, doses (none before <paramref name="start"/>; one at it is given right after its output) and
    /// increasing output times (≥ start).
    /// </summary>
    /// <exception cref="SimulationException">The solver failed; the message names the time, states and likely cause.</exception>
    public Trajectory Simulate(double[] parameters, double[] initial, IReadOnlyList<Dose> doses, double[] times, double start = 0)
    {
        int n = Model.StateCount, nr = Model.ReadoutCount, m = times.Length;
        var states = new double[m * n];
        // States that provably stay 0 (products never given) are left out of the integration.
        var active = Model.ActiveStates(initial, DosedStates(doses));
        SolverStatistics statistics;
        if (active.Length == n)
            statistics = DoseSchedule.Integrate(Model, _solver, new ModelOdeSystem(Model, parameters), _options, parameters, doses, start, (double[])initial.Clone(), times, states, null, _doseEvents);
        else
        {
            var k = active.Length;
            if (!_reduced.TryGetValue(active, out var entry))
                _reduced[active] = entry = (new ReducedOdeSystem(Model, active),
                    _options with { AbsoluteToleranceScales = _options.AbsoluteToleranceScales is { } s ? active.Select(i => s[i]).ToArray() : null });
            var system = entry.System;
            system.Parameters = parameters;
            var y = active.Select(s => initial[s]).ToArray();
            var reduced = new double[m * k];
            statistics = DoseSchedule.Integrate(Model, _solver, system, entry.Options, parameters, doses, start, y, times, reduced, active, _doseEvents);
            for (var i = 0; i < m; i++)
                for (var a = 0; a < k; a++) states[i * n + active[a]] = reduced[i * k + a];
        }

        var readouts = new double[m * nr];
        var x = new double[n];
        var r = new double[nr];
        for (var i = 0; i < m; i++)
        {
            Array.Copy(states, i * n, x, 0, n);
            Model.Readouts(times[i], x, parameters, r);
            Array.Copy(r, 0, readouts, i * nr, nr);
        }
        return new Trajectory((double[])times.Clone(), states, readouts, n, nr, statistics);
    }

    /// <summary>The states the doses enter (their routes' targets; a zero dose enters nothing, as in <see cref="DoseSchedule"/>).</summary>
    private HashSet<int> DosedStates(IReadOnlyList<Dose> doses)
    {
        var dosed = new HashSet<int>();
        foreach (var dose in doses)
            if (dose.Amount != 0 && Model.Definition.DoseRoute(dose.Product, dose.Route).Route is { } route) dosed.Add(route.TargetState);
        return dosed;
    }
}
