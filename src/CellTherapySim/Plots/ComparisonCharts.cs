using CellTherapySim.Comparison;
using OxyPlot;
using OxyPlot.Axes;
using OxyPlot.Series;

namespace CellTherapySim.Plots;

/// <summary>A regimen comparison: relief curves with their between-animal bands, and the metrics with their intervals.</summary>
public static class ComparisonCharts
{
    /// <summary>
    /// Per endpoint, the mean relief curve of every regimen (relief against its untreated reference, in the
    /// endpoint's unit) with the 5%–95% band of the animals' relief at the readout days; then one panel of the AUC of
    /// relief per regimen and endpoint: the estimate and its 90% interval.
    /// </summary>
    public static Figure Compare(ComparisonResult result)
    {
        var panels = new List<PlotModel>();
        foreach (var endpoint in result.Efficacies.Select(e => e.Endpoint).Distinct())
        {
            var efficacies = result.Efficacies.Where(e => e.Endpoint == endpoint).ToList();
            var panel = ChartStyle.Panel($"{endpoint}: relief against the untreated reference", ChartStyle.DayAxis, ChartStyle.WithUnit($"{endpoint} relief", efficacies[0].Unit));
            for (var i = 0; i < efficacies.Count; i++)
            {
                var e = efficacies[i];
                var colour = ChartStyle.Colour(i);
                var band = new AreaSeries { Title = $"{e.Regimen.Name}, 90% band", Color = colour, Fill = OxyColor.FromAColor(55, colour), StrokeThickness = 0 };
                foreach (var effect in e.Effects)
                {
                    band.Points.Add(new DataPoint(effect.Day, effect.Relief.Q5));
                    band.Points2.Add(new DataPoint(effect.Day, effect.Relief.Q95));
                }
                var curve = new LineSeries { Title = $"{e.Regimen.Name}: mean", Color = colour, StrokeThickness = 2 };
                for (var t = 0; t < result.Grid.Count; t++) curve.Points.Add(new DataPoint(result.Grid[t], e.MeanRelief[t]));
                panel.Series.Add(band);
                panel.Series.Add(curve);
                foreach (var day in e.Regimen.Doses.Select(d => d.Time).Distinct())
                    panel.Annotations.Add(new OxyPlot.Annotations.LineAnnotation { Type = OxyPlot.Annotations.LineAnnotationType.Vertical, X = day, Color = colour, LineStyle = LineStyle.Dash, Tag = "dose" });
            }
            panels.Add(panel);
        }
        panels.Add(AucBars(result));
        return new Figure($"{result.Design.Model.Name}: comparison of {result.Efficacies.Select(e => e.Regimen.Name).Distinct().Count()} regimens", panels);
    }

    /// <summary>The AUC of relief per regimen and endpoint as horizontal interval bars (5%–95%) with the estimate marked.</summary>
    private static PlotModel AucBars(ComparisonResult result)
    {
        var panel = ChartStyle.Panel("AUC of relief: estimate and 90% interval", "", "");
        panel.Axes.Clear();
        var categories = new CategoryAxis { Position = AxisPosition.Left, Key = "y", Title = "regimen: endpoint" };
        var values = new LinearAxis { Position = AxisPosition.Bottom, Key = "x", Title = "AUC of relief (endpoint unit × day)", MajorGridlineStyle = LineStyle.Dot, MajorGridlineColor = OxyColors.LightGray };
        panel.Axes.Add(categories);
        panel.Axes.Add(values);
        var intervals = new IntervalBarSeries { Title = "90% interval", LabelFormatString = null, FillColor = OxyColor.FromAColor(120, ChartStyle.Colour(0)), StrokeColor = ChartStyle.Colour(0), XAxisKey = "x", YAxisKey = "y" };
        var estimates = new ScatterSeries { Title = "estimate", MarkerType = MarkerType.Diamond, MarkerSize = 4, MarkerFill = OxyColors.Black, XAxisKey = "x", YAxisKey = "y" };
        for (var i = 0; i < result.Efficacies.Count; i++)
        {
            var e = result.Efficacies[i];
            categories.Labels.Add($"{e.Regimen.Name}: {e.Endpoint} ({e.Unit}·day)");
            intervals.Items.Add(new IntervalBarItem(e.Auc.Q5, e.Auc.Q95));
            estimates.Points.Add(new ScatterPoint(e.Auc.Estimate, i));
        }
        panel.Series.Add(intervals);
        panel.Series.Add(estimates);
        return panel;
    }
}
