using CellTherapySim.Compilation;
using CellTherapySim.Modeling;

namespace CellTherapySim.Tests.Compilation;

/// <summary>
/// The compiled symbolic derivatives of the default model equal central finite differences at random points.
/// Central differences with step h = 1e-6·max(1, |v|) have truncation error O(h²·f''') and rounding error
/// O(ε·|f|/h) ≈ 1e-10·|f|: the tolerance 1e-6·(1 + |∂|) leaves a wide margin without hiding wrong terms.
/// </summary>
public class SymbolicDerivativeTests
{
    private static readonly CompiledModel Model = CompiledModel.Compile(DefaultModel.Definition);

    private static (double[] X, double[] P) RandomPoint(Random random)
    {
        var x = Enumerable.Range(0, Model.StateCount).Select(_ => 0.05 + 1.5 * random.NextDouble()).ToArray();
        // Keep R away from the kink of pos(R − 1) so that the finite difference does not straddle it.
        var r = Model.Definition.StateIndex("R");
        x[r] = random.NextDouble() < 0.5 ? 0.3 + 0.5 * random.NextDouble() : 1.2 + random.NextDouble();
        var p = Model.DefaultParameters().Select(v => v * Math.Exp(0.3 * (2 * random.NextDouble() - 1))).ToArray();
        return (x, p);
    }

    private static void AssertMatchesFiniteDifferences(Func<double[], double[], double[]> f, double[] point, double[] analytic, int columns, string what)
    {
        var rows = analytic.Length / columns;
        for (var j = 0; j < columns; j++)
        {
            var h = 1e-6 * Math.Max(1, Math.Abs(point[j]));
            var plus = (double[])point.Clone();
            var minus = (double[])point.Clone();
            plus[j] += h;
            minus[j] -= h;
            var (fp, fm) = (f(plus, null!), f(minus, null!));
            for (var i = 0; i < rows; i++)
            {
                var numeric = (fp[i] - fm[i]) / (2 * h);
                var exact = analytic[i * columns + j];
                Assert.True(Math.Abs(numeric - exact) <= 1e-6 * (1 + Math.Abs(exact)),
                    $"{what}[{i},{j}]: symbolic {exact:G10}, finite difference {numeric:G10}");
            }
        }
    }

    [Fact]
    public void StateJacobianMatchesFiniteDifferences()
    {
        var random = new Random(20261121);
        int n = Model.StateCount;
        for (var trial = 0; trial < 20; trial++)
        {
            var (x, p) = RandomPoint(random);
            var jacobian = new double[n * n];
            var dfdt = new double[n];
            Model.Jacobian(0, x, p, jacobian, dfdt);
            AssertMatchesFiniteDifferences((xs, _) => { var r = new double[n]; Model.RightHandSide(0, xs, p, r); return r; }, x, jacobian, n, "df/dx");
            Assert.All(dfdt, v => Assert.Equal(0, v)); // the default model is autonomous
        }
    }

    [Fact]
    public void ParameterJacobianMatchesFiniteDifferences()
    {
        var random = new Random(7);
        int n = Model.StateCount, np = Model.ParameterCount;
        for (var trial = 0; trial < 20; trial++)
        {
            var (x, p) = RandomPoint(random);
            var dfdp = new double[n * np];
            Model.ParameterJacobian(0, x, p, dfdp);
            AssertMatchesFiniteDifferences((ps, _) => { var r = new double[n]; Model.RightHandSide(0, x, ps, r); return r; }, p, dfdp, np, "df/dp");
        }
    }

    [Fact]
    public void ReadoutGradientsMatchFiniteDifferences()
    {
        var random = new Random(11);
        int n = Model.StateCount, np = Model.ParameterCount, nr = Model.ReadoutCount;
        for (var trial = 0; trial < 20; trial++)
        {
            var (x, p) = RandomPoint(random);
            var (drdx, drdp) = (new double[nr * n], new double[nr * np]);
            Model.ReadoutGradients(0, x, p, drdx, drdp);
            AssertMatchesFiniteDifferences((xs, _) => { var r = new double[nr]; Model.Readouts(0, xs, p, r); return r; }, x, drdx, n, "dr/dx");
            AssertMatchesFiniteDifferences((ps, _) => { var r = new double[nr]; Model.Readouts(0, x, ps, r); return r; }, p, drdp, np, "dr/dp");
        }
    }

    [Fact]
    public void DerivativesAtTheHealthyBaselineAreFinite()
    {
        // Z = C = M = 0 at day 0: hill(0, x50, n) and its derivatives (including ∂/∂n, with log 0) must be finite.
        int n = Model.StateCount, np = Model.ParameterCount, nr = Model.ReadoutCount;
        var x = Model.InitialState("cci");
        var p = Model.DefaultParameters();
        var (drdx, drdp) = (new double[nr * n], new double[nr * np]);
        Model.ReadoutGradients(0, x, p, drdx, drdp);
        Assert.All(drdx.Concat(drdp), v => Assert.True(double.IsFinite(v)));
    }

    [Fact]
    public void CompiledFunctionsAllocateNothing()
    {
        int n = Model.StateCount, np = Model.ParameterCount, nr = Model.ReadoutCount;
        var x = Model.InitialState("cci");
        var p = Model.DefaultParameters();
        var (f, j, dt, fp, r, rx, rp) = (new double[n], new double[n * n], new double[n], new double[n * np], new double[nr], new double[nr * n], new double[nr * np]);
        void CallAll()
        {
            Model.RightHandSide(1, x, p, f);
            Model.Jacobian(1, x, p, j, dt);
            Model.ParameterJacobian(1, x, p, fp);
            Model.Readouts(1, x, p, r);
            Model.ReadoutGradients(1, x, p, rx, rp);
        }
        CallAll();
        var before = GC.GetAllocatedBytesForCurrentThread();
        for (var i = 0; i < 1000; i++) CallAll();
        Assert.Equal(0, GC.GetAllocatedBytesForCurrentThread() - before);
    }
}
