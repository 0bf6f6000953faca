using BenchmarkDotNet.Attributes;
using CellTherapySim.Agents;
using CellTherapySim.Simulation;

namespace CellTherapySim.Benchmarks;

/// <summary>
/// The agent-based engine (issue 5), CCI, 1,000,000 cells IV at day 7, days 0–15, on one thread: trafficking alone (D(t)
/// from the ODE at step 0.01 d), and the hybrid engine with the default model's 64×64 dorsal-horn lattice. Agent updates
/// per second = the updates printed at setup (site updates + cell transitions) / median.
/// </summary>
[MemoryDiagnoser, MedianColumn]
public class AgentBenchmarks
{
    private CellTrafficking _chain = null!;
    private HybridSimulator _hybrid = null!;

    /// <summary>Builds D(t) and the hybrid engine, and prints the work of one run of each.</summary>
    [GlobalSetup]
    public void Setup()
    {
        var model = DefaultScenario.Model;
        var parameters = model.DefaultParameters();
        var initial = model.InitialState("cci");
        var simulator = new Simulator(model, SolverKind.Stiff, DefaultScenario.Options);
        var injury = InjuryIndexCurve.FromSimulation(simulator, parameters, initial, DefaultScenario.Doses, 15, 0.01);
        _chain = new CellTrafficking(TraffickingRates.FromModel(model, parameters), injury);
        _hybrid = new HybridSimulator(AgentModel.Compile(model));
        var result = Iv1e6();
        Console.WriteLine($"// AgentBenchmarks: trafficking {result.Events:N0} events and {result.RejectedCandidates:N0} thinning rejections per run");
        var s = Hybrid1e6Lattice64().Statistics;
        Console.WriteLine($"// AgentBenchmarks: hybrid {s.Steps:N0} steps, {s.SiteUpdates:N0} site updates, {s.CellEvents:N0} cell transitions, {s.AgentUpdates:N0} agent updates per run");
    }

    /// <summary>One seeded trafficking run of 1,000,000 cells.</summary>
    [Benchmark]
    public TraffickingResult Iv1e6() => _chain.Simulate(DefaultScenario.Doses, DefaultScenario.Days, seed: 42);

    /// <summary>One seeded hybrid run: 1,000,000 cells and a 64×64 lattice (includes the mean-field path that sets the step).</summary>
    [Benchmark]
    public HybridRun Hybrid1e6Lattice64() =>
        _hybrid.Simulate(DefaultScenario.Model.DefaultParameters(), DefaultScenario.Model.InitialState("cci"), DefaultScenario.Doses, DefaultScenario.Days, seed: 42);
}
