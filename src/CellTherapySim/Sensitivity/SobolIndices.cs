using MathNet.Numerics.Random;
using MathNet.Numerics.Statistics;

namespace CellTherapySim.Sensitivity;

/// <summary>One parameter's first-order and total Sobol' indices, each with its bootstrap percentile interval; NaN where the output does not vary.</summary>
/// <param name="First">The first-order index S_i: the share of the output variance due to the parameter alone.</param>
/// <param name="FirstLow">The lower bound of the bootstrap interval of <paramref name="First"/>.</param>
/// <param name="FirstHigh">The upper bound of the bootstrap interval of <paramref name="First"/>.</param>
/// <param name="Total">The total index ST_i: the share due to the parameter with all its interactions.</param>
/// <param name="TotalLow">The lower bound of the bootstrap interval of <paramref name="Total"/>.</param>
/// <param name="TotalHigh">The upper bound of the bootstrap interval of <paramref name="Total"/>.</param>
public sealed record SobolIndex(double First, double FirstLow, double FirstHigh, double Total, double TotalLow, double TotalHigh);

/// <summary>
/// Sobol' sensitivity indices from the model outputs of a <see cref="SaltelliDesign"/>: with V the variance of the
/// pooled f(A) and f(B) (sample variance, 2N − 1 in the denominator), the first-order index by Saltelli et al. (2010,
/// Comput. Phys. Commun. 181:259, table 2 (b)) S_i = mean(f(B)·(f(AB_i) − f(A))) / V, and the total index by Jansen
/// (1999, "Analysis of variance designs for model output", Comput. Phys. Commun. 117:35; Saltelli 2010 table 2 (f))
/// ST_i = mean((f(A) − f(AB_i))²) / (2V). Intervals are bootstrap percentile intervals (Efron &amp; Tibshirani 1993,
/// "An introduction to the bootstrap", ch. 13): each replicate resamples the N base rows with replacement (the same
/// rows for every index of the replicate) and recomputes V and all indices; the bounds are R type-7 quantiles.
/// </summary>
public static class SobolIndices
{
    /// <summary>
    /// The indices of each parameter from the outputs on A, B and each AB_i (<paramref name="fAB"/>[i], all of length N),
    /// with <paramref name="bootstrapSamples"/> replicates drawn from <paramref name="seed"/> for intervals at
    /// <paramref name="level"/>. When V is 0 (constant output) or not finite, every index and bound is NaN; a bound is
    /// also NaN when some replicate's resampled rows have no variance.
    /// </summary>
    public static IReadOnlyList<SobolIndex> Estimate(double[] fA, double[] fB, double[][] fAB, int bootstrapSamples, ulong seed, double level = 0.95)
    {
        var rows = fA.Length;
        ArgumentOutOfRangeException.ThrowIfLessThan(rows, 2, nameof(fA));
        if (fB.Length != rows) throw new ArgumentException($"f(B) has {fB.Length} rows, f(A) {rows}", nameof(fB));
        ArgumentOutOfRangeException.ThrowIfLessThan(fAB.Length, 1, nameof(fAB));
        for (var i = 0; i < fAB.Length; i++)
            if (fAB[i].Length != rows) throw new ArgumentException($"f(AB_{i + 1}) has {fAB[i].Length} rows, f(A) {rows}", nameof(fAB));
        ArgumentOutOfRangeException.ThrowIfLessThan(bootstrapSamples, 1);
        if (!(level > 0 && level < 1)) throw new ArgumentOutOfRangeException(nameof(level), level, "the interval level must lie in (0, 1)");

        var parameters = fAB.Length;
        var first = new double[parameters];
        var total = new double[parameters];
        if (!Indices(fA, fB, fAB, Enumerable.Range(0, rows).ToArray(), first, total))
            return Enumerable.Repeat(new SobolIndex(double.NaN, double.NaN, double.NaN, double.NaN, double.NaN, double.NaN), parameters).ToArray();

        // Replicate b's indices of parameter i at [i * bootstrapSamples + b].
        var firstReplicates = new double[parameters * bootstrapSamples];
        var totalReplicates = new double[parameters * bootstrapSamples];
        // MathNet's xoshiro256** takes a 32-bit seed: the two halves of the 64-bit seed are folded together.
        var random = new Xoshiro256StarStar(unchecked((int)(seed ^ (seed >> 32))), threadSafe: false);
        var resampled = new int[rows];
        var replicateFirst = new double[parameters];
        var replicateTotal = new double[parameters];
        for (var b = 0; b < bootstrapSamples; b++)
        {
            for (var j = 0; j < rows; j++) resampled[j] = random.Next(rows);
            if (!Indices(fA, fB, fAB, resampled, replicateFirst, replicateTotal))
            {
                Array.Fill(replicateFirst, double.NaN);
                Array.Fill(replicateTotal, double.NaN);
            }
            for (var i = 0; i < parameters; i++)
            {
                firstReplicates[i * bootstrapSamples + b] = replicateFirst[i];
                totalReplicates[i * bootstrapSamples + b] = replicateTotal[i];
            }
        }

        var lowTail = (1 - level) / 2;
        var result = new SobolIndex[parameters];
        for (var i = 0; i < parameters; i++)
        {
            var (firstLow, firstHigh) = PercentileInterval(firstReplicates.AsSpan(i * bootstrapSamples, bootstrapSamples), lowTail);
            var (totalLow, totalHigh) = PercentileInterval(totalReplicates.AsSpan(i * bootstrapSamples, bootstrapSamples), lowTail);
            result[i] = new SobolIndex(first[i], firstLow, firstHigh, total[i], totalLow, totalHigh);
        }
        return result;
    }

    /// <summary>Writes the first-order and total indices computed on base rows <paramref name="rows"/> (repeats allowed); false when their pooled variance is not positive.</summary>
    private static bool Indices(double[] fA, double[] fB, double[][] fAB, int[] rows, double[] first, double[] total)
    {
        var pooled = new RunningStatistics();
        foreach (var r in rows)
        {
            pooled.Push(fA[r]);
            pooled.Push(fB[r]);
        }
        var variance = pooled.Variance;
        if (!(variance > 0 && double.IsFinite(variance))) return false;
        for (var i = 0; i < fAB.Length; i++)
        {
            var fABi = fAB[i];
            double firstSum = 0, totalSum = 0;
            foreach (var r in rows)
            {
                var change = fABi[r] - fA[r];
                firstSum += fB[r] * change;
                totalSum += change * change;
            }
            first[i] = firstSum / rows.Length / variance;
            total[i] = totalSum / rows.Length / (2 * variance);
        }
        return true;
    }

    /// <summary>The type-7 quantiles at <paramref name="lowTail"/> and 1 − <paramref name="lowTail"/> of <paramref name="replicates"/>; NaN when any replicate is NaN.</summary>
    private static (double Low, double High) PercentileInterval(Span<double> replicates, double lowTail)
    {
        foreach (var replicate in replicates)
            if (double.IsNaN(replicate)) return (double.NaN, double.NaN);
        var sorted = replicates.ToArray();
        Array.Sort(sorted);
        return (SortedArrayStatistics.QuantileCustom(sorted, lowTail, QuantileDefinition.R7),
            SortedArrayStatistics.QuantileCustom(sorted, 1 - lowTail, QuantileDefinition.R7));
    }
}
