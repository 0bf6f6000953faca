using CellTherapySim.Modeling;
using CellTherapySim.Simulation;

namespace CellTherapySim.Scenarios;

/// <summary>
/// What one simulation needs — the seam every prediction goes through (simulate, compare, cohorts, sweeps, posterior
/// predictions): parameter values (model order), the injury preset, the doses and the increasing output times (days).
/// </summary>
public sealed record Scenario(double[] Parameters, string Injury, IReadOnlyList<Dose> Doses, double[] Times)
{
    /// <summary>Day of the first dose, or null for an untreated scenario.</summary>
    public double? FirstDose => Doses.Count == 0 ? null : Doses.Min(d => d.Time);
}
