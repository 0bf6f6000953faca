namespace CellTherapySim.Solvers;

/// <summary>
/// An integrator for <see cref="IOdeSystem"/>. An instance keeps work arrays between calls and is not thread-safe:
/// use one per thread. After warm-up, <see cref="Integrate"/> allocates nothing.
/// </summary>
public interface IOdeSolver
{
    /// <summary>Short method name, e.g. "Rodas4".</summary>
    string Name { get; }

    /// <summary>
    /// Integrates from <paramref name="t0"/> to <paramref name="tEnd"/> (&gt; t0). <paramref name="y"/> holds the state at t0
    /// on entry and at tEnd on return. For each k, the state at <paramref name="outputTimes"/>[k] (which must lie in
    /// [t0, tEnd] and be non-decreasing) is written, from dense output, to
    /// <paramref name="output"/>[k*n .. k*n+n-1].
    /// </summary>
    /// <exception cref="SolverException">Step size underflow, a non-finite state or derivative, or too many steps.</exception>
    SolverStatistics Integrate(IOdeSystem system, double t0, double[] y, double tEnd,
        ReadOnlySpan<double> outputTimes, Span<double> output, SolverOptions options);
}
