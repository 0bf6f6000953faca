using BenchmarkDotNet.Attributes;
using CellTherapySim.Simulation;

namespace CellTherapySim.Benchmarks;

/// <summary>
/// One simulation of the default scenario (CCI + 1e6 cells IV at day 7, outputs days 0..15, rtol 1e-6, atol 1e-9) with
/// forward sensitivities to the model's 8 fitted parameters, beside the plain simulation (target: under ~1.5 ms, so that
/// the three simulations of a log-density gradient beat Stan's 6.5 ms).
/// </summary>
[MemoryDiagnoser, MedianColumn]
public class SensitivityBenchmarks
{
    /// <summary>The parameters marked fitted in the default model: k_act, k_deact, g_S, sig_L, k_Z, ImaxP, Z50, C50.</summary>
    public static readonly int[] Fitted = DefaultScenario.Model.Definition.Parameters
        .Select((p, i) => (p, i)).Where(pi => pi.p.Fitted).Select(pi => pi.i).ToArray();

    private readonly Simulator _plain = new(DefaultScenario.Model, SolverKind.Stiff, DefaultScenario.Options);
    private readonly SensitivitySimulator _sensitivity = new(DefaultScenario.Model, Fitted, DefaultScenario.Options);
    private readonly double[] _parameters = DefaultScenario.Model.DefaultParameters();
    private readonly double[] _initial = DefaultScenario.Model.InitialState("cci");

    /// <summary>The plain simulation (Rodas4, states and readouts only).</summary>
    [Benchmark(Baseline = true)]
    public Trajectory Plain() => DefaultScenario.Run(_plain);

    /// <summary>States, readouts and their sensitivities to the 8 fitted parameters.</summary>
    [Benchmark]
    public SensitivityTrajectory Sensitivity() => _sensitivity.Simulate(_parameters, _initial, DefaultScenario.Doses, DefaultScenario.Days);
}
