using CellTherapySim.Solvers;

namespace CellTherapySim.Tests.Solvers;

/// <summary>Step bookkeeping, output placement and reuse of one solver instance.</summary>
public class SolverBehaviourTests
{
    public static TheoryData<string> Solvers => new() { "DormandPrince54", "Rodas4" };

    /// <summary>FixedStep 0.3 on [0, 1]: steps 0.3, 0.3, 0.3 and a last step shortened to 0.1 that lands on tEnd.</summary>
    [Theory]
    [MemberData(nameof(Solvers))]
    public void FixedStepShortensTheLastStep(string solverName)
    {
        double[] y = ForcedNonlinear.Exact(0);
        var stats = SolverTestHelpers.Create(solverName)
            .Integrate(new ForcedNonlinear(), 0, y, 1, [], [], new SolverOptions(FixedStep: 0.3));
        Assert.Equal(4, stats.AcceptedSteps);
        Assert.Equal(0, stats.RejectedSteps);
        double[] exact = ForcedNonlinear.Exact(1);
        Assert.True(Math.Abs(y[0] - exact[0]) < 1e-3 && Math.Abs(y[1] - exact[1]) < 1e-3);   // h = 0.3: a coarse but sane result
    }

    /// <summary>MaxStep bounds every step, so [0, 10] with MaxStep 0.5 takes at least 20 steps (a linear decay alone would take a few).</summary>
    [Theory]
    [MemberData(nameof(Solvers))]
    public void MaxStepIsRespected(string solverName)
    {
        double[] y = [1, 1, 1];
        var stats = SolverTestHelpers.Create(solverName)
            .Integrate(new LinearSystem(-0.1, -0.2, -0.3), 0, y, 10, [], [], new SolverOptions(MaxStep: 0.5));
        Assert.True(stats.AcceptedSteps >= 20, $"{stats.AcceptedSteps} accepted steps");
    }

    /// <summary>Repeated and boundary output times: each gets the state at its time; t0 the initial, tEnd the final state.</summary>
    [Theory]
    [MemberData(nameof(Solvers))]
    public void RepeatedAndBoundaryOutputTimes(string solverName)
    {
        var system = new LinearSystem(-1, -3, -10);
        double[] y0 = [1, -2, 0.5];
        double[] y = (double[])y0.Clone();
        double[] times = [0, 0, 0.4, 0.4, 1, 1];
        var output = new double[times.Length * 3];
        SolverTestHelpers.Create(solverName).Integrate(system, 0, y, 1, times, output, new SolverOptions(1e-10, 1e-12));
        Assert.Equal(y0, output[0..3]);
        Assert.Equal(y0, output[3..6]);
        Assert.Equal(output[6..9], output[9..12]);
        Assert.True(SolverTestHelpers.RelativeMaxError(output.AsSpan(6, 3), system.Exact(0.4, y0)) < 1e-7);
        Assert.Equal(y, output[12..15]);
        Assert.Equal(y, output[15..18]);
    }

    /// <summary>One instance used for systems of different dimensions gives the same results as fresh instances.</summary>
    [Theory]
    [MemberData(nameof(Solvers))]
    public void InstanceIsReusableAcrossDimensions(string solverName)
    {
        var shared = SolverTestHelpers.Create(solverName);
        var options = new SolverOptions(1e-8, 1e-10);
        double[] a = CompartmentChain.InitialState(), b = [1, -2, 0.5], c = CompartmentChain.InitialState();
        shared.Integrate(new CompartmentChain(), 0, a, 2, [], [], options);
        shared.Integrate(new LinearSystem(-1, -10, -100), 0, b, 2, [], [], options);
        shared.Integrate(new CompartmentChain(), 0, c, 2, [], [], options);

        double[] freshA = CompartmentChain.InitialState(), freshB = [1, -2, 0.5];
        SolverTestHelpers.Create(solverName).Integrate(new CompartmentChain(), 0, freshA, 2, [], [], options);
        SolverTestHelpers.Create(solverName).Integrate(new LinearSystem(-1, -10, -100), 0, freshB, 2, [], [], options);
        Assert.Equal(freshA, a);
        Assert.Equal(freshA, c);
        Assert.Equal(freshB, b);
    }
}
