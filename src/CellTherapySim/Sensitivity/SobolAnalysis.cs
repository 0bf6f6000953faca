using System.Globalization;
using CellTherapySim.Runs;

namespace CellTherapySim.Sensitivity;

/// <summary>One metric's Sobol' indices, one per factor in the spec's order; null when the metric was skipped because <paramref name="Missing"/> evaluations have no value.</summary>
/// <param name="Metric">The results.csv column (ENDPOINT_METRIC).</param>
/// <param name="Indices">The indices per factor, or null (skipped).</param>
/// <param name="Missing">Evaluations without a value (e.g. an onset never reached).</param>
public sealed record MetricSensitivity(string Metric, IReadOnlyList<SobolIndex>? Indices, long Missing);

/// <summary>
/// The Sobol' indices of every metric column of a finished sensitivity folder's results.csv (rows in evaluation id
/// order, as <see cref="SensitivityDesign"/> numbers them): per metric, f(A), f(B) and f(AB_i) gathered by
/// <see cref="SaltelliDesign.Locate"/> and estimated by <see cref="SobolIndices.Estimate"/>. A metric with any
/// evaluation without a value is skipped: dropping those rows would bias the estimators, and a value for "never" has
/// no variance to share.
/// </summary>
public static class SobolAnalysis
{
    /// <summary>
    /// The indices of each metric column of <paramref name="resultsPath"/> (after the id and the <paramref name="factors"/>
    /// factor columns) for <paramref name="baseSamples"/> base rows, with <paramref name="bootstrapSamples"/> bootstrap
    /// replicates drawn from <paramref name="seed"/> (the same replicates for every metric).
    /// </summary>
    /// <exception cref="InputException">The file does not hold the design's N(d + 2) evaluations in id order.</exception>
    public static IReadOnlyList<MetricSensitivity> FromResults(string resultsPath, int factors, long baseSamples, int bootstrapSamples, ulong seed)
    {
        var header = ResultJournal.SplitFields(File.ReadLines(resultsPath).First());
        var metrics = header.Skip(1 + factors).ToArray();
        var blocks = factors + 2;
        var expected = SaltelliDesign.EvaluationCount(baseSamples, factors);
        // values[m][block][row]
        var values = metrics.Select(_ => Enumerable.Range(0, blocks).Select(_ => new double[baseSamples]).ToArray()).ToArray();
        var missing = new long[metrics.Length];
        long id = 0;
        foreach (var line in File.ReadLines(resultsPath).Skip(1))
        {
            var fields = ResultJournal.SplitFields(line);
            if (id >= expected || fields.Length != header.Length || fields[0] != id.ToString(CultureInfo.InvariantCulture))
                throw new InputException(resultsPath, (int)Math.Min(id + 2, int.MaxValue), 1, $"expected evaluation {id} of {expected:N0} with {header.Length} fields; the folder is damaged or of another design");
            var (row, block) = SaltelliDesign.Locate(id, factors);
            for (var m = 0; m < metrics.Length; m++)
            {
                var value = double.TryParse(fields[1 + factors + m], NumberStyles.Float, CultureInfo.InvariantCulture, out var v) ? v : double.NaN;
                if (double.IsNaN(value)) missing[m]++;
                values[m][block][row] = value;
            }
            id++;
        }
        if (id != expected) throw new InputException(resultsPath, $"{id:N0} evaluations, not the design's {expected:N0}; finish the run with --resume");
        return metrics.Select((metric, m) => new MetricSensitivity(metric,
            missing[m] > 0 ? null : SobolIndices.Estimate(values[m][SaltelliDesign.BlockA], values[m][SaltelliDesign.BlockB], values[m][2..], bootstrapSamples, seed),
            missing[m])).ToList();
    }
}
