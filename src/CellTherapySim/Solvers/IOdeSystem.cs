namespace CellTherapySim.Solvers;

/// <summary>
/// A first-order system y' = f(t, y) of fixed dimension, with its Jacobian.
/// Implementations must not allocate in <see cref="Evaluate"/> or <see cref="Jacobian"/>.
/// </summary>
public interface IOdeSystem
{
    /// <summary>Number of states.</summary>
    int Dimension { get; }

    /// <summary>Writes f(t, y) into <paramref name="dydt"/> (length <see cref="Dimension"/>).</summary>
    void Evaluate(double t, double[] y, double[] dydt);

    /// <summary>
    /// Writes ∂f/∂y row-major into <paramref name="dfdy"/> (entry [i*n + j] = ∂f_i/∂y_j, every entry written)
    /// and ∂f/∂t into <paramref name="dfdt"/>.
    /// </summary>
    void Jacobian(double t, double[] y, double[] dfdy, double[] dfdt);
}
