using MathNet.Numerics.Statistics;

namespace CellTherapySim.Comparison;

/// <summary>
/// One efficacy metric across a cohort: <see cref="Estimate"/> (the metric of the cohort's mean relief curve), and the
/// mean and 5/50/95% quantiles (R's type 7) of the <see cref="N"/> per-animal values; NaN where undefined.
/// </summary>
public readonly record struct MetricSummary(double Estimate, double Mean, double Q5, double Q50, double Q95, int N)
{
    /// <summary>Summarises <paramref name="values"/> (per animal, summed in the given order) with the mean-curve <paramref name="estimate"/>.</summary>
    public static MetricSummary Of(double estimate, IEnumerable<double> values)
    {
        var sorted = values.ToArray();
        if (sorted.Length == 0) return new MetricSummary(estimate, double.NaN, double.NaN, double.NaN, double.NaN, 0);
        var sum = 0.0;
        foreach (var v in sorted) sum += v;
        Array.Sort(sorted);
        return new MetricSummary(estimate, sum / sorted.Length,
            SortedArrayStatistics.QuantileCustom(sorted, 0.05, QuantileDefinition.R7),
            SortedArrayStatistics.QuantileCustom(sorted, 0.50, QuantileDefinition.R7),
            SortedArrayStatistics.QuantileCustom(sorted, 0.95, QuantileDefinition.R7),
            sorted.Length);
    }
}
