using System.Runtime.CompilerServices;
using CellTherapySim.Compilation;
using CellTherapySim.Solvers;

namespace CellTherapySim.Simulation;

/// <summary>
/// A compiled model with fixed parameter values integrated over some of its states only, the others held at 0 (states
/// that provably stay 0: <see cref="CompiledModel.ActiveStates"/>), seen by the solvers as an <see cref="IOdeSystem"/>.
/// </summary>
internal sealed class ReducedOdeSystem : IOdeSystem
{
    private readonly CompiledModel _model;
    private readonly int[] _states;
    private readonly double[] _x, _dxdt, _jacobian, _dfdt;

    /// <summary>The system of <paramref name="model"/> in the model states <paramref name="states"/> (increasing).</summary>
    public ReducedOdeSystem(CompiledModel model, int[] states)
    {
        (_model, _states) = (model, states);
        var n = model.StateCount;
        (_x, _dxdt, _jacobian, _dfdt) = (new double[n], new double[n], new double[n * n], new double[n]);
    }

    /// <summary>The parameter values in model order (used directly, not copied).</summary>
    public double[] Parameters { get; set; } = [];

    /// <inheritdoc/>
    public int Dimension => _states.Length;

    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public void Evaluate(double t, double[] y, double[] dydt)
    {
        Expand(y);
        _model.RightHandSide(t, _x, Parameters, _dxdt);
        for (var a = 0; a < _states.Length; a++) dydt[a] = _dxdt[_states[a]];
    }

    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public void Jacobian(double t, double[] y, double[] dfdy, double[] dfdt)
    {
        Expand(y);
        _model.Jacobian(t, _x, Parameters, _jacobian, _dfdt);
        int n = _model.StateCount, k = _states.Length;
        for (var a = 0; a < k; a++)
        {
            var row = _states[a] * n;
            for (var b = 0; b < k; b++) dfdy[a * k + b] = _jacobian[row + _states[b]];
            dfdt[a] = _dfdt[_states[a]];
        }
    }

    /// <summary>The full state: the integrated components in their places, the others 0 (never written).</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private void Expand(double[] y)
    {
        for (var a = 0; a < _states.Length; a++) _x[_states[a]] = y[a];
    }
}
