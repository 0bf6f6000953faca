using System.Globalization;
using MathNet.Numerics.Statistics;

namespace CellTherapySim.Inference.Diagnostics;

/// <summary>One row of <see cref="PosteriorSummary"/>: the default columns of posterior::summarise_draws.</summary>
/// <param name="Mad">R's mad: 1.4826 × the median absolute deviation from the median.</param>
/// <param name="Q5">5% quantile (R's type 7).</param>
/// <param name="Q95">95% quantile (R's type 7).</param>
public sealed record VariableSummary(
    string Variable, double Mean, double Median, double Sd, double Mad, double Q5, double Q95,
    double Rhat, double EssBulk, double EssTail);

/// <summary>
/// Posterior summaries as posterior::summarise_draws computes them by default (mean, median, sd, mad, q5, q95 of all
/// draws pooled; rhat, ess_bulk, ess_tail from <see cref="ConvergenceDiagnostics"/>), and their CSV form.
/// </summary>
public static class PosteriorSummary
{
    /// <summary>The CSV header, posterior's column names.</summary>
    public const string CsvHeader = "variable,mean,median,sd,mad,q5,q95,rhat,ess_bulk,ess_tail";

    /// <summary>R's consistency constant of mad for the normal distribution.</summary>
    public const double MadConstant = 1.4826;

    /// <summary>Summarises one variable from its draws, one array per chain (all of the same length).</summary>
    public static VariableSummary Summarise(string variable, IReadOnlyList<double[]> chains)
    {
        var rhat = ConvergenceDiagnostics.Rhat(chains); // validates the chains
        var sorted = chains.SelectMany(c => c).ToArray();
        Array.Sort(sorted);
        var median = SortedArrayStatistics.Median(sorted);
        var deviations = sorted.Select(v => Math.Abs(v - median)).ToArray();
        Array.Sort(deviations);
        return new VariableSummary(
            variable,
            sorted.Mean(),
            median,
            sorted.StandardDeviation(),
            MadConstant * SortedArrayStatistics.Median(deviations),
            SortedArrayStatistics.QuantileCustom(sorted, 0.05, QuantileDefinition.R7),
            SortedArrayStatistics.QuantileCustom(sorted, 0.95, QuantileDefinition.R7),
            rhat,
            ConvergenceDiagnostics.EssBulk(chains),
            ConvergenceDiagnostics.EssTail(chains));
    }

    /// <summary>
    /// Summarises the variables of CmdStan chains as cmdstanr's <c>$summary()</c> does: <c>lp__</c> and every column
    /// not ending in "__" (the sampler's diagnostics are left out), in file order.
    /// </summary>
    /// <exception cref="ArgumentException">No chains, chains with different columns or different numbers of draws.</exception>
    public static IReadOnlyList<VariableSummary> Summarise(IReadOnlyList<CmdStanCsv> chains)
    {
        if (chains.Count == 0)
            throw new ArgumentException("at least one chain is needed", nameof(chains));
        var columns = chains[0].ColumnNames;
        if (chains.Any(c => !c.ColumnNames.SequenceEqual(columns)))
            throw new ArgumentException("the chains have different columns", nameof(chains));
        return columns.Where(CmdStanCsv.IsVariable)
            .Select(name => Summarise(name, chains.Select(c => c.Column(name)).ToArray()))
            .ToArray();
    }
}
