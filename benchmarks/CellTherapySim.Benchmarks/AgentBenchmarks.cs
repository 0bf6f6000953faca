using BenchmarkDotNet.Attributes;
using CellTherapySim.Agents;
using CellTherapySim.Simulation;

namespace CellTherapySim.Benchmarks;

/// <summary>
/// Agent-based trafficking (issue 5): 1,000,000 cells IV at day 7, CCI, days 0–15, D(t) from the ODE at step 0.01 d.
/// Events per second = the events printed at setup (cell transitions; thinning rejections printed separately) / median.
/// </summary>
[MemoryDiagnoser, MedianColumn]
public class AgentBenchmarks
{
    private CellTrafficking _chain = null!;

    /// <summary>Builds D(t) from the ODE and prints the events of one run.</summary>
    [GlobalSetup]
    public void Setup()
    {
        var model = DefaultScenario.Model;
        var parameters = model.DefaultParameters();
        var initial = model.InitialState("cci");
        var simulator = new Simulator(model, SolverKind.Stiff, DefaultScenario.Options);
        var injury = InjuryIndexCurve.FromSimulation(simulator, parameters, initial, DefaultScenario.Doses, 15, 0.01);
        _chain = new CellTrafficking(TraffickingRates.FromModel(model, parameters), injury);
        var result = Run();
        Console.WriteLine($"// AgentBenchmarks: {result.Events:N0} events and {result.RejectedCandidates:N0} thinning rejections per run");
    }

    /// <summary>One seeded run of 1,000,000 cells.</summary>
    [Benchmark]
    public TraffickingResult Iv1e6() => Run();

    private TraffickingResult Run() => _chain.Simulate(DefaultScenario.Doses, DefaultScenario.Days, seed: 42);
}
