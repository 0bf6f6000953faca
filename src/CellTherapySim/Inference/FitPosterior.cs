using CellTherapySim.Modeling;
using CellTherapySim.Simulation;
using CellTherapySim.Studies;

namespace CellTherapySim.Inference;

/// <summary>
/// The log posterior of a <see cref="FitModel"/> on the unconstrained coordinates, with its gradient: priors, log
/// Jacobians of the transforms, standard-normal ηs, and the data's likelihood (<see cref="ResidualLikelihood"/> for
/// readings; Normal(f, SD/√N) for group means) whose gradient comes from forward sensitivities of the simulations.
/// Simulations are shared as far as the ODE allows: one per design (injury, regimen, body weight) when no random effect
/// enters the equations — random effects on readout parameters (P0, W0, ImaxP, …) then only re-evaluate each animal's
/// readouts and their sensitivities on the shared states — and one per animal when one does (k_act, …), each with only
/// the sensitivity columns its equations need (<see cref="SensitivitySimulator"/>); per-animal gradients are mapped to
/// the typical values, ωs and ηs by the chain rule. The states' part of the gradient is accumulated as an adjoint:
/// Σ ∂log L/∂f · ∂r/∂x per output time over every reading on a simulation (all animals sharing it), contracted with
/// the state sensitivities ∂x/∂θ once per simulation — not the full readout sensitivities per animal and time. A simulation that fails makes the density −∞ (a rejected proposal),
/// counted in <see cref="Failures"/>. One instance per chain (it owns its simulators); allocates nothing per animal
/// beyond the simulations' results.
/// </summary>
public sealed class FitPosterior : ILogDensity
{
    /// <summary>
    /// Likelihood terms evaluated with one set of parameters: a design's scenario for the typical animal (fixed effects)
    /// or an animal; <see cref="Simulate"/> when a new simulation is needed first, with the animal whose parameters it
    /// uses (-1: typical).
    /// </summary>
    private sealed record Unit(int Scenario, int Animal, bool Simulate, int SimulatedAnimal, int[] Readings, int[] Means);

    private readonly FitModel _fit;
    private readonly SensitivitySimulator _simulator;
    private readonly Simulator _plain;
    private readonly double[] _parameters;
    private readonly double[][] _initial;
    private readonly Unit[] _units;
    private readonly double[] _theta, _dThetaDu, _gradTheta;
    private readonly double[] _individual, _gradIndividual;
    private readonly double[] _predicted, _readouts, _states, _adjoint;
    private readonly double[][] _dReadoutdState, _dReadoutdParameter;
    private readonly int[] _stamp;
    private readonly bool[] _adjointUsed;
    private int _unitStamp;

    /// <summary>Prepares the density of <paramref name="fit"/>.</summary>
    public FitPosterior(FitModel fit)
    {
        _fit = fit;
        var data = fit.Data;
        var model = fit.Compiled;
        // The sensitivities out of error control: the gradient is then that of the computed log density (see SensitivitySimulator).
        _simulator = new SensitivitySimulator(model, fit.Free, fit.SolverOptions, controlSensitivities: false, reuseResults: true, readoutSensitivities: false);
        _plain = new Simulator(model, SolverKind.Stiff, fit.SolverOptions);
        _parameters = (double[])fit.BaseParameters.Clone();
        _initial = data.Scenarios.Select(s => model.InitialState(s.Injury)).ToArray();
        _units = Units(fit);
        _theta = new double[fit.PriorCount];
        _dThetaDu = new double[fit.PriorCount];
        _gradTheta = new double[fit.PriorCount];
        _individual = new double[fit.Free.Length];
        _gradIndividual = new double[fit.Free.Length];
        var times = data.Scenarios.Max(s => s.Times.Length);
        int n = model.StateCount, nr = model.ReadoutCount;
        (_predicted, _readouts) = (new double[times * nr], new double[nr]);
        _dReadoutdState = Enumerable.Range(0, times).Select(_ => new double[nr * n]).ToArray();
        _dReadoutdParameter = Enumerable.Range(0, times).Select(_ => new double[nr * model.ParameterCount]).ToArray();
        (_states, _stamp) = (new double[n], new int[times]);
        (_adjoint, _adjointUsed) = (new double[times * n], new bool[times]);
    }

    /// <summary>
    /// The evaluation plan: per animal with its own simulation when a random effect enters the equations; otherwise per
    /// design, its animals (random effects on readouts only) or the design itself (fixed effects) sharing its simulation.
    /// </summary>
    private static Unit[] Units(FitModel fit)
    {
        var data = fit.Data;
        int[] Where(int count, Func<int, bool> keep) => Enumerable.Range(0, count).Where(keep).ToArray();
        var readings = data.Readings.Count;
        var units = new List<Unit>();
        if (fit.RandomEffects.Length == 0)
        {
            for (var s = 0; s < data.Scenarios.Count; s++)
                units.Add(new Unit(s, -1, true, -1, Where(readings, r => data.Readings[r].Scenario == s), Where(data.Means.Count, m => data.Means[m].Scenario == s)));
            return units.ToArray();
        }
        var odeEffect = fit.RandomEffects.Any(k => fit.EntersEquations(k));
        for (var s = 0; s < data.Scenarios.Count; s++)
        {
            var first = true;
            for (var a = 0; a < data.AnimalNames.Count; a++)
            {
                var own = Where(readings, r => data.Readings[r].Animal == a && data.Readings[r].Scenario == s);
                if (own.Length == 0) continue;   // not of this design (an animal without readings has only its ηs' prior)
                units.Add(new Unit(s, a, odeEffect || first, odeEffect ? a : -1, own, []));
                first = false;
            }
        }
        return units.ToArray();
    }

    /// <summary>Number of evaluations at which a simulation failed (the density was −∞ there).</summary>
    public int Failures { get; private set; }

    /// <inheritdoc/>
    public int Dimension => _fit.Dimension;

    /// <inheritdoc/>
    public double Evaluate(ReadOnlySpan<double> q, Span<double> gradient)
    {
        var fit = _fit;
        gradient.Clear();
        Array.Clear(_gradTheta);
        var lp = 0.0;

        // Priors and the log Jacobians of the transforms.
        for (var i = 0; i < fit.PriorCount; i++)
        {
            _theta[i] = fit.Transforms[i].ToConstrained(q[i], out var logJ, out _dThetaDu[i], out var dLogJ);
            lp += fit.Priors[i].LogDensity(_theta[i], out var dPrior) + logJ;
            _gradTheta[i] += dPrior;
            gradient[i] += dLogJ;
        }
        if (!double.IsFinite(lp)) return double.NegativeInfinity;
        lp += RandomEffectsPrior(q, gradient);

        SensitivityTrajectory? trajectory = null;
        var typicalPending = false;   // the adjoint of a simulation with the typical values, flushed when it is replaced
        foreach (var unit in _units)
        {
            if (unit.Simulate)
            {
                if (typicalPending) FlushAdjoint(trajectory!, _gradTheta);
                var scenario = Prepare(q, unit.Scenario, unit.SimulatedAnimal);
                try
                {
                    trajectory = _simulator.Simulate(_parameters, _initial[unit.Scenario], scenario.Doses, scenario.Times);
                }
                catch (SimulationException failure)
                {
                    Array.Clear(_adjoint);
                    Array.Clear(_adjointUsed);
                    Failures++;
                    LastFailure = $"{Describe(unit)}: {failure.Message}";
                    return double.NegativeInfinity;
                }
            }
            Individualize(q, unit.Animal);
            _unitStamp++;
            Array.Clear(_gradIndividual);
            foreach (var r in unit.Readings)
            {
                var reading = fit.Data.Readings[r];
                var readout = Predict(trajectory!, reading.Time, reading.Endpoint, out var f);
                lp += ReadingLikelihood(reading, f, out var dF, out var dSigma, out var sigmaIndex);
                _gradTheta[sigmaIndex] += dSigma;
                Accumulate(reading.Time, readout, dF);
            }
            foreach (var m in unit.Means)
            {
                var mean = fit.Data.Means[m];
                var readout = Predict(trajectory!, mean.Time, mean.Endpoint, out var f);
                lp += MeanLikelihood(mean, f, out var dF, out var dSigma, out var sigmaIndex);
                _gradTheta[sigmaIndex] += dSigma;
                Accumulate(mean.Time, readout, dF);
            }
            // An animal's own simulation: its states' part belongs to its individual parameters (then to its η).
            // A shared one ran with the typical values, and random effects there move no state: straight to θ.
            if (unit.SimulatedAnimal >= 0) FlushAdjoint(trajectory!, _gradIndividual);
            else typicalPending = true;
            ChainIndividual(q, gradient, unit.Animal);
        }
        if (typicalPending) FlushAdjoint(trajectory!, _gradTheta);
        if (!double.IsFinite(lp)) return double.NegativeInfinity;
        for (var i = 0; i < fit.PriorCount; i++) gradient[i] += _gradTheta[i] * _dThetaDu[i];
        return lp;
    }

    /// <summary>
    /// log p of the animals' coordinates given the typical values and ωs, up to a constant, with its gradient (into
    /// <paramref name="gradient"/> for the coordinates, <see cref="_gradTheta"/> for θ and ω): non-centred ηᵢ ~ Normal(0, 1);
    /// centred uᵢ ~ Normal(m, ω) with m = log θ or logit θ.
    /// </summary>
    private double RandomEffectsPrior(ReadOnlySpan<double> q, Span<double> gradient)
    {
        var fit = _fit;
        var lp = 0.0;
        for (var j = 0; j < fit.RandomEffects.Length; j++)
        {
            var k = fit.RandomEffects[j];
            var (omega, scale) = (_theta[fit.OmegaOffset + j], fit.Scales[j]);
            var (mean, dMean) = (scale.ToScale(_theta[k]), scale.ScaleDerivative(_theta[k]));
            for (var a = 0; a < fit.Data.AnimalNames.Count; a++)
            {
                var i = fit.EtaCoordinate(j, a);
                if (!fit.Centred[j])
                {
                    lp -= 0.5 * q[i] * q[i];
                    gradient[i] -= q[i];
                    continue;
                }
                var z = (q[i] - mean) / omega;
                lp -= 0.5 * z * z + Math.Log(omega);
                gradient[i] -= z / omega;
                _gradTheta[k] += z / omega * dMean;
                _gradTheta[fit.OmegaOffset + j] += (z * z - 1) / omega;
            }
        }
        return lp;
    }

    /// <summary>The last simulation that failed in <see cref="Evaluate"/>: which animal or design, and why.</summary>
    public string? LastFailure { get; private set; }

    /// <summary>
    /// Why the log density or its gradient at <paramref name="q"/> is not finite, in words — the first term that is not:
    /// a prior, a simulation (the animal or design and the solver's message) or a reading (its animal, day, endpoint and
    /// value) —, or null when both are finite.
    /// </summary>
    public string? WhyNotFinite(ReadOnlySpan<double> q)
    {
        var fit = _fit;
        LastFailure = null;
        var gradient = new double[fit.Dimension];
        var lp = Evaluate(q, gradient);
        if (double.IsFinite(lp) && gradient.All(double.IsFinite)) return null;
        var theta = fit.Constrain(q);
        for (var i = 0; i < fit.PriorCount; i++)
            if (!double.IsFinite(fit.Priors[i].LogDensity(theta[i], out _)))
                return $"the prior of {fit.Names[i]} is not finite at {theta[i]:G6}";
        if (LastFailure is { } failure) return $"the simulation of {failure}";
        var pointwise = new double[ObservationCount];
        LogLikelihoods(q, pointwise);
        var data = fit.Data;
        for (var r = 0; r < data.Readings.Count; r++)
            if (!double.IsFinite(pointwise[r]) && data.Readings[r] is var reading)
                return $"reading {r + 1} of the data (animal {data.AnimalNames[reading.Animal]}, day {data.Scenarios[reading.Scenario].Times[reading.Time]:G6}, " +
                    $"{fit.Compiled.Definition.Endpoints[reading.Endpoint].Name} = {reading.Value:G6}) has log-likelihood {pointwise[r]:G6}";
        for (var m = 0; m < data.Means.Count; m++)
            if (!double.IsFinite(pointwise[data.Readings.Count + m]))
                return $"group mean {m + 1} of the data has log-likelihood {pointwise[data.Readings.Count + m]:G6}";
        return "the gradient is not finite";
    }

    /// <summary>The animal (or, for a shared simulation, the design) that <paramref name="unit"/> simulates, for messages.</summary>
    private string Describe(Unit unit) => unit.SimulatedAnimal >= 0
        ? $"animal {_fit.Data.AnimalNames[unit.SimulatedAnimal]}"
        : $"design {unit.Scenario + 1} ({_fit.Data.Scenarios[unit.Scenario].Injury}, {_fit.Data.Scenarios[unit.Scenario].Doses.Count} doses)";

    /// <summary>Number of pointwise log-likelihood terms: every reading, then every group mean, in the data's order.</summary>
    public int ObservationCount => _fit.Data.Readings.Count + _fit.Data.Means.Count;

    /// <summary>
    /// The log-likelihood of each reading and group mean (data order; <see cref="ObservationCount"/> of them) at the
    /// unconstrained point <paramref name="q"/>, for PSIS-LOO; NaN for all when a simulation fails. No gradient: plain
    /// simulations, shared as in <see cref="Evaluate"/>.
    /// </summary>
    public void LogLikelihoods(ReadOnlySpan<double> q, Span<double> into)
    {
        var fit = _fit;
        for (var i = 0; i < fit.PriorCount; i++) _theta[i] = fit.Transforms[i].ToConstrained(q[i], out _, out _, out _);
        var readings = fit.Data.Readings.Count;
        Trajectory? trajectory = null;
        foreach (var unit in _units)
        {
            if (unit.Simulate)
            {
                var scenario = Prepare(q, unit.Scenario, unit.SimulatedAnimal);
                try
                {
                    trajectory = _plain.Simulate(_parameters, _initial[unit.Scenario], scenario.Doses, scenario.Times);
                }
                catch (SimulationException)
                {
                    into.Fill(double.NaN);
                    return;
                }
            }
            Individualize(q, unit.Animal);
            foreach (var r in unit.Readings)
            {
                var reading = fit.Data.Readings[r];
                into[r] = ReadingLikelihood(reading, Predict(trajectory!, reading.Time, reading.Endpoint), out _, out _, out _);
            }
            foreach (var m in unit.Means)
            {
                var mean = fit.Data.Means[m];
                into[readings + m] = MeanLikelihood(mean, Predict(trajectory!, mean.Time, mean.Endpoint), out _, out _, out _);
            }
        }
    }

    /// <summary>Sets <see cref="_parameters"/> for a simulation of scenario <paramref name="s"/>: the animal's individual values (or the typical ones) and the body weight.</summary>
    private FitScenario Prepare(ReadOnlySpan<double> q, int s, int animal)
    {
        var scenario = _fit.Data.Scenarios[s];
        Individualize(q, animal);
        _fit.SetBodyWeight(_parameters, scenario);
        return scenario;
    }

    /// <summary>
    /// The prediction of <paramref name="endpoint"/> at day index <paramref name="time"/> for the current parameters, from
    /// the simulated states; returns its readout index. The readouts and their partial derivatives ∂r/∂x and ∂r/∂θ there
    /// are computed once per time and unit.
    /// </summary>
    private int Predict(SensitivityTrajectory trajectory, int time, int endpoint, out double f)
    {
        var model = _fit.Compiled;
        int n = model.StateCount, nr = model.ReadoutCount;
        if (_stamp[time] != _unitStamp)
        {
            var t = trajectory.Trajectory.Times[time];
            trajectory.Trajectory.States.AsSpan(time * n, n).CopyTo(_states);
            model.Readouts(t, _states, _parameters, _readouts);
            _readouts.CopyTo(_predicted, time * nr);
            model.ReadoutGradients(t, _states, _parameters, _dReadoutdState[time], _dReadoutdParameter[time]);
            _stamp[time] = _unitStamp;
        }
        var readout = model.Definition.Endpoints[endpoint].Readout;
        f = _predicted[time * nr + readout];
        return readout;
    }

    /// <summary>Adds ∂log L/∂f of a prediction of <paramref name="readout"/> at day index <paramref name="time"/>: its parameters' part to the individual gradient, its states' part to the adjoint.</summary>
    private void Accumulate(int time, int readout, double dF)
    {
        var model = _fit.Compiled;
        int n = model.StateCount, np = model.ParameterCount;
        var free = _fit.Free;
        var dParameter = _dReadoutdParameter[time];
        for (var k = 0; k < free.Length; k++) _gradIndividual[k] += dF * dParameter[readout * np + free[k]];
        var dState = _dReadoutdState[time];
        var adjoint = _adjoint.AsSpan(time * n, n);
        for (var i = 0; i < n; i++) adjoint[i] += dF * dState[readout * n + i];
        _adjointUsed[time] = true;
    }

    /// <summary>Adds the adjoint contracted with the state sensitivities of <paramref name="trajectory"/>, Σₜ Σᵢ λₜᵢ ∂xᵢ/∂θ, to <paramref name="target"/> and clears it.</summary>
    private void FlushAdjoint(SensitivityTrajectory trajectory, double[] target)
    {
        int n = _fit.Compiled.StateCount, nf = _fit.Free.Length;
        var dx = trajectory.StateSensitivities;
        for (var time = 0; time < _adjointUsed.Length; time++)
        {
            if (!_adjointUsed[time]) continue;
            var adjoint = _adjoint.AsSpan(time * n, n);
            for (var i = 0; i < n; i++)
            {
                var lambda = adjoint[i];
                if (lambda == 0) continue;
                var row = (time * n + i) * nf;
                for (var k = 0; k < nf; k++) target[k] += lambda * dx[row + k];
            }
            adjoint.Clear();
            _adjointUsed[time] = false;
        }
    }

    /// <summary>The prediction of <paramref name="endpoint"/> at day index <paramref name="time"/> for the current parameters, from the simulated states.</summary>
    private double Predict(Trajectory trajectory, int time, int endpoint)
    {
        var model = _fit.Compiled;
        trajectory.States.AsSpan(time * model.StateCount, model.StateCount).CopyTo(_states);
        model.Readouts(trajectory.Times[time], _states, _parameters, _readouts);
        return _readouts[model.Definition.Endpoints[endpoint].Readout];
    }

    /// <summary>One reading's log-likelihood at the prediction f, with ∂/∂f, ∂/∂σ and σ's coordinate.</summary>
    private double ReadingLikelihood(FitReading reading, double f, out double dF, out double dSigma, out int sigmaIndex)
    {
        sigmaIndex = _fit.ResidualCoordinate(reading.Endpoint);
        return ResidualLikelihood.LogLikelihood(_fit.Compiled.Definition.Endpoints[reading.Endpoint].ErrorModel, reading.Value, reading.Censoring,
            f, _theta[sigmaIndex], out dF, out dSigma);
    }

    /// <summary>One group mean's log-likelihood at the prediction f, with ∂/∂f, ∂/∂σ and σ's coordinate.</summary>
    private double MeanLikelihood(FitGroupMean mean, double f, out double dF, out double dSigma, out int sigmaIndex)
    {
        sigmaIndex = _fit.ResidualCoordinate(mean.Endpoint);
        return GroupMeanLikelihood(_fit.Compiled.Definition.Endpoints[mean.Endpoint], mean, f, _theta[sigmaIndex], out dF, out dSigma);
    }

    /// <summary>Sets the free parameters of <see cref="_parameters"/> for an animal (its random effects) or the typical animal.</summary>
    private void Individualize(ReadOnlySpan<double> q, int animal)
    {
        var fit = _fit;
        var animals = fit.Data.AnimalNames.Count;
        for (var k = 0; k < fit.Free.Length; k++) _individual[k] = _theta[k];
        if (animal >= 0)
        {
            for (var j = 0; j < fit.RandomEffects.Length; j++)
            {
                var k = fit.RandomEffects[j];
                var coordinate = q[fit.EtaOffset + j * animals + animal];
                _individual[k] = fit.Centred[j] ? fit.Scales[j].FromScale(coordinate) : fit.Scales[j].Individual(_theta[k], _theta[fit.OmegaOffset + j] * coordinate);
            }
        }
        for (var k = 0; k < fit.Free.Length; k++) _parameters[fit.Free[k]] = _individual[k];
    }

    /// <summary>Adds ∂/∂(typical value, ω, η) of the individual parameters' gradient.</summary>
    private void ChainIndividual(ReadOnlySpan<double> q, Span<double> gradient, int animal)
    {
        var fit = _fit;
        var animals = fit.Data.AnimalNames.Count;
        for (var k = 0; k < fit.Free.Length; k++) _gradTheta[k] += _gradIndividual[k];
        if (animal < 0) return;
        for (var j = 0; j < fit.RandomEffects.Length; j++)
        {
            var k = fit.RandomEffects[j];
            var eta = q[fit.EtaOffset + j * animals + animal];
            var omega = _theta[fit.OmegaOffset + j];
            var g = _gradIndividual[k];
            // Log scale: θᵢ = θ·e^{ωη}: ∂θᵢ/∂θ = e^{ωη}, ∂θᵢ/∂ω = θᵢ·η, ∂θᵢ/∂η = θᵢ·ω.
            // Logit scale: logit θᵢ = logit θ + ωη: ∂θᵢ/∂x = θᵢ(1 − θᵢ) for x = logit θ, so ∂θᵢ/∂θ = θᵢ(1 − θᵢ)/(θ(1 − θ)).
            var ti = _individual[k];
            var logit = fit.Scales[j] == VariabilityScale.Logit;
            var slope = logit ? ti * (1 - ti) : ti;
            if (fit.Centred[j])
            {
                // Centred: θᵢ = exp(uᵢ) or logistic(uᵢ) depends on its own coordinate only.
                _gradTheta[k] -= g;
                gradient[fit.EtaOffset + j * animals + animal] += g * slope;
                continue;
            }
            var dTypical = logit ? slope / (_theta[k] * (1 - _theta[k])) : slope / _theta[k];
            _gradTheta[k] += g * (dTypical - 1);   // the "+ g" of the loop above assumed ∂θᵢ/∂θ = 1
            _gradTheta[fit.OmegaOffset + j] += g * slope * eta;
            gradient[fit.EtaOffset + j * animals + animal] += g * slope * omega;
        }
    }

    /// <summary>
    /// A group mean of N readings: MEAN ~ Normal(f, SD/√N), with SD the observed between-animal SD (the plug-in of the
    /// summary likelihood). A mean at the upper cutoff with SD 0 (every reading censored) contributes N censored
    /// readings at f instead.
    /// </summary>
    private static double GroupMeanLikelihood(EndpointDefinition endpoint, FitGroupMean mean, double f, double sigma, out double dF, out double dSigma)
    {
        if (mean.Sd <= 0 && endpoint.UpperCutoff is { } cutoff && mean.Mean >= cutoff)
        {
            var ll = ResidualLikelihood.LogLikelihood(endpoint.ErrorModel, cutoff, Censoring.Right, f, sigma, out dF, out dSigma);
            (dF, dSigma) = (dF * mean.N, dSigma * mean.N);
            return ll * mean.N;
        }
        var se = (mean.Sd > 0 ? mean.Sd : (endpoint.ErrorModel == ErrorModel.Additive ? sigma : sigma * f)) / Math.Sqrt(mean.N);
        var z = (mean.Mean - f) / se;
        dF = z / se;
        dSigma = 0;
        if (mean.Sd <= 0)
        {
            // se depends on σ (and on f for multiplicative error) when the observed SD is 0.
            var dLogLdSe = (z * z - 1) / se;
            var dSeDSigma = (endpoint.ErrorModel == ErrorModel.Additive ? 1 : f) / Math.Sqrt(mean.N);
            dSigma = dLogLdSe * dSeDSigma;
            if (endpoint.ErrorModel == ErrorModel.Multiplicative) dF += dLogLdSe * sigma / Math.Sqrt(mean.N);
        }
        return -0.5 * z * z - Math.Log(se) - 0.91893853320467274178;
    }
}
