using CellTherapySim.Compilation;
using CellTherapySim.Modeling;
using CellTherapySim.Simulation;
using CellTherapySim.Solvers;
using static CellTherapySim.Tests.Modeling.InputTestSupport;

namespace CellTherapySim.Tests.Simulation;

/// <summary>
/// A state's own absolute tolerance ('atol' in the model file): read and checked, scaled with --atol, and on the
/// default model (one cell for the blood, lung and CSF cells, 1 pg of EVs, 1 ng of NAC) far fewer steps at the same accuracy.
/// </summary>
public class StateToleranceTests
{
    private static readonly CompiledModel Model = CompiledModel.Compile(DefaultModel.Definition);

    /// <summary>The default model without its states' own tolerances.</summary>
    private static readonly CompiledModel Uniform = CompiledModel.Compile(DefaultModel.Definition with
    {
        States = DefaultModel.Definition.States.Select(s => s with { AbsoluteTolerance = null }).ToList(),
    });

    private static readonly Dose[] TwoIvDoses = [Dose.Cells(7, "iv", 1e6), Dose.Cells(11, "iv", 1e6)];
    private static readonly double[] Days = Enumerable.Range(0, 29).Select(d => (double)d).ToArray();

    [Fact]
    public void TheTransitCompartmentsHaveTheirOwnToleranceAndTheOthersTheRuns()
    {
        var scales = Simulator.ToleranceScales(Model)!;
        var names = DefaultModel.Definition.States.Select(s => s.Name).ToList();
        string[] own = ["B", "L", "Q", "VB", "VQ", "NI", "NG", "NP"];
        foreach (var state in own) Assert.Equal(1e-6 / SolverOptions.Default.AbsoluteTolerance, scales[names.IndexOf(state)], 1e-9);
        Assert.All(names.Except(own), state => Assert.Equal(1.0, scales[names.IndexOf(state)]));
        Assert.Null(Simulator.ToleranceScales(Uniform));
    }

    /// <summary>
    /// The largest relative error of PMWT and TWL on days 0..28 with the states' own tolerances and without (against
    /// a tight solution), and the steps each took.
    /// </summary>
    private static (double Own, double Uniform, int OwnSteps, int UniformSteps) Compare(IReadOnlyList<Dose> doses)
    {
        var p = Model.DefaultParameters();
        var initial = Model.InitialState("cci");
        var tight = new Simulator(Uniform, SolverKind.Stiff, new SolverOptions(1e-12, 1e-15)).Simulate(p, initial, doses, Days);
        var own = new Simulator(Model).Simulate(p, initial, doses, Days);
        var uniform = new Simulator(Uniform).Simulate(p, initial, doses, Days);
        double Error(Trajectory t) => Enumerable.Range(0, Days.Length).SelectMany(d => Enumerable.Range(0, 2)
            .Select(r => Math.Abs(t.Readout(d, r) / tight.Readout(d, r) - 1))).Max();
        return (Error(own), Error(uniform), own.Statistics.AcceptedSteps, uniform.Statistics.AcceptedSteps);
    }

    [Fact]
    public void WithTheStatesOwnToleranceTheSolutionIsAsAccurateInFarFewerSteps()
    {
        // Measured: a largest relative error of 1.21e-7 both ways; 222 against 319 steps.
        var (own, uniform, ownSteps, uniformSteps) = Compare(TwoIvDoses);
        Assert.True(own < 1e-6, $"relative error of PMWT/TWL {own:G3} with the states' own tolerance");
        Assert.True(uniform < 1e-6, $"relative error {uniform:G3} without");
        Assert.True(ownSteps < 0.8 * uniformSteps, $"{ownSteps} steps with the states' own tolerance, {uniformSteps} without");
    }

    [Fact]
    public void DailyNacTakesHalfTheStepsAtTheSameAccuracy()
    {
        // Measured: 7.2e-8 against 4.5e-8; 1,249 against 2,412 steps.
        var (own, _, ownSteps, uniformSteps) = Compare(Enumerable.Range(0, 15).Select(d => new Dose(d, "nac", "ip", 150)).Append(Dose.Cells(7, "iv", 5e5)).ToList());
        Assert.True(own < 1e-6, $"relative error of PMWT/TWL {own:G3}");
        Assert.True(ownSteps < 0.6 * uniformSteps, $"{ownSteps} steps with the states' own tolerance, {uniformSteps} without");
    }

    [Fact]
    public void AStatesToleranceMustBePositive()
    {
        var text = Mutate(DefaultModel.Text, "B: {initial: 0, unit: 1e6 cells, atol: 1e-6,", "B: {initial: 0, unit: 1e6 cells, atol: 0,");
        AssertErrorAt(text, "0, description: \"circulating", "absolute tolerance of state 'B' must be > 0");
    }
}
