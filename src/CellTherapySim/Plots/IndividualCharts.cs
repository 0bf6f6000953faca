using OxyPlot;
using OxyPlot.Series;

namespace CellTherapySim.Plots;

/// <summary>One row of a fit's ipred.csv: an animal's reading with its individual and population predictions.</summary>
public readonly record struct IndividualPrediction(string Id, double Time, string Endpoint, double Observed, bool Censored, double Median, double Q5, double Q95, double Population, double Residual);

/// <summary>Individual fits: per animal and endpoint its readings, the individual prediction with its 90% interval, and the population prediction.</summary>
public static class IndividualCharts
{
    /// <summary>Every animal (at most <paramref name="count"/>), the worst fitted first (largest mean |IWRES|), one panel per endpoint each.</summary>
    public static Figure WorstFirst(IReadOnlyList<IndividualPrediction> rows, IReadOnlyDictionary<string, string> units, int count = 100)
    {
        var worst = rows.GroupBy(r => r.Id).OrderByDescending(g => g.Where(r => !double.IsNaN(r.Residual)).Select(r => Math.Abs(r.Residual)).DefaultIfEmpty(0).Average())
            .Take(count).ToList();
        var panels = worst.SelectMany(animal => animal.GroupBy(r => r.Endpoint).Select(cell =>
        {
            var ordered = cell.OrderBy(r => r.Time).ToList();
            var panel = ChartStyle.Panel($"animal {animal.Key}: {cell.Key}", ChartStyle.DayAxis, ChartStyle.WithUnit(cell.Key, units.GetValueOrDefault(cell.Key, "1")));
            var colour = ChartStyle.Colour(0);
            var band = ChartStyle.Band("individual, 90%", colour, 60);
            var median = new LineSeries { Title = "individual (IPRED)", Color = colour, StrokeThickness = 2 };
            var population = new LineSeries { Title = "population (PRED)", Color = ChartStyle.Colour(1), LineStyle = LineStyle.Dash };
            var observed = new ScatterSeries { Title = "reading", MarkerType = MarkerType.Circle, MarkerSize = 3, MarkerFill = OxyColors.Black };
            var censored = ChartStyle.CensoredSeries();
            foreach (var r in ordered)
            {
                band.Points.Add(new DataPoint(r.Time, r.Q5));
                band.Points2.Add(new DataPoint(r.Time, r.Q95));
                median.Points.Add(new DataPoint(r.Time, r.Median));
                population.Points.Add(new DataPoint(r.Time, r.Population));
                (r.Censored ? censored : observed).Points.Add(new ScatterPoint(r.Time, r.Observed));
            }
            panel.Series.Add(band);
            panel.Series.Add(median);
            panel.Series.Add(population);
            panel.Series.Add(observed);
            if (censored.Points.Count > 0) panel.Series.Add(censored);
            return panel;
        })).ToList();
        return new Figure("Individual fits", panels);
    }
}
