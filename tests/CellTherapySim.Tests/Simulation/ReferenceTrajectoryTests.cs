using CellTherapySim.Compilation;
using CellTherapySim.Modeling;
using CellTherapySim.Simulation;
using CellTherapySim.Solvers;

namespace CellTherapySim.Tests.Simulation;

/// <summary>The default model (v2) reproduces MODEL.md's reference trajectories (an independent tight-tolerance solution, rounded to 0.1) with both solvers.</summary>
public class ReferenceTrajectoryTests
{
    private static readonly double[] Days = [0, 1, 3, 5, 7, 9, 11, 13, 15];

    public static TheoryData<string, string, string, double[], double[]> Scenarios => new()
    {
        // MODEL.md v2, "Reference trajectories" (SciPy Radau, rtol 1e-11), days 0-15.
        { "sham", "cci", "none", [15.0, 15.0, 15.0, 15.0, 15.0, 15.0, 15.0, 15.0, 15.0], [11.0, 11.0, 11.0, 10.9, 10.9, 10.9, 10.9, 10.9, 10.9] },
        { "CCI+saline", "cci", "none", [15.0, 15.0, 13.1, 8.5, 5.7, 4.5, 3.9, 3.6, 3.5], [11.0, 9.9, 7.8, 7.6, 7.5, 7.5, 7.5, 7.6, 7.6] },
        { "CCI+IV 1e6 at day 7", "cci", "7:iv:1e6", [15.0, 15.0, 13.1, 8.5, 5.7, 5.3, 6.3, 6.9, 6.9], [11.0, 9.9, 7.8, 7.6, 7.5, 9.1, 9.2, 8.6, 8.2] },
        { "CCI+IT 1e6 at day 7", "cci", "7:it:1e6", [15.0, 15.0, 13.1, 8.5, 5.7, 5.3, 6.9, 9.2, 11.4], [11.0, 9.9, 7.8, 7.6, 7.5, 9.5, 10.4, 10.7, 10.8] },
    };

    [Theory]
    [MemberData(nameof(Scenarios))]
    public void ReproducesModelMdToPrintedPrecision(string scenario, string injury, string dose, double[] pmwt, double[] twl)
    {
        if (scenario == "sham") injury = "sham";
        var model = CompiledModel.Compile(DefaultModel.Definition);
        var doses = dose == "none" ? [] : Dose.Parse(dose, model.Definition, "test");
        var tight = new SolverOptions(RelativeTolerance: 1e-10, AbsoluteTolerance: 1e-13);

        foreach (var kind in new[] { SolverKind.Stiff, SolverKind.Nonstiff })
        {
            var trajectory = new Simulator(model, kind, tight).Simulate(model.DefaultParameters(), model.InitialState(injury), doses, Days);
            for (var i = 0; i < Days.Length; i++)
            {
                Assert.Equal(pmwt[i], Math.Round(trajectory.Readout(i, 0), 1, MidpointRounding.AwayFromZero));
                Assert.Equal(twl[i], Math.Round(trajectory.Readout(i, 1), 1, MidpointRounding.AwayFromZero));
            }
        }
    }
}
