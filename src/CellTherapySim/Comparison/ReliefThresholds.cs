using System.Globalization;

namespace CellTherapySim.Comparison;

/// <summary>
/// The relief an endpoint must reach to count (onset, duration, responders); <see cref="IsDefault"/> when it is the
/// default fraction of <see cref="Baseline"/>, the typical untreated animal's day-0 value.
/// </summary>
public sealed record ReliefThreshold(string Endpoint, string Unit, double Value, bool IsDefault, double Baseline);

/// <summary>Relief thresholds: given as "ENDPOINT=VALUE", or by default a fraction of the typical untreated animal's day-0 value.</summary>
public static class ReliefThresholds
{
    /// <summary>The default threshold as a fraction of the typical untreated animal's day-0 value of the endpoint (10%).</summary>
    public const double DefaultFraction = 0.1;

    /// <summary>
    /// Parses "ENDPOINT=VALUE" assignments (VALUE &gt; 0, in the endpoint's unit; each endpoint once) for the compared
    /// <paramref name="endpoints"/>; <paramref name="source"/> names the option in messages.
    /// </summary>
    public static IReadOnlyDictionary<string, double> Parse(IEnumerable<string> assignments, IReadOnlyList<string> endpoints, string source)
    {
        var thresholds = new Dictionary<string, double>();
        foreach (var text in assignments)
        {
            var parts = text.Split('=', 2, StringSplitOptions.TrimEntries);
            if (parts.Length != 2 || parts[0].Length == 0)
                throw new InputException(source, $"'{text}' is not a threshold; expected ENDPOINT=VALUE, e.g. PMWT=2");
            var endpoint = parts[0];
            if (!endpoints.Contains(endpoint))
                throw new InputException(source, $"'{endpoint}' is not a compared endpoint; expected one of {string.Join(", ", endpoints)}");
            if (!double.TryParse(parts[1], NumberStyles.Float, CultureInfo.InvariantCulture, out var value) || !double.IsFinite(value))
                throw new InputException(source, $"'{text}': the threshold '{parts[1]}' is not a number");
            if (value <= 0) throw new InputException(source, $"'{text}': the threshold must be > 0 (relief in the endpoint's unit)");
            if (!thresholds.TryAdd(endpoint, value)) throw new InputException(source, $"the threshold of '{endpoint}' is given twice");
        }
        return thresholds;
    }
}
