using BenchmarkDotNet.Attributes;
using CellTherapySim.Simulation;

namespace CellTherapySim.Benchmarks;

/// <summary>One simulation of the default scenario at rtol 1e-6, atol 1e-9 (issue 2's speed target: CVODE's 0.47 ms), and of a NAC + cells schedule.</summary>
[MemoryDiagnoser, MedianColumn]
public class SimulationBenchmarks
{
    private readonly Simulator _stiff = new(DefaultScenario.Model, SolverKind.Stiff, DefaultScenario.Options);
    private readonly Simulator _nonstiff = new(DefaultScenario.Model, SolverKind.Nonstiff, DefaultScenario.Options);

    /// <summary>Rodas4 with the analytic Jacobian (the default).</summary>
    [Benchmark(Baseline = true)]
    public Trajectory Stiff() => DefaultScenario.Run(_stiff);

    /// <summary>Dormand–Prince 5(4), for comparison.</summary>
    [Benchmark]
    public Trajectory Nonstiff() => DefaultScenario.Run(_nonstiff);

    /// <summary>Rodas4 through 16 boluses: NAC daily on days 0–14 with cells IV at day 7 (each dose restarts the integration).</summary>
    [Benchmark]
    public Trajectory StiffNacAndCells() => DefaultScenario.Run(_stiff, DefaultScenario.CombinationDoses);
}
