using System.Globalization;
using CellTherapySim.Inference;
using CellTherapySim.Modeling;
using CellTherapySim.Simulation;

namespace CellTherapySim.Output;

/// <summary>
/// Writes a trajectory as CSV: `time`, then every state in model order, then every readout; or a posterior prediction:
/// `time`, then for every state and readout X: X_median, X_q5, X_q95 over the draws; round-trip numbers.
/// </summary>
public static class TrajectoryCsvWriter
{
    /// <summary>Writes the header and one row per output time.</summary>
    public static void Write(TextWriter writer, ModelDefinition model, Trajectory trajectory)
    {
        writer.WriteLine(string.Join(",", Columns(model).Prepend("time")));
        var fields = new string[1 + trajectory.StateCount + trajectory.ReadoutCount];
        for (var i = 0; i < trajectory.Times.Length; i++)
        {
            fields[0] = Csv.Number(trajectory.Times[i]);
            for (var j = 0; j < trajectory.StateCount; j++) fields[1 + j] = Csv.Number(trajectory.State(i, j));
            for (var j = 0; j < trajectory.ReadoutCount; j++) fields[1 + trajectory.StateCount + j] = Csv.Number(trajectory.Readout(i, j));
            writer.WriteLine(string.Join(",", fields));
        }
    }

    /// <summary>Writes the header and one row per output time of the posterior median and 5%/95% quantiles of every state and readout.</summary>
    public static void WritePosterior(TextWriter writer, ModelDefinition model, PosteriorTrajectories prediction)
    {
        var names = Columns(model).ToList();
        writer.WriteLine(string.Join(",", names.SelectMany(n => new[] { $"{n}_median", $"{n}_q5", $"{n}_q95" }).Prepend("time")));
        var times = prediction.Times;
        var fields = new string[1 + 3 * names.Count];
        for (var i = 0; i < times.Length; i++)
        {
            fields[0] = Csv.Number(times[i]);
            for (var c = 0; c < names.Count; c++)
            {
                fields[1 + 3 * c] = Csv.Number(prediction.Quantile(i, c, 0.5));
                fields[2 + 3 * c] = Csv.Number(prediction.Quantile(i, c, 0.05));
                fields[3 + 3 * c] = Csv.Number(prediction.Quantile(i, c, 0.95));
            }
            writer.WriteLine(string.Join(",", fields));
        }
    }

    /// <summary>The state names in model order, then the readout names.</summary>
    private static IEnumerable<string> Columns(ModelDefinition model) => model.States.Select(s => s.Name).Concat(model.Readouts.Select(r => r.Name));
}
