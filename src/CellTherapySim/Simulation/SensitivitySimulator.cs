using CellTherapySim.Modeling;
using CellTherapySim.Compilation;
using CellTherapySim.Solvers;

namespace CellTherapySim.Simulation;

/// <summary>
/// Simulates a compiled model with its forward sensitivities to chosen free parameters θ_F: the states x, the readouts
/// r and ∂x/∂θ_F, ∂r/∂θ_F at the output times, through bolus doses as <see cref="Simulator"/> does (initial states and
/// dose amounts do not depend on θ_F, so a bolus changes x only and S = ∂x/∂θ is continuous; a parameter in a dose scale,
/// such as a body weight or bioavailability, cannot be free).
/// </summary>
/// <remarks>
/// <para>S = ∂x/∂θ_F solves S' = J·S + ∂f/∂θ_F from S(t0) given (0 at day 0), J = ∂f/∂x. The augmented system
/// z = (x, S) is integrated by <see cref="Rodas4"/> with its exact Jacobian, from the model's symbolic first and second
/// derivatives, exploiting its block-lower-triangular structure (one n×n LU per step and 1 + m triangular solves per
/// stage; see <see cref="SensitivityOdeSystem"/>). Models that use t get the exact ∂F/∂t (second derivatives in t).
/// A free parameter that does not enter the equations (∂f/∂θ_k symbolically zero, e.g. a readout-only parameter) has
/// S_k ≡ 0 and is not integrated: only its term ∂r/∂θ_k remains.</para>
/// <para>Error control includes the sensitivities (as CVODES with errconS = true): a step is accepted when the largest of
/// the weighted RMS norms of the local error of x and of each integrated column S_k = ∂x/∂θ_k, with weights
/// 1/(atol + rtol·|·|) and the same rtol and atol for states and sensitivities, is at most 1.</para>
/// <para>One instance per thread; after the first call the integration allocates nothing per step.</para>
/// </remarks>
public sealed class SensitivitySimulator
{
    private readonly Rodas4 _solver = new();
    private readonly SolverOptions _options;
    private readonly SensitivityEquations _equations;
    private readonly SensitivityOdeSystem _system;
    private readonly int[] _free, _active;
    private readonly double[] _x, _readouts, _dReadoutdState, _dReadoutdParameter, _z;
    private double[] _output = [];

    /// <summary>
    /// Creates a simulator for <paramref name="model"/> with sensitivities to the parameters <paramref name="freeParameters"/>
    /// (model parameter indices, distinct) and the given tolerances (for states and sensitivities alike).
    /// </summary>
    public SensitivitySimulator(CompiledModel model, IReadOnlyList<int> freeParameters, SolverOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(freeParameters);
        foreach (var k in freeParameters)
            if (k < 0 || k >= model.ParameterCount)
                throw new ArgumentException($"free parameter index {k} is out of range: the model has {model.ParameterCount} parameters", nameof(freeParameters));
        if (freeParameters.Distinct().Count() != freeParameters.Count)
            throw new ArgumentException("free parameter indices must be distinct", nameof(freeParameters));
        foreach (var k in freeParameters)
            if (model.DoseScaleParameters.Contains(k))
                throw new ArgumentException($"'{model.Definition.Parameters[k].Name}' scales doses, so it cannot be free (a bolus would change its sensitivities)", nameof(freeParameters));
        Model = model;
        _free = freeParameters.ToArray();
        FreeParameters = Array.AsReadOnly(_free);
        _options = options ?? SolverOptions.Default;
        _equations = model.Sensitivities(_free);
        _active = _equations.Active.ToArray();
        _system = new SensitivityOdeSystem(model, _equations);
        int n = model.StateCount, nr = model.ReadoutCount;
        (_x, _readouts, _dReadoutdState, _dReadoutdParameter) = (new double[n], new double[nr], new double[nr * n], new double[nr * model.ParameterCount]);
        _z = new double[_equations.Dimension];
    }

    /// <summary>The model simulated.</summary>
    public CompiledModel Model { get; }

    /// <summary>The free parameters θ_F (model parameter indices), in the order of the sensitivity columns.</summary>
    public IReadOnlyList<int> FreeParameters { get; }

    /// <summary>
    /// Simulates from <paramref name="initial"/> at day 0 (sensitivities 0) with the given parameter values, doses and
    /// increasing output times (days ≥ 0).
    /// </summary>
    /// <exception cref="SimulationException">The solver failed; the message names the time, states and likely cause.</exception>
    public SensitivityTrajectory Simulate(double[] parameters, double[] initial, IReadOnlyList<Dose> doses, double[] times) =>
        Simulate(parameters, new SensitivityState(0, initial, new double[Model.StateCount * _free.Length]), doses, times);

    /// <summary>
    /// Simulates from <paramref name="start"/> (time, states, sensitivities, e.g. <see cref="SensitivityTrajectory.At"/> of
    /// an earlier run) with the given parameter values, doses (none before the start; one at the start is given right
    /// after the output there) and increasing output times (≥ the start).
    /// </summary>
    /// <exception cref="SimulationException">The solver failed; the message names the time, states and likely cause.</exception>
    public SensitivityTrajectory Simulate(double[] parameters, SensitivityState start, IReadOnlyList<Dose> doses, double[] times)
    {
        int n = Model.StateCount, nr = Model.ReadoutCount, np = Model.ParameterCount, nf = _free.Length;
        int dimension = _equations.Dimension, m = _active.Length, count = times.Length;
        Augment(start);
        Check(parameters, start, doses, times);

        if (_output.Length < count * dimension) _output = new double[count * dimension];
        var output = _output;
        _system.Parameters = parameters;
        var statistics = DoseSchedule.Integrate(Model, _solver, _system, _options, parameters, doses, start.Time, _z, times, output);

        var (states, readouts) = (new double[count * n], new double[count * nr]);
        var (dStates, dReadouts) = (new double[count * n * nf], new double[count * nr * nf]);
        for (var time = 0; time < count; time++)
        {
            var row = time * dimension;
            Array.Copy(output, row, _x, 0, n);
            Array.Copy(_x, 0, states, time * n, n);
            for (var i = 0; i < n; i++)
                for (var a = 0; a < m; a++)
                    dStates[(time * n + i) * nf + _active[a]] = output[row + n + i * m + a];

            Model.Readouts(times[time], _x, parameters, _readouts);
            Array.Copy(_readouts, 0, readouts, time * nr, nr);
            Model.ReadoutGradients(times[time], _x, parameters, _dReadoutdState, _dReadoutdParameter);
            for (var r = 0; r < nr; r++)
                for (var k = 0; k < nf; k++)
                {
                    var sum = _dReadoutdParameter[r * np + _free[k]];
                    for (var i = 0; i < n; i++) sum += _dReadoutdState[r * n + i] * dStates[(time * n + i) * nf + k];
                    dReadouts[(time * nr + r) * nf + k] = sum;
                }
        }
        var trajectory = new Trajectory((double[])times.Clone(), states, readouts, n, nr, statistics);
        return new SensitivityTrajectory(trajectory, FreeParameters, dStates, dReadouts);
    }

    /// <summary>Writes the augmented start z = (x, S of the integrated parameters) into the work array.</summary>
    private void Augment(SensitivityState start)
    {
        int n = Model.StateCount, nf = _free.Length;
        if (start.States.Length != n)
            throw new ArgumentException($"expected {n} state values, got {start.States.Length}", nameof(start));
        if (start.Sensitivities.Length != n * nf)
            throw new ArgumentException($"expected {n}×{nf} sensitivities, got {start.Sensitivities.Length}", nameof(start));
        var z = _z;
        Array.Copy(start.States, z, n);
        int m = _active.Length;
        for (var i = 0; i < n; i++)
            for (var a = 0; a < m; a++)
                z[n + i * m + a] = start.Sensitivities[i * nf + _active[a]];
        for (var k = 0; k < nf; k++)
            if (!_active.Contains(k) && Enumerable.Range(0, n).Any(i => start.Sensitivities[i * nf + k] != 0))
                throw new ArgumentException($"the start has a nonzero sensitivity to '{Model.Definition.Parameters[_free[k]].Name}', which does not enter the equations (its state sensitivities stay 0)", nameof(start));
    }

    private void Check(double[] parameters, SensitivityState start, IReadOnlyList<Dose> doses, double[] times)
    {
        if (parameters.Length != Model.ParameterCount)
            throw new ArgumentException($"expected {Model.ParameterCount} parameter values, got {parameters.Length}", nameof(parameters));
        if (times.Length > 0 && times[0] < start.Time)
            throw new ArgumentException($"output time {times[0]} is before the start at {start.Time}", nameof(times));
        foreach (var dose in doses)
            if (dose.Time < start.Time)
                throw new ArgumentException($"a dose at {dose.Time} is before the start at {start.Time}", nameof(doses));
    }
}
