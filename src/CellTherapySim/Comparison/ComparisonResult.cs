using CellTherapySim.Solvers;
using CellTherapySim.Simulation;

namespace CellTherapySim.Comparison;

/// <summary>How a regimen comparison is simulated.</summary>
/// <param name="Animals">Virtual animals; each is simulated untreated and under every regimen.</param>
/// <param name="Seed">Seed of the parameter draws.</param>
/// <param name="Threads">Worker threads (0: all cores); the result does not depend on it.</param>
/// <param name="Thresholds">Relief thresholds by endpoint; an endpoint not listed gets the default (<see cref="ReliefThresholds.DefaultFraction"/> of the day-0 value).</param>
/// <param name="Step">Spacing of the curve grid (days), merged with the readout and dose days.</param>
/// <param name="Solver">Integrator.</param>
/// <param name="SolverOptions">Tolerances.</param>
public sealed record ComparisonOptions(
    int Animals = 1000,
    int Seed = 1,
    int Threads = 0,
    IReadOnlyDictionary<string, double>? Thresholds = null,
    double Step = 0.25,
    SolverKind Solver = SolverKind.Stiff,
    SolverOptions? SolverOptions = null);

/// <summary>A regimen's relief at one readout day.</summary>
public readonly record struct ReadoutEffect(double Day, MetricSummary Relief);

/// <summary>The efficacy of one regimen on one endpoint, relative to the untreated reference, across the virtual animals.</summary>
/// <param name="Effects">Relief at every readout day.</param>
/// <param name="Auc">Area under the relief curve from the first dose to the last readout day (unit × day).</param>
/// <param name="Onset">First day relief ≥ threshold: the estimate from the mean curve (NaN if it never gets there), the interval over responders.</param>
/// <param name="Responders">Share of animals whose relief reaches the threshold.</param>
/// <param name="Peak">Largest relief (per animal; the estimate is the mean curve's).</param>
/// <param name="PeakDay">Day of the largest relief.</param>
/// <param name="Duration">Days with relief ≥ threshold.</param>
/// <param name="MeanRelief">The cohort's mean relief curve on <see cref="ComparisonResult.Grid"/>.</param>
public sealed record RegimenEfficacy(
    ComparedRegimen Regimen,
    UntreatedReference Reference,
    string Endpoint,
    string Unit,
    double Threshold,
    IReadOnlyList<ReadoutEffect> Effects,
    MetricSummary Auc,
    MetricSummary Onset,
    double Responders,
    MetricSummary Peak,
    MetricSummary PeakDay,
    MetricSummary Duration,
    IReadOnlyList<double> MeanRelief);

/// <summary>A regimen comparison: thresholds used, the curve grid, and each regimen's efficacy per endpoint (regimen-major order).</summary>
public sealed record ComparisonResult(
    ComparisonDesign Design,
    ComparisonOptions Options,
    IReadOnlyList<ReliefThreshold> Thresholds,
    IReadOnlyList<double> Grid,
    IReadOnlyList<RegimenEfficacy> Efficacies);
