using OxyPlot;
using OxyPlot.Axes;
using OxyPlot.Series;

namespace CellTherapySim.Plots;

/// <summary>One evaluated scenario of a sweep: its factor levels (text as written in results.csv) and the metric, with an interval when the sweep had one.</summary>
public readonly record struct SweepPoint(IReadOnlyList<string> Levels, double Value, double Low, double High);

/// <summary>Sweep and sensitivity charts: dose–response curves, two-factor heat maps, Sobol' index bars and the tornado.</summary>
public static class SweepCharts
{
    /// <summary>
    /// The metric against numeric factor <paramref name="x"/>, one line per combination of the other factors' levels
    /// (at most eight lines; a design with more, or a sampled one, is drawn as points), intervals as error bars.
    /// </summary>
    public static PlotModel DoseResponse(IReadOnlyList<string> factors, IReadOnlyList<SweepPoint> points, int x, string metric, bool logX)
    {
        var panel = ChartStyle.Panel($"{metric} against {factors[x]}", factors[x], metric);
        if (logX)
        {
            panel.Axes.Remove(panel.Axes.First(a => a.Position == AxisPosition.Bottom));
            panel.Axes.Insert(0, new LogarithmicAxis { Position = AxisPosition.Bottom, Title = $"{factors[x]} (log scale)", Key = "x", MajorGridlineStyle = LineStyle.Dot, MajorGridlineColor = OxyColors.LightGray });
        }
        var others = Enumerable.Range(0, factors.Count).Where(f => f != x).ToList();
        var lines = points.GroupBy(p => string.Join(", ", others.Select(o => $"{factors[o]} {p.Levels[o]}"))).ToList();
        var sampled = lines.Count > 8 || lines.Any(l => l.Count() < 2);
        var i = 0;
        foreach (var line in sampled ? [points.GroupBy(_ => "scenarios").Single()] : lines)
        {
            var colour = ChartStyle.Colour(i++);
            var ordered = line.Select(p => (X: Parse(p.Levels[x]), p)).OrderBy(q => q.X).ToList();
            var errors = new ScatterErrorSeries { Title = sampled ? "scenario" : line.Key, MarkerType = MarkerType.Circle, MarkerSize = 2.5, MarkerFill = colour, ErrorBarColor = colour };
            foreach (var (value, p) in ordered)
                errors.Points.Add(new ScatterErrorPoint(value, p.Value, 0, double.IsNaN(p.Low) ? 0 : (p.High - p.Low) / 2));
            if (!sampled)
            {
                var curve = new LineSeries { Color = colour, StrokeThickness = 1.5 };
                foreach (var (value, p) in ordered) curve.Points.Add(new DataPoint(value, p.Value));
                panel.Series.Add(curve);
            }
            panel.Series.Add(errors);
        }
        return panel;
    }

    /// <summary>
    /// The metric over two numeric factors: a heat map of the mean over the other factors when every pair of levels was
    /// run (a grid), else each scenario as a point coloured by the metric; a labelled colour scale either way.
    /// </summary>
    public static PlotModel HeatMap(IReadOnlyList<string> factors, IReadOnlyList<SweepPoint> points, int x, int y, string metric)
    {
        var panel = ChartStyle.Panel($"{metric} over {factors[x]} and {factors[y]}", factors[x], factors[y]);
        panel.Axes.Add(new LinearColorAxis { Position = AxisPosition.Right, Title = metric, Palette = OxyPalettes.Viridis(100), Key = "colour" });
        var xs = points.Select(p => Parse(p.Levels[x])).Distinct().Order().ToArray();
        var ys = points.Select(p => Parse(p.Levels[y])).Distinct().Order().ToArray();
        var cells = points.GroupBy(p => (Parse(p.Levels[x]), Parse(p.Levels[y]))).ToDictionary(g => g.Key, g => g.Average(p => p.Value));
        if (xs.Length >= 2 && ys.Length >= 2 && cells.Count == xs.Length * ys.Length && xs.Length * ys.Length <= 10_000)
        {
            var data = new double[xs.Length, ys.Length];
            for (var i = 0; i < xs.Length; i++)
                for (var j = 0; j < ys.Length; j++) data[i, j] = cells[(xs[i], ys[j])];
            // Cells centred on the levels; on axes of level indices so that log-spaced doses get equal cells.
            LevelAxis(panel.Axes.First(a => a.Position == AxisPosition.Bottom), xs);
            LevelAxis(panel.Axes.First(a => a.Position == AxisPosition.Left), ys);
            panel.Series.Add(new HeatMapSeries { X0 = 0, X1 = xs.Length - 1, Y0 = 0, Y1 = ys.Length - 1, Data = data, Interpolate = false, RenderMethod = HeatMapRenderMethod.Rectangles, ColorAxisKey = "colour", Title = "mean over the other factors" });
        }
        else
        {
            var scatter = new ScatterSeries { MarkerType = MarkerType.Circle, MarkerSize = 3, ColorAxisKey = "colour", Title = "scenario" };
            foreach (var p in points) scatter.Points.Add(new ScatterPoint(Parse(p.Levels[x]), Parse(p.Levels[y]), double.NaN, p.Value));
            panel.Series.Add(scatter);
        }
        return panel;
    }

    /// <summary>First-order and total Sobol' indices per factor with their bootstrap intervals (horizontal bars).</summary>
    public static PlotModel Sobol(string metric, IReadOnlyList<(string Factor, double S1, double S1Low, double S1High, double ST, double STLow, double STHigh)> rows)
    {
        var ordered = rows.OrderBy(r => double.IsNaN(r.ST) ? double.NegativeInfinity : r.ST).ToList();
        var panel = ChartStyle.Panel($"Sobol' indices of {metric} (95% bootstrap intervals)", "", "");
        panel.Axes.Clear();
        var categories = new CategoryAxis { Position = AxisPosition.Left, Key = "y", Title = "factor" };
        foreach (var r in ordered) categories.Labels.Add(r.Factor);
        panel.Axes.Add(categories);
        panel.Axes.Add(new LinearAxis { Position = AxisPosition.Bottom, Key = "x", Title = "index (share of the metric's variance)", MajorGridlineStyle = LineStyle.Dot, MajorGridlineColor = OxyColors.LightGray });
        (string Title, OxyColor Colour, Func<int, (double, double, double)> Value, double Offset)[] kinds =
        [
            ("total (ST)", ChartStyle.Colour(0), i => (ordered[i].ST, ordered[i].STLow, ordered[i].STHigh), 0.15),
            ("first order (S1)", ChartStyle.Colour(1), i => (ordered[i].S1, ordered[i].S1Low, ordered[i].S1High), -0.15),
        ];
        foreach (var (title, colour, value, offset) in kinds)
        {
            // Each interval a segment of one broken line (undefined points break it), the estimate a diamond on it.
            var intervals = new LineSeries { Title = $"{title}, interval", Color = colour, StrokeThickness = 3, XAxisKey = "x", YAxisKey = "y", BrokenLineStyle = LineStyle.None };
            var estimates = new ScatterSeries { Title = title, MarkerType = MarkerType.Diamond, MarkerSize = 4.5, MarkerFill = colour, MarkerStroke = OxyColors.Black, XAxisKey = "x", YAxisKey = "y" };
            for (var i = 0; i < ordered.Count; i++)
            {
                var (estimate, low, high) = value(i);
                intervals.Points.Add(new DataPoint(low, i + offset));
                intervals.Points.Add(new DataPoint(high, i + offset));
                intervals.Points.Add(DataPoint.Undefined);
                estimates.Points.Add(new ScatterPoint(estimate, i + offset));
            }
            panel.Series.Add(intervals);
            panel.Series.Add(estimates);
        }
        return panel;
    }

    /// <summary>The tornado: each factor moved one at a time to its low and high value, the metric's change from the base.</summary>
    public static PlotModel Tornado(string metric, double baseValue, IReadOnlyList<(string Factor, double Low, double High)> rows)
    {
        var ordered = rows.OrderBy(r => Math.Abs(r.High - r.Low)).ToList();
        var panel = ChartStyle.Panel($"Tornado: {metric} (base {ChartStyle.Number(baseValue)})", "", "");
        panel.Axes.Clear();
        var categories = new CategoryAxis { Position = AxisPosition.Left, Key = "y", Title = "factor" };
        foreach (var r in ordered) categories.Labels.Add(r.Factor);
        panel.Axes.Add(categories);
        panel.Axes.Add(new LinearAxis { Position = AxisPosition.Bottom, Key = "x", Title = metric, MajorGridlineStyle = LineStyle.Dot, MajorGridlineColor = OxyColors.LightGray });
        var low = new IntervalBarSeries { Title = "factor at its low value", FillColor = ChartStyle.Colour(0), XAxisKey = "x", YAxisKey = "y", LabelFormatString = null };
        var high = new IntervalBarSeries { Title = "factor at its high value", FillColor = ChartStyle.Colour(1), XAxisKey = "x", YAxisKey = "y", LabelFormatString = null };
        foreach (var r in ordered)
        {
            low.Items.Add(new IntervalBarItem(Math.Min(baseValue, r.Low), Math.Max(baseValue, r.Low)));
            high.Items.Add(new IntervalBarItem(Math.Min(baseValue, r.High), Math.Max(baseValue, r.High)));
        }
        panel.Series.Add(low);
        panel.Series.Add(high);
        return panel;
    }

    /// <summary>An axis of level indices 0..n-1 labelled with the levels themselves, one tick per level.</summary>
    private static void LevelAxis(Axis axis, double[] levels)
    {
        axis.MajorStep = 1;
        axis.MinorStep = 1;
        axis.Minimum = -0.5;
        axis.Maximum = levels.Length - 0.5;
        axis.LabelFormatter = v => Math.Round(v) is var i && Math.Abs(v - i) < 1e-9 && i >= 0 && i < levels.Length ? ChartStyle.Number(levels[(int)i]) : "";
    }

    /// <summary>A factor level as a number (NaN for a level that is not one, e.g. a route).</summary>
    public static double Parse(string level) =>
        double.TryParse(level, System.Globalization.NumberStyles.Float, System.Globalization.CultureInfo.InvariantCulture, out var v) ? v : double.NaN;
}
