using MathNet.Numerics.Statistics;

namespace CellTherapySim.Studies;

/// <summary>Statistics of one group's readings of one endpoint on one day (censored readings counted at the cutoff).</summary>
/// <param name="Censored">How many of the N readings were censored.</param>
public sealed record SummaryStatistics(string Group, double Time, string Endpoint, double Mean, double Sd, int N, double Q5, double Q50, double Q95, int Censored);

/// <summary>Summarises long-format readings per group, day and endpoint.</summary>
public static class ObservationSummary
{
    /// <summary>
    /// Mean, SD (N − 1 denominator; 0 for one reading), N and the 5/50/95% quantiles (R's default, type 7) of the
    /// readings, in order of group, day, endpoint (groups and endpoints in order of first appearance).
    /// </summary>
    public static IReadOnlyList<SummaryStatistics> Summarize(IReadOnlyList<AnimalRecord> animals)
    {
        var groups = animals.Select(a => a.Group).Distinct().ToList();
        var endpoints = animals.SelectMany(a => a.Observations).Select(o => o.Endpoint).Distinct().ToList();
        var cells = animals
            .SelectMany(a => a.Observations.Select(o => (a.Group, o)))
            .GroupBy(x => (x.Group, x.o.Time, x.o.Endpoint))
            .OrderBy(g => groups.IndexOf(g.Key.Group)).ThenBy(g => g.Key.Time).ThenBy(g => endpoints.IndexOf(g.Key.Endpoint));
        var result = new List<SummaryStatistics>();
        foreach (var cell in cells)
        {
            var values = cell.Select(x => x.o.Value).ToArray();
            result.Add(new SummaryStatistics(
                cell.Key.Group, cell.Key.Time, cell.Key.Endpoint,
                values.Mean(),
                values.Length > 1 ? values.StandardDeviation() : 0,
                values.Length,
                values.QuantileCustom(0.05, QuantileDefinition.R7),
                values.QuantileCustom(0.50, QuantileDefinition.R7),
                values.QuantileCustom(0.95, QuantileDefinition.R7),
                cell.Count(x => x.o.Censoring != Censoring.Exact)));
        }
        return result;
    }
}
