using BenchmarkDotNet.Attributes;
using CellTherapySim.Modeling;
using CellTherapySim.Populations;
using CellTherapySim.Studies;

namespace CellTherapySim.Benchmarks;

/// <summary>
/// A virtual cohort of 10,000 CCI animals (default model and variability), 1e6 cells IV at day 7, PMWT and TWL read
/// on days 0..15, with residual noise and censoring (issue 3's target: under 2 s using both cores).
/// </summary>
[MemoryDiagnoser, MedianColumn]
public class CohortBenchmarks
{
    /// <summary>Number of virtual animals.</summary>
    public const int Animals = 10_000;

    private readonly Study _study = new(
        "benchmark", "", "benchmark", DefaultModel.Definition,
        new StudyDesign([new StudyGroup("CCI+IV", "cci", DefaultScenario.Doses, Animals)], DefaultScenario.Days, ["PMWT", "TWL"]),
        DefaultModel.Definition.Variability);

    /// <summary>Worker threads: 1 (per-core rate) and 2 (both cores).</summary>
    [Params(1, 2)]
    public int Threads { get; set; }

    /// <summary>Samples, simulates and observes the whole cohort.</summary>
    [Benchmark]
    public Cohort Cohort() => CohortSimulator.Simulate(_study, DefaultScenario.Model, DefaultScenario.Model.DefaultParameters(),
        new CohortOptions(Seed: 1, Threads: Threads, SolverOptions: DefaultScenario.Options));
}
