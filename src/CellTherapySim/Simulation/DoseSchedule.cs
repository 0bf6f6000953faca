using System.Globalization;
using CellTherapySim.Modeling;
using CellTherapySim.Compilation;
using CellTherapySim.Solvers;

namespace CellTherapySim.Simulation;

/// <summary>
/// Integration through bolus doses, shared by <see cref="Simulator"/> and <see cref="SensitivitySimulator"/>: the solver
/// integrates to each dose time, the dose times its route's scale at the parameters is added to the route's target state
/// (an exact discontinuity; the first n components of the integrated vector are the model's states) and integration restarts. A dose at an output time is
/// given right after that output (the measured-before-dosing convention), and doses at or before the start right at it.
/// </summary>
internal static class DoseSchedule
{
    /// <summary>A dose as the integration applies it: when, into which integrated component, and how much.</summary>
    internal readonly record struct DoseEvent(double Time, int State, double Amount);

    /// <summary>
    /// Integrates <paramref name="system"/> from <paramref name="start"/> with <paramref name="y"/> (its state there on
    /// entry, at the last output time on return) through <paramref name="doses"/>, writing the state at each of the
    /// increasing <paramref name="times"/> (≥ start) as one row of <paramref name="output"/>. <paramref name="states"/>
    /// names the model state of each leading component of the integrated vector (null: all the model's states, in order);
    /// <paramref name="buffer"/> holds the dose events (the caller's, so that a run allocates none).
    /// </summary>
    /// <exception cref="SimulationException">The solver failed; the message names the time, states and likely cause.</exception>
    public static SolverStatistics Integrate(CompiledModel model, IOdeSolver solver, IOdeSystem system, SolverOptions options,
        double[] parameters, IReadOnlyList<Dose> doses, double start, double[] y, double[] times, double[] output, int[]? states,
        DoseEventBuffer buffer)
    {
        int dimension = system.Dimension, m = times.Length;
        var events = DoseEvents(model, parameters, doses, states, buffer);
        var statistics = new SolverStatistics();

        var current = start;
        var k = 0;
        for (; k < m && times[k] <= current; k++) Array.Copy(y, 0, output, k * dimension, dimension);
        var lastTime = m > 0 ? times[^1] : start;
        var e = 0;
        while (current < lastTime)
        {
            while (e < events.Count && events[e].Time <= current) Apply(events[e++], y);
            var boundary = e < events.Count && events[e].Time < lastTime ? events[e].Time : lastTime;
            var count = 0;
            while (k + count < m && times[k + count] <= boundary) count++;
            try
            {
                statistics = statistics.Add(solver.Integrate(system, current, y, boundary,
                    times.AsSpan(k, count), output.AsSpan(k * dimension, count * dimension), options));
            }
            catch (SolverException failure)
            {
                throw new SimulationException(Describe(model, failure, states), failure);
            }
            k += count;
            current = boundary;
        }
        return statistics;
    }

    private static List<DoseEvent> DoseEvents(CompiledModel model, double[] parameters, IReadOnlyList<Dose> doses, int[]? states, DoseEventBuffer buffer)
    {
        var events = buffer.Events;
        events.Clear();
        if (doses.Count == 0) return events;
        var scales = buffer.Scales;
        model.DoseScaleValues(parameters, scales);
        for (var d = 0; d < doses.Count; d++)   // indexed: a foreach over the interface would box its enumerator
        {
            var dose = doses[d];
            var route = model.Definition.DoseRoute(dose.Product, dose.Route).Route ?? throw new ArgumentException($"dose {dose}: {model.Definition.DoseRoute(dose.Product, dose.Route).Problem}", nameof(doses));
            // A zero dose (e.g. a vehicle arm written as a dose of 0) is no event: integration does not stop there, so the
            // trajectory is the undosed one to the bit.
            var amount = dose.Amount * scales[route.Index];
            if (amount != 0) events.Add(new DoseEvent(dose.Time, states is null ? route.TargetState : Array.IndexOf(states, route.TargetState), amount));
        }
        events.Sort((a, b) => a.Time.CompareTo(b.Time));
        return events;
    }

    private static void Apply(DoseEvent dose, double[] y) => y[dose.State] += dose.Amount;

    /// <summary>The failure in model terms: the day, the reason, each integrated state by name (the model's states only) and the likely cause.</summary>
    private static string Describe(CompiledModel model, SolverException failure, int[]? states)
    {
        var names = states?.Select(s => model.Definition.States[s].Name) ?? model.Definition.States.Select(s => s.Name);
        var values = string.Join(", ", names.Select((name, i) => $"{name}={failure.State[i].ToString("G6", CultureInfo.InvariantCulture)}"));
        return $"simulation failed at day {failure.Time.ToString("G6", CultureInfo.InvariantCulture)}: {failure.Reason}. States: {values}. Likely cause: {failure.LikelyCause}";
    }
}

/// <summary>The dose events and route scales of one integration, kept by a simulator so that a run allocates none.</summary>
internal sealed class DoseEventBuffer(CompiledModel model)
{
    /// <summary>The events, in time order, refilled by each integration.</summary>
    public List<DoseSchedule.DoseEvent> Events { get; } = [];

    /// <summary>Each route's dose scale at the current parameters.</summary>
    public double[] Scales { get; } = new double[model.DoseRouteCount];
}
