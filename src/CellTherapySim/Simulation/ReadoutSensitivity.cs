using CellTherapySim.Compilation;

namespace CellTherapySim.Simulation;

/// <summary>
/// The readouts r(t, x, θ) at one time and their sensitivities to the free parameters θ_F,
/// dr/dθ_F = ∂r/∂x·∂x/∂θ_F + ∂r/∂θ_F, from given states, state sensitivities and parameter values — so that animals
/// whose parameters differ only in readouts can share one sensitivity simulation. Reuses its work arrays (allocates
/// nothing); one instance per thread.
/// </summary>
internal sealed class ReadoutSensitivity
{
    private readonly CompiledModel _model;
    private readonly int[] _free;
    private readonly double[] _x, _readouts, _dReadoutdState, _dReadoutdParameter;

    /// <summary>For <paramref name="model"/> and the free parameters <paramref name="free"/> (model indices).</summary>
    public ReadoutSensitivity(CompiledModel model, IReadOnlyList<int> free)
    {
        (_model, _free) = (model, free.ToArray());
        int n = model.StateCount, nr = model.ReadoutCount;
        (_x, _readouts, _dReadoutdState, _dReadoutdParameter) = (new double[n], new double[nr], new double[nr * n], new double[nr * model.ParameterCount]);
    }

    /// <summary>The readouts alone into <paramref name="readouts"/> (nr) at day <paramref name="t"/>, states <paramref name="x"/> and <paramref name="parameters"/>.</summary>
    public void Values(double t, ReadOnlySpan<double> x, double[] parameters, Span<double> readouts)
    {
        x.CopyTo(_x);
        _model.Readouts(t, _x, parameters, _readouts);
        _readouts.CopyTo(readouts);
    }

    /// <summary>
    /// Readouts into <paramref name="readouts"/> (nr) and their sensitivities into <paramref name="sensitivities"/>
    /// (row-major nr×nf) at day <paramref name="t"/>, states <paramref name="x"/> (n), state sensitivities
    /// <paramref name="dx"/> (row-major n×nf) and <paramref name="parameters"/> (model order).
    /// </summary>
    public void Evaluate(double t, ReadOnlySpan<double> x, ReadOnlySpan<double> dx, double[] parameters, Span<double> readouts, Span<double> sensitivities)
    {
        int n = _model.StateCount, nr = _model.ReadoutCount, np = _model.ParameterCount, nf = _free.Length;
        Values(t, x, parameters, readouts);
        _model.ReadoutGradients(t, _x, parameters, _dReadoutdState, _dReadoutdParameter);
        for (var r = 0; r < nr; r++)
            for (var k = 0; k < nf; k++)
            {
                var sum = _dReadoutdParameter[r * np + _free[k]];
                for (var i = 0; i < n; i++) sum += _dReadoutdState[r * n + i] * dx[i * nf + k];
                sensitivities[r * nf + k] = sum;
            }
    }
}
