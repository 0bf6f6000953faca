using CellTherapySim.Compilation;
using CellTherapySim.Modeling;
using CellTherapySim.Simulation;
using CellTherapySim.Solvers;

namespace CellTherapySim.Tests.Simulation;

/// <summary>The sensitivity simulator's contract: structural zeros, layout, allocation, failures and argument checks.</summary>
public class SensitivitySimulatorTests
{
    private static readonly CompiledModel Model = SensitivityAccuracyTests.Model;
    private static readonly double[] Days = SensitivityAccuracyTests.Days;
    private static readonly Dose[] Iv = [Dose.Cells(7, "iv", 1e6)];
    private static readonly string[] DefaultFree = ["k_act", "k_deact", "g_S", "sig_L", "k_Z", "Z50", "ImaxP", "C50"];

    private static SensitivityTrajectory Run(SensitivitySimulator simulator, double[]? parameters = null) =>
        simulator.Simulate(parameters ?? Model.DefaultParameters(), Model.InitialState("cci"), Iv, Days);

    [Fact]
    public void ReadoutOnlyParametersHaveExactlyZeroStateSensitivities()
    {
        var free = SensitivityAccuracyTests.Free(DefaultFree);
        var result = Run(new SensitivitySimulator(Model, free));
        var p = Model.DefaultParameters();
        int pmwt = DefaultModel.Definition.Readouts.ToList().FindIndex(r => r.Name == "PMWT");
        int z = DefaultModel.Definition.StateIndex("Z");
        foreach (var name in new[] { "Z50", "ImaxP", "C50" })
        {
            var k = Array.IndexOf(DefaultFree, name);
            for (var t = 0; t < Days.Length; t++)
                for (var i = 0; i < Model.StateCount; i++)
                    Assert.Equal(0, result.StateSensitivity(t, i, k));
        }
        // Only ∂r/∂θ remains: ∂PMWT/∂ImaxP = −P0·hill(Z, Z50, hP), and TWL does not depend on ImaxP.
        var imaxP = Array.IndexOf(DefaultFree, "ImaxP");
        double P(string name) => p[DefaultModel.Definition.ParameterIndex(name)];
        for (var t = 0; t < Days.Length; t++)
        {
            var expected = -P("P0") * ModelFunctions.Hill(result.Trajectory.State(t, z), P("Z50"), P("hP"));
            Assert.Equal(expected, result.ReadoutSensitivity(t, pmwt, imaxP), 1e-12);
            Assert.Equal(0, result.ReadoutSensitivity(t, pmwt + 1, imaxP));
        }
        // Before the dose nothing depends on the lung's secretome potency.
        var sigL = Array.IndexOf(DefaultFree, "sig_L");
        for (var t = 0; t <= 7; t++)
            for (var i = 0; i < Model.StateCount; i++) Assert.Equal(0, result.StateSensitivity(t, i, sigL));
    }

    [Fact]
    public void LayoutAndAccessorsAgree()
    {
        var simulator = new SensitivitySimulator(Model, SensitivityAccuracyTests.Free(DefaultFree));
        var result = Run(simulator);
        int n = Model.StateCount, nr = Model.ReadoutCount, nf = DefaultFree.Length;
        Assert.Equal(nf, result.ParameterCount);
        Assert.Equal(simulator.FreeParameters, result.FreeParameters);
        Assert.Equal(Days.Length * n * nf, result.StateSensitivities.Length);
        Assert.Equal(Days.Length * nr * nf, result.ReadoutSensitivities.Length);
        Assert.Equal(result.StateSensitivities[(9 * n + 4) * nf + 3], result.StateSensitivity(9, 4, 3));
        Assert.Equal(result.ReadoutSensitivities[(12 * nr + 1) * nf + 2], result.ReadoutSensitivity(12, 1, 2));
        var start = result.At(9);
        Assert.Equal(9, start.Time);
        Assert.Equal(result.Trajectory.States.AsSpan(9 * n, n).ToArray(), start.States);
        Assert.Equal(result.StateSensitivity(9, 4, 3), start.Sensitivities[4 * nf + 3]);
        Assert.True(result.Statistics.AcceptedSteps > 0);
        Assert.Equal(result.Statistics.AcceptedSteps, result.Statistics.JacobianEvaluations);
    }

    [Fact]
    public void WithoutReadoutSensitivitiesTheStatesAndReadoutsAreTheSameAndTheReadoutSensitivitiesZero()
    {
        var free = SensitivityAccuracyTests.Free(DefaultFree);
        var full = Run(new SensitivitySimulator(Model, free));
        var lean = Run(new SensitivitySimulator(Model, free, readoutSensitivities: false));
        Assert.Equal(full.Trajectory.States, lean.Trajectory.States);
        Assert.Equal(full.Trajectory.Readouts, lean.Trajectory.Readouts);
        Assert.Equal(full.StateSensitivities, lean.StateSensitivities);
        Assert.Contains(full.ReadoutSensitivities, v => v != 0);
        Assert.All(lean.ReadoutSensitivities, v => Assert.Equal(0, v));
    }

    [Fact]
    public void IntegrationAllocatesNothingPerStep()
    {
        var equations = Model.Sensitivities(SensitivityAccuracyTests.Free(DefaultFree));
        var system = new SensitivityOdeSystem(equations) { Parameters = Model.DefaultParameters() };
        var solver = new Rodas4();
        var options = new SolverOptions(1e-8, 1e-12);
        var y = new double[system.Dimension];
        var output = new double[Days.Length * system.Dimension];
        var initial = Model.InitialState("cci");
        void Integrate()
        {
            Array.Clear(y);
            initial.CopyTo(y, 0);
            y[0] = 1;   // cells in blood
            solver.Integrate(system, 0, y, 15, Days, output, options);
        }
        Integrate();   // warm-up: work arrays
        var before = GC.GetAllocatedBytesForCurrentThread();
        Integrate();
        Assert.Equal(0, GC.GetAllocatedBytesForCurrentThread() - before);
    }

    [Fact]
    public void SimulateAllocatesTheSameWhateverTheNumberOfSteps()
    {
        var loose = new SensitivitySimulator(Model, SensitivityAccuracyTests.Free(DefaultFree), new SolverOptions(1e-4, 1e-7));
        var tight = new SensitivitySimulator(Model, SensitivityAccuracyTests.Free(DefaultFree), new SolverOptions(1e-10, 1e-14));
        long Allocated(SensitivitySimulator simulator, out int steps)
        {
            Run(simulator);   // warm-up: work arrays
            // The least of several runs: a run may also carry one-off allocations of the runtime (tiered JIT).
            var least = long.MaxValue;
            steps = 0;
            for (var i = 0; i < 5; i++)
            {
                var before = GC.GetAllocatedBytesForCurrentThread();
                steps = Run(simulator).Statistics.AcceptedSteps;
                least = Math.Min(least, GC.GetAllocatedBytesForCurrentThread() - before);
            }
            return least;
        }
        var (few, many) = (Allocated(loose, out var fewSteps), Allocated(tight, out var manySteps));
        Assert.True(manySteps > 10 * fewSteps, $"{fewSteps} and {manySteps} steps");
        Assert.Equal(few, many);
    }

    [Fact]
    public void SolverFailureNamesTheTimeAndTheModelStates()
    {
        var parameters = Model.DefaultParameters();
        parameters[DefaultModel.Definition.ParameterIndex("k_Td")] = -1000;
        var simulator = new SensitivitySimulator(Model, SensitivityAccuracyTests.Free(DefaultFree));
        var failure = Assert.Throws<SimulationException>(() => Run(simulator, parameters));
        Assert.Contains("day 7", failure.Message);
        Assert.Contains("Z=", failure.Message);
        Assert.Contains("Likely cause", failure.Message);
        var states = failure.Message[failure.Message.IndexOf("States:", StringComparison.Ordinal)..failure.Message.IndexOf("Likely cause", StringComparison.Ordinal)];
        var names = states["States:".Length..].Split(',').Select(entry => entry.Split('=')[0].Trim()).ToList();
        Assert.All(names, name => Assert.Contains(name, DefaultModel.Definition.States.Select(s => s.Name)));   // the model's states, not the sensitivities
    }

    [Fact]
    public void StartSensitivityToAParameterOutsideTheEquationsIsCarriedForward()
    {
        // Z50 enters the readouts only, so its column is normally not integrated; a start with ∂D/∂Z50 = 1 must still
        // carry it: then ∂x(t)/∂Z50 = ∂x(t)/∂D(8), checked by central differences in D(8) (tight tolerances, rel 1e-5).
        var free = SensitivityAccuracyTests.Free(DefaultFree);
        var tight = new SolverOptions(1e-10, 1e-14);
        var simulator = new SensitivitySimulator(Model, free, tight);
        var p = Model.DefaultParameters();
        var start = Run(simulator).At(8);
        var (z50, d) = (Array.IndexOf(DefaultFree, "Z50"), DefaultModel.Definition.StateIndex("D"));
        var sensitivities = (double[])start.Sensitivities.Clone();
        sensitivities[d * free.Length + z50] = 1;
        var carried = simulator.Simulate(p, start with { Sensitivities = sensitivities }, [], [8, 9, 12]);
        var plain = new Simulator(Model, SolverKind.Stiff, tight);
        const double h = 1e-5;
        double[] Shifted(double by)
        {
            var x = (double[])start.States.Clone();
            x[d] += by;
            return plain.Simulate(p, x, [], [8, 9, 12], start: 8).States;
        }
        var (up, down) = (Shifted(h), Shifted(-h));
        var n = Model.StateCount;
        for (var i = 0; i < n; i++)
        {
            var expected = (up[2 * n + i] - down[2 * n + i]) / (2 * h);
            Assert.True(Math.Abs(carried.StateSensitivity(2, i, z50) - expected) <= 1e-5 * (Math.Abs(expected) + 1e-3), $"state {i}: {carried.StateSensitivity(2, i, z50)} vs {expected}");
        }
    }

    [Fact]
    public void BadArgumentsAreRejected()
    {
        var free = SensitivityAccuracyTests.Free(DefaultFree);
        Assert.Throws<ArgumentException>(() => new SensitivitySimulator(Model, [0, 0]));
        Assert.Throws<ArgumentException>(() => new SensitivitySimulator(Model, [Model.ParameterCount]));
        var simulator = new SensitivitySimulator(Model, free);
        var p = Model.DefaultParameters();
        Assert.Throws<ArgumentException>(() => simulator.Simulate(p[1..], Model.InitialState("cci"), Iv, Days));
        var start = Run(simulator).At(8);
        Assert.Throws<ArgumentException>(() => simulator.Simulate(p, start, Iv, [8, 9]));           // dose before the start
        Assert.Throws<ArgumentException>(() => simulator.Simulate(p, start, [], [7, 9]));           // output before the start
        Assert.Throws<ArgumentException>(() => simulator.Simulate(p, start with { Sensitivities = new double[3] }, [], [8, 9]));
    }

    [Fact]
    public void NoFreeParametersGiveThePlainSimulation()
    {
        var result = new SensitivitySimulator(Model, [], new SolverOptions(1e-10, 1e-14)).Simulate(Model.DefaultParameters(), Model.InitialState("cci"), Iv, Days);
        var plain = new Simulator(Model, SolverKind.Stiff, new SolverOptions(1e-10, 1e-14)).Simulate(Model.DefaultParameters(), Model.InitialState("cci"), Iv, Days);
        Assert.Empty(result.StateSensitivities);
        // The plain simulator leaves out the states that stay 0 (EVs, NAC, CSF cells), so its steps differ: the two agree to
        // the solvers' tolerance (10·rtol relative), and the dormant states are 0 in both.
        for (var i = 0; i < plain.States.Length; i++)
            Assert.True(Math.Abs(plain.States[i] - result.Trajectory.States[i]) <= 1e-9 * Math.Max(1, Math.Abs(plain.States[i])), $"state entry {i}: {plain.States[i]:R} vs {result.Trajectory.States[i]:R}");
    }
}
