namespace CellTherapySim.Inference.Sampling;

/// <summary>
/// Step-size adaptation by Nesterov's dual averaging (Nesterov 2009, "Primal-dual subgradient methods for convex
/// problems", Math. Program. 120; Hoffman &amp; Gelman 2014, JMLR 15, §3.2), with Stan's constants γ = 0.05, t₀ = 10,
/// κ = 0.75 and its update order (stepsize_adaptation.hpp): the iterate log ε is returned after each transition and
/// the averaged one, exp(x̄), when warm-up ends.
/// </summary>
internal sealed class StepSizeAdaptation(double targetAcceptance)
{
    private const double Gamma = 0.05;
    private const double T0 = 10;
    private const double Kappa = 0.75;

    private double _mu;
    private double _sBar;
    private double _xBar;
    private int _counter;

    /// <summary>The averaged step size exp(x̄), used once warm-up is over.</summary>
    public double FinalStepSize => Math.Exp(_xBar);

    /// <summary>Starts a new averaging towards <paramref name="mu"/> (Stan: μ = log(10 ε)).</summary>
    public void Restart(double mu)
    {
        _mu = mu;
        _counter = 0;
        _sBar = 0;
        _xBar = 0;
    }

    /// <summary>Updates with the accept_stat__ of the last transition and returns the next step size.</summary>
    public double Learn(double acceptStat)
    {
        _counter++;
        acceptStat = Math.Min(acceptStat, 1);
        double eta = 1.0 / (_counter + T0);
        _sBar = (1 - eta) * _sBar + eta * (targetAcceptance - acceptStat);
        double x = _mu - _sBar * Math.Sqrt(_counter) / Gamma;
        double xEta = Math.Pow(_counter, -Kappa);
        _xBar = (1 - xEta) * _xBar + xEta * x;
        return Math.Exp(x);
    }
}
