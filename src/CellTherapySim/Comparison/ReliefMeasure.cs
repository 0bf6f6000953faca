using CellTherapySim.Compilation;
using CellTherapySim.Modeling;
using CellTherapySim.Scenarios;

namespace CellTherapySim.Comparison;

/// <summary>
/// Scenario in, metrics out: simulates a dosed scenario and its reference (untreated, or a reference regimen) for the
/// same animal, and measures the relief curve (endpoint under the scenario minus under the reference, higher = less
/// pain) of each endpoint: AUC, onset, peak, peak day, duration, then the effect at each readout day. One instance per
/// thread; used by <c>compare</c> and by sweeps alike.
/// </summary>
public sealed class ReliefMeasure
{
    /// <summary>Metrics per endpoint before the readout-day effects: AUC, onset (NaN: never), peak, peak day, duration.</summary>
    public const int CurveMetrics = 5;

    /// <summary>The names of the curve metrics, in order (as in compare's CSV).</summary>
    public static readonly IReadOnlyList<string> CurveMetricNames = ["auc", "onset", "peak", "peak_day", "duration"];

    private readonly ScenarioSimulator _simulator;
    private readonly EndpointDefinition[] _endpoints;
    private readonly double[] _thresholds;

    /// <summary>Measures <paramref name="endpoints"/> with their relief <paramref name="thresholds"/> (same order).</summary>
    public ReliefMeasure(ScenarioSimulator simulator, IReadOnlyList<EndpointDefinition> endpoints, IReadOnlyList<double> thresholds)
    {
        _simulator = simulator;
        _endpoints = endpoints.ToArray();
        _thresholds = thresholds.ToArray();
    }

    /// <summary>Metrics per endpoint for <paramref name="readoutDays"/> readout days.</summary>
    public static int MetricsPerEndpoint(int readoutDays) => CurveMetrics + readoutDays;

    /// <summary>The simulator (for the reference's or the scenario's trajectory alone).</summary>
    public ScenarioSimulator Simulator => _simulator;

    /// <summary>
    /// Simulates <paramref name="scenario"/> and <paramref name="reference"/> (same parameters, injury and times: the
    /// curve grid, which holds the readout days at <paramref name="readoutIndex"/>) and writes, per endpoint, the metrics
    /// into <paramref name="metrics"/> (<see cref="MetricsPerEndpoint"/> each, endpoint-major) and, when not empty, the
    /// relief curve into <paramref name="relief"/> (one grid row per endpoint). The window starts at the first dose of either.
    /// </summary>
    /// <exception cref="Simulation.SimulationException">A simulation failed.</exception>
    public void Measure(Scenario scenario, Scenario reference, int[] readoutIndex, Span<double> metrics, Span<double> relief)
    {
        var treated = _simulator.Simulate(scenario);
        var untreated = _simulator.Simulate(reference);
        var grid = scenario.Times;
        var from = Math.Min(scenario.FirstDose ?? double.PositiveInfinity, reference.FirstDose ?? double.PositiveInfinity);
        if (double.IsInfinity(from)) from = grid[0];
        var per = MetricsPerEndpoint(readoutIndex.Length);
        Span<double> curve = grid.Length <= 1024 ? stackalloc double[grid.Length] : new double[grid.Length];
        for (var e = 0; e < _endpoints.Length; e++)
        {
            var readout = _endpoints[e].Readout;
            for (var k = 0; k < grid.Length; k++) curve[k] = treated.Readout(k, readout) - untreated.Readout(k, readout);
            if (!relief.IsEmpty) curve.CopyTo(relief.Slice(e * grid.Length, grid.Length));
            Curve(grid, curve, from, _thresholds[e], readoutIndex, metrics.Slice(e * per, per));
        }
    }

    /// <summary>One relief curve's metrics: AUC, onset (NaN: never), peak, peak day, duration, then the effect at each readout day.</summary>
    public static void Curve(double[] grid, ReadOnlySpan<double> relief, double from, double threshold, int[] readoutIndex, Span<double> into)
    {
        var (peak, peakDay) = EfficacyMetrics.Peak(grid, relief, from);
        into[0] = EfficacyMetrics.Auc(grid, relief, from);
        into[1] = EfficacyMetrics.Onset(grid, relief, from, threshold) ?? double.NaN;
        into[2] = peak;
        into[3] = peakDay;
        into[4] = EfficacyMetrics.Duration(grid, relief, from, threshold);
        for (var d = 0; d < readoutIndex.Length; d++) into[CurveMetrics + d] = relief[readoutIndex[d]];
    }
}
