using CellTherapySim.Solvers;

namespace CellTherapySim.Tests.Solvers;

/// <summary>After one warm-up call, Integrate allocates nothing (measured with GC.GetAllocatedBytesForCurrentThread).</summary>
public class AllocationTests
{
    public static TheoryData<string> Solvers => new() { "DormandPrince54", "Rodas4" };

    [Theory]
    [MemberData(nameof(Solvers))]
    public void SecondIntegrateAllocatesNothing(string solverName)
    {
        var solver = SolverTestHelpers.Create(solverName);
        var system = new CompartmentChain();
        var options = new SolverOptions(1e-8, 1e-10);
        double[] times = [0, 0.01, 0.5, 1, 2.5, 5];
        var output = new double[times.Length * system.Dimension];
        double[] y0 = CompartmentChain.InitialState();
        var y = new double[y0.Length];

        Array.Copy(y0, y, y.Length);
        solver.Integrate(system, 0, y, 5, times, output, options);   // warm-up: allocates the work arrays

        Array.Copy(y0, y, y.Length);
        long before = GC.GetAllocatedBytesForCurrentThread();
        var stats = solver.Integrate(system, 0, y, 5, times, output, options);
        long allocated = GC.GetAllocatedBytesForCurrentThread() - before;

        Assert.True(stats.AcceptedSteps > 10);
        Assert.Equal(0, allocated);
    }
}
