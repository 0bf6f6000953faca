namespace CellTherapySim.Solvers;

/// <summary>
/// An <see cref="IOdeSystem"/> that factors and solves its own Rosenbrock stage matrices (1/(hγ))·I − ∂f/∂y and measures
/// its own local error, e.g. to exploit block structure. <see cref="Rodas4"/> uses these members instead of its dense
/// LU and weighted RMS norm when the system implements this interface (and then never calls <see cref="IOdeSystem.Jacobian"/>).
/// Implementations must not allocate in any member.
/// </summary>
public interface IStructuredOdeSystem : IOdeSystem
{
    /// <summary>
    /// Computes ∂f/∂y at (t, y) and keeps it (and the point) for the following <see cref="Factor"/> and <see cref="Solve"/>
    /// calls, and writes ∂f/∂t into <paramref name="dfdt"/> (every entry).
    /// </summary>
    void PrepareJacobian(double t, double[] y, double[] dfdt);

    /// <summary>Whether the last prepared ∂f/∂y is finite (asked only to explain a failure).</summary>
    bool JacobianIsFinite { get; }

    /// <summary>Factors shift·I − ∂f/∂y (the last prepared Jacobian); false when it is singular or not finite.</summary>
    bool Factor(double shift);

    /// <summary>Solves (shift·I − ∂f/∂y)·u = b in place in <paramref name="b"/>, with the last factorization.</summary>
    void Solve(double[] b);

    /// <summary>
    /// The norm of the local error estimate <paramref name="error"/> of a step from <paramref name="y"/> to
    /// <paramref name="yNew"/> (≤ 1: accept); NaN when the error or the new state is not finite.
    /// </summary>
    double ErrorNorm(double[] error, double[] y, double[] yNew, double atol, double rtol);
}
