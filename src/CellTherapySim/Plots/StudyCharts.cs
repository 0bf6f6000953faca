using CellTherapySim.Populations;
using CellTherapySim.Simulation;
using CellTherapySim.Studies;
using OxyPlot;
using OxyPlot.Series;

namespace CellTherapySim.Plots;

/// <summary>A virtual cohort as it would be observed: per endpoint, each group's mean ± SD by day, the readings, censored ones at the cutoff, and the typical animal.</summary>
public static class StudyCharts
{
    /// <summary>
    /// One panel per endpoint. Per group (one colour): mean ± SD per readout day (shifted a little per group so that
    /// the bars do not overlap), every exact reading as a small point, every censored reading as a triangle at its
    /// cutoff, and the typical animal's noise-free line; dose days of every group marked.
    /// </summary>
    public static Figure Cohort(Cohort cohort, IReadOnlyList<SummaryStatistics> summaries)
    {
        var study = cohort.Study;
        var groups = study.Design.Groups;
        var shift = 0.12 * (study.Design.ReadoutDays.Count > 1 ? study.Design.ReadoutDays.Zip(study.Design.ReadoutDays.Skip(1), (a, b) => b - a).Min() : 1);
        var panels = study.Design.Endpoints.Select(endpoint =>
        {
            var definition = study.Model.Endpoint(endpoint)!;
            var panel = ChartStyle.Panel(endpoint, ChartStyle.DayAxis, ChartStyle.WithUnit(endpoint, definition.Unit));
            panel.Subtitle = "squares: group mean ± SD; dots: readings; triangles: censored at the cutoff; dashed: typical animal";
            var censored = new ScatterSeries { Title = "censored", MarkerType = MarkerType.Triangle, MarkerSize = 4, MarkerFill = OxyColors.Undefined, MarkerStroke = OxyColors.Black, MarkerStrokeThickness = 1 };
            for (var g = 0; g < groups.Count; g++)
            {
                var group = groups[g];
                var colour = ChartStyle.Colour(g);
                var offset = (g - (groups.Count - 1) / 2.0) * shift;
                var readings = new ScatterSeries { MarkerType = MarkerType.Circle, MarkerSize = 1.8, MarkerFill = OxyColor.FromAColor(110, colour), Tag = "readings" };
                foreach (var animal in cohort.Animals.Where(a => a.Group == group.Name))
                foreach (var o in animal.Observations.Where(o => o.Endpoint == endpoint))
                {
                    var point = new ScatterPoint(o.Time + offset, o.Value);
                    if (o.Censoring == Censoring.Exact) readings.Points.Add(point);
                    else censored.Points.Add(point);
                }
                var means = new ScatterErrorSeries { Title = $"{group.Name} (n = {group.Animals})", MarkerType = MarkerType.Square, MarkerSize = 3.5, MarkerFill = colour, ErrorBarColor = colour, ErrorBarStrokeThickness = 1.2 };
                foreach (var s in summaries.Where(s => s.Group == group.Name && s.Endpoint == endpoint).OrderBy(s => s.Time))
                    means.Points.Add(new ScatterErrorPoint(s.Time + offset, s.Mean, 0, s.Sd));
                var typical = new LineSeries { Color = colour, StrokeThickness = 1.5, LineStyle = LineStyle.Dash, Tag = "typical" };
                foreach (var day in study.Design.ReadoutDays) typical.Points.Add(new DataPoint(day, cohort.Prediction(group.Name, day, endpoint)));
                panel.Series.Add(readings);
                panel.Series.Add(typical);
                panel.Series.Add(means);
                ChartStyle.MarkDoses(panel, group.Doses.Where(d => panel.Annotations.All(a => a is not OxyPlot.Annotations.LineAnnotation { X: var x } || x != d.Time)).ToList(), study.Model);
            }
            if (censored.Points.Count > 0) panel.Series.Add(censored);
            panel.Series.Add(new LineSeries { Title = "typical animal", Color = OxyColors.Gray, LineStyle = LineStyle.Dash });
            return panel;
        }).ToList();
        return new Figure($"{study.Name} ({study.Model.Name}): {cohort.Animals.Count} virtual animals", panels);
    }
}
