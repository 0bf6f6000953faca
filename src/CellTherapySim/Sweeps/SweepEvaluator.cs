using System.Globalization;
using CellTherapySim.Comparison;
using CellTherapySim.Compilation;
using CellTherapySim.Inference;
using CellTherapySim.Populations;
using CellTherapySim.Scenarios;
using CellTherapySim.Simulation;
using CellTherapySim.Solvers;
using MathNet.Numerics.Random;
using MathNet.Numerics.Statistics;

namespace CellTherapySim.Sweeps;

/// <summary>One evaluated scenario: its results.csv line, the ranking metric's value and (with a posterior) its value per draw.</summary>
public sealed record SweepRow(string Line, double Rank, double[]? RankDraws);

/// <summary>
/// Evaluates a sweep's scenarios: factor values → parameters and regimen → <see cref="ReliefMeasure"/> against the
/// reference regimen, on the typical animal, a virtual cohort (the same animals for every scenario: common random
/// numbers) or every draw of a posterior sample; then each metric's value, cohort mean with 5%/95% quantiles, or
/// posterior median with 5%/95% quantiles and the probability that it beats the reference. Thread-safe; one
/// <see cref="ReliefMeasure"/> per worker thread.
/// </summary>
public sealed class SweepEvaluator
{
    private readonly SweepSpec _spec;
    private readonly CompiledModel _model;
    private readonly IScenarioDesign _design;
    private readonly PosteriorSample? _posterior;
    private readonly SolverKind _solver;
    private readonly SolverOptions _options;
    private readonly int _seed;
    private readonly double[] _thresholds;
    private readonly string[] _metrics;
    private readonly int _rankMetric;
    private readonly int _rankEndpoint;
    private readonly (SweepFactor Factor, int Index)[] _parameterFactors;

    /// <summary>Evaluates <paramref name="design"/>'s scenarios of <paramref name="spec"/> (optionally over a posterior sample).</summary>
    /// <exception cref="InputException">A default relief threshold is not positive.</exception>
    public SweepEvaluator(SweepSpec spec, CompiledModel model, IScenarioDesign design, PosteriorSample? posterior, int seed, SolverKind solver = SolverKind.Stiff, SolverOptions? options = null)
    {
        (_spec, _model, _design, _posterior, _seed, _solver, _options) = (spec, model, design, posterior, seed, solver, options ?? SolverOptions.Default);
        var day0 = new Simulator(model, solver, _options).Simulate(spec.BaseParameters, model.InitialState(spec.Injury), [], [0.0]);
        _thresholds = spec.Endpoints.Select(e =>
        {
            if (spec.Thresholds.TryGetValue(e, out var given)) return given;
            var value = ReliefThresholds.DefaultFraction * day0.Readout(0, spec.Model.Endpoint(e)!.Readout);
            return value > 0 && double.IsFinite(value) ? value
                : throw new InputException(spec.Source, $"the default relief threshold of '{e}' is not positive; give one under metrics: thresholds:");
        }).ToArray();
        _metrics = ReliefMeasure.CurveMetricNames.Concat(spec.EffectDays.Select(d => "effect_day" + d.ToString("R", CultureInfo.InvariantCulture))).ToArray();
        _rankEndpoint = spec.Endpoints.ToList().IndexOf(spec.Rank.Endpoint);
        _parameterFactors = spec.Factors.Select((f, i) => (f, i)).Where(x => x.f.Parameter >= 0).ToArray();
        _rankMetric = Array.IndexOf(_metrics, spec.Rank.Metric);
        if (_rankMetric < 0) throw new InputException(spec.Source, $"ranking metric '{spec.Rank.Metric}' is not measured; its day must be one of metrics: effect_days");
        Header = string.Join(",", new[] { "id" }.Concat(spec.Factors.Select(f => f.Name)).Concat(MetricColumns()).Concat(posterior is null ? [] : ["p_beats_best"]));
    }

    /// <summary>The relief thresholds used, per endpoint.</summary>
    public IReadOnlyList<double> Thresholds => _thresholds;

    /// <summary>The header of results.csv.</summary>
    public string Header { get; }

    /// <summary>The column of the ranking metric's point value (typical value, cohort mean or posterior median).</summary>
    public string RankColumn => $"{_spec.Rank.Endpoint}_{_spec.Rank.Metric}" + (_posterior is not null ? "_median" : _spec.Cohort is not null ? "_mean" : "");

    /// <summary>Whether a larger ranking metric is better (all but onset, where earlier is better).</summary>
    public bool HigherIsBetter => _spec.Rank.Metric != "onset";

    /// <summary>The metric columns after the id and factors: per endpoint and metric, the value or its summary.</summary>
    private IEnumerable<string> MetricColumns()
    {
        foreach (var e in _spec.Endpoints)
        {
            foreach (var m in _metrics)
            {
                var name = $"{e}_{m}";
                if (_posterior is not null)
                {
                    yield return name + "_median";
                    yield return name + "_q5";
                    yield return name + "_q95";
                    if (m != "peak_day") yield return name + "_p_beats_reference";
                }
                else if (_spec.Cohort is not null)
                {
                    yield return name + "_mean";
                    yield return name + "_q5";
                    yield return name + "_q95";
                }
                else yield return name;
            }
            if (_spec.Cohort is not null && _posterior is null) yield return $"{e}_responders";
        }
    }

    /// <summary>A worker for one thread.</summary>
    public ReliefMeasure CreateWorker() =>
        new(new ScenarioSimulator(_model, _solver, _options, _posterior is null ? 8 : _posterior.Count + 1), _spec.Endpoints.Select(e => _spec.Model.Endpoint(e)!).ToList(), _thresholds);

    /// <summary>Evaluates scenario <paramref name="id"/> on <paramref name="measure"/>.</summary>
    /// <exception cref="SimulationException">A simulation failed; the message names the scenario and its values.</exception>
    /// <exception cref="InputException">The scenario's values do not make a valid regimen (located in the spec).</exception>
    public SweepRow Evaluate(long id, ReliefMeasure measure)
    {
        var values = _design.Values(id);
        string Describe() => $"scenario {id}: " + string.Join(", ", _spec.Factors.Select((f, i) => $"{f.Name} = {values[i]}"));
        var doses = _spec.Template.Doses(_spec.Model, values, Describe);
        var grid = RegimenComparison.CurveGrid(_spec.ReadoutDays, doses.Concat(_spec.Reference).Select(d => d.Time), 0.25);
        var effectIndex = _spec.EffectDays.Select(d => Array.IndexOf(grid, d)).ToArray();
        var typical = (double[])_spec.BaseParameters.Clone();
        var parameterFactors = _parameterFactors;
        foreach (var (f, i) in parameterFactors) typical[f.Parameter] = double.Parse(values[i], CultureInfo.InvariantCulture);

        var units = _posterior?.Count ?? _spec.Cohort?.Animals ?? 1;
        var parameters = _posterior is not null
            ? _posterior.Parameters.Select(p =>
            {
                var x = (double[])p.Clone();
                foreach (var (f, i) in parameterFactors) x[f.Parameter] = typical[f.Parameter];
                return x;
            }).ToList()
            : _spec.Cohort is { } cohort
                ? new ParameterSampler(typical, cohort.Variability, _spec.Source).SampleAnimals(cohort.Animals, new Xoshiro256StarStar(_seed))
                : (IReadOnlyList<double[]>)[typical];

        var per = _metrics.Length;
        var endpoints = _spec.Endpoints.Count;
        var all = new double[units * endpoints * per];
        try
        {
            for (var u = 0; u < units; u++)
                measure.Measure(new Scenario(parameters[u], _spec.Injury, doses, grid), new Scenario(parameters[u], _spec.Injury, _spec.Reference, grid),
                    effectIndex, all.AsSpan(u * endpoints * per, endpoints * per), []);
        }
        catch (SimulationException failure)
        {
            throw new SimulationException($"{failure.Message} ({Describe()})", failure);
        }

        var fields = new List<string>(1 + values.Length + endpoints * per * 4) { id.ToString(CultureInfo.InvariantCulture) };
        fields.AddRange(values.Select(Csv.Field));
        double rank = double.NaN;
        double[]? rankDraws = null;
        var column = new double[units];
        for (var e = 0; e < endpoints; e++)
        {
            for (var m = 0; m < per; m++)
            {
                for (var u = 0; u < units; u++) column[u] = all[(u * endpoints + e) * per + m];
                var point = Summarise(column, m, fields);
                if (e == _rankEndpoint && m == _rankMetric)
                {
                    rank = point;
                    if (_posterior is not null) rankDraws = (double[])column.Clone();
                }
            }
            if (_spec.Cohort is not null && _posterior is null)
            {
                for (var u = 0; u < units; u++) column[u] = all[(u * endpoints + e) * per + 1];
                fields.Add(Number(column.Count(double.IsFinite) / (double)units));
            }
        }
        if (_posterior is not null) fields.Add(""); // p_beats_best: filled in when the whole design is known
        return new SweepRow(string.Join(",", fields), rank, rankDraws);
    }

    /// <summary>Appends a metric's fields for its per-unit values and returns its point value (typical, cohort mean, posterior median).</summary>
    private double Summarise(double[] values, int metric, List<string> fields)
    {
        var onset = metric == 1;
        if (_posterior is null && _spec.Cohort is null)
        {
            fields.Add(Number(values[0]));
            return values[0];
        }
        // An onset that is never reached is left out of its distribution (as compare does for responders).
        var finite = values.Where(double.IsFinite).ToArray();
        Array.Sort(finite);
        double Quantile(double p) => finite.Length == 0 ? double.NaN : SortedArrayStatistics.QuantileCustom(finite, p, QuantileDefinition.R7);
        var point = _posterior is not null ? Quantile(0.5) : finite.Length == 0 ? double.NaN : finite.Average();
        fields.Add(Number(point));
        fields.Add(Number(Quantile(0.05)));
        fields.Add(Number(Quantile(0.95)));
        if (_posterior is not null && metric != 3)
            fields.Add(Number(onset ? finite.Length / (double)values.Length : values.Count(v => v > 0) / (double)values.Length));
        return point;
    }

    /// <summary>A metric value in results.csv: 8 significant digits, empty for NaN.</summary>
    public static string Number(double value) =>
        double.IsNaN(value) ? "" : value == 0 ? "0" : value.ToString("G8", CultureInfo.InvariantCulture);
}
