using System.Globalization;
using CellTherapySim.Simulation;
using CellTherapySim.Solvers;

namespace CellTherapySim.Benchmarks;

/// <summary>
/// Accuracy of the benchmarked runs: the largest relative error of PMWT and TWL at the output days against a
/// tight-tolerance solution (rtol 1e-12, atol 1e-15), and the work each solver did.
/// </summary>
public static class AccuracyReport
{
    /// <summary>Prints one line per solver.</summary>
    public static void Print(TextWriter output)
    {
        var reference = DefaultScenario.Run(new Simulator(DefaultScenario.Model, SolverKind.Stiff, new SolverOptions(1e-12, 1e-15)));
        foreach (var kind in new[] { SolverKind.Stiff, SolverKind.Nonstiff })
        {
            var run = DefaultScenario.Run(new Simulator(DefaultScenario.Model, kind, DefaultScenario.Options));
            double worstRelative = 0, worstPmwt = 0;
            for (var i = 0; i < run.Times.Length; i++)
            for (var r = 0; r < 2; r++)
            {
                var error = Math.Abs(run.Readout(i, r) - reference.Readout(i, r));
                worstRelative = Math.Max(worstRelative, error / Math.Abs(reference.Readout(i, r)));
                if (r == 0) worstPmwt = Math.Max(worstPmwt, error);
            }
            var s = run.Statistics;
            output.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"{kind,-9} steps {s.AcceptedSteps} (+{s.RejectedSteps} rejected), f evals {s.FunctionEvaluations}, Jacobians {s.JacobianEvaluations}; largest relative error of PMWT/TWL {worstRelative:E2}, largest PMWT error {worstPmwt:E2} g"));
        }
    }
}
