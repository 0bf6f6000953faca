using System.Globalization;
using CellTherapySim.Compilation;
using CellTherapySim.Modeling;
using CellTherapySim.Populations;
using CellTherapySim.Runs;
using CellTherapySim.Scenarios;
using CellTherapySim.Simulation;
using MathNet.Numerics.Random;

namespace CellTherapySim.Comparison;

/// <summary>
/// Compares dosing regimens on virtual animals in a paired counterfactual design: each animal's parameters are drawn
/// once (sequentially, from one generator seeded by <see cref="ComparisonOptions.Seed"/>), and the animal is simulated
/// noise-free untreated and under every regimen; its relief is Y(regimen) − Y(untreated) on a fine time grid, measured
/// by <see cref="ReliefMeasure"/>. The animals run in parallel on the <see cref="OrderedRunner"/> and are summed in
/// animal order, so results are identical whatever the thread count.
/// </summary>
public static class RegimenComparison
{
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
        int animals = options.Animals, curves = regimens.Count * endpoints.Length, points = grid.Length, metricCount = ReliefMeasure.MetricsPerEndpoint(design.ReadoutDays.Count);
        var readoutIndex = design.ReadoutDays.Select(d => Array.IndexOf(grid, d)).ToArray();

        // Every animal's parameters, drawn in animal order before any simulation.
        var sampler = new ParameterSampler(typical, design.Variability, design.Source);
        var parameters = sampler.SampleAnimals(animals, new Xoshiro256StarStar(options.Seed));

        var metrics = new double[curves * animals * metricCount];
        var sums = new double[curves * points];
        var measures = endpoints.Select((e, i) => thresholds[i].Value).ToArray();
        OrderedRunner.Run(0, animals, () => new ReliefMeasure(new ScenarioSimulator(model, options.Solver, options.SolverOptions), endpoints, measures),
            (position, measure) =>
            {
                var a = (int)position;
                var animal = (Metrics: new double[curves * metricCount], Relief: new double[curves * points]);
                var what = references[0].Name;
                try
                {
                    // The untreated references first (kept by the simulator for the regimens), so a failure names them.
                    foreach (var reference in references)
                    {
                        what = reference.Name;
                        measure.Simulator.Untreated(new Scenario(parameters[a], reference.Injury, [], grid));
                    }
                    for (var r = 0; r < regimens.Count; r++)
                    {
                        what = regimens[r].Name;
                        measure.Measure(new Scenario(parameters[a], regimens[r].Injury, regimens[r].Doses, grid),
                            new Scenario(parameters[a], regimens[r].Injury, [], grid), readoutIndex,
                            animal.Metrics.AsSpan(r * endpoints.Length * metricCount, endpoints.Length * metricCount),
                            animal.Relief.AsSpan(r * endpoints.Length * points, endpoints.Length * points));
                    }
                }
                catch (SimulationException failure)
                {
                    throw new SimulationException($"{failure.Message} (virtual animal {a + 1}, {what})", failure);
                }
                return animal;
            },
            (position, animal) =>
            {
                // Summed in animal order, so the mean curves do not depend on the thread count.
                for (var c = 0; c < curves; c++)
                    animal.Metrics.AsSpan(c * metricCount, metricCount).CopyTo(metrics.AsSpan((c * animals + (int)position) * metricCount, metricCount));
                for (var i = 0; i < curves * points; i++) sums[i] += animal.Relief[i];
            }, options.Threads, progress is null ? null : done => progress((int)done));

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

    private static RegimenEfficacy Summarize(ComparedRegimen regimen, UntreatedReference reference, EndpointDefinition endpoint, double threshold,
        double[] grid, double[] mean, IReadOnlyList<double> readoutDays, int[] readoutIndex, Func<int, double[]> column)
    {
        var from = regimen.FirstDose;
        var (peak, peakDay) = EfficacyMetrics.Peak(grid, mean, from);
        var onsets = column(1);
        var responders = onsets.Where(o => !double.IsNaN(o)).ToArray();
        return new RegimenEfficacy(regimen, reference, endpoint.Name, endpoint.Unit, threshold,
            readoutDays.Select((day, d) => new ReadoutEffect(day, MetricSummary.Of(mean[readoutIndex[d]], column(ReliefMeasure.CurveMetrics + d)))).ToList(),
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
