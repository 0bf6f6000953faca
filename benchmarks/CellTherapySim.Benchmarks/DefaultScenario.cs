using CellTherapySim.Compilation;
using CellTherapySim.Modeling;
using CellTherapySim.Simulation;
using CellTherapySim.Solvers;

namespace CellTherapySim.Benchmarks;

/// <summary>The issue-2 benchmark scenario: CCI + 1e6 cells IV at day 7, outputs at days 0..15.</summary>
public static class DefaultScenario
{
    /// <summary>The compiled default model.</summary>
    public static readonly CompiledModel Model = CompiledModel.Compile(DefaultModel.Definition);

    /// <summary>Output days 0, 1, ..., 15.</summary>
    public static readonly double[] Days = Enumerable.Range(0, 16).Select(d => (double)d).ToArray();

    /// <summary>1,000,000 cells IV right after the day-7 reading.</summary>
    public static readonly Dose[] Doses = [Dose.Cells(7, "iv", 1e6)];

    /// <summary>The benchmark's tolerances: rtol 1e-6, atol 1e-9.</summary>
    public static readonly SolverOptions Options = new(RelativeTolerance: 1e-6, AbsoluteTolerance: 1e-9);

    /// <summary>The combination scenario of models/studies/nac-combination.yaml: NAC 150 mg/kg i.p. daily on days 0–14 and 5e5 cells IV at day 7.</summary>
    public static readonly Dose[] CombinationDoses = [.. Dose.Parse("0-14/1:ip:nac:150mg/kg", Model.Definition, "benchmark"), Dose.Cells(7, "iv", 5e5)];

    /// <summary>Runs the scenario once (or with other <paramref name="doses"/>).</summary>
    public static Trajectory Run(Simulator simulator, IReadOnlyList<Dose>? doses = null) =>
        simulator.Simulate(Model.DefaultParameters(), Model.InitialState("cci"), doses ?? Doses, Days);
}
