using CellTherapySim.Compilation;
using CellTherapySim.Modeling;
using CellTherapySim.Simulation;
using CellTherapySim.Solvers;

namespace CellTherapySim.Tests.Simulation;

/// <summary>
/// Forward sensitivities against central finite differences of plain simulations, analytic sensitivities of linear
/// models, and continuations from a saved state.
/// </summary>
/// <remarks>
/// Tolerance of the finite-difference comparison: for each state (or readout) i and free parameter k,
/// |S − FD| ≤ 1e-5·(max over days |S_ik| + 1e-4·max over days |x_i| / θ_k), i.e. relative 1e-5 of the sensitivity's own
/// scale, with a floor of 1e-9 of the state's scale per unit relative change of θ_k (some sensitivities are exactly 0,
/// or ~1e-9 through weak feedback, where finite differences are noise). Sensitivities at rtol 1e-10, atol 1e-14;
/// finite differences with steps ±1e-3·θ_k (truncation ≈ 1e-6 relative) of simulations at rtol 1e-12, atol 1e-16
/// (noise ≈ 1e-9). The worst observed ratio error/tolerance scale is ≈ 2.4e-6 (IV) and 1e-6 (IT).
/// </remarks>
public class SensitivityAccuracyTests
{
    /// <summary>The compiled default model.</summary>
    internal static readonly CompiledModel Model = CompiledModel.Compile(DefaultModel.Definition);

    /// <summary>Output days 0..15.</summary>
    internal static readonly double[] Days = Enumerable.Range(0, 16).Select(d => (double)d).ToArray();

    private static readonly SolverOptions Tight = new(RelativeTolerance: 1e-10, AbsoluteTolerance: 1e-14);

    /// <summary>The default free set and two more (trafficking) parameters.</summary>
    internal static readonly string[] FreeNames = ["k_act", "k_deact", "g_S", "sig_L", "k_Z", "Z50", "ImaxP", "C50", "k_BL", "k_BT"];

    internal static int[] Free(params string[] names) => names.Select(DefaultModel.Definition.ParameterIndex).ToArray();

    [Theory]
    [InlineData("iv")]
    [InlineData("it")]
    public void SensitivitiesMatchCentralFiniteDifferences(string route)
    {
        var free = Free(FreeNames);
        Dose[] doses = [Dose.Cells(7, route, 1e6)];
        var p = Model.DefaultParameters();
        var initial = Model.InitialState("cci");
        var result = new SensitivitySimulator(Model, free, Tight).Simulate(p, initial, doses, Days);
        // The finite differences need every state as tight as the sensitivities (which do not use the states' own
        // tolerances): B's own (one cell) is lifted here by scales of 1.
        var reference = new Simulator(Model, SolverKind.Stiff, new SolverOptions(1e-12, 1e-16, AbsoluteToleranceScales: Enumerable.Repeat(1.0, Model.StateCount).ToArray()));
        int n = Model.StateCount, nr = Model.ReadoutCount;

        for (var k = 0; k < free.Length; k++)
        {
            var theta = p[free[k]];
            var h = 1e-3 * theta;
            var (plus, minus) = ((double[])p.Clone(), (double[])p.Clone());
            plus[free[k]] += h;
            minus[free[k]] -= h;
            var (up, down) = (reference.Simulate(plus, initial, doses, Days), reference.Simulate(minus, initial, doses, Days));
            for (var i = 0; i < n + nr; i++)
            {
                Func<Trajectory, int, double> value = i < n ? (tr, t) => tr.State(t, i) : (tr, t) => tr.Readout(t, i - n);
                Func<int, double> sensitivity = i < n ? t => result.StateSensitivity(t, i, k) : t => result.ReadoutSensitivity(t, i - n, k);
                var scale = Days.Select((_, t) => Math.Abs(sensitivity(t))).Max()
                    + 1e-4 * Days.Select((_, t) => Math.Abs(value(result.Trajectory, t))).Max() / theta;
                for (var t = 0; t < Days.Length; t++)
                {
                    var fd = (value(up, t) - value(down, t)) / (2 * h);
                    Assert.True(Math.Abs(sensitivity(t) - fd) <= 1e-5 * scale,
                        $"{(i < n ? Model.Definition.States[i].Name : Model.Definition.Readouts[i - n].Name)} / {FreeNames[k]} at day {t}: sensitivity {sensitivity(t):G10}, finite difference {fd:G10}");
                }
            }
        }
    }

    [Theory]
    [InlineData("iv")]
    [InlineData("it")]
    public void StatesAndReadoutsEqualThePlainSimulation(string route)
    {
        Dose[] doses = [Dose.Cells(7, route, 1e6)];
        var p = Model.DefaultParameters();
        var plain = new Simulator(Model, SolverKind.Stiff, Tight).Simulate(p, Model.InitialState("cci"), doses, Days);
        var result = new SensitivitySimulator(Model, Free(FreeNames), Tight).Simulate(p, Model.InitialState("cci"), doses, Days).Trajectory;
        Assert.Equal(plain.Times, result.Times);
        for (var i = 0; i < Model.StateCount; i++)
        {
            var scale = Days.Select((_, t) => Math.Abs(plain.State(t, i))).Max();
            for (var t = 0; t < Days.Length; t++) Assert.Equal(plain.State(t, i), result.State(t, i), 1e-8 * scale);
        }
        for (var r = 0; r < Model.ReadoutCount; r++)
            for (var t = 0; t < Days.Length; t++) Assert.Equal(plain.Readout(t, r), result.Readout(t, r), 1e-8 * Math.Abs(plain.Readout(t, r)));
    }

    private const string LinearModel = """
        name: linear
        parameters:
          k: {value: 0.7, unit: 1/day}
          c: {value: 3, unit: "1"}
        states:
          y: {initial: 2, unit: 1e6 cells}
        equations:
          dy/dt: -k*y
        readouts:
          r: {expression: "c*y", unit: 1e6 cells}
        routes:
          iv: {target: y, scale: 1e-6}
        """;

    [Fact]
    public void LinearDecayHasItsAnalyticSensitivities()
    {
        // y' = −k·y, y(0) = 2, plus 1.5 at day 1 (after its output): y = 2e^(−kt) + 1.5e^(−k(t−1))·[t > 1],
        // ∂y/∂k = −t·2e^(−kt) − (t − 1)·1.5e^(−k(t−1)) (= −t·y before the dose); r = c·y.
        var model = CompiledModel.Compile(ModelFileReader.Read(LinearModel, "linear.yaml"));
        double[] times = [0, 0.5, 1, 1.5, 2, 3, 5, 8];
        var result = new SensitivitySimulator(model, [0, 1], Tight).Simulate(model.DefaultParameters(), [2.0], [Dose.Cells(1, "iv", 1.5e6)], times);
        const double k = 0.7, c = 3;
        for (var t = 0; t < times.Length; t++)
        {
            var time = times[t];
            var (before, after) = (2 * Math.Exp(-k * time), time > 1 ? 1.5 * Math.Exp(-k * (time - 1)) : 0);
            var dydk = -time * before - (time - 1) * after;
            Assert.Equal(before + after, result.Trajectory.State(t, 0), 1e-8);
            Assert.Equal(dydk, result.StateSensitivity(t, 0, 0), 1e-8);
            Assert.Equal(0, result.StateSensitivity(t, 0, 1));          // c is in the readout only
            Assert.Equal(c * dydk, result.ReadoutSensitivity(t, 0, 0), 1e-8);
            Assert.Equal(before + after, result.ReadoutSensitivity(t, 0, 1), 1e-8);
        }
    }

    [Fact]
    public void NonAutonomousModelHasItsAnalyticSensitivities()
    {
        // y' = −k·(1 + a·t)·y: y = y0·exp(−k·(t + a·t²/2)), ∂y/∂k = −(t + a·t²/2)·y, ∂y/∂a = −k·t²/2·y.
        // The Rosenbrock stages use ∂F/∂t of the augmented system, here nonzero in every block.
        var text = LinearModel.Replace("dy/dt: -k*y", "dy/dt: -k*(1 + a*t)*y").Replace("  c: {value: 3", "  a: {value: 0.4, unit: 1/day}\n  c: {value: 3");
        var model = CompiledModel.Compile(ModelFileReader.Read(text, "time.yaml"));
        double[] times = [0, 0.5, 1, 2, 4];
        var result = new SensitivitySimulator(model, [0, 1], Tight).Simulate(model.DefaultParameters(), [2.0], [], times);
        const double k = 0.7, a = 0.4;
        for (var t = 0; t < times.Length; t++)
        {
            var time = times[t];
            var y = 2 * Math.Exp(-k * (time + a * time * time / 2));
            Assert.Equal(y, result.Trajectory.State(t, 0), 1e-8);
            Assert.Equal(-(time + a * time * time / 2) * y, result.StateSensitivity(t, 0, 0), 1e-8);
            Assert.Equal(-k * time * time / 2 * y, result.StateSensitivity(t, 0, 1), 1e-8);
        }
    }

    [Fact]
    public void ContinuationsFromDaySevenEqualWholeRuns()
    {
        // One CCI run to day 7, branched into saline and IV continuations, equals whole runs of each (the dose at the
        // start is given after the output there).
        var simulator = new SensitivitySimulator(Model, Free(FreeNames), Tight);
        var p = Model.DefaultParameters();
        var days = Days.Skip(7).ToArray();
        var start = simulator.Simulate(p, Model.InitialState("cci"), [], Days.Take(8).ToArray()).At(7);
        Assert.Equal(7, start.Time);
        foreach (var doses in new[] { Array.Empty<Dose>(), [Dose.Cells(7, "iv", 1e6)] })
        {
            var branch = simulator.Simulate(p, start, doses, days);
            var whole = simulator.Simulate(p, Model.InitialState("cci"), doses, Days);
            for (var t = 0; t < days.Length; t++)
            {
                for (var i = 0; i < Model.StateCount; i++)
                {
                    Assert.Equal(whole.Trajectory.State(t + 7, i), branch.Trajectory.State(t, i), 1e-8);
                    for (var k = 0; k < FreeNames.Length; k++)
                        Assert.Equal(whole.StateSensitivity(t + 7, i, k), branch.StateSensitivity(t, i, k), 1e-7 * (1 + Math.Abs(whole.StateSensitivity(t + 7, i, k))));
                }
                for (var r = 0; r < Model.ReadoutCount; r++)
                    for (var k = 0; k < FreeNames.Length; k++)
                        Assert.Equal(whole.ReadoutSensitivity(t + 7, r, k), branch.ReadoutSensitivity(t, r, k), 1e-7 * (1 + Math.Abs(whole.ReadoutSensitivity(t + 7, r, k))));
            }
        }
    }
}
