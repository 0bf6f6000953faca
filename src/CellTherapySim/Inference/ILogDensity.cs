namespace CellTherapySim.Inference;

/// <summary>
/// A log density on ℝ^d (unconstrained coordinates, Jacobian of the transforms included) with its gradient: all that
/// the samplers see. An instance is used by one thread at a time; each chain gets its own.
/// </summary>
public interface ILogDensity
{
    /// <summary>Number of unconstrained coordinates d.</summary>
    int Dimension { get; }

    /// <summary>
    /// Returns log p(q) up to a constant and writes ∂ log p/∂q into <paramref name="gradient"/> (length d). Returns
    /// <see cref="double.NegativeInfinity"/> when the density cannot be evaluated at q (e.g. the model fails to
    /// integrate there): samplers treat that point as having zero density (a rejected proposal), never as an error.
    /// </summary>
    double Evaluate(ReadOnlySpan<double> q, Span<double> gradient);
}
