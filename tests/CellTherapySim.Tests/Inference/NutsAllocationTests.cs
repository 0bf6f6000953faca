using CellTherapySim.Inference.Sampling;
using Xunit.Abstractions;

namespace CellTherapySim.Tests.Inference;

/// <summary>
/// After warm-up, NUTS allocates only each draw's Position copy (measured with GC.GetAllocatedBytesForCurrentThread
/// between two post-warm-up callbacks), also with trees at the maximum depth of 10.
/// </summary>
public class NutsAllocationTests(ITestOutputHelper output)
{
    private sealed class AllocationProbe
    {
        public int Measured;
        public long Start;
        public long Allocated;
        public long LeapfrogSteps;
        public int MaxDepthTrees;

        public void OnDraw(NutsDraw draw)
        {
            if (draw.IsWarmup) return;
            long now = GC.GetAllocatedBytesForCurrentThread();
            if (Measured == 0) Start = now;
            else
            {
                Allocated = now - Start;
                LeapfrogSteps += draw.LeapfrogSteps;
                if (draw.TreeDepth == 10) MaxDepthTrees++;
            }
            Measured++;
        }
    }

    [Theory]
    [InlineData(false, 1_000, 1.0)]    // adapted, short trees
    [InlineData(true, 1_000, 1.0)]     // adapted, dense metric
    [InlineData(false, 0, 1e-3)]       // no warm-up, tiny steps: every tree reaches depth 10 (1023 steps)
    public void OnlyThePositionCopyIsAllocated(bool dense, int warmup, double initialStepSize)
    {
        const int n = 10;
        const int draws = 300;
        var density = NutsGaussianTarget.Standard(n);
        var sampler = new NutsSampler(density, new NutsSettings(warmup, draws, DenseMetric: dense, InitialStepSize: initialStepSize), new Random(1));
        var probe = new AllocationProbe();
        Action<NutsDraw> callback = probe.OnDraw;
        sampler.Run(new double[n], callback);

        long before = GC.GetAllocatedBytesForCurrentThread();
        GC.KeepAlive(new double[n]);
        long positionBytes = GC.GetAllocatedBytesForCurrentThread() - before;

        int copies = probe.Measured - 1;
        output.WriteLine($"{probe.Allocated} bytes over {copies} iterations and {probe.LeapfrogSteps} leapfrog steps "
            + $"({probe.MaxDepthTrees} trees of depth 10); one position copy = {positionBytes} bytes");
        Assert.True(probe.LeapfrogSteps > copies);
        if (warmup == 0) Assert.Equal(copies, probe.MaxDepthTrees);
        Assert.Equal(copies * positionBytes, probe.Allocated);
    }
}
