using CellTherapySim.Compilation;
using CellTherapySim.Modeling;
using CellTherapySim.Simulation;
using CellTherapySim.Solvers;

namespace CellTherapySim.Tests.Simulation;

/// <summary>The default model reproduces the reference trajectories of MODEL.md (tight-tolerance solution, rounded to 0.1).</summary>
public class ReferenceTrajectoryTests
{
    private static readonly double[] Days = [0, 1, 3, 5, 7, 9, 11, 13, 15];

    public static TheoryData<string, string, string, double[], double[]> Scenarios => new()
    {
        { "sham", "cci", "none", [15.0, 15.0, 15.0, 15.0, 15.0, 15.0, 15.0, 15.0, 14.9], [11.0, 11.0, 11.0, 10.9, 10.9, 10.8, 10.8, 10.8, 10.8] },
        { "CCI+saline", "cci", "none", [15.0, 14.9, 12.6, 8.5, 6.2, 5.0, 4.5, 4.1, 3.9], [11.0, 10.1, 8.0, 7.7, 7.5, 7.5, 7.4, 7.4, 7.4] },
        { "CCI+IV 1e6 at day 7", "cci", "7:iv:1e6", [15.0, 14.9, 12.6, 8.5, 6.2, 6.2, 7.0, 7.0, 6.4], [11.0, 10.1, 8.0, 7.7, 7.5, 9.7, 9.3, 8.5, 8.0] },
        { "CCI+IT 1e6 at day 7", "cci", "7:it:1e6", [15.0, 14.9, 12.6, 8.5, 6.2, 6.2, 8.0, 9.4, 10.1], [11.0, 10.1, 8.0, 7.7, 7.5, 10.3, 10.7, 10.5, 10.1] },
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
