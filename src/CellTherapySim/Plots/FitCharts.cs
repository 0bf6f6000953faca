using OxyPlot;
using OxyPlot.Series;

namespace CellTherapySim.Plots;

/// <summary>The draws of one chain of a fit: parameter values per draw (after warm-up) and which draws diverged.</summary>
public sealed record ChainDraws(int Chain, IReadOnlyList<string> Names, IReadOnlyList<double[]> Draws, IReadOnlyList<bool> Divergent);

/// <summary>One row of a posterior predictive check: a group's observed mean and the predictive quantiles of new animals.</summary>
public readonly record struct PredictiveCheck(string Group, double Time, string Endpoint, double ObservedMean, double Median, double Q5, double Q25, double Q75, double Q95);

/// <summary>Charts of a fit: visual predictive check, per-chain traces and rank plots, marginal densities and pairs.</summary>
public static class FitCharts
{
    /// <summary>Points drawn per chain in a trace: a screen shows no more (about one per pixel column of a panel).</summary>
    public const int TracePoints = 400;

    private static readonly OxyColor DivergentColour = OxyColor.FromRgb(213, 94, 0);

    /// <summary>
    /// Per endpoint and group: the posterior predictive median of new animals with its 50% and 90% bands, and the
    /// observed group mean.
    /// </summary>
    /// <remarks>With the data's <paramref name="readings"/>, each panel also shows every reading (censored ones as triangles at the cutoff) and the observed mean ± SD.</remarks>
    public static Figure PredictiveCheck(IReadOnlyList<PredictiveCheck> rows, IReadOnlyDictionary<string, string> units, IReadOnlyList<Reading>? readings = null)
    {
        var panels = rows.GroupBy(r => (r.Endpoint, r.Group)).Select(cell =>
        {
            var (endpoint, group) = cell.Key;
            var ordered = cell.OrderBy(r => r.Time).ToList();
            var panel = ChartStyle.Panel($"{endpoint}, {group}", ChartStyle.DayAxis, ChartStyle.WithUnit(endpoint, units.GetValueOrDefault(endpoint, "1")));
            var colour = ChartStyle.Colour(0);
            var band90 = ChartStyle.Band("90% of new animals", colour, 45);
            var band50 = ChartStyle.Band("50% of new animals", colour, 90);
            var median = new LineSeries { Title = "predictive median", Color = colour, StrokeThickness = 2 };
            var observed = new ScatterSeries { Title = "observed group mean", MarkerType = MarkerType.Square, MarkerSize = 3.5, MarkerFill = OxyColors.Black };
            foreach (var r in ordered)
            {
                band90.Points.Add(new DataPoint(r.Time, r.Q5));
                band90.Points2.Add(new DataPoint(r.Time, r.Q95));
                band50.Points.Add(new DataPoint(r.Time, r.Q25));
                band50.Points2.Add(new DataPoint(r.Time, r.Q75));
                median.Points.Add(new DataPoint(r.Time, r.Median));
                if (!double.IsNaN(r.ObservedMean)) observed.Points.Add(new ScatterPoint(r.Time, r.ObservedMean));
            }
            panel.Series.Add(band90);
            panel.Series.Add(band50);
            panel.Series.Add(median);
            if (readings is not null)
            {
                var mine = readings.Where(r => r.Group == group && r.Endpoint == endpoint).ToList();
                var points = new ScatterSeries { Title = "readings", MarkerType = MarkerType.Circle, MarkerSize = 1.8, MarkerFill = OxyColor.FromAColor(120, OxyColors.Black) };
                var censored = ChartStyle.CensoredSeries();
                foreach (var r in mine) (r.Censored ? censored : points).Points.Add(new ScatterPoint(r.Time, r.Value));
                var spread = new ScatterErrorSeries { Title = "observed mean ± SD", MarkerType = MarkerType.Square, MarkerSize = 3.5, MarkerFill = OxyColors.Black, ErrorBarColor = OxyColors.Black };
                foreach (var day in mine.GroupBy(r => r.Time).OrderBy(d => d.Key))
                {
                    var values = day.Select(r => r.Value).ToList();
                    spread.Points.Add(new ScatterErrorPoint(day.Key, values.Average(), 0, values.Count > 1 ? MathNet.Numerics.Statistics.Statistics.StandardDeviation(values) : 0));
                }
                panel.Series.Add(points);
                if (censored.Points.Count > 0) panel.Series.Add(censored);
                panel.Series.Add(spread);
            }
            else panel.Series.Add(observed);
            return panel;
        }).ToList();
        return new Figure("Visual predictive check", panels);
    }

    /// <summary>Per parameter, each chain's draws in order (thinned to <see cref="TracePoints"/>), divergent draws marked.</summary>
    public static Figure Traces(IReadOnlyList<ChainDraws> chains, IReadOnlyList<int> parameters)
    {
        var panels = parameters.Select(p =>
        {
            var panel = ChartStyle.Panel(chains[0].Names[p], "draw (after warm-up)", chains[0].Names[p]);
            var divergent = new ScatterSeries { Title = "divergent", MarkerType = MarkerType.Cross, MarkerSize = 3, MarkerStroke = DivergentColour };
            foreach (var chain in chains)
            {
                var line = new LineSeries { Title = $"chain {chain.Chain}", Color = ChartStyle.Colour(chain.Chain - 1), StrokeThickness = 0.8 };
                var step = Math.Max(1, (chain.Draws.Count + TracePoints - 1) / TracePoints);
                for (var i = 0; i < chain.Draws.Count; i += step) line.Points.Add(new DataPoint(i + 1, chain.Draws[i][p]));
                for (var i = 0; i < chain.Draws.Count; i++)
                    if (chain.Divergent[i]) divergent.Points.Add(new ScatterPoint(i + 1, chain.Draws[i][p]));
                panel.Series.Add(line);
            }
            if (divergent.Points.Count > 0) panel.Series.Add(divergent);
            return panel;
        }).ToList();
        return new Figure("Traces", panels);
    }

    /// <summary>
    /// Rank plots (Vehtari et al. 2021, Bayesian Analysis 16(2)): the draws of all chains ranked together, each chain's
    /// ranks in 20 bins; chains that mix well have flat, overlapping histograms.
    /// </summary>
    public static Figure Ranks(IReadOnlyList<ChainDraws> chains, IReadOnlyList<int> parameters, int bins = 20)
    {
        var panels = parameters.Select(p =>
        {
            var pooled = chains.SelectMany(c => c.Draws.Select(d => d[p])).Order().ToArray();
            var panel = ChartStyle.Panel($"{chains[0].Names[p]}: rank plot", "rank of the draw among all chains (bin)", "draws in the bin");
            foreach (var chain in chains)
            {
                var counts = new int[bins];
                foreach (var draw in chain.Draws)
                {
                    var rank = LowerBound(pooled, draw[p]);
                    counts[Math.Min(bins - 1, rank * bins / pooled.Length)]++;
                }
                var stairs = new StairStepSeries { Title = $"chain {chain.Chain}", Color = ChartStyle.Colour(chain.Chain - 1), StrokeThickness = 1.2 };
                for (var b = 0; b < bins; b++) stairs.Points.Add(new DataPoint(b + 1, counts[b]));
                stairs.Points.Add(new DataPoint(bins + 1, counts[^1]));
                panel.Series.Add(stairs);
            }
            return panel;
        }).ToList();
        return new Figure("Rank plots", panels);
    }

    /// <summary>Marginal posterior densities: a histogram of all chains' draws per parameter (40 bins, as a density).</summary>
    public static Figure Densities(IReadOnlyList<ChainDraws> chains, IReadOnlyList<int> parameters, int bins = 40)
    {
        var panels = parameters.Select(p =>
        {
            var values = chains.SelectMany(c => c.Draws.Select(d => d[p])).ToArray();
            var (low, high) = (values.Min(), values.Max());
            var width = high > low ? (high - low) / bins : 1;
            var counts = new int[bins];
            foreach (var v in values) counts[Math.Min(bins - 1, (int)((v - low) / width))]++;
            var panel = ChartStyle.Panel($"{chains[0].Names[p]}: posterior", chains[0].Names[p], "density");
            var stairs = new StairStepSeries { Title = $"{values.Length} draws", Color = ChartStyle.Colour(0), StrokeThickness = 1.5 };
            for (var b = 0; b < bins; b++) stairs.Points.Add(new DataPoint(low + b * width, counts[b] / (values.Length * width)));
            stairs.Points.Add(new DataPoint(high, counts[^1] / (values.Length * width)));
            panel.Series.Add(stairs);
            return panel;
        }).ToList();
        return new Figure("Marginal posterior densities", panels);
    }

    /// <summary>The <paramref name="count"/> most correlated pairs of parameters (|Pearson r|), as scatter plots with divergent draws marked.</summary>
    public static Figure Pairs(IReadOnlyList<ChainDraws> chains, IReadOnlyList<int> parameters, int count = 4)
    {
        var draws = chains.SelectMany(c => c.Draws.Zip(c.Divergent)).ToList();
        var pairs = new List<(int A, int B, double R)>();
        for (var i = 0; i < parameters.Count; i++)
            for (var j = i + 1; j < parameters.Count; j++)
                pairs.Add((parameters[i], parameters[j], MathNet.Numerics.Statistics.Correlation.Pearson(draws.Select(d => d.First[parameters[i]]), draws.Select(d => d.First[parameters[j]]))));
        var names = chains[0].Names;
        var panels = pairs.Where(x => !double.IsNaN(x.R)).OrderByDescending(x => Math.Abs(x.R)).Take(count).Select(pair =>
        {
            var panel = ChartStyle.Panel($"{names[pair.A]} and {names[pair.B]} (r = {ChartStyle.Number(pair.R)})", names[pair.A], names[pair.B]);
            var scatter = new ScatterSeries { Title = "draw", MarkerType = MarkerType.Circle, MarkerSize = 1.3, MarkerFill = OxyColor.FromAColor(90, ChartStyle.Colour(0)) };
            var divergent = new ScatterSeries { Title = "divergent", MarkerType = MarkerType.Cross, MarkerSize = 3, MarkerStroke = DivergentColour };
            var step = Math.Max(1, draws.Count / 2000);
            for (var k = 0; k < draws.Count; k++)
            {
                var (values, diverged) = draws[k];
                if (diverged) divergent.Points.Add(new ScatterPoint(values[pair.A], values[pair.B]));
                else if (k % step == 0) scatter.Points.Add(new ScatterPoint(values[pair.A], values[pair.B]));
            }
            panel.Series.Add(scatter);
            if (divergent.Points.Count > 0) panel.Series.Add(divergent);
            return panel;
        }).ToList();
        return new Figure("Most correlated pairs", panels);
    }

    private static int LowerBound(double[] sorted, double value)
    {
        int low = 0, high = sorted.Length;
        while (low < high)
        {
            var mid = (low + high) / 2;
            if (sorted[mid] < value) low = mid + 1;
            else high = mid;
        }
        return low;
    }
}
