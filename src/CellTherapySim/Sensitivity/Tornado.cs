using System.Globalization;
using CellTherapySim.Runs;
using CellTherapySim.Compilation;
using CellTherapySim.Simulation;
using CellTherapySim.Solvers;
using CellTherapySim.Sweeps;

namespace CellTherapySim.Sensitivity;

/// <summary>One factor moved one at a time from the base point, and one metric's value at the base, low and high values.</summary>
public sealed record TornadoRow(string Metric, string Factor, double BaseValue, double LowValue, double HighValue, double MetricBase, double MetricLow, double MetricHigh)
{
    /// <summary>The metric's change from the low to the high value (NaN when either has no value).</summary>
    public double Change => MetricHigh - MetricLow;
}

/// <summary>
/// The 2d + 1 scenarios of a one-at-a-time (tornado) analysis: id 0 is the base point — a parameter factor at the
/// spec's base value of its parameter, a regimen factor at the midpoint of its range (geometric for a log range,
/// integers rounded) — and ids 2i + 1 and 2i + 2 move factor i alone to base × (1 ∓ step), clamped to its range
/// (integers rounded).
/// </summary>
public sealed class TornadoDesign : IScenarioDesign
{
    private readonly SweepSpec _spec;
    private readonly string[] _base;
    private readonly string[] _low;
    private readonly string[] _high;

    /// <summary>The tornado of <paramref name="spec"/>'s (range) factors, each moved by the fraction <paramref name="step"/> ∈ (0, 1).</summary>
    /// <exception cref="InputException">The step is not in (0, 1).</exception>
    public TornadoDesign(SweepSpec spec, double step)
    {
        if (!(step > 0 && step < 1)) throw new InputException("--step", $"{step.ToString(CultureInfo.InvariantCulture)} is not a fraction in (0, 1); expected e.g. 0.1 (±10%)");
        _spec = spec;
        var factors = spec.Factors;
        BaseValues = factors.Select(f => f.Parameter >= 0 ? spec.BaseParameters[f.Parameter] : Round(f, f.Log ? Math.Sqrt(f.Low * f.High) : (f.Low + f.High) / 2)).ToArray();
        LowValues = factors.Select((f, i) => Move(f, BaseValues[i], 1 - step)).ToArray();
        HighValues = factors.Select((f, i) => Move(f, BaseValues[i], 1 + step)).ToArray();
        (_base, _low, _high) = (Format(BaseValues), Format(LowValues), Format(HighValues));
        Size = 2 * factors.Count + 1;
    }

    /// <summary>Each factor's base value.</summary>
    public IReadOnlyList<double> BaseValues { get; }

    /// <summary>Each factor's low value (with the others at the base).</summary>
    public IReadOnlyList<double> LowValues { get; }

    /// <summary>Each factor's high value (with the others at the base).</summary>
    public IReadOnlyList<double> HighValues { get; }

    /// <summary>Number of scenarios, 2d + 1.</summary>
    public long Size { get; }

    /// <summary>The factor values of scenario <paramref name="id"/>: the base, or one factor at its low (odd id) or high (even id) value.</summary>
    public string[] Values(long id)
    {
        if (id < 0 || id >= Size) throw new ArgumentOutOfRangeException(nameof(id));
        var values = (string[])_base.Clone();
        if (id == 0) return values;
        var factor = (int)((id - 1) / 2);
        values[factor] = (id % 2 == 1 ? _low : _high)[factor];
        return values;
    }

    private static double Move(SweepFactor factor, double value, double by)
    {
        var moved = Round(factor, value * by);
        return Math.Clamp(moved, factor.Low, factor.High);
    }

    private static double Round(SweepFactor factor, double value) => factor.Integer ? Math.Round(value, MidpointRounding.AwayFromZero) : value;

    private static string[] Format(IEnumerable<double> values) => values.Select(SweepFactor.Format).ToArray();

    /// <summary>
    /// Evaluates the scenarios through <see cref="SweepEvaluator"/> (the sweep's code; one worker, no journal) and returns,
    /// metric by metric (results.csv's metric columns), a row per factor sorted by |change| descending (no value last;
    /// ties in the spec's factor order).
    /// </summary>
    /// <exception cref="InputException">A value does not make a valid regimen.</exception>
    /// <exception cref="Simulation.SimulationException">A simulation failed.</exception>
    public IReadOnlyList<TornadoRow> Evaluate(CompiledModel model, int seed, SolverKind solver = SolverKind.Stiff, SolverOptions? options = null)
    {
        var evaluator = new SweepEvaluator(_spec, model, this, null, seed, solver, options);
        var worker = evaluator.CreateWorker();
        var outputs = Enumerable.Range(0, (int)Size).Select(id => ResultJournal.SplitFields(evaluator.Evaluate(id, worker).Line)).ToArray();
        var header = ResultJournal.SplitFields(evaluator.Header);
        var rows = new List<TornadoRow>();
        for (var m = 1 + _spec.Factors.Count; m < header.Length; m++)
        {
            var metric = header[m];
            rows.AddRange(_spec.Factors.Select((f, i) => new TornadoRow(metric, f.Name, BaseValues[i], LowValues[i], HighValues[i],
                    Number(outputs[0][m]), Number(outputs[2 * i + 1][m]), Number(outputs[2 * i + 2][m])))
                .OrderBy(r => double.IsNaN(r.Change) ? 1 : 0).ThenByDescending(r => double.IsNaN(r.Change) ? 0 : Math.Abs(r.Change)));
        }
        return rows;
    }

    private static double Number(string field) =>
        double.TryParse(field, NumberStyles.Float, CultureInfo.InvariantCulture, out var value) ? value : double.NaN;
}
