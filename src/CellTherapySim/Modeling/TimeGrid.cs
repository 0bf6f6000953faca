using System.Globalization;

namespace CellTherapySim.Modeling;

/// <summary>Output times in days: "start:stop:step" (stop included when on the grid) or a comma list "0,1,3,7".</summary>
public static class TimeGrid
{
    /// <summary>Parses and checks the times (finite, ≥ 0, increasing); <paramref name="source"/> names the option in messages.</summary>
    public static double[] Parse(string text, string source)
    {
        var times = text.Contains(':') ? Range(text, source) : List(text, source);
        if (times.Length == 0) throw new InputException(source, "no output times; expected start:stop:step or a comma list");
        for (var i = 0; i < times.Length; i++)
        {
            if (times[i] < 0) throw new InputException(source, $"time {Show(times[i])} is negative; times are days since injury (≥ 0)");
            if (i > 0 && times[i] <= times[i - 1])
                throw new InputException(source, $"times must increase, but {Show(times[i])} follows {Show(times[i - 1])}");
        }
        return times;
    }

    private static double[] Range(string text, string source)
    {
        var parts = text.Split(':');
        if (parts.Length != 3) throw new InputException(source, $"'{text}' is not a time range; expected start:stop:step, e.g. 0:15:1");
        var (start, stop, step) = (Number(parts[0], text, source), Number(parts[1], text, source), Number(parts[2], text, source));
        if (step <= 0) throw new InputException(source, $"'{text}': the step must be > 0");
        if (stop < start) throw new InputException(source, $"'{text}': stop {Show(stop)} is before start {Show(start)} (times must increase)");
        var count = Math.Floor((stop - start) / step * (1 + 1e-12) + 1e-9) + 1;
        if (count > 10_000_000) throw new InputException(source, $"'{text}' gives more than 10,000,000 output times; use a larger step");
        var times = new double[(int)count];
        for (var i = 0; i < count; i++) times[i] = start + i * step;
        return times;
    }

    private static double[] List(string text, string source) =>
        text.Split(',', StringSplitOptions.TrimEntries).Select(p => Number(p, text, source)).ToArray();

    private static double Number(string part, string text, string source) =>
        double.TryParse(part.Trim(), NumberStyles.Float, CultureInfo.InvariantCulture, out var value) && double.IsFinite(value)
            ? value
            : throw new InputException(source, $"'{part}' in '{text}' is not a number");

    private static string Show(double value) => value.ToString("G", CultureInfo.InvariantCulture);
}
