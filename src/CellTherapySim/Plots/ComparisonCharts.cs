using CellTherapySim.Comparison;
using OxyPlot;
using OxyPlot.Axes;
using OxyPlot.Series;

namespace CellTherapySim.Plots;

/// <summary>A regimen's relief curve on one endpoint: the line (on a fine grid, or at the readout days), the animals' 5–95% band at the readout days, and its dose days.</summary>
public sealed record ReliefCurve(string Regimen, string Endpoint, string Unit, IReadOnlyList<DataPoint> Line, IReadOnlyList<(double Day, double Low, double High)> Band, IReadOnlyList<double> DoseDays);

/// <summary>One metric (auc, peak, duration) of a regimen on an endpoint, in its unit, with its 90% interval.</summary>
public readonly record struct MetricInterval(string Metric, string Regimen, string Endpoint, string Unit, double Estimate, double Q5, double Q95);

/// <summary>What a comparison chart shows, from a comparison run or from compare's CSV.</summary>
public sealed record ComparisonView(string Title, IReadOnlyList<ReliefCurve> Curves, IReadOnlyList<MetricInterval> Metrics)
{
    /// <summary>The view of a comparison run: the cohort's mean relief on the fine grid, the band at the readout days.</summary>
    public static ComparisonView Of(ComparisonResult result) => new(
        $"{result.Design.Model.Name}: comparison of {result.Efficacies.Select(e => e.Regimen.Name).Distinct().Count()} regimens",
        result.Efficacies.Select(e => new ReliefCurve(e.Regimen.Name, e.Endpoint, e.Unit,
            result.Grid.Select((t, i) => new DataPoint(t, e.MeanRelief[i])).ToList(),
            e.Effects.Select(x => (x.Day, x.Relief.Q5, x.Relief.Q95)).ToList(),
            e.Regimen.Doses.Select(d => d.Time).Distinct().ToList())).ToList(),
        result.Efficacies.SelectMany(e => new[]
        {
            new MetricInterval("auc", e.Regimen.Name, e.Endpoint, $"{e.Unit}·day", e.Auc.Estimate, e.Auc.Q5, e.Auc.Q95),
            new MetricInterval("peak", e.Regimen.Name, e.Endpoint, e.Unit, e.Peak.Estimate, e.Peak.Q5, e.Peak.Q95),
            new MetricInterval("duration", e.Regimen.Name, e.Endpoint, "day", e.Duration.Estimate, e.Duration.Q5, e.Duration.Q95),
        }).ToList());
}

/// <summary>A regimen comparison: relief curves with their between-animal bands, and the AUC of relief with its interval.</summary>
public static class ComparisonCharts
{
    /// <summary>
    /// Per endpoint, every regimen's relief curve (relief against its untreated reference, in the endpoint's unit) with
    /// the 5%–95% band of the animals' relief at the readout days and its dose days marked; then one panel per metric
    /// (AUC of relief, peak relief, days above the threshold) across regimens and endpoints: the estimate and its 90% interval.
    /// </summary>
    public static Figure Compare(ComparisonView view)
    {
        var panels = new List<PlotModel>();
        foreach (var endpoint in view.Curves.GroupBy(c => c.Endpoint))
        {
            var curves = endpoint.ToList();
            var panel = ChartStyle.Panel($"{endpoint.Key}: relief against the untreated reference", ChartStyle.DayAxis, ChartStyle.WithUnit($"{endpoint.Key} relief", curves[0].Unit));
            for (var i = 0; i < curves.Count; i++)
            {
                var c = curves[i];
                var colour = ChartStyle.Colour(i);
                var band = ChartStyle.Band($"{c.Regimen}, 90% band", colour, 55);
                foreach (var (day, low, high) in c.Band)
                {
                    band.Points.Add(new DataPoint(day, low));
                    band.Points2.Add(new DataPoint(day, high));
                }
                var line = new LineSeries { Title = $"{c.Regimen}: mean", Color = colour, StrokeThickness = 2 };
                line.Points.AddRange(c.Line);
                panel.Series.Add(band);
                panel.Series.Add(line);
                foreach (var day in c.DoseDays)
                    panel.Annotations.Add(new OxyPlot.Annotations.LineAnnotation { Type = OxyPlot.Annotations.LineAnnotationType.Vertical, X = day, Color = colour, LineStyle = LineStyle.Dash, Tag = "dose" });
            }
            panels.Add(panel);
        }
        foreach (var metric in view.Metrics.GroupBy(m => m.Metric)) panels.Add(MetricBars(metric.Key, metric.ToList()));
        return new Figure(view.Title, panels);
    }

    private static readonly Dictionary<string, string> MetricTitles = new() { ["auc"] = "AUC of relief", ["peak"] = "peak relief", ["duration"] = "days with relief above the threshold" };

    /// <summary>One metric per regimen and endpoint as horizontal interval bars (5%–95%) with the estimate marked.</summary>
    private static PlotModel MetricBars(string metric, IReadOnlyList<MetricInterval> rows)
    {
        var title = MetricTitles.GetValueOrDefault(metric, metric);
        var panel = ChartStyle.Panel($"{title}: estimate and 90% interval", "", "");
        panel.Axes.Clear();
        var categories = new CategoryAxis { Position = AxisPosition.Left, Key = "y", Title = "regimen: endpoint" };
        var values = new LinearAxis { Position = AxisPosition.Bottom, Key = "x", Title = $"{title} (unit as labelled)", MajorGridlineStyle = LineStyle.Dot, MajorGridlineColor = OxyColors.LightGray };
        panel.Axes.Add(categories);
        panel.Axes.Add(values);
        var intervals = new IntervalBarSeries { Title = "90% interval", LabelFormatString = null, FillColor = OxyColor.FromAColor(120, ChartStyle.Colour(0)), StrokeColor = ChartStyle.Colour(0), XAxisKey = "x", YAxisKey = "y" };
        var estimates = new ScatterSeries { Title = "estimate", MarkerType = MarkerType.Diamond, MarkerSize = 4, MarkerFill = OxyColors.Black, XAxisKey = "x", YAxisKey = "y" };
        for (var i = 0; i < rows.Count; i++)
        {
            var a = rows[i];
            categories.Labels.Add($"{a.Regimen}: {a.Endpoint} ({a.Unit})");
            intervals.Items.Add(new IntervalBarItem(double.IsNaN(a.Q5) ? 0 : a.Q5, double.IsNaN(a.Q95) ? 0 : a.Q95));
            estimates.Points.Add(new ScatterPoint(a.Estimate, i));
        }
        panel.Series.Add(intervals);
        panel.Series.Add(estimates);
        return panel;
    }
}
