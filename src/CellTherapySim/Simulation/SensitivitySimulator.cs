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
/// S_k ≡ 0 and is not integrated: only its term ∂r/∂θ_k remains. States that provably stay 0 in a run (the compartments
/// of products not given, e.g. the cells of an untreated animal: <see cref="CompiledModel.ActiveStates"/>) are not
/// integrated either, nor are their sensitivities, so an untreated animal of the default model integrates 6 of its 16
/// states and only the parameters that enter those.</para>
/// <para>Error control includes the sensitivities (as CVODES with errconS = true): a step is accepted when the largest of
/// the weighted RMS norms of the local error of x and of each integrated column S_k = ∂x/∂θ_k, with weights
/// 1/(atol_i + rtol·|·|), is at most 1; a state's atol_i is its own (model file 'atol', as <see cref="Simulator"/>), that
/// of ∂x_i/∂θ_k is atol_i/|θ̄_k| with θ̄_k the model file's value of θ_k (CVODES's pbar scaling). Left out of error
/// control (CVODES's default, errconS = false), the steps are those of x alone — about a third fewer after a dose — and
/// S is still the exact derivative of the computed x for the steps taken: a Rosenbrock step of the augmented system with
/// its exact Jacobian is the θ-derivative of the step of x (internal numerical differentiation, Bock 1981), which is
/// what a sampler needs of a gradient — that of the log density it evaluates.</para>
/// <para>One instance per thread; after the first call the integration allocates nothing per step.</para>
/// </remarks>
public sealed class SensitivitySimulator
{
    private readonly Rodas4 _solver = new();
    private readonly SolverOptions _options;
    private readonly int[] _free, _all;
    private readonly double[]? _toleranceScales;
    private readonly double[] _typicalValues;
    private readonly bool _controlSensitivities;
    private readonly bool[] _integrate;
    private readonly double[] _x, _probe;
    private readonly ReadoutSensitivity _readoutSensitivity;
    private readonly Dictionary<(ulong Zero, ulong Dosed, ulong Integrate), Reduction> _reductions = [];
    private double[] _output = [];
    private readonly bool _reuseResults, _readoutSensitivities;
    private readonly Dictionary<int, Buffers> _buffers = [];
    private readonly DoseEventBuffer _doseEvents;
    private readonly double[] _zeroSensitivities;

    /// <summary>A kept result with a given number of output times (its arrays overwritten by each call when results are reused).</summary>
    private sealed record Buffers(double[] Times, double[] States, double[] Readouts, double[] StateSensitivities, double[] ReadoutSensitivities,
        SensitivityTrajectory Result);

    /// <summary>The equations of one pattern of dormant states and integrated columns, with their system and work vector.</summary>
    private sealed record Reduction(SensitivityEquations Equations, SensitivityOdeSystem System, double[] Z, int[]? States);

    /// <summary>
    /// Creates a simulator for <paramref name="model"/> with sensitivities to the parameters <paramref name="freeParameters"/>
    /// (model parameter indices, distinct) and the given tolerances (for states and sensitivities alike), the sensitivities
    /// in the error control unless <paramref name="controlSensitivities"/> is false (see the remarks). With
    /// <paramref name="reuseResults"/> each result's arrays are those of the previous result with as many output times,
    /// overwritten (nothing large is allocated per call: for a caller that is done with a result before the next one).
    /// Without <paramref name="readoutSensitivities"/> the results' <see cref="SensitivityTrajectory.ReadoutSensitivities"/>
    /// stay 0, for a caller that forms its own from the states' (as a fit's density does, animal by animal).
    /// </summary>
    public SensitivitySimulator(CompiledModel model, IReadOnlyList<int> freeParameters, SolverOptions? options = null, bool controlSensitivities = true,
        bool reuseResults = false, bool readoutSensitivities = true)
    {
        (_controlSensitivities, _reuseResults, _readoutSensitivities) = (controlSensitivities, reuseResults, readoutSensitivities);
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
        _toleranceScales = _options.AbsoluteToleranceScales ?? Simulator.ToleranceScales(model);
        var defaults = model.DefaultParameters();
        _typicalValues = _free.Select(k => defaults[k]).ToArray();
        var n = model.StateCount;
        _all = Enumerable.Range(0, n).ToArray();
        _integrate = new bool[_free.Length];
        (_x, _probe) = (new double[n], new double[n]);
        _readoutSensitivity = new ReadoutSensitivity(model, _free);
        _doseEvents = new DoseEventBuffer(model);
        _zeroSensitivities = new double[n * _free.Length];
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
        Simulate(parameters, new SensitivityState(0, initial, _zeroSensitivities), doses, times);   // the start is only read: one zero block serves every call

    /// <summary>
    /// Simulates from <paramref name="start"/> (time, states, sensitivities, e.g. <see cref="SensitivityTrajectory.At"/> of
    /// an earlier run) with the given parameter values, doses (none before the start; one at the start is given right
    /// after the output there) and increasing output times (≥ the start).
    /// </summary>
    /// <exception cref="SimulationException">The solver failed; the message names the time, states and likely cause.</exception>
    public SensitivityTrajectory Simulate(double[] parameters, SensitivityState start, IReadOnlyList<Dose> doses, double[] times)
    {
        int n = Model.StateCount, nr = Model.ReadoutCount, nf = _free.Length, count = times.Length;
        Check(parameters, start, doses, times);
        var reduction = Reduce(start, doses);
        var (equations, z) = (reduction.Equations, reduction.Z);
        var states = equations.States;
        var active = equations.Active;
        int k = states.Count, m = active.Count, dimension = equations.Dimension;
        for (var a = 0; a < k; a++)
        {
            z[a] = start.States[states[a]];
            for (var c = 0; c < m; c++) z[k + a * m + c] = start.Sensitivities[states[a] * nf + active[c]];
        }

        if (_output.Length < count * dimension) _output = new double[count * dimension];
        var output = _output;
        reduction.System.Parameters = parameters;
        var statistics = DoseSchedule.Integrate(Model, _solver, reduction.System, _options, parameters, doses, start.Time, z, times, output, reduction.States, _doseEvents);

        var buffers = Results(count, n, nr, nf);
        Array.Copy(times, buffers.Times, count);
        var (trajectoryStates, readouts, dStates, dReadouts) = (buffers.States, buffers.Readouts, buffers.StateSensitivities, buffers.ReadoutSensitivities);
        if (_reuseResults) Array.Clear(dStates);
        Array.Clear(_x);
        for (var time = 0; time < count; time++)
        {
            var row = time * dimension;
            for (var a = 0; a < k; a++)
            {
                _x[states[a]] = output[row + a];
                for (var c = 0; c < m; c++) dStates[(time * n + states[a]) * nf + active[c]] = output[row + k + a * m + c];
            }
            Array.Copy(_x, 0, trajectoryStates, time * n, n);
            if (_readoutSensitivities)
                _readoutSensitivity.Evaluate(times[time], _x, dStates.AsSpan(time * n * nf, n * nf), parameters,
                    readouts.AsSpan(time * nr, nr), dReadouts.AsSpan(time * nr * nf, nr * nf));
            else
                _readoutSensitivity.Values(times[time], _x, parameters, readouts.AsSpan(time * nr, nr));
        }
        if (_reuseResults)
        {
            buffers.Result.Trajectory.Statistics = statistics;
            return buffers.Result;
        }
        return new SensitivityTrajectory(new Trajectory(buffers.Times, trajectoryStates, readouts, n, nr, statistics), FreeParameters, dStates, dReadouts);
    }

    /// <summary>The arrays of a result with <paramref name="count"/> output times: fresh, or the kept ones when results are reused.</summary>
    private Buffers Results(int count, int n, int nr, int nf)
    {
        if (_reuseResults && _buffers.TryGetValue(count, out var kept)) return kept;
        var (times, states, readouts, dStates, dReadouts) = (new double[count], new double[count * n], new double[count * nr], new double[count * n * nf], new double[count * nr * nf]);
        var buffers = new Buffers(times, states, readouts, dStates, dReadouts,
            new SensitivityTrajectory(new Trajectory(times, states, readouts, n, nr, default), FreeParameters, dStates, dReadouts));
        if (_reuseResults) _buffers[count] = buffers;
        return buffers;
    }

    /// <summary>
    /// The equations for a run from <paramref name="start"/> with <paramref name="doses"/>: over the states that do not
    /// provably stay 0 (a state with a nonzero sensitivity at the start does not), integrating the columns that enter
    /// them or start nonzero. Found once per pattern (a model with more than 64 states is integrated whole).
    /// </summary>
    private Reduction Reduce(SensitivityState start, IReadOnlyList<Dose> doses)
    {
        int n = Model.StateCount, nf = _free.Length;
        if (start.States.Length != n)
            throw new ArgumentException($"expected {n} state values, got {start.States.Length}", nameof(start));
        if (start.Sensitivities.Length != n * nf)
            throw new ArgumentException($"expected {n}×{nf} sensitivities, got {start.Sensitivities.Length}", nameof(start));
        ulong zero = 0, integrate = 0;
        Array.Clear(_integrate);
        for (var i = 0; i < n; i++)
        {
            var moves = false;
            for (var f = 0; f < nf; f++)
                if (start.Sensitivities[i * nf + f] != 0) (moves, _integrate[f]) = (true, true);
            _probe[i] = moves ? 1 : start.States[i];
            if (_probe[i] == 0 && i < 64) zero |= 1UL << i;
        }
        for (var f = 0; f < nf && f < 64; f++) if (_integrate[f]) integrate |= 1UL << f;
        var dosed = DosedStates(doses);
        if (n > 64 || nf > 64) (zero, dosed, integrate) = (0, ulong.MaxValue, ulong.MaxValue);
        if (_reductions.TryGetValue((zero, dosed, integrate), out var reduction)) return reduction;
        return _reductions[(zero, dosed, integrate)] = NewReduction(dosed);
    }

    /// <summary>
    /// The equations over the states that <see cref="_probe"/> and the dosed states (bits) can move, the columns
    /// <see cref="_integrate"/> (apart from <see cref="Reduce"/>, whose every call would otherwise allocate this one's closures).
    /// </summary>
    private Reduction NewReduction(ulong dosed)
    {
        int n = Model.StateCount, nf = _free.Length;
        var states = n > 64 ? _all : Model.ActiveStates(_probe, Enumerable.Range(0, n).Where(i => (dosed >> i & 1) != 0).ToHashSet());
        var equations = Model.Sensitivities(_free, states, n > 64 || nf > 64 ? Enumerable.Repeat(true, nf).ToArray() : (bool[])_integrate.Clone());
        var stateScales = _toleranceScales is { } scales ? states.Select(i => scales[i]).ToArray() : null;
        return new Reduction(equations, new SensitivityOdeSystem(equations, stateScales, _typicalValues, _controlSensitivities), new double[equations.Dimension], states.Length == n ? null : states);
    }

    /// <summary>The states the doses enter, as bits (their routes' targets; a zero dose enters nothing, as in <see cref="DoseSchedule"/>).</summary>
    private ulong DosedStates(IReadOnlyList<Dose> doses)
    {
        ulong dosed = 0;
        for (var d = 0; d < doses.Count; d++)   // indexed: a foreach over the interface would box its enumerator
        {
            var dose = doses[d];
            if (dose.Amount != 0 && Model.Definition.DoseRoute(dose.Product, dose.Route).Route is { } route && route.TargetState < 64) dosed |= 1UL << route.TargetState;
        }
        return dosed;
    }

    private void Check(double[] parameters, SensitivityState start, IReadOnlyList<Dose> doses, double[] times)
    {
        if (parameters.Length != Model.ParameterCount)
            throw new ArgumentException($"expected {Model.ParameterCount} parameter values, got {parameters.Length}", nameof(parameters));
        if (times.Length > 0 && times[0] < start.Time)
            throw new ArgumentException($"output time {times[0]} is before the start at {start.Time}", nameof(times));
        for (var d = 0; d < doses.Count; d++)
            if (doses[d].Time < start.Time)
                throw new ArgumentException($"a dose at {doses[d].Time} is before the start at {start.Time}", nameof(doses));
    }
}
