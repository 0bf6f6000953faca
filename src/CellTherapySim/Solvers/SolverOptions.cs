namespace CellTherapySim.Solvers;

/// <summary>Error control and limits for one integration.</summary>
/// <param name="RelativeTolerance">Relative tolerance of the local error test (weights 1/(atol + rtol·|y|)).</param>
/// <param name="AbsoluteTolerance">Absolute tolerance of the local error test, in the states' own units.</param>
/// <param name="MaxSteps">Largest number of accepted plus rejected steps before the solver gives up.</param>
/// <param name="InitialStep">First step size; 0 chooses it automatically (Hairer, Nørsett &amp; Wanner 1993, II.4).</param>
/// <param name="MaxStep">Largest step size allowed.</param>
/// <param name="FixedStep">When positive, error control is off and every step has this size (last step shortened); for convergence-order studies.</param>
/// <param name="AbsoluteToleranceScales">Per integrated component, the factor on <paramref name="AbsoluteTolerance"/> (a state
/// with its own absolute tolerance); null: 1 for every component.</param>
public sealed record SolverOptions(
    double RelativeTolerance = 1e-6,
    double AbsoluteTolerance = 1e-9,
    int MaxSteps = 100_000,
    double InitialStep = 0,
    double MaxStep = double.PositiveInfinity,
    double FixedStep = 0,
    double[]? AbsoluteToleranceScales = null)
{
    /// <summary>The defaults: rtol 1e-6, atol 1e-9.</summary>
    public static SolverOptions Default { get; } = new();

    /// <summary>
    /// The defaults of a fit: rtol 1e-6, atol 1e-6 (those of Stan's ode_bdf). A fit evaluates its density thousands of
    /// times; on the shipped studies these tolerances keep the log density within 1e-4 of a 1e-10 solution and cost a
    /// third less than <see cref="Default"/>.
    /// </summary>
    public static SolverOptions Fitting { get; } = new(AbsoluteTolerance: 1e-6);
}
