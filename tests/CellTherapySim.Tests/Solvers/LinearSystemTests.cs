using CellTherapySim.Solvers;
using Xunit.Abstractions;

namespace CellTherapySim.Tests.Solvers;

/// <summary>
/// y' = A y with A = V·diag(λ)·V⁻¹ against exp(A t)·y₀ from MathNet, at several output times (dense output) and tEnd.
/// Tolerances rtol = 1e-8, atol = 1e-12. The global error of a well-behaved adaptive integration of a linear
/// dissipative system stays within a small multiple of rtol (local errors are damped, not amplified), so we require
/// max_i |y_i − exact_i| ≤ 1e-6 · max_i |exact_i| at every output time: a factor 100 of headroom over rtol.
/// </summary>
public class LinearSystemTests(ITestOutputHelper log)
{
    private const double Rtol = 1e-8, Atol = 1e-12, Bound = 1e-6;
    private static readonly double[] Times = [0, 0.001, 0.01, 0.1, 0.5, 1, 2, 3];

    public static TheoryData<string, double[]> Cases => new()
    {
        { "Rodas4", [-1, -10, -1000] },
        { "Rodas4", [-1, -3, -10] },
        { "DormandPrince54", [-1, -3, -10] },
        { "DormandPrince54", [-1, -10, -1000] },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public void MatchesMatrixExponential(string solverName, double[] lambda)
    {
        var system = new LinearSystem(lambda);
        var solver = SolverTestHelpers.Create(solverName);
        double[] y0 = [1, -2, 0.5];
        double[] y = (double[])y0.Clone();
        var output = new double[Times.Length * 3];

        var stats = solver.Integrate(system, 0, y, Times[^1], Times, output, new SolverOptions(Rtol, Atol));

        double worst = 0;
        for (int k = 0; k < Times.Length; k++)
        {
            double[] exact = system.Exact(Times[k], y0);
            double error = SolverTestHelpers.RelativeMaxError(output.AsSpan(k * 3, 3), exact);
            worst = Math.Max(worst, error);
            Assert.True(error <= Bound, $"{solverName}, λ = ({string.Join(", ", lambda)}), t = {Times[k]}: relative error {error:E2} > {Bound:E0}");
        }
        Assert.Equal(y0, output.AsSpan(0, 3).ToArray());                 // output at t0 is the initial state
        Assert.Equal(y, output.AsSpan(output.Length - 3, 3).ToArray());  // output at tEnd is the final state, exactly
        log.WriteLine($"{solverName}, λ = ({string.Join(", ", lambda)}): worst relative error {worst:E2}, {stats}");
    }
}
