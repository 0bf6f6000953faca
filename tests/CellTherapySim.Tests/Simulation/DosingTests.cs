using CellTherapySim.Compilation;
using CellTherapySim.Modeling;
using CellTherapySim.Simulation;
using CellTherapySim.Solvers;

namespace CellTherapySim.Tests.Simulation;

/// <summary>Bolus doses are exact discontinuities, given right after a reading on the same day.</summary>
public class DosingTests
{
    private static readonly CompiledModel Model = CompiledModel.Compile(DefaultModel.Definition);
    private static readonly SolverOptions Tight = new(RelativeTolerance: 1e-10, AbsoluteTolerance: 1e-14);
    private static readonly int B = DefaultModel.Definition.StateIndex("B");
    private static readonly int Q = DefaultModel.Definition.StateIndex("Q");

    private static Trajectory Run(double[] times, params Dose[] doses) =>
        new Simulator(Model, SolverKind.Stiff, Tight).Simulate(Model.DefaultParameters(), Model.InitialState("cci"), doses, times);

    [Fact]
    public void DoseOnAnOutputDayIsGivenAfterThatReading()
    {
        var trajectory = Run([6, 7, 7.001], Dose.Cells(7, "iv", 1e6));
        Assert.Equal(0, trajectory.State(1, B));
        // After 0.001 day the bolus of 1.0 (1e6 cells × 1e-6) has decayed by exp(-(k_BL + k_BO + k_BT·D)·0.001) ≈ exp(-0.328).
        Assert.InRange(trajectory.State(2, B), 0.70, 0.74);
    }

    [Fact]
    public void CellsEnterTheRouteTargetScaledToModelUnits()
    {
        // Intrathecal: Q(t) = 0.5·exp(-(k_QT + k_QB)·(t − 7)) exactly (Q has no inflow).
        var trajectory = Run([7, 8, 10], Dose.Cells(7, "it", 5e5));
        Assert.Equal(0, trajectory.State(0, Q));
        Assert.Equal(0.5 * Math.Exp(-2.5), trajectory.State(1, Q), 1e-9);
        Assert.Equal(0.5 * Math.Exp(-7.5), trajectory.State(2, Q), 1e-10);
    }

    [Fact]
    public void TwoHalfDosesAtOneTimeEqualOneFullDose()
    {
        double[] times = [0, 5, 9, 15];
        var whole = Run(times, Dose.Cells(5, "iv", 1e6));
        var halves = Run(times, Dose.Cells(5, "iv", 5e5), Dose.Cells(5, "iv", 5e5));
        Assert.Equal(whole.States, halves.States);
    }

    [Fact]
    public void DoseOrderInTheScheduleDoesNotMatter()
    {
        double[] times = [0, 3, 8, 12, 15];
        var a = Run(times, Dose.Cells(7, "iv", 1e6), Dose.Cells(10, "it", 1e5), Dose.Cells(3, "iv", 2e5));
        var b = Run(times, Dose.Cells(3, "iv", 2e5), Dose.Cells(7, "iv", 1e6), Dose.Cells(10, "it", 1e5));
        Assert.Equal(a.States, b.States);
    }

    [Fact]
    public void OutputsBetweenDosesEqualARestartedSimulation()
    {
        // Integrating 0→7, dosing, then 7→15 from the saved state must equal the single run with a dose at day 7.
        var full = Run([7, 15], Dose.Cells(7, "iv", 1e6));
        var firstPart = Run([7]);
        var state = firstPart.States.ToArray();
        state[B] += 1.0;
        var simulator = new Simulator(Model, SolverKind.Stiff, Tight);
        var shifted = simulator.Simulate(Model.DefaultParameters(), state, [], [8]);
        Assert.Equal(full.State(1, B), shifted.State(0, B), 1e-12);
        Assert.Equal(full.Readout(1, 0), shifted.Readout(0, 0), 1e-7);
    }

    [Fact]
    public void DoseAtDayZeroAfterTheBaselineReading()
    {
        var trajectory = Run([0, 0.5], Dose.Cells(0, "iv", 1e6));
        Assert.Equal(0, trajectory.State(0, B));
        Assert.True(trajectory.State(1, DefaultModel.Definition.StateIndex("L")) > 0.5);
    }

    [Fact]
    public void SolverFailureNamesTheTimeStatesAndCause()
    {
        var parameters = Model.DefaultParameters();
        // A negative death rate makes engrafted cells grow as exp(1000·t) once the dose arrives at day 7.
        parameters[DefaultModel.Definition.ParameterIndex("k_Td")] = -1000;
        var simulator = new Simulator(Model);
        var failure = Assert.Throws<SimulationException>(() => simulator.Simulate(parameters, Model.InitialState("cci"), [Dose.Cells(7, "iv", 1e6)], [0, 15]));
        Assert.Contains("day 7", failure.Message);
        Assert.Contains("B=", failure.Message);
        Assert.Contains("Likely cause", failure.Message);
    }
}
