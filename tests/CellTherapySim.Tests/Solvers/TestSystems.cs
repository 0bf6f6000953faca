using CellTherapySim.Solvers;
using MathNet.Numerics.LinearAlgebra;

namespace CellTherapySim.Tests.Solvers;

/// <summary>y' = A y with A = V·diag(λ)·V⁻¹; the exact solution is V·diag(e^{λt})·V⁻¹·y₀ (computed with MathNet).</summary>
internal sealed class LinearSystem : IOdeSystem
{
    // A fixed, well-conditioned eigenvector matrix (2-norm condition number ≈ 3.5).
    private static readonly double[,] EigenVectors =
    {
        { 1.0, 0.5, 0.2 },
        { 0.3, 1.0, 0.4 },
        { 0.1, 0.6, 1.0 },
    };

    private readonly Matrix<double> _v, _vInverse;
    private readonly double[] _lambda;
    private readonly double[] _a;

    public LinearSystem(params double[] lambda)
    {
        _lambda = lambda;
        _v = Matrix<double>.Build.DenseOfArray(EigenVectors);
        _vInverse = _v.Inverse();
        var a = _v * Matrix<double>.Build.DenseOfDiagonalArray(lambda) * _vInverse;
        _a = new double[9];
        for (int i = 0; i < 3; i++)
            for (int j = 0; j < 3; j++)
                _a[i * 3 + j] = a[i, j];
    }

    public int Dimension => 3;

    public void Evaluate(double t, double[] y, double[] dydt)
    {
        for (int i = 0; i < 3; i++)
            dydt[i] = _a[i * 3] * y[0] + _a[i * 3 + 1] * y[1] + _a[i * 3 + 2] * y[2];
    }

    public void Jacobian(double t, double[] y, double[] dfdy, double[] dfdt)
    {
        Array.Copy(_a, dfdy, 9);
        Array.Clear(dfdt, 0, 3);
    }

    /// <summary>exp(A t)·y₀ = V·diag(e^{λt})·V⁻¹·y₀.</summary>
    public double[] Exact(double t, double[] y0)
    {
        var expDiag = Matrix<double>.Build.DenseOfDiagonalArray(_lambda.Select(l => Math.Exp(l * t)).ToArray());
        return (_v * expDiag * _vInverse * Vector<double>.Build.DenseOfArray(y0)).ToArray();
    }
}

/// <summary>Robertson's chemical kinetics (HNW II, IV.1 (1.4); Test Set for IVP Solvers, problem ROBER).</summary>
internal sealed class Robertson : IOdeSystem
{
    private const double K1 = 0.04, K2 = 3e7, K3 = 1e4;

    public int Dimension => 3;

    public void Evaluate(double t, double[] y, double[] dydt)
    {
        double r1 = K1 * y[0], r2 = K2 * y[1] * y[1], r3 = K3 * y[1] * y[2];
        dydt[0] = -r1 + r3;
        dydt[1] = r1 - r3 - r2;
        dydt[2] = r2;
    }

    public void Jacobian(double t, double[] y, double[] dfdy, double[] dfdt)
    {
        dfdy[0] = -K1; dfdy[1] = K3 * y[2]; dfdy[2] = K3 * y[1];
        dfdy[3] = K1; dfdy[4] = -K3 * y[2] - 2 * K2 * y[1]; dfdy[5] = -K3 * y[1];
        dfdy[6] = 0; dfdy[7] = 2 * K2 * y[1]; dfdy[8] = 0;
        Array.Clear(dfdt, 0, 3);
    }
}

/// <summary>Van der Pol in the scaled form of the Test Set for IVP Solvers (problem VDPOL): y1' = y2, y2' = ((1−y1²)y2 − y1)/ε.</summary>
internal sealed class VanDerPol(double epsilon) : IOdeSystem
{
    public int Dimension => 2;

    public void Evaluate(double t, double[] y, double[] dydt)
    {
        dydt[0] = y[1];
        dydt[1] = ((1 - y[0] * y[0]) * y[1] - y[0]) / epsilon;
    }

    public void Jacobian(double t, double[] y, double[] dfdy, double[] dfdt)
    {
        dfdy[0] = 0; dfdy[1] = 1;
        dfdy[2] = (-2 * y[0] * y[1] - 1) / epsilon; dfdy[3] = (1 - y[0] * y[0]) / epsilon;
        dfdt[0] = 0; dfdt[1] = 0;
    }
}

/// <summary>
/// A non-autonomous nonlinear system with known solution: f(t, y) = F(y) + g(t) with F(y) = (−y1·y2, y1² − y2) and
/// g(t) = u'(t) − F(u(t)), so that y = u(t) = (2 + sin t, 1 + cos(t)/2). Exercises ∂f/∂y and ∂f/∂t.
/// </summary>
internal sealed class ForcedNonlinear : IOdeSystem
{
    public int Dimension => 2;

    public static double[] Exact(double t) => [2 + Math.Sin(t), 1 + 0.5 * Math.Cos(t)];

    public void Evaluate(double t, double[] y, double[] dydt)
    {
        double s = Math.Sin(t), c = Math.Cos(t);
        double u1 = 2 + s, u2 = 1 + 0.5 * c;
        double g1 = c + u1 * u2;            // u1' − F1(u) = cos t + u1 u2
        double g2 = -0.5 * s - u1 * u1 + u2; // u2' − F2(u) = −sin(t)/2 − u1² + u2
        dydt[0] = -y[0] * y[1] + g1;
        dydt[1] = y[0] * y[0] - y[1] + g2;
    }

    public void Jacobian(double t, double[] y, double[] dfdy, double[] dfdt)
    {
        double s = Math.Sin(t), c = Math.Cos(t);
        double u1 = 2 + s, u2 = 1 + 0.5 * c, du1 = c, du2 = -0.5 * s;
        dfdy[0] = -y[1]; dfdy[1] = -y[0];
        dfdy[2] = 2 * y[0]; dfdy[3] = -1;
        dfdt[0] = -s + du1 * u2 + u1 * du2;
        dfdt[1] = -0.5 * c - 2 * u1 * du1 + du2;
    }
}

/// <summary>y' = y², y(0) = 1: y = 1/(1 − t) blows up at t = 1.</summary>
internal sealed class BlowUp : IOdeSystem
{
    public int Dimension => 1;
    public void Evaluate(double t, double[] y, double[] dydt) => dydt[0] = y[0] * y[0];

    public void Jacobian(double t, double[] y, double[] dfdy, double[] dfdt)
    {
        dfdy[0] = 2 * y[0];
        dfdt[0] = 0;
    }
}

/// <summary>y' = −y + √(0.5 − t): the right-hand side is NaN for t &gt; 0.5.</summary>
internal sealed class SqrtOfNegativeAfterHalf : IOdeSystem
{
    public int Dimension => 1;
    public void Evaluate(double t, double[] y, double[] dydt) => dydt[0] = -y[0] + Math.Sqrt(0.5 - t);

    public void Jacobian(double t, double[] y, double[] dfdy, double[] dfdt)
    {
        dfdy[0] = -1;
        dfdt[0] = -0.5 / Math.Sqrt(0.5 - t);
    }
}

/// <summary>A right-hand side that is NaN everywhere (e.g. a parameter out of range).</summary>
internal sealed class AlwaysNaN : IOdeSystem
{
    public int Dimension => 2;

    public void Evaluate(double t, double[] y, double[] dydt)
    {
        dydt[0] = -y[0];
        dydt[1] = Math.Log(-1.0) * y[1];
    }

    public void Jacobian(double t, double[] y, double[] dfdy, double[] dfdt)
    {
        dfdy[0] = -1; dfdy[1] = 0; dfdy[2] = 0; dfdy[3] = double.NaN;
        dfdt[0] = 0; dfdt[1] = 0;
    }
}

/// <summary>
/// An 11-state, mildly stiff, nonlinear compartment chain shaped like the target pharmacodynamic model
/// (rates from 0.1 to 330 per day, a saturable elimination and a feedback term).
/// </summary>
internal sealed class CompartmentChain : IOdeSystem
{
    private static readonly double[] Rates = [330, 100, 30, 10, 3, 1, 0.3, 0.1, 2, 5, 50];
    private const double Vmax = 4, Km = 0.5, Feedback = 0.2;

    public int Dimension => 11;

    public static double[] InitialState() => [10, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1];

    public void Evaluate(double t, double[] y, double[] dydt)
    {
        var k = Rates;
        dydt[0] = -k[0] * y[0] + Feedback * y[10];
        for (int i = 1; i < 11; i++) dydt[i] = k[i - 1] * y[i - 1] - k[i] * y[i];
        dydt[5] -= Vmax * y[5] / (Km + y[5]);
        dydt[10] -= Feedback * y[10];
    }

    public void Jacobian(double t, double[] y, double[] dfdy, double[] dfdt)
    {
        var k = Rates;
        Array.Clear(dfdy, 0, 121);
        Array.Clear(dfdt, 0, 11);
        dfdy[0] = -k[0];
        dfdy[10] = Feedback;
        for (int i = 1; i < 11; i++)
        {
            dfdy[i * 11 + i - 1] = k[i - 1];
            dfdy[i * 11 + i] = -k[i];
        }
        dfdy[5 * 11 + 5] -= Vmax * Km / ((Km + y[5]) * (Km + y[5]));
        dfdy[10 * 11 + 10] -= Feedback;
    }
}

/// <summary>Shared helpers for the solver tests.</summary>
internal static class SolverTestHelpers
{
    public static IOdeSolver Create(string name) => name switch
    {
        "DormandPrince54" => new DormandPrince54(),
        "Rodas4" => new Rodas4(),
        _ => throw new ArgumentException(name),
    };

    /// <summary>max_i |a_i − b_i| / max_i |b_i|.</summary>
    public static double RelativeMaxError(ReadOnlySpan<double> a, ReadOnlySpan<double> b)
    {
        double diff = 0, scale = 0;
        for (int i = 0; i < b.Length; i++)
        {
            diff = Math.Max(diff, Math.Abs(a[i] - b[i]));
            scale = Math.Max(scale, Math.Abs(b[i]));
        }
        return diff / scale;
    }
}
