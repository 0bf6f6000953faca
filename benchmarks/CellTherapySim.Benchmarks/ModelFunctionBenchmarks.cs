using BenchmarkDotNet.Attributes;

namespace CellTherapySim.Benchmarks;

/// <summary>One call of the compiled right-hand side and Jacobian of the default model (must allocate 0 bytes).</summary>
[MemoryDiagnoser, MedianColumn]
public class ModelFunctionBenchmarks
{
    private readonly double[] _x = DefaultScenario.Model.InitialState("cci");
    private readonly double[] _p = DefaultScenario.Model.DefaultParameters();
    private readonly double[] _f = new double[DefaultScenario.Model.StateCount];
    private readonly double[] _jacobian = new double[DefaultScenario.Model.StateCount * DefaultScenario.Model.StateCount];
    private readonly double[] _dfdt = new double[DefaultScenario.Model.StateCount];

    /// <summary>f(t, x, p).</summary>
    [Benchmark]
    public void RightHandSide() => DefaultScenario.Model.RightHandSide(1, _x, _p, _f);

    /// <summary>∂f/∂x and ∂f/∂t.</summary>
    [Benchmark]
    public void Jacobian() => DefaultScenario.Model.Jacobian(1, _x, _p, _jacobian, _dfdt);
}
