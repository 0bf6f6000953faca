using CellTherapySim.Agents;
using CellTherapySim.Modeling;
using CellTherapySim.Simulation;
using OxyPlot;
using OxyPlot.Series;

namespace CellTherapySim.Plots;

/// <summary>Time courses of one animal: its readouts (and asked-for states) by day, deterministic or as agent-based replicates.</summary>
public static class TimeCourseCharts
{
    /// <summary>
    /// One panel per readout, then one per state in <paramref name="states"/> (indices), each the trajectory by day
    /// with the doses marked.
    /// </summary>
    public static Figure Animal(ModelDefinition definition, Trajectory trajectory, IReadOnlyList<Dose> doses, string injury, IReadOnlyList<int> states)
    {
        var columns = Enumerable.Range(0, definition.Readouts.Count).Select(r => trajectory.StateCount + r).Concat(states).ToList();
        var panels = columns.Select(column =>
        {
            var (name, unit) = Describe(definition, column);
            var panel = ChartStyle.Panel(name, ChartStyle.DayAxis, ChartStyle.WithUnit(name, unit));
            var line = new LineSeries { Title = injury, Color = ChartStyle.Colour(0), StrokeThickness = 2, MarkerType = MarkerType.Circle, MarkerSize = 2.5 };
            for (var t = 0; t < trajectory.Times.Length; t++) line.Points.Add(new DataPoint(trajectory.Times[t], trajectory.Value(t, column)));
            panel.Series.Add(line);
            ChartStyle.MarkDoses(panel, doses, definition);
            return panel;
        }).ToList();
        return new Figure($"{definition.Name}: {injury}; {Regimen.Describe(doses, definition)}", panels);
    }

    /// <summary>Per readout: the ODE (mean-field) line beside the replicates' mean and their 90% band (5%–95% quantiles).</summary>
    public static Figure Replicates(ModelDefinition definition, ReplicateSummary summary, IReadOnlyList<Dose> doses, string injury)
    {
        var times = summary.MeanField.Times;
        var stateCount = summary.MeanField.StateCount;
        var panels = definition.Readouts.Select((readout, r) =>
        {
            var column = stateCount + r;
            var panel = ChartStyle.Panel(readout.Name, ChartStyle.DayAxis, ChartStyle.WithUnit(readout.Name, readout.Unit));
            var band = ChartStyle.Band($"replicates, 90% band (n = {summary.Replicates.Count})", ChartStyle.Colour(1), 70);
            var mean = new LineSeries { Title = "replicates, mean", Color = ChartStyle.Colour(1), StrokeThickness = 2 };
            var ode = new LineSeries { Title = "ODE", Color = ChartStyle.Colour(0), StrokeThickness = 2, LineStyle = LineStyle.Dash };
            for (var t = 0; t < times.Length; t++)
            {
                band.Points.Add(new DataPoint(times[t], summary.Quantile(t, column, 0.05)));
                band.Points2.Add(new DataPoint(times[t], summary.Quantile(t, column, 0.95)));
                mean.Points.Add(new DataPoint(times[t], summary.Mean(t, column)));
                ode.Points.Add(new DataPoint(times[t], summary.MeanField.Value(t, column)));
            }
            panel.Series.Add(band);
            panel.Series.Add(mean);
            panel.Series.Add(ode);
            ChartStyle.MarkDoses(panel, doses, definition);
            return panel;
        }).ToList();
        return new Figure($"{definition.Name} (agent engine): {injury}; {Regimen.Describe(doses, definition)}", panels);
    }

    private static (string Name, string Unit) Describe(ModelDefinition definition, int column) =>
        column < definition.States.Count
            ? (definition.States[column].Name, definition.States[column].Unit)
            : (definition.Readouts[column - definition.States.Count].Name, definition.Readouts[column - definition.States.Count].Unit);
}
