using System.Globalization;
using CellTherapySim.Modeling;
using CellTherapySim.Simulation;

namespace CellTherapySim.Output;

/// <summary>Writes a trajectory as CSV: `time`, then every state in model order, then every readout; round-trip numbers.</summary>
public static class TrajectoryCsvWriter
{
    /// <summary>Writes the header and one row per output time.</summary>
    public static void Write(TextWriter writer, ModelDefinition model, Trajectory trajectory)
    {
        writer.WriteLine(string.Join(",", new[] { "time" }.Concat(model.States.Select(s => s.Name)).Concat(model.Readouts.Select(r => r.Name))));
        var fields = new string[1 + trajectory.StateCount + trajectory.ReadoutCount];
        for (var i = 0; i < trajectory.Times.Length; i++)
        {
            fields[0] = Csv.Number(trajectory.Times[i]);
            for (var j = 0; j < trajectory.StateCount; j++) fields[1 + j] = Csv.Number(trajectory.State(i, j));
            for (var j = 0; j < trajectory.ReadoutCount; j++) fields[1 + trajectory.StateCount + j] = Csv.Number(trajectory.Readout(i, j));
            writer.WriteLine(string.Join(",", fields));
        }
    }
}
