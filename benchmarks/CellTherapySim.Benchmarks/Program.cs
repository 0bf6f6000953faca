using BenchmarkDotNet.Running;
using CellTherapySim.Benchmarks;

// `-- accuracy` prints the accuracy of the benchmarked runs; anything else goes to BenchmarkDotNet.
if (args is ["accuracy"])
{
    AccuracyReport.Print(Console.Out);
    return;
}
BenchmarkSwitcher.FromAssembly(typeof(SimulationBenchmarks).Assembly).Run(args);
