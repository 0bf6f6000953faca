using CellTherapySim.Populations;
using CellTherapySim.Simulation;
using CellTherapySim.Studies;
using OxyPlot;
using OxyPlot.Annotations;
using OxyPlot.Series;

namespace CellTherapySim.Plots;

/// <summary>One reading of a cohort as drawn: its group, endpoint, day, value and whether it was censored.</summary>
public readonly record struct Reading(string Group, string Endpoint, double Time, double Value, bool Censored);

/// <summary>A dose day of a group as marked on the charts.</summary>
public readonly record struct DoseMark(double Day, string Label);

/// <summary>
/// What a cohort chart shows, from a simulation or from a cohort folder's files: groups (name, size, dose days),
/// endpoints with units, the readings, the per-day summaries and the typical animal's prediction.
/// </summary>
public sealed record CohortView(
    string Title,
    IReadOnlyList<(string Name, int Animals, IReadOnlyList<DoseMark> Doses)> Groups,
    IReadOnlyList<(string Name, string Unit)> Endpoints,
    IReadOnlyList<Reading> Readings,
    IReadOnlyList<SummaryStatistics> Summaries,
    IReadOnlyDictionary<(string Group, double Day, string Endpoint), double> Typical)
{
    /// <summary>The view of a simulated cohort.</summary>
    public static CohortView Of(Cohort cohort, IReadOnlyList<SummaryStatistics> summaries)
    {
        var study = cohort.Study;
        var groups = study.Design.Groups.Select(g => (g.Name, cohort.Animals.Count(a => a.Group == g.Name),
            (IReadOnlyList<DoseMark>)g.Doses.GroupBy(d => d.Time).Select(d => new DoseMark(d.Key, Regimen.Describe(d.ToList(), study.Model))).ToList())).ToList();
        var readings = cohort.Animals.SelectMany(a => a.Observations.Select(o => new Reading(a.Group, o.Endpoint, o.Time, o.Value, o.Censoring != Censoring.Exact))).ToList();
        var typical = new Dictionary<(string, double, string), double>();
        foreach (var g in study.Design.Groups)
        foreach (var day in study.Design.ReadoutDays)
        foreach (var e in study.Design.Endpoints)
            typical[(g.Name, day, e)] = cohort.Prediction(g.Name, day, e);
        return new CohortView($"{study.Name} ({study.Model.Name}): {cohort.Animals.Count} virtual animals", groups,
            study.Design.Endpoints.Select(e => (e, study.Model.Endpoint(e)!.Unit)).ToList(), readings, summaries, typical);
    }
}

/// <summary>A cohort as it would be observed: per endpoint, each group's mean ± SD by day, the readings, censored ones at the cutoff, and the typical animal.</summary>
public static class StudyCharts
{
    /// <summary>
    /// One panel per endpoint. Per group (one colour): mean ± SD per readout day (shifted a little per group so that
    /// the bars do not overlap), every exact reading as a small point, every censored reading as a triangle at its
    /// cutoff, and the typical animal's noise-free line; dose days of every group marked.
    /// </summary>
    public static Figure Cohort(CohortView view)
    {
        var days = view.Summaries.Select(s => s.Time).Distinct().Order().ToList();
        var shift = 0.12 * (days.Count > 1 ? days.Zip(days.Skip(1), (a, b) => b - a).Min() : 1);
        var panels = view.Endpoints.Select(endpoint =>
        {
            var panel = ChartStyle.Panel(endpoint.Name, ChartStyle.DayAxis, ChartStyle.WithUnit(endpoint.Name, endpoint.Unit));
            panel.Subtitle = "squares: group mean ± SD; dots: readings; triangles: censored at the cutoff; dashed: typical animal";
            var censored = ChartStyle.CensoredSeries();
            for (var g = 0; g < view.Groups.Count; g++)
            {
                var group = view.Groups[g];
                var colour = ChartStyle.Colour(g);
                var offset = (g - (view.Groups.Count - 1) / 2.0) * shift;
                var readings = new ScatterSeries { MarkerType = MarkerType.Circle, MarkerSize = 1.8, MarkerFill = OxyColor.FromAColor(110, colour), Tag = "readings" };
                foreach (var r in view.Readings.Where(r => r.Group == group.Name && r.Endpoint == endpoint.Name))
                    (r.Censored ? censored : readings).Points.Add(new ScatterPoint(r.Time + offset, r.Value));
                var means = new ScatterErrorSeries { Title = $"{group.Name} (n = {group.Animals})", MarkerType = MarkerType.Square, MarkerSize = 3.5, MarkerFill = colour, ErrorBarColor = colour, ErrorBarStrokeThickness = 1.2 };
                foreach (var s in view.Summaries.Where(s => s.Group == group.Name && s.Endpoint == endpoint.Name).OrderBy(s => s.Time))
                    means.Points.Add(new ScatterErrorPoint(s.Time + offset, s.Mean, 0, s.Sd));
                var typical = new LineSeries { Color = colour, StrokeThickness = 1.5, LineStyle = LineStyle.Dash, Tag = "typical" };
                foreach (var day in days)
                    if (view.Typical.TryGetValue((group.Name, day, endpoint.Name), out var value)) typical.Points.Add(new DataPoint(day, value));
                panel.Series.Add(readings);
                panel.Series.Add(typical);
                panel.Series.Add(means);
                foreach (var dose in group.Doses.Where(d => !panel.Annotations.OfType<LineAnnotation>().Any(a => a.X == d.Day)))
                    ChartStyle.MarkDose(panel, dose.Day, dose.Label);
            }
            if (censored.Points.Count > 0) panel.Series.Add(censored);
            panel.Series.Add(new LineSeries { Title = "typical animal", Color = OxyColors.Gray, LineStyle = LineStyle.Dash });
            return panel;
        }).ToList();
        return new Figure(view.Title, panels);
    }
}
