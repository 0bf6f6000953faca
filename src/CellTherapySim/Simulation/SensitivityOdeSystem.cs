using CellTherapySim.Compilation;
using CellTherapySim.Solvers;

namespace CellTherapySim.Simulation;

/// <summary>
/// The forward sensitivity system z' = F(t, z) of a model, z = (x, S) with S = ∂x/∂θ row-major n×m (see
/// <see cref="SensitivityEquations"/>), F = (f, J·S + ∂f/∂θ), with its exact Jacobian: block lower triangular, J on the
/// diagonal blocks and M_a = ∂(J·S_a + ∂f/∂θ_a)/∂x below. As an <see cref="IStructuredOdeSystem"/> it solves the
/// Rosenbrock stage systems blockwise with one n×n LU of W0 = shift·I − J per step: u_x = W0⁻¹·b_x, then
/// u_a = W0⁻¹·(b_a + M_a·u_x) for all a at once (M_a·u_x from the compiled second derivatives; the m solves share a sweep
/// through the sparse factors). Its error norm is the largest weighted RMS norm of x and of each S_a (CVODES with
/// errconS; or of x alone when the sensitivities are left out of error control), with state i's absolute tolerance atol·scale_i (its own, from the model file) and that of ∂x_i/∂θ_a
/// atol·scale_i/|θ̄_a| for a typical value θ̄_a (CVODES's default pbar scaling: the error of θ̄_a·∂x_i/∂θ_a is held to
/// state i's tolerance; Hindmarsh et al. 2005, ACM TOMS 31:363, §5). Allocates nothing after construction; one
/// instance per thread.
/// </summary>
internal sealed class SensitivityOdeSystem : IStructuredOdeSystem
{
    private readonly SensitivityEquations _equations;
    private readonly int _n, _m;
    private readonly double[] _jacobian, _lu, _inverseDiagonal, _dfdtStates, _point, _unit;
    private readonly int[] _pivots;
    private readonly SparseLuSolver _solver;
    private double _time;

    private readonly double[] _stateScales, _columnScales;
    private readonly bool _controlSensitivities;

    /// <summary>
    /// Creates the system for compiled sensitivity equations, with the absolute-tolerance factor of each integrated state
    /// (null: 1) and the typical value θ̄ of each free parameter (null: 1; see the class remarks); with
    /// <paramref name="controlSensitivities"/> false only x enters the error norm.
    /// </summary>
    public SensitivityOdeSystem(SensitivityEquations equations, double[]? stateScales = null, double[]? typicalValues = null, bool controlSensitivities = true)
    {
        _controlSensitivities = controlSensitivities;
        _stateScales = stateScales ?? Enumerable.Repeat(1.0, equations.StateCount).ToArray();
        _columnScales = equations.Active.Select(k => typicalValues is { } v && v[k] != 0 && double.IsFinite(v[k]) ? 1 / Math.Abs(v[k]) : 1).ToArray();
        _equations = equations;
        _n = equations.StateCount;
        _m = equations.Active.Count;
        Dimension = equations.Dimension;
        (_jacobian, _lu) = (new double[_n * _n], new double[_n * _n]);
        (_inverseDiagonal, _dfdtStates, _pivots) = (new double[_n], new double[_n], new int[_n]);
        (_point, _unit) = (new double[Dimension], new double[Dimension]);
        _solver = new SparseLuSolver(_n);
    }

    /// <summary>The parameter values in model order (set before integrating; used directly, not copied).</summary>
    public double[] Parameters { get; set; } = [];

    /// <inheritdoc/>
    public int Dimension { get; }

    /// <summary>Whether the last prepared ∂f/∂x is finite.</summary>
    public bool JacobianIsFinite => OdeSolverSupport.AllFinite(_jacobian, _n * _n);

    /// <inheritdoc/>
    public void Evaluate(double t, double[] y, double[] dydt) => _equations.RightHandSide(t, y, Parameters, dydt);

    /// <summary>The dense augmented Jacobian (for a solver without the structured path, and for tests).</summary>
    public void Jacobian(double t, double[] y, double[] dfdy, double[] dfdt)
    {
        int n = _n, m = _m, dimension = Dimension;
        Array.Clear(dfdy, 0, dimension * dimension);
        _equations.StateJacobian(t, y, Parameters, _jacobian, _dfdtStates);
        for (var i = 0; i < n; i++)
            for (var j = 0; j < n; j++)
            {
                dfdy[i * dimension + j] = _jacobian[i * n + j];
                for (var a = 0; a < m; a++) dfdy[(n + i * m + a) * dimension + n + j * m + a] = _jacobian[i * n + j];
            }
        for (var l = 0; l < n; l++)
        {
            Array.Clear(_unit);
            _unit[l] = 1;
            _equations.JacobianProduct(t, y, Parameters, _unit, _unit);
            for (var row = n; row < dimension; row++) dfdy[row * dimension + l] = _unit[row];
        }
        TimeDerivative(t, y, dfdt);
    }

    /// <inheritdoc/>
    public void PrepareJacobian(double t, double[] y, double[] dfdt)
    {
        _equations.StateJacobian(t, y, Parameters, _jacobian, _dfdtStates);
        Array.Copy(y, _point, Dimension);
        _time = t;
        TimeDerivative(t, y, dfdt);
    }

    /// <inheritdoc/>
    public bool Factor(double shift)
    {
        if (!DenseLu.DecomposeShifted(shift, _jacobian, _lu, _n, _pivots, _inverseDiagonal)) return false;
        _solver.Prepare(_lu, _pivots, _inverseDiagonal);
        return true;
    }

    /// <inheritdoc/>
    public void Solve(double[] b)
    {
        _solver.Solve(b, 1);
        _equations.JacobianProduct(_time, _point, Parameters, b, b);
        _solver.Solve(b.AsSpan(_n), _m);
    }

    /// <inheritdoc/>
    public double ErrorNorm(double[] error, double[] y, double[] yNew, double atol, double rtol)
    {
        double norm = OdeSolverSupport.ErrorNorm(error, y, yNew, 0, 1, _n, atol, _stateScales, rtol);
        for (var a = 0; a < (_controlSensitivities ? _m : 0); a++)
            norm = Math.Max(norm, OdeSolverSupport.ErrorNorm(error, y, yNew, _n + a, _m, _n, atol * _columnScales[a], _stateScales, rtol));
        return norm;
    }

    /// <summary>∂F/∂t into <paramref name="dfdt"/>: zero for an autonomous model.</summary>
    private void TimeDerivative(double t, double[] y, double[] dfdt)
    {
        if (_equations.TimeDerivative is { } derivative) derivative(t, y, Parameters, dfdt);
        else Array.Clear(dfdt, 0, Dimension);
    }
}
