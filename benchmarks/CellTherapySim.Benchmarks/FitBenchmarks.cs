using BenchmarkDotNet.Attributes;
using CellTherapySim.Compilation;
using CellTherapySim.Inference;
using CellTherapySim.Modeling;
using CellTherapySim.Studies;

namespace CellTherapySim.Benchmarks;

/// <summary>
/// One log-posterior-plus-gradient evaluation on the shipped study (models/data/cci-iv-day7/observations.csv, 30 rats,
/// the model's fitted parameters, M3 censoring, rtol 1e-6) at the prior medians: fixed effects (Stan needed 6.5 ms;
/// rstan 2.21 8.5 ms pooled), random effects on readout parameters only (P0, W0, ImaxP: shared simulations) and on
/// P0, W0 and k_act (one simulation per animal; rstan 2.21: 108 ms), all non-centred and with P0, W0 centred (what
/// the fit's auto centring chooses on this study).
/// </summary>
[MemoryDiagnoser, MedianColumn]
public class FitBenchmarks
{
    private FitPosterior _density = null!;
    private double[] _point = [];
    private double[] _gradient = [];

    /// <summary>Which random effects (none: fixed effects), then after a space those centred.</summary>
    [Params("none", "P0,W0,ImaxP", "P0,W0,k_act", "P0,W0,k_act P0,W0")]
    public string RandomEffects { get; set; } = "none";

    /// <summary>Loads the data and prepares the density at the prior medians.</summary>
    [GlobalSetup]
    public void Setup()
    {
        var model = DefaultModel.Definition;
        var animals = ObservationCsvReader.Read(Path.Combine(RepositoryRoot(), "models", "data", "cci-iv-day7", "observations.csv"), model);
        var parts = RandomEffects.Split(' ');
        var random = parts[0] == "none" ? [] : parts[0].Split(',');
        var fit = new FitModel(CompiledModel.Compile(model), FitData.FromAnimals("observations.csv", animals, model),
            new FitSettings(RandomEffects: random, Centred: parts.Length > 1 ? parts[1].Split(',') : null));
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
