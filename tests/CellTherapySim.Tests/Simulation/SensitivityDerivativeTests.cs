using CellTherapySim.Compilation;
using CellTherapySim.Modeling;
using CellTherapySim.Modeling.Expressions;
using CellTherapySim.Simulation;
using CellTherapySim.Solvers;

namespace CellTherapySim.Tests.Simulation;

/// <summary>
/// The compiled sensitivity equations: second-derivative products against finite differences of the compiled Jacobians,
/// the exact augmented Jacobian and its structured stage solve, ∂F/∂t, and hill's second derivatives (also at x = 0).
/// Central differences with step 1e-6 leave errors ≈ 1e-10 (truncation and rounding); the tolerance is 1e-6·(1 + |value|).
/// </summary>
public class SensitivityDerivativeTests
{
    private static readonly CompiledModel Default = CompiledModel.Compile(DefaultModel.Definition);

    /// <summary>hill in equations, with a state as x50 and another as exponent, so that every second derivative of hill appears.</summary>
    private const string HillModelText = """
        name: hill-equations
        parameters:
          k: {value: 0.7, unit: 1/day}
          X50: {value: 0.8, unit: "1"}
          h: {value: 2, unit: "1"}
          r: {value: 1, unit: 1/day}
        states:
          X: {initial: 0, unit: "1"}
          Y: {initial: 0.5, unit: "1"}
          N: {initial: 2, unit: "1"}
        equations:
          dX/dt: k*(1 - X) - r*hill(X, X50, h)*X
          dY/dt: 0.1*r - k*hill(X, Y, N)*Y
          dN/dt: -0.01*r*(N - h)
        readouts:
          out: {expression: "X + Y", unit: "1"}
        """;

    private static readonly CompiledModel Hill = CompiledModel.Compile(ModelFileReader.Read(HillModelText, "hill.yaml"));

    private const double Tolerance = 1e-6;

    /// <summary>G(x) = J(x)·S + ∂f/∂θ_active(x) from the compiled first derivatives, in the n×m layout of the S part.</summary>
    private static double[] FirstOrderProduct(CompiledModel model, SensitivityEquations equations, double[] z, double[] p)
    {
        int n = model.StateCount, np = model.ParameterCount, m = equations.Active.Count;
        var (jacobian, dfdt, dfdp) = (new double[n * n], new double[n], new double[n * np]);
        model.Jacobian(0, z, p, jacobian, dfdt);
        model.ParameterJacobian(0, z, p, dfdp);
        var result = new double[n * m];
        for (var i = 0; i < n; i++)
            for (var a = 0; a < m; a++)
            {
                var sum = dfdp[i * np + equations.Free[equations.Active[a]]];
                for (var j = 0; j < n; j++) sum += jacobian[i * n + j] * z[n + j * m + a];
                result[i * m + a] = sum;
            }
        return result;
    }

    /// <summary>M_a·v for all a from the compiled second derivatives (the S part of an augmented vector).</summary>
    private static double[] Product(SensitivityEquations equations, double[] z, double[] p, double[] v)
    {
        var result = new double[equations.Dimension];
        equations.JacobianProduct(0, z, p, v, result);
        return result[equations.StateCount..];
    }

    private static double[] RandomDefaultPoint(Random random, SensitivityEquations equations)
    {
        var z = Enumerable.Range(0, equations.Dimension).Select(_ => 2 * random.NextDouble() - 0.5).ToArray();
        for (var i = 0; i < equations.StateCount; i++) z[i] = 0.05 + 1.5 * random.NextDouble();
        // Keep R away from the kink of pos(R − 1) so that the finite difference does not straddle it.
        z[DefaultModel.Definition.StateIndex("R")] = random.NextDouble() < 0.5 ? 0.3 + 0.5 * random.NextDouble() : 1.2 + random.NextDouble();
        return z;
    }

    private static double[] RandomParameters(CompiledModel model, Random random) =>
        model.DefaultParameters().Select(v => v * Math.Exp(0.3 * (2 * random.NextDouble() - 1))).ToArray();

    private static void AssertClose(double[] expected, double[] actual, double tolerance, string what)
    {
        Assert.Equal(expected.Length, actual.Length);
        for (var i = 0; i < expected.Length; i++)
            Assert.True(Math.Abs(expected[i] - actual[i]) <= tolerance * (1 + Math.Abs(expected[i])),
                $"{what}[{i}]: expected {expected[i]:G12}, got {actual[i]:G12}");
    }

    /// <summary>M·v against (G(x + δv) − G(x − δv))/(2δ), or the forward difference (G(x + δv) − G(x))/δ.</summary>
    private static void AssertProductMatches(CompiledModel model, SensitivityEquations equations, double[] z, double[] p, double[] v,
        bool forward, double tolerance)
    {
        const double delta = 1e-6;
        int n = model.StateCount;
        var (plus, minus) = ((double[])z.Clone(), (double[])z.Clone());
        for (var l = 0; l < n; l++)
        {
            plus[l] += delta * v[l];
            if (!forward) minus[l] -= delta * v[l];
        }
        var (gPlus, gMinus) = (FirstOrderProduct(model, equations, plus, p), FirstOrderProduct(model, equations, minus, p));
        var numeric = gPlus.Zip(gMinus, (a, b) => (a - b) / (forward ? delta : 2 * delta)).ToArray();
        AssertClose(numeric, Product(equations, z, p, v), tolerance, "M·v");
    }

    [Fact]
    public void SecondDerivativeProductsMatchFiniteDifferencesOfTheJacobian()
    {
        var random = new Random(20261122);
        var equations = Default.Sensitivities(SensitivityAccuracyTests.Free(SensitivityAccuracyTests.FreeNames));
        for (var trial = 0; trial < 20; trial++)
        {
            var z = RandomDefaultPoint(random, equations);
            var v = Enumerable.Range(0, Default.StateCount).Select(_ => 2 * random.NextDouble() - 1).ToArray();
            AssertProductMatches(Default, equations, z, RandomParameters(Default, random), v, forward: false, Tolerance);
        }
    }

    [Fact]
    public void SecondDerivativeProductsOfHillInEquationsMatchFiniteDifferences()
    {
        var random = new Random(5);
        var equations = Hill.Sensitivities([0, 1, 2]);
        Assert.Equal(new[] { 0, 1, 2 }, equations.Active);
        for (var trial = 0; trial < 20; trial++)
        {
            var z = Enumerable.Range(0, equations.Dimension).Select(_ => 2 * random.NextDouble() - 1).ToArray();
            (z[0], z[1], z[2]) = (0.05 + 2 * random.NextDouble(), 0.2 + random.NextDouble(), 0.7 + 3 * random.NextDouble());
            var v = Enumerable.Range(0, 3).Select(_ => 2 * random.NextDouble() - 1).ToArray();
            AssertProductMatches(Hill, equations, z, RandomParameters(Hill, random), v, forward: false, Tolerance);
        }
    }

    [Theory]
    [InlineData(2.0)]
    [InlineData(3.0)]
    [InlineData(4.0)]
    public void SecondDerivativeProductsOfHillAtZeroAreTheLimitsFromTheRight(double exponent)
    {
        // At X = 0 hill's derivatives are one-sided: compare with forward differences into X > 0 (O(δ) truncation for
        // integer exponents, where hill is smooth from the right; ∂²hill/∂x² ~ x^(n−2) would converge like δ^(n−2) otherwise).
        var equations = Hill.Sensitivities([0, 1, 2]);
        var p = Hill.DefaultParameters();
        p[2] = exponent;
        var random = new Random(9);
        var z = Enumerable.Range(0, equations.Dimension).Select(_ => 2 * random.NextDouble() - 1).ToArray();
        (z[0], z[1], z[2]) = (0, 0.5, exponent);
        AssertProductMatches(Hill, equations, z, p, [1, 0.3, -0.2], forward: true, 1e-5);
        Assert.All(Product(equations, z, p, [1, 0.3, -0.2]), value => Assert.True(double.IsFinite(value)));
    }

    [Fact]
    public void AugmentedRightHandSideIsTheSensitivityEquation()
    {
        var random = new Random(3);
        var equations = Default.Sensitivities(SensitivityAccuracyTests.Free(SensitivityAccuracyTests.FreeNames));
        int n = Default.StateCount;
        var z = RandomDefaultPoint(random, equations);
        var p = RandomParameters(Default, random);
        var (f, augmented) = (new double[n], new double[equations.Dimension]);
        Default.RightHandSide(0, z, p, f);
        equations.RightHandSide(0, z, p, augmented);
        AssertClose(f, augmented[..n], 1e-14, "f");
        AssertClose(FirstOrderProduct(Default, equations, z, p), augmented[n..], 1e-14, "J·S + ∂f/∂θ");
    }

    public static TheoryData<string> Models => new() { "default", "hill" };

    /// <summary>The augmented system of a model with random parameters, and a random augmented point.</summary>
    private static (SensitivityOdeSystem System, double[] Z) Point(string name, int seed)
    {
        var random = new Random(seed);
        var model = name == "default" ? Default : Hill;
        var equations = model.Sensitivities(name == "default" ? SensitivityAccuracyTests.Free(SensitivityAccuracyTests.FreeNames) : [0, 1, 2]);
        double[] z;
        if (name == "default") z = RandomDefaultPoint(random, equations);
        else
        {
            z = Enumerable.Range(0, equations.Dimension).Select(_ => 2 * random.NextDouble() - 1).ToArray();
            (z[0], z[1], z[2]) = (0.6, 0.7, 2.3);
        }
        return (new SensitivityOdeSystem(equations) { Parameters = RandomParameters(model, random) }, z);
    }

    [Theory]
    [MemberData(nameof(Models))]
    public void DenseAugmentedJacobianMatchesFiniteDifferences(string name)
    {
        var (system, z) = Point(name, 17);
        int dimension = system.Dimension;
        var (jacobian, dfdt) = (new double[dimension * dimension], new double[dimension]);
        system.Jacobian(0, z, jacobian, dfdt);
        for (var j = 0; j < dimension; j++)
        {
            var h = 1e-6 * Math.Max(1, Math.Abs(z[j]));
            var (plus, minus) = ((double[])z.Clone(), (double[])z.Clone());
            plus[j] += h;
            minus[j] -= h;
            var (fPlus, fMinus) = (new double[dimension], new double[dimension]);
            system.Evaluate(0, plus, fPlus);
            system.Evaluate(0, minus, fMinus);
            var column = Enumerable.Range(0, dimension).Select(i => jacobian[i * dimension + j]).ToArray();
            AssertClose(fPlus.Zip(fMinus, (a, b) => (a - b) / (2 * h)).ToArray(), column, Tolerance, $"∂F/∂z_{j}");
        }
        Assert.All(dfdt, value => Assert.Equal(0, value));   // autonomous
    }

    [Theory]
    [MemberData(nameof(Models))]
    public void StructuredStageSolveEqualsTheDenseSolve(string name)
    {
        var (system, z) = Point(name, 23);
        int dimension = system.Dimension;
        var random = new Random(1);
        foreach (var shift in new[] { 0.3, 4.0, 1e3 })
        {
            var (jacobian, dfdt, lu) = (new double[dimension * dimension], new double[dimension], new double[dimension * dimension]);
            system.Jacobian(2, z, jacobian, dfdt);
            var (pivots, inverseDiagonal) = (new int[dimension], new double[dimension]);
            Assert.True(DenseLu.DecomposeShifted(shift, jacobian, lu, dimension, pivots, inverseDiagonal));
            var b = Enumerable.Range(0, dimension).Select(_ => 2 * random.NextDouble() - 1).ToArray();
            var dense = (double[])b.Clone();
            DenseLu.Solve(lu, dimension, pivots, inverseDiagonal, dense);

            system.PrepareJacobian(2, z, dfdt);
            Assert.True(system.Factor(shift));
            system.Solve(b);
            AssertClose(dense, b, 1e-12, $"u (shift {shift})");
        }
    }

    [Theory]
    [InlineData(1)]
    [InlineData(3)]
    [InlineData(4)]
    [InlineData(5)]
    [InlineData(9)]
    public void SparseSolveOfManyRightHandSidesEqualsDenseSolves(int count)
    {
        // A random matrix with a third of its entries zero and pivoting (small diagonal), against DenseLu.Solve per column.
        const int n = 7;
        var random = new Random(count);
        var a = Enumerable.Range(0, n * n).Select(i => random.NextDouble() < 0.33 ? 0 : (i % (n + 1) == 0 ? 0.01 : 1) * (2 * random.NextDouble() - 1)).ToArray();
        var (pivots, inverseDiagonal) = (new int[n], new double[n]);
        Assert.True(DenseLu.Decompose(a, n, pivots, inverseDiagonal));
        Assert.Contains(pivots.Select((p, k) => p != k), swapped => swapped);
        var solver = new SparseLuSolver(n);
        solver.Prepare(a, pivots, inverseDiagonal);
        var b = Enumerable.Range(0, n * count).Select(_ => 2 * random.NextDouble() - 1).ToArray();
        var expected = new double[n * count];
        for (var c = 0; c < count; c++)
        {
            var column = Enumerable.Range(0, n).Select(i => b[i * count + c]).ToArray();
            DenseLu.Solve(a, n, pivots, inverseDiagonal, column);
            for (var i = 0; i < n; i++) expected[i * count + c] = column[i];
        }
        solver.Solve(b, count);
        AssertClose(expected, b, 1e-12, "X");
    }

    [Fact]
    public void TimeDerivativeOfANonAutonomousModelMatchesFiniteDifferences()
    {
        var text = HillModelText.Replace("dN/dt: -0.01*r*(N - h)", "dN/dt: -0.01*r*(N - h)*exp(-k*t) + r^3*X*t*t");
        var model = CompiledModel.Compile(ModelFileReader.Read(text, "hill-t.yaml"));
        var equations = model.Sensitivities([0, 1, 2]);
        Assert.NotNull(equations.TimeDerivative);
        Assert.Null(Default.Sensitivities([0, 1]).TimeDerivative);
        var random = new Random(4);
        var z = Enumerable.Range(0, equations.Dimension).Select(_ => 2 * random.NextDouble() - 1).ToArray();
        (z[0], z[1], z[2]) = (0.6, 0.7, 2.3);
        var system = new SensitivityOdeSystem(equations) { Parameters = model.DefaultParameters() };
        var dfdt = new double[equations.Dimension];
        system.PrepareJacobian(1.5, z, dfdt);
        const double h = 1e-6;
        var (plus, minus) = (new double[equations.Dimension], new double[equations.Dimension]);
        system.Evaluate(1.5 + h, z, plus);
        system.Evaluate(1.5 - h, z, minus);
        AssertClose(plus.Zip(minus, (a, b) => (a - b) / (2 * h)).ToArray(), dfdt, Tolerance, "∂F/∂t");
        Assert.Contains(dfdt.Skip(3), value => value != 0);
    }

    [Fact]
    public void ParametersOutsideTheEquationsAreNotIntegrated()
    {
        var names = SensitivityAccuracyTests.FreeNames;
        var equations = Default.Sensitivities(SensitivityAccuracyTests.Free(names));
        Assert.Equal(new[] { "k_act", "k_deact", "g_S", "sig_L", "k_Z", "k_BL", "k_BT" }, equations.Active.Select(a => names[a]));
        Assert.Equal(Default.StateCount * 8, equations.Dimension);
    }

    // hill(x, x50, n) and its first and second partial derivatives, as (function, ∂/∂x, ∂/∂x50, ∂/∂n) rows.
    private static readonly Func<double, double, double, double>[][] HillTable =
    [
        [ModelFunctions.HillDx, ModelFunctions.HillDxDx, ModelFunctions.HillDxDx50, ModelFunctions.HillDxDn],
        [ModelFunctions.HillDx50, ModelFunctions.HillDxDx50, ModelFunctions.HillDx50Dx50, ModelFunctions.HillDx50Dn],
        [ModelFunctions.HillDn, ModelFunctions.HillDxDn, ModelFunctions.HillDx50Dn, ModelFunctions.HillDnDn],
    ];

    [Fact]
    public void HillSecondDerivativesMatchFiniteDifferencesOfTheFirst()
    {
        var random = new Random(8);
        for (var trial = 0; trial < 200; trial++)
        {
            double[] point = [0.01 + 3 * random.NextDouble(), 0.1 + 2 * random.NextDouble(), 0.5 + 4 * random.NextDouble()];
            foreach (var row in HillTable)
                for (var j = 0; j < 3; j++)
                {
                    var h = 1e-6 * point[j];
                    var (plus, minus) = ((double[])point.Clone(), (double[])point.Clone());
                    plus[j] += h;
                    minus[j] -= h;
                    var numeric = (row[0](plus[0], plus[1], plus[2]) - row[0](minus[0], minus[1], minus[2])) / (2 * h);
                    var exact = row[j + 1](point[0], point[1], point[2]);
                    Assert.True(Math.Abs(numeric - exact) <= 1e-5 * (1 + Math.Abs(exact)),
                        $"at ({point[0]}, {point[1]}, {point[2]}), derivative {j}: {exact:G10} vs finite difference {numeric:G10}");
                }
        }
    }

    [Theory]
    [InlineData(0.5)]
    [InlineData(1.0)]
    [InlineData(1.5)]
    [InlineData(2.0)]
    [InlineData(3.0)]
    public void HillSecondDerivativesAtZeroAreTheLimitsFromTheRightAndZeroBelow(double n)
    {
        const double x50 = 0.7, tiny = 1e-30;
        Func<double, double, double, double>[] all =
            [ModelFunctions.HillDxDx, ModelFunctions.HillDxDx50, ModelFunctions.HillDxDn, ModelFunctions.HillDx50Dx50, ModelFunctions.HillDx50Dn, ModelFunctions.HillDnDn];
        foreach (var f in all)
        {
            Assert.Equal(0, f(-0.3, x50, n));
            var (atZero, nearZero) = (f(0, x50, n), f(tiny, x50, n));
            if (double.IsInfinity(atZero)) Assert.True(Math.Sign(nearZero) == Math.Sign(atZero) && Math.Abs(nearZero) > 10, $"{f.Method.Name}: {atZero} at 0, {nearZero} at {tiny}");
            else Assert.True(Math.Abs(atZero - nearZero) <= 1e-4 * (1 + Math.Abs(atZero)), $"{f.Method.Name}: {atZero} at 0, {nearZero} at {tiny}");
        }
        // The closed forms of the finite limits.
        Assert.Equal(n > 2 ? 0 : n == 2 ? 2 / (x50 * x50) : n == 1 ? -2 / (x50 * x50) : n > 1 ? double.PositiveInfinity : double.NegativeInfinity,
            ModelFunctions.HillDxDx(0, x50, n));
        Assert.Equal(n > 1 ? 0 : n == 1 ? -1 / (x50 * x50) : double.NegativeInfinity, ModelFunctions.HillDxDx50(0, x50, n));
    }

    [Fact]
    public void DerivativesOfHillDerivativesAreSymbolicAndThirdDerivativesAreRefused()
    {
        var x = new Symbol("x", SymbolKind.State, 0);
        var a = new Symbol("a", SymbolKind.Parameter, 0);
        var derive = new Differentiator([]);
        var first = derive.Derivative(new Call(Function.Hill, [x, a, new Number(2)]), SymbolKind.State, 0);
        var second = derive.Derivative(first, SymbolKind.Parameter, 0);
        Assert.Equal(Function.HillDxDx50, Assert.IsType<Call>(second).Function);
        var secondInX = derive.Derivative(first, SymbolKind.State, 0);
        Assert.Equal(Function.HillDxDx, Assert.IsType<Call>(secondInX).Function);
        Assert.Throws<NotSupportedException>(() => derive.Derivative(secondInX, SymbolKind.State, 0));
    }
}
