using CellTherapySim.Modeling;
using CellTherapySim.Simulation;

namespace CellTherapySim.Sweeps;

/// <summary>How the scenarios of a sweep are chosen.</summary>
public enum DesignKind
{
    /// <summary>Every combination of every factor's levels.</summary>
    Grid,
    /// <summary>A Latin hypercube of N points over the continuous factors.</summary>
    LatinHypercube,
    /// <summary>N points of a scrambled Sobol sequence over the continuous factors.</summary>
    Sobol,
}

/// <summary>How factors with listed values (categorical) enter a sampled (LHS or Sobol) design.</summary>
public enum CategoricalMode
{
    /// <summary>Every sampled point is run with every combination of the listed values (N × combinations scenarios).</summary>
    Crossed,
    /// <summary>Each listed factor is one more dimension of the sampled design, its value chosen uniformly (N scenarios).</summary>
    Sampled,
}

/// <summary>
/// A factor of a sweep: listed values (numbers or names), or a range [Low, High] — on a grid with <see cref="Count"/>
/// levels spaced linearly or logarithmically, in a sampled design uniform or log-uniform. <see cref="Parameter"/> is
/// the model parameter it sets (index), or −1 for a regimen variable ($name in the template). <see cref="Line"/> and
/// <see cref="Column"/> locate its name in the spec file (0 when unknown).
/// </summary>
public sealed record SweepFactor(string Name, int Parameter, IReadOnlyList<string>? Values, double Low, double High, int Count, bool Log, bool Integer, int Line = 0, int Column = 0)
{
    /// <summary>True for listed values, false for a range.</summary>
    public bool IsListed => Values is not null;

    /// <summary>The grid levels: the listed values, or <see cref="Count"/> points over the range (the ends included).</summary>
    public IReadOnlyList<string> Levels() => Values ?? Enumerable.Range(0, Count).Select(k => Format(Count == 1 ? Low : At(k / (double)(Count - 1)))).ToList();

    /// <summary>The value at the fraction <paramref name="u"/> ∈ [0, 1] of the range (log-uniform for a log range; integers rounded down over [Low, High]).</summary>
    public double At(double u)
    {
        if (Integer) return Math.Min(High, Math.Floor(Low + u * (High - Low + 1)));
        // The ends exactly (a grid's first and last levels are the range's ends as written), geometric steps on a log range.
        if (u <= 0) return Low;
        if (u >= 1) return High;
        return Log ? Low * Math.Pow(High / Low, u) : Low + u * (High - Low);
    }

    /// <summary>A factor value as it appears in results.csv (round-trip numbers).</summary>
    public static string Format(double value) => Csv.Number(value);
}

/// <summary>The virtual cohort each scenario is run on (instead of the typical animal).</summary>
/// <param name="Animals">Animals per scenario (the same animals, by their random effects, for every scenario).</param>
/// <param name="Variability">Their between-animal variability (the model's or a study's).</param>
public sealed record SweepCohort(int Animals, BetweenAnimalVariability Variability);

/// <summary>
/// A parameter sweep as its spec file gives it: the base (model, injury, reference regimen, readout days, endpoints,
/// parameter overrides), the factors and the regimen template that uses them, the design, the cohort (or the typical
/// animal) and the metrics.
/// </summary>
/// <param name="Text">The spec file's text (its hash identifies the sweep).</param>
/// <param name="BaseParameters">The parameter values before the factors (model defaults with 'set:' and the body weight applied).</param>
/// <param name="Reference">The regimen the metrics are measured against (empty: untreated).</param>
/// <param name="Template">The regimen of a scenario, from its factor values.</param>
/// <param name="Points">Points of a sampled design (LHS, Sobol); unused on a grid.</param>
/// <param name="EffectDays">Readout days whose effect is a metric.</param>
/// <param name="Thresholds">Relief thresholds given per endpoint (others: the default).</param>
/// <param name="Rank">Endpoint and metric that rank the scenarios (e.g. PMWT, auc).</param>
public sealed record SweepSpec(
    string Name,
    string Source,
    string Text,
    ModelDefinition Model,
    string Injury,
    double[] ReadoutDays,
    IReadOnlyList<string> Endpoints,
    double[] BaseParameters,
    IReadOnlyList<Dose> Reference,
    IReadOnlyList<SweepFactor> Factors,
    RegimenTemplate Template,
    DesignKind Design,
    long Points,
    CategoricalMode Categorical,
    SweepCohort? Cohort,
    IReadOnlyList<double> EffectDays,
    IReadOnlyDictionary<string, double> Thresholds,
    (string Endpoint, string Metric) Rank);
