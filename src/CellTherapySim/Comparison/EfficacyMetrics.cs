namespace CellTherapySim.Comparison;

/// <summary>
/// Efficacy metrics of one relief curve (treated minus untreated, higher = more relief) sampled at increasing times:
/// the curve is taken as piecewise linear between the samples, and every metric looks at the window from
/// <c>from</c> (the first dose day) to the last sample.
/// </summary>
public static class EfficacyMetrics
{
    /// <summary>Area under the relief curve over [<paramref name="from"/>, last time] by the trapezoid rule (unit × day).</summary>
    public static double Auc(ReadOnlySpan<double> times, ReadOnlySpan<double> relief, double from)
    {
        Check(times, relief);
        var area = 0.0;
        for (var k = 1; k < times.Length; k++)
        {
            if (times[k] <= from) continue;
            var (t0, r0) = times[k - 1] < from ? (from, Interpolate(times, relief, k, from)) : (times[k - 1], relief[k - 1]);
            area += 0.5 * (times[k] - t0) * (r0 + relief[k]);
        }
        return area;
    }

    /// <summary>The first sample time after <paramref name="from"/> at which relief ≥ <paramref name="threshold"/>; null when it never is.</summary>
    public static double? Onset(ReadOnlySpan<double> times, ReadOnlySpan<double> relief, double from, double threshold)
    {
        Check(times, relief);
        for (var k = 0; k < times.Length; k++)
            if (times[k] > from && relief[k] >= threshold) return times[k];
        return null;
    }

    /// <summary>The largest relief at a sample time ≥ <paramref name="from"/> and the first time it is reached; NaN for both when there is none.</summary>
    public static (double Value, double Day) Peak(ReadOnlySpan<double> times, ReadOnlySpan<double> relief, double from)
    {
        Check(times, relief);
        var (value, day) = (double.NaN, double.NaN);
        for (var k = 0; k < times.Length; k++)
            if (times[k] >= from && (double.IsNaN(value) || relief[k] > value)) (value, day) = (relief[k], times[k]);
        return (value, day);
    }

    /// <summary>
    /// Total time in [<paramref name="from"/>, last time] during which relief ≥ <paramref name="threshold"/>, crossings
    /// located by linear interpolation between samples (days).
    /// </summary>
    public static double Duration(ReadOnlySpan<double> times, ReadOnlySpan<double> relief, double from, double threshold)
    {
        Check(times, relief);
        var total = 0.0;
        for (var k = 1; k < times.Length; k++)
        {
            if (times[k] <= from) continue;
            var (t0, r0) = times[k - 1] < from ? (from, Interpolate(times, relief, k, from)) : (times[k - 1], relief[k - 1]);
            var (t1, r1) = (times[k], relief[k]);
            if (r0 >= threshold && r1 >= threshold) total += t1 - t0;
            else if (r0 >= threshold) total += (t1 - t0) * (r0 - threshold) / (r0 - r1);
            else if (r1 >= threshold) total += (t1 - t0) * (r1 - threshold) / (r1 - r0);
        }
        return total;
    }

    /// <summary>The relief at <paramref name="time"/> in the interval ending at sample <paramref name="k"/>.</summary>
    private static double Interpolate(ReadOnlySpan<double> times, ReadOnlySpan<double> relief, int k, double time) =>
        relief[k - 1] + (relief[k] - relief[k - 1]) * (time - times[k - 1]) / (times[k] - times[k - 1]);

    private static void Check(ReadOnlySpan<double> times, ReadOnlySpan<double> relief)
    {
        if (times.Length != relief.Length)
            throw new ArgumentException($"{times.Length} times but {relief.Length} relief values", nameof(relief));
    }
}
