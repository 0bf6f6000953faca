namespace CellTherapySim.Inference.Sampling;

/// <summary>
/// One NUTS iteration with Stan's sampler diagnostics: the position (a copy, unconstrained coordinates), lp__,
/// accept_stat__, stepsize__, treedepth__, n_leapfrog__, divergent__ and energy__, and whether it is a warm-up iteration.
/// </summary>
public readonly record struct NutsDraw(
    double[] Position,
    double LogDensity,
    double AcceptStat,
    double StepSize,
    int TreeDepth,
    int LeapfrogSteps,
    bool Divergent,
    double Energy,
    bool IsWarmup);
