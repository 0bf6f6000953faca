using CellTherapySim.Modeling;
using CellTherapySim.Simulation;
using CellTherapySim.Studies;

namespace CellTherapySim.Inference;

/// <summary>
/// The log posterior of a <see cref="FitModel"/> on the unconstrained coordinates, with its gradient: priors, log
/// Jacobians of the transforms, standard-normal ηs, and the data's likelihood (<see cref="ResidualLikelihood"/> for
/// readings; Normal(f, SD/√N) for group means) whose gradient comes from forward sensitivities of the simulations.
/// A simulation that fails makes the density −∞ (a rejected proposal), counted in <see cref="Failures"/>.
/// One instance per chain (it owns a <see cref="SensitivitySimulator"/>).
/// </summary>
public sealed class FitPosterior : ILogDensity
{
    private readonly FitModel _fit;
    private readonly SensitivitySimulator _simulator;
    private readonly Simulator _plain;
    private readonly double[] _parameters;
    private readonly double[][] _initial;
    private readonly int[][] _readingsOf;
    private readonly int[][] _meansOf;
    private readonly double[] _theta, _dThetaDu, _gradTheta;
    private readonly double[] _individual, _gradIndividual;

    /// <summary>Prepares the density of <paramref name="fit"/>.</summary>
    public FitPosterior(FitModel fit)
    {
        _fit = fit;
        var data = fit.Data;
        _simulator = new SensitivitySimulator(fit.Compiled, fit.Free, fit.SolverOptions);
        _plain = new Simulator(fit.Compiled, SolverKind.Stiff, fit.SolverOptions);
        _parameters = (double[])fit.BaseParameters.Clone();
        _initial = data.Scenarios.Select(s => fit.Compiled.InitialState(s.Injury)).ToArray();
        _readingsOf = Enumerable.Range(0, data.Scenarios.Count).Select(s => Enumerable.Range(0, data.Readings.Count).Where(r => data.Readings[r].Scenario == s).ToArray()).ToArray();
        _meansOf = Enumerable.Range(0, data.Scenarios.Count).Select(s => Enumerable.Range(0, data.Means.Count).Where(m => data.Means[m].Scenario == s).ToArray()).ToArray();
        _theta = new double[fit.PriorCount];
        _dThetaDu = new double[fit.PriorCount];
        _gradTheta = new double[fit.PriorCount];
        _individual = new double[fit.Free.Length];
        _gradIndividual = new double[fit.Free.Length];
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
        for (var i = fit.EtaOffset; i < fit.Dimension; i++)
        {
            lp -= 0.5 * q[i] * q[i];
            gradient[i] -= q[i];
        }

        for (var k = 0; k < fit.Free.Length; k++) _parameters[fit.Free[k]] = _theta[k];
        var animals = fit.Data.AnimalNames.Count;
        for (var s = 0; s < fit.Data.Scenarios.Count; s++)
        {
            var scenario = PrepareScenario(q, s, animals);
            SensitivityTrajectory trajectory;
            try
            {
                trajectory = _simulator.Simulate(_parameters, _initial[s], scenario.Doses, scenario.Times);
            }
            catch (SimulationException)
            {
                Failures++;
                return double.NegativeInfinity;
            }
            Array.Clear(_gradIndividual);
            foreach (var r in _readingsOf[s])
            {
                var reading = fit.Data.Readings[r];
                lp += ReadingLikelihood(reading, trajectory.Trajectory, out var dF, out var dSigma, out var sigmaIndex, out var readout);
                _gradTheta[sigmaIndex] += dSigma;
                for (var k = 0; k < fit.Free.Length; k++) _gradIndividual[k] += dF * trajectory.ReadoutSensitivity(reading.Time, readout, k);
            }
            foreach (var m in _meansOf[s])
            {
                var mean = fit.Data.Means[m];
                lp += MeanLikelihood(mean, trajectory.Trajectory, out var dF, out var dSigma, out var sigmaIndex, out var readout);
                _gradTheta[sigmaIndex] += dSigma;
                for (var k = 0; k < fit.Free.Length; k++) _gradIndividual[k] += dF * trajectory.ReadoutSensitivity(mean.Time, readout, k);
            }
            ChainIndividual(q, gradient, scenario.Animal, animals);
        }
        if (!double.IsFinite(lp)) return double.NegativeInfinity;
        for (var i = 0; i < fit.PriorCount; i++) gradient[i] += _gradTheta[i] * _dThetaDu[i];
        return lp;
    }

    /// <summary>Number of pointwise log-likelihood terms: every reading, then every group mean, in the data's order.</summary>
    public int ObservationCount => _fit.Data.Readings.Count + _fit.Data.Means.Count;

    /// <summary>
    /// The log-likelihood of each reading and group mean (data order; <see cref="ObservationCount"/> of them) at the
    /// unconstrained point <paramref name="q"/>, for PSIS-LOO; NaN for all when a simulation fails. No gradient: a plain
    /// simulation per scenario.
    /// </summary>
    public void LogLikelihoods(ReadOnlySpan<double> q, Span<double> into)
    {
        var fit = _fit;
        for (var i = 0; i < fit.PriorCount; i++) _theta[i] = fit.Transforms[i].ToConstrained(q[i], out _, out _, out _);
        var animals = fit.Data.AnimalNames.Count;
        var readings = fit.Data.Readings.Count;
        for (var s = 0; s < fit.Data.Scenarios.Count; s++)
        {
            var scenario = PrepareScenario(q, s, animals);
            Trajectory trajectory;
            try
            {
                trajectory = _plain.Simulate(_parameters, _initial[s], scenario.Doses, scenario.Times);
            }
            catch (SimulationException)
            {
                into.Fill(double.NaN);
                return;
            }
            foreach (var r in _readingsOf[s]) into[r] = ReadingLikelihood(fit.Data.Readings[r], trajectory, out _, out _, out _, out _);
            foreach (var m in _meansOf[s]) into[readings + m] = MeanLikelihood(fit.Data.Means[m], trajectory, out _, out _, out _, out _);
        }
    }

    /// <summary>Sets <see cref="_parameters"/> for scenario <paramref name="s"/>: its animal's individual values (or the typical ones) and body weight.</summary>
    private FitScenario PrepareScenario(ReadOnlySpan<double> q, int s, int animals)
    {
        var scenario = _fit.Data.Scenarios[s];
        Individualize(q, scenario.Animal, animals);
        _fit.SetBodyWeight(_parameters, scenario);
        return scenario;
    }

    /// <summary>One reading's log-likelihood at the trajectory, with ∂/∂f, ∂/∂σ, σ's coordinate and the endpoint's readout.</summary>
    private double ReadingLikelihood(FitReading reading, Trajectory trajectory, out double dF, out double dSigma, out int sigmaIndex, out int readout)
    {
        var endpoint = _fit.Compiled.Definition.Endpoints[reading.Endpoint];
        (sigmaIndex, readout) = (_fit.ResidualCoordinate(reading.Endpoint), endpoint.Readout);
        return ResidualLikelihood.LogLikelihood(endpoint.ErrorModel, reading.Value, reading.Censoring,
            trajectory.Readout(reading.Time, readout), _theta[sigmaIndex], out dF, out dSigma);
    }

    /// <summary>One group mean's log-likelihood at the trajectory, with ∂/∂f, ∂/∂σ, σ's coordinate and the endpoint's readout.</summary>
    private double MeanLikelihood(FitGroupMean mean, Trajectory trajectory, out double dF, out double dSigma, out int sigmaIndex, out int readout)
    {
        var endpoint = _fit.Compiled.Definition.Endpoints[mean.Endpoint];
        (sigmaIndex, readout) = (_fit.ResidualCoordinate(mean.Endpoint), endpoint.Readout);
        return GroupMeanLikelihood(endpoint, mean, trajectory.Readout(mean.Time, readout), _theta[sigmaIndex], out dF, out dSigma);
    }

    /// <summary>Sets the free parameters of <see cref="_parameters"/> for an animal (its random effects) or the typical animal.</summary>
    private void Individualize(ReadOnlySpan<double> q, int animal, int animals)
    {
        var fit = _fit;
        for (var k = 0; k < fit.Free.Length; k++) _individual[k] = _theta[k];
        if (animal >= 0)
        {
            for (var j = 0; j < fit.RandomEffects.Length; j++)
            {
                var k = fit.RandomEffects[j];
                _individual[k] = fit.Scales[j].Individual(_theta[k], _theta[fit.OmegaOffset + j] * q[fit.EtaOffset + j * animals + animal]);
            }
        }
        for (var k = 0; k < fit.Free.Length; k++) _parameters[fit.Free[k]] = _individual[k];
    }

    /// <summary>Adds ∂/∂(typical value, ω, η) of the individual parameters' gradient.</summary>
    private void ChainIndividual(ReadOnlySpan<double> q, Span<double> gradient, int animal, int animals)
    {
        var fit = _fit;
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
