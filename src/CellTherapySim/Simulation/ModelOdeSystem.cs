using CellTherapySim.Compilation;
using CellTherapySim.Solvers;

namespace CellTherapySim.Simulation;

/// <summary>A compiled model with fixed parameter values, seen by the solvers as an <see cref="IOdeSystem"/>.</summary>
public sealed class ModelOdeSystem(CompiledModel model, double[] parameters) : IOdeSystem
{
    private readonly ModelFunction _rhs = model.RightHandSide;
    private readonly ModelFunctionPair _jacobian = model.Jacobian;

    /// <summary>The parameter values in model order (the array is used directly, not copied).</summary>
    public double[] Parameters { get; } = parameters.Length == model.ParameterCount
        ? parameters
        : throw new ArgumentException($"expected {model.ParameterCount} parameter values, got {parameters.Length}", nameof(parameters));

    /// <inheritdoc/>
    public int Dimension { get; } = model.StateCount;

    /// <inheritdoc/>
    public void Evaluate(double t, double[] y, double[] dydt) => _rhs(t, y, Parameters, dydt);

    /// <inheritdoc/>
    public void Jacobian(double t, double[] y, double[] dfdy, double[] dfdt) => _jacobian(t, y, Parameters, dfdy, dfdt);
}
