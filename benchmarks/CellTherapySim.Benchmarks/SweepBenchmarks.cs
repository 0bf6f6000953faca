using BenchmarkDotNet.Attributes;
using CellTherapySim.Comparison;
using CellTherapySim.Sweeps;

namespace CellTherapySim.Benchmarks;

/// <summary>
/// Scenarios of models/sweeps/benchmark-100k.yaml (LHS over dose, first day, interval, number of doses, route and two
/// model parameters; typical animal; days 0-28; untreated reference per parameter set) evaluated on one core: the
/// per-scenario cost behind the issue-10 target (100,000 scenarios in under 30 s on 2 cores, the whole process).
/// </summary>
[MemoryDiagnoser, MedianColumn]
public class SweepBenchmarks
{
    /// <summary>Scenarios per benchmark invocation.</summary>
    public const int Scenarios = 200;

    private SweepEvaluator _evaluator = null!;
    private ReliefMeasure _worker = null!;

    /// <summary>Reads the shipped spec and prepares one worker.</summary>
    [GlobalSetup]
    public void Setup()
    {
        var spec = SweepSpecReader.ReadFile(Path.Combine(RepositoryRoot(), "models", "sweeps", "benchmark-100k.yaml"));
        var compiled = Compilation.CompiledModel.Compile(spec.Model);
        _evaluator = new SweepEvaluator(spec, compiled, new SweepDesign(spec, 1), null, 1);
        _worker = _evaluator.CreateWorker();
    }

    /// <summary>Evaluates scenarios 0..199 (simulations, metrics, the results.csv line).</summary>
    [Benchmark(OperationsPerInvoke = Scenarios)]
    public double Scenario()
    {
        var sum = 0.0;
        for (var id = 0; id < Scenarios; id++) sum += _evaluator.Evaluate(id, _worker).Rank;
        return sum;
    }

    private static string RepositoryRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "CellTherapySim.sln"))) return dir.FullName;
        return Directory.GetCurrentDirectory();
    }
}
