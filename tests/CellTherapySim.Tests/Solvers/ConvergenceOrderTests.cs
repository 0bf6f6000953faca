using CellTherapySim.Solvers;
using Xunit.Abstractions;

namespace CellTherapySim.Tests.Solvers;

/// <summary>
/// Observed orders with fixed steps on <see cref="ForcedNonlinear"/> (non-autonomous, nonlinear, exact solution known),
/// t ∈ [0, 2]. The observed order is log2(e(h)/e(h/2)) of the max-norm error at t = 2; required within ±0.3 of the
/// classical order (5 for DOPRI5, 4 for RODAS) for every halving in the listed range (chosen so that the errors stay far
/// above round-off and the steps are in the asymptotic regime).
/// </summary>
public class ConvergenceOrderTests(ITestOutputHelper log)
{
    private const double TEnd = 2;

    private static double[] ErrorsAtEnd(IOdeSolver solver, double[] steps)
    {
        var errors = new double[steps.Length];
        for (int s = 0; s < steps.Length; s++)
        {
            double[] y = ForcedNonlinear.Exact(0);
            solver.Integrate(new ForcedNonlinear(), 0, y, TEnd, [], [], new SolverOptions(FixedStep: steps[s]));
            double[] exact = ForcedNonlinear.Exact(TEnd);
            errors[s] = Math.Max(Math.Abs(y[0] - exact[0]), Math.Abs(y[1] - exact[1]));
        }
        return errors;
    }

    private void AssertOrder(string what, double[] steps, double[] errors, double expected, double slack)
    {
        for (int s = 1; s < steps.Length; s++)
        {
            double order = Math.Log2(errors[s - 1] / errors[s]);
            log.WriteLine($"{what}: h = {steps[s]:G4}, error {errors[s]:E3}, observed order {order:F3}");
            Assert.True(Math.Abs(order - expected) <= slack,
                $"{what}: observed order {order:F3} between h = {steps[s - 1]} and {steps[s]} (errors {errors[s - 1]:E3}, {errors[s]:E3}), expected {expected} ± {slack}");
        }
    }

    [Fact]
    public void DormandPrinceIsFifthOrder()
    {
        double[] steps = [0.1, 0.05, 0.025, 0.0125];
        AssertOrder("DOPRI5", steps, ErrorsAtEnd(new DormandPrince54(), steps), 5, 0.3);
    }

    [Fact]
    public void RodasIsFourthOrder()
    {
        double[] steps = [0.1, 0.05, 0.025, 0.0125];
        AssertOrder("RODAS", steps, ErrorsAtEnd(new Rodas4(), steps), 4, 0.3);
    }

    /// <summary>
    /// Dense output at interior points (θ = 0.3, 0.5, 0.8 of a step, near t = 0.3, 0.9, 1.5). A continuous extension of
    /// order q has local error O(h^(q+1)) that does not accumulate, so the observed order of the max error over those
    /// points is min(p, q + 1): DOPRI5 (p = 5, q = 4) must show ≥ 4 − 0.3 (as required of a 4th-order dense output);
    /// RODAS (p = 4, q = 3, the d_ij of RODAS.f) must show 4 ± 0.3, which a wrong d_ij coefficient would break.
    /// </summary>
    [Fact]
    public void DormandPrinceDenseOutputIsAtLeastFourthOrder()
    {
        double[] steps = [0.1, 0.05, 0.025, 0.0125];
        var errors = DenseOutputErrors(new DormandPrince54(), steps);
        for (int s = 1; s < steps.Length; s++)
        {
            double order = Math.Log2(errors[s - 1] / errors[s]);
            log.WriteLine($"DOPRI5 dense output: h = {steps[s]:G4}, error {errors[s]:E3}, observed order {order:F3}");
            Assert.True(order >= 3.7, $"dense output observed order {order:F3} < 3.7 between h = {steps[s - 1]} and {steps[s]}");
        }
    }

    /// <inheritdoc cref="DormandPrinceDenseOutputIsAtLeastFourthOrder"/>
    [Fact]
    public void RodasDenseOutputConvergesWithOrderFour()
    {
        double[] steps = [0.1, 0.05, 0.025, 0.0125];
        AssertOrder("RODAS dense output", steps, DenseOutputErrors(new Rodas4(), steps), 4, 0.3);
    }

    private static double[] DenseOutputErrors(IOdeSolver solver, double[] steps)
    {
        double[] thetas = [0.3, 0.5, 0.8];
        double[] near = [0.3, 0.9, 1.5];
        var errors = new double[steps.Length];
        for (int s = 0; s < steps.Length; s++)
        {
            double h = steps[s];
            var times = new double[near.Length];
            for (int j = 0; j < near.Length; j++) times[j] = (Math.Round(near[j] / h) + thetas[j]) * h;
            var output = new double[times.Length * 2];
            double[] y = ForcedNonlinear.Exact(0);
            solver.Integrate(new ForcedNonlinear(), 0, y, TEnd, times, output, new SolverOptions(FixedStep: h));
            for (int j = 0; j < times.Length; j++)
            {
                double[] exact = ForcedNonlinear.Exact(times[j]);
                errors[s] = Math.Max(errors[s], Math.Max(Math.Abs(output[2 * j] - exact[0]), Math.Abs(output[2 * j + 1] - exact[1])));
            }
        }
        return errors;
    }
}
