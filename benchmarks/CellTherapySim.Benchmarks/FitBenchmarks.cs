using BenchmarkDotNet.Attributes;
using CellTherapySim.Compilation;
using CellTherapySim.Inference;
using CellTherapySim.Modeling;
using CellTherapySim.Studies;

namespace CellTherapySim.Benchmarks;

/// <summary>
/// One log-posterior-plus-gradient evaluation of the issue-4 fit (models/data/cci-iv-day7/observations.csv, the eight
/// default free parameters plus two residual SDs, fixed effects, M3 censoring, rtol 1e-6): Stan needed 6.5 ms.
/// </summary>
[MemoryDiagnoser, MedianColumn]
public class FitBenchmarks
{
    private readonly FitPosterior _density;
    private readonly double[] _point;
    private readonly double[] _gradient;

    /// <summary>Loads the data and prepares the density at the prior medians.</summary>
    public FitBenchmarks()
    {
        var model = DefaultModel.Definition;
        var animals = ObservationCsvReader.Read(Path.Combine(RepositoryRoot(), "models", "data", "cci-iv-day7", "observations.csv"), model);
        var fit = new FitModel(CompiledModel.Compile(model), FitData.FromAnimals("observations.csv", animals, model), new FitSettings());
        _density = new FitPosterior(fit);
        _point = fit.InitialPoint(new Random(1), 0);
        _gradient = new double[fit.Dimension];
    }

    /// <summary>log p(q | data) and its gradient.</summary>
    [Benchmark]
    public double LogDensityAndGradient() => _density.Evaluate(_point, _gradient);

    private static string RepositoryRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "CellTherapySim.sln"))) return dir.FullName;
        throw new InvalidOperationException("CellTherapySim.sln not found above the benchmark's folder");
    }
}
