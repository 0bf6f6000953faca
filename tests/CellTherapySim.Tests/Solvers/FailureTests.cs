using CellTherapySim.Solvers;
using Xunit.Abstractions;

namespace CellTherapySim.Tests.Solvers;

/// <summary>Failures end in a <see cref="SolverException"/> that says where and why, never in a hang or a silent NaN.</summary>
public class FailureTests(ITestOutputHelper log)
{
    public static TheoryData<string> Solvers => new() { "DormandPrince54", "Rodas4" };

    [Theory]
    [MemberData(nameof(Solvers))]
    public void NaNRightHandSideAtStartIsReportedAtT0(string solverName)
    {
        var solver = SolverTestHelpers.Create(solverName);
        double[] y = [1, 1];
        var ex = Assert.Throws<SolverException>(() =>
            solver.Integrate(new AlwaysNaN(), 0.25, y, 1, [], [], SolverOptions.Default));
        log.WriteLine(ex.Message);
        Assert.Equal(0.25, ex.Time);
        Assert.Contains("t = 0.25", ex.Message);
        Assert.Contains("NaN", ex.Message);
        Assert.Contains("log/sqrt", ex.Message);
    }

    /// <summary>f = −y + √(0.5 − t) is NaN beyond t = 0.5: the failure is reported at t = 0.5 (within 1e-6).</summary>
    [Theory]
    [MemberData(nameof(Solvers))]
    public void NaNRightHandSideLaterIsReportedWhereItStarts(string solverName)
    {
        var solver = SolverTestHelpers.Create(solverName);
        double[] y = [1];
        var ex = Assert.Throws<SolverException>(() =>
            solver.Integrate(new SqrtOfNegativeAfterHalf(), 0, y, 1, [], [], SolverOptions.Default));
        log.WriteLine(ex.Message);
        Assert.InRange(ex.Time, 0.5 - 1e-6, 0.5);
        Assert.Contains("t = 0.5", ex.Message);
        Assert.Contains("non-finite", ex.Reason);
        Assert.Contains("NaN", ex.Message);
    }

    /// <summary>
    /// y' = y², y(0) = 1 blows up at t = 1: integrating to t = 2 fails with a step size underflow at the numerical blow-up
    /// time, which differs from 1 by about the global error (≈ rtol = 1e-6 with the default options), on either side.
    /// </summary>
    [Theory]
    [MemberData(nameof(Solvers))]
    public void BlowUpIsReportedAsStepSizeUnderflow(string solverName)
    {
        var solver = SolverTestHelpers.Create(solverName);
        double[] y = [1];
        var ex = Assert.Throws<SolverException>(() =>
            solver.Integrate(new BlowUp(), 0, y, 2, [], [], SolverOptions.Default));
        log.WriteLine(ex.Message);
        Assert.InRange(ex.Time, 1 - 1e-6, 1 + 1e-6);
        Assert.Contains("step size underflow", ex.Reason);
        Assert.Contains("blows up", ex.Message);
    }

    [Theory]
    [MemberData(nameof(Solvers))]
    public void TooManyStepsIsReported(string solverName)
    {
        var solver = SolverTestHelpers.Create(solverName);
        double[] y = [1, 0, 0];
        var ex = Assert.Throws<SolverException>(() =>
            solver.Integrate(new Robertson(), 0, y, 1e5, [], [], new SolverOptions(MaxSteps: 5)));
        log.WriteLine(ex.Message);
        Assert.Contains("MaxSteps = 5", ex.Reason);
        Assert.Contains("MaxSteps reached", ex.Message);
        Assert.True(ex.Time > 0 && ex.Time < 1e5);
    }

    /// <summary>DOPRI5 on a stiff linear problem (λ down to −1e5) runs out of steps and says that the problem is stiff.</summary>
    [Fact]
    public void DormandPrinceReportsDetectedStiffness()
    {
        double[] y = [1, -2, 0.5];
        var ex = Assert.Throws<SolverException>(() =>
            new DormandPrince54().Integrate(new LinearSystem(-1, -10, -1e5), 0, y, 10, [], [], new SolverOptions(MaxSteps: 2000)));
        log.WriteLine(ex.Message);
        Assert.Contains("detected to be stiff", ex.Message);
        Assert.Contains("Rodas4", ex.Message);
    }

    /// <summary>Finite f but a NaN entry in the Jacobian: Rodas4 cannot factorize its stage matrix and says why.</summary>
    [Fact]
    public void RodasReportsNonFiniteJacobian()
    {
        double[] y = [1];
        var ex = Assert.Throws<SolverException>(() =>
            new Rodas4().Integrate(new NaNJacobian(), 0, y, 1, [], [], SolverOptions.Default));
        log.WriteLine(ex.Message);
        Assert.Equal(0, ex.Time);
        Assert.Contains("singular or not finite", ex.Reason);
        Assert.Contains("NaN/∞ in the Jacobian", ex.Message);
    }

    private sealed class NaNJacobian : IOdeSystem
    {
        public int Dimension => 1;
        public void Evaluate(double t, double[] y, double[] dydt) => dydt[0] = -y[0];

        public void Jacobian(double t, double[] y, double[] dfdy, double[] dfdt)
        {
            dfdy[0] = double.NaN;
            dfdt[0] = 0;
        }
    }

    [Theory]
    [MemberData(nameof(Solvers))]
    public void InvalidArgumentsAreRejected(string solverName)
    {
        var solver = SolverTestHelpers.Create(solverName);
        var system = new LinearSystem(-1, -2, -3);
        var options = SolverOptions.Default;
        var output = new double[6];
        Assert.Throws<ArgumentException>(() => solver.Integrate(system, 1, [1, 1, 1], 1, [], [], options));          // tEnd = t0
        Assert.Throws<ArgumentException>(() => solver.Integrate(system, 1, [1, 1, 1], 0, [], [], options));          // tEnd < t0
        Assert.Throws<ArgumentException>(() => solver.Integrate(system, 0, [1, 1], 1, [], [], options));             // wrong dimension
        Assert.Throws<ArgumentException>(() => solver.Integrate(system, 0, [1, 1, 1], 1, [0.5, 1.5], output, options));  // outside
        Assert.Throws<ArgumentException>(() => solver.Integrate(system, 0, [1, 1, 1], 1, [-0.1], output, options));       // before t0
        Assert.Throws<ArgumentException>(() => solver.Integrate(system, 0, [1, 1, 1], 1, [0.6, 0.5], output, options));   // decreasing
        Assert.Throws<ArgumentException>(() => solver.Integrate(system, 0, [1, 1, 1], 1, [0.2, 0.5], new double[5], options)); // span too short
        Assert.Throws<ArgumentException>(() => solver.Integrate(system, 0, [1, 1, 1], 1, [], [], options with { AbsoluteTolerance = 0 }));
        Assert.Throws<ArgumentException>(() => solver.Integrate(system, 0, [1, 1, 1], 1, [], [], options with { RelativeTolerance = -1 }));
        Assert.Throws<ArgumentException>(() => solver.Integrate(system, 0, [1, 1, 1], 1, [], [], options with { MaxSteps = 0 }));
        Assert.Throws<ArgumentException>(() => solver.Integrate(system, 0, [1, 1, 1], 1, [], [], options with { MaxStep = 0 }));

        // Equal output times and times equal to t0 / tEnd are fine.
        double[] y = [1, 1, 1];
        solver.Integrate(system, 0, y, 1, [0, 0, 1, 1], new double[12], options);
    }
}
