using System.Globalization;
using CellTherapySim.Compilation;
using CellTherapySim.Modeling;
using CellTherapySim.Populations;
using CellTherapySim.Simulation;
using MathNet.Numerics.Random;

namespace CellTherapySim.Comparison;

/// <summary>
/// Compares dosing regimens on virtual animals in a paired counterfactual design: each animal's parameters are drawn
/// once (sequentially, from one generator seeded by <see cref="ComparisonOptions.Seed"/>), and the animal is simulated
/// noise-free untreated and under every regimen; its relief is Y(regimen) − Y(untreated) on a fine time grid. The ODE
/// simulations run in parallel on per-thread simulators, in fixed blocks of animals summed in animal order, so results
/// are identical whatever the thread count.
/// </summary>
public static class RegimenComparison
{
    /// <summary>Animals simulated between two (ordered) accumulations of the mean relief curves; bounds memory.</summary>
    private const int BlockSize = 1024;

    /// <summary>Per-animal metrics stored before the readout-day effects: AUC, onset, peak, peak day, duration.</summary>
    private const int CurveMetrics = 5;

    /// <summary>
    /// Simulates the comparison; <paramref name="typical"/> are the typical parameter values (model order) of
    /// <paramref name="model"/>, the compiled <see cref="ComparisonDesign.Model"/>.
    /// </summary>
    /// <param name="progress">Called with the number of animals simulated so far (from worker threads).</param>
    /// <exception cref="InputException">A default threshold is not positive, or the variability cannot be sampled.</exception>
    /// <exception cref="SimulationException">An animal's simulation failed; the message names the animal and the regimen.</exception>
    public static ComparisonResult Compare(ComparisonDesign design, CompiledModel model, double[] typical, ComparisonOptions options, Action<int>? progress = null)
    {
        if (options.Animals < 1) throw new ArgumentOutOfRangeException(nameof(options), "a comparison needs at least one animal");
        var endpoints = design.Endpoints
            .Select(e => design.Model.Endpoint(e) ?? throw new InputException(design.Source, $"unknown endpoint '{e}'")).ToArray();
        var grid = CurveGrid(design.ReadoutDays, design.Regimens.SelectMany(r => r.Doses).Select(d => d.Time), options.Step);
        var thresholds = Thresholds(design, model, typical, endpoints, options);
        var regimens = design.Regimens;
        var references = design.References;
        var referenceOf = regimens.Select(r => references.ToList().IndexOf(design.ReferenceOf(r))).ToArray();
        int animals = options.Animals, curves = regimens.Count * endpoints.Length, points = grid.Length, metricCount = CurveMetrics + design.ReadoutDays.Count;
        var readoutIndex = design.ReadoutDays.Select(d => Array.IndexOf(grid, d)).ToArray();

        // Every animal's parameters, drawn in animal order before any simulation.
        var sampler = new ParameterSampler(typical, design.Variability, design.Source);
        var parameters = sampler.SampleAnimals(animals, new Xoshiro256StarStar(options.Seed));

        var initial = regimens.Select(r => r.Injury).Concat(references.Select(r => r.Injury)).Distinct().ToDictionary(i => i, model.InitialState);
        var metrics = new double[curves * animals * metricCount];
        var sums = new double[curves * points];
        var relief = new double[Math.Min(BlockSize, animals) * curves * points];
        var done = 0;
        for (var start = 0; start < animals; start += BlockSize)
        {
            var end = Math.Min(start + BlockSize, animals);
            AnimalLoop.Run(start, end, model, options.Solver, options.SolverOptions, options.Threads, (a, simulator) =>
            {
                var what = "";
                try
                {
                    var untreated = new Trajectory[references.Count];
                    for (var i = 0; i < references.Count; i++)
                    {
                        what = references[i].Name;
                        untreated[i] = simulator.Simulate(parameters[a], initial[references[i].Injury], [], grid);
                    }
                    for (var r = 0; r < regimens.Count; r++)
                    {
                        what = regimens[r].Name;
                        var treated = simulator.Simulate(parameters[a], initial[regimens[r].Injury], regimens[r].Doses, grid);
                        for (var e = 0; e < endpoints.Length; e++)
                        {
                            var c = r * endpoints.Length + e;
                            var curve = relief.AsSpan(((a - start) * curves + c) * points, points);
                            for (var k = 0; k < points; k++)
                                curve[k] = treated.Readout(k, endpoints[e].Readout) - untreated[referenceOf[r]].Readout(k, endpoints[e].Readout);
                            Measure(grid, curve, regimens[r].FirstDose, thresholds[e].Value, readoutIndex,
                                metrics.AsSpan((c * animals + a) * metricCount, metricCount));
                        }
                    }
                }
                catch (SimulationException failure)
                {
                    throw new SimulationException($"{failure.Message} (virtual animal {a + 1}, {what})", failure);
                }
            }, progress is null ? null : count => progress(done + count));
            done = end;

            for (var a = start; a < end; a++)
                for (var i = 0; i < curves * points; i++) sums[i] += relief[(a - start) * curves * points + i];
        }

        var efficacies = new List<RegimenEfficacy>(curves);
        for (var r = 0; r < regimens.Count; r++)
            for (var e = 0; e < endpoints.Length; e++)
            {
                var c = r * endpoints.Length + e;
                var mean = sums.AsSpan(c * points, points).ToArray();
                for (var k = 0; k < points; k++) mean[k] /= animals;
                efficacies.Add(Summarize(regimens[r], references[referenceOf[r]], endpoints[e], thresholds[e].Value, grid, mean,
                    design.ReadoutDays, readoutIndex, m => Column(metrics, (c * animals) * metricCount, animals, metricCount, m)));
            }
        return new ComparisonResult(design, options, thresholds, grid, efficacies);
    }

    /// <summary>
    /// The curve grid: every <paramref name="step"/> days from 0 to the last readout day, merged with the readout days and
    /// the dose days up to it.
    /// </summary>
    public static double[] CurveGrid(IReadOnlyList<double> readoutDays, IEnumerable<double> doseDays, double step)
    {
        if (!(step > 0)) throw new ArgumentOutOfRangeException(nameof(step), "the grid step must be > 0");
        var last = readoutDays[^1];
        var times = new SortedSet<double>(readoutDays);
        for (var i = 0; i * step <= last; i++) times.Add(i * step);
        foreach (var day in doseDays)
            if (day <= last) times.Add(day);
        return times.ToArray();
    }

    /// <summary>The given thresholds, and for the other endpoints the default: a fraction of the typical untreated animal's day-0 value.</summary>
    private static ReliefThreshold[] Thresholds(ComparisonDesign design, CompiledModel model, double[] typical, EndpointDefinition[] endpoints, ComparisonOptions options)
    {
        var given = options.Thresholds ?? new Dictionary<string, double>();
        var unknown = given.Keys.FirstOrDefault(k => endpoints.All(e => e.Name != k));
        if (unknown is not null) throw new InputException(design.Source, $"a threshold is given for '{unknown}', which is not a compared endpoint");
        var injury = design.ReferenceOf(design.Regimens[0]).Injury;
        var day0 = new Simulator(model, options.Solver, options.SolverOptions).Simulate(typical, model.InitialState(injury), [], [0.0]);
        return endpoints.Select(e =>
        {
            var untreated = day0.Readout(0, e.Readout);
            if (given.TryGetValue(e.Name, out var value)) return new ReliefThreshold(e.Name, e.Unit, value, false, untreated);
            var threshold = ReliefThresholds.DefaultFraction * untreated;
            return threshold > 0 && double.IsFinite(threshold)
                ? new ReliefThreshold(e.Name, e.Unit, threshold, true, untreated)
                : throw new InputException(design.Source, string.Create(CultureInfo.InvariantCulture,
                    $"the default relief threshold of '{e.Name}' ({ReliefThresholds.DefaultFraction:P0} of the untreated day-0 value {untreated:G6}) is not positive; give a threshold for it"));
        }).ToArray();
    }

    /// <summary>One animal's metrics of one relief curve: AUC, onset (NaN: never), peak, peak day, duration, then the effect at each readout day.</summary>
    private static void Measure(double[] grid, ReadOnlySpan<double> relief, double from, double threshold, int[] readoutIndex, Span<double> into)
    {
        var (peak, peakDay) = EfficacyMetrics.Peak(grid, relief, from);
        into[0] = EfficacyMetrics.Auc(grid, relief, from);
        into[1] = EfficacyMetrics.Onset(grid, relief, from, threshold) ?? double.NaN;
        into[2] = peak;
        into[3] = peakDay;
        into[4] = EfficacyMetrics.Duration(grid, relief, from, threshold);
        for (var d = 0; d < readoutIndex.Length; d++) into[CurveMetrics + d] = relief[readoutIndex[d]];
    }

    private static RegimenEfficacy Summarize(ComparedRegimen regimen, UntreatedReference reference, EndpointDefinition endpoint, double threshold,
        double[] grid, double[] mean, IReadOnlyList<double> readoutDays, int[] readoutIndex, Func<int, double[]> column)
    {
        var from = regimen.FirstDose;
        var (peak, peakDay) = EfficacyMetrics.Peak(grid, mean, from);
        var onsets = column(1);
        var responders = onsets.Where(o => !double.IsNaN(o)).ToArray();
        return new RegimenEfficacy(regimen, reference, endpoint.Name, endpoint.Unit, threshold,
            readoutDays.Select((day, d) => new ReadoutEffect(day, MetricSummary.Of(mean[readoutIndex[d]], column(CurveMetrics + d)))).ToList(),
            MetricSummary.Of(EfficacyMetrics.Auc(grid, mean, from), column(0)),
            MetricSummary.Of(EfficacyMetrics.Onset(grid, mean, from, threshold) ?? double.NaN, responders),
            (double)responders.Length / onsets.Length,
            MetricSummary.Of(peak, column(2)),
            MetricSummary.Of(peakDay, column(3)),
            MetricSummary.Of(EfficacyMetrics.Duration(grid, mean, from, threshold), column(4)),
            mean);
    }

    /// <summary>Metric <paramref name="metric"/> of every animal, in animal order.</summary>
    private static double[] Column(double[] metrics, int offset, int animals, int metricCount, int metric)
    {
        var values = new double[animals];
        for (var a = 0; a < animals; a++) values[a] = metrics[offset + a * metricCount + metric];
        return values;
    }
}
