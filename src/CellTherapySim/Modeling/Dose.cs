using System.Globalization;
using System.Text.RegularExpressions;

namespace CellTherapySim.Modeling;

/// <summary>
/// A bolus of <see cref="Amount"/> of <see cref="Product"/> (in the product's dose unit: cells as a count, EVs in ug, a
/// drug in mg/kg) by <see cref="Route"/> at <see cref="Time"/> (days); the model maps it to a target state and scale.
/// </summary>
public readonly partial record struct Dose(double Time, string Product, string Route, double Amount)
{
    /// <summary>The product of doses written without one (DAY:ROUTE:CELLS, a study's 'cells:', data without PRODUCT).</summary>
    public const string CellsProduct = "cells";

    /// <summary>A dose of <paramref name="count"/> cells (absolute count).</summary>
    public static Dose Cells(double time, string route, double count) => new(time, CellsProduct, route, count);

    /// <summary>
    /// Parses one dose option, checked against the model's products: "DAY:ROUTE:PRODUCT:AMOUNT" with the unit on the amount
    /// ("7:it:ev:100ug", "0:ip:nac:150mg/kg"), the repeated form "FIRST-LAST/EVERY:ROUTE:PRODUCT:AMOUNT" ("0-14/1:ip:nac:150mg/kg"
    /// is daily on days 0 to 14) or, for cells, "DAY:ROUTE:CELLS" ("7:iv:1e6"). Amounts are converted to the product's
    /// dose unit. <paramref name="source"/> names the option or file in messages.
    /// </summary>
    public static IReadOnlyList<Dose> Parse(string text, ModelDefinition model, string source)
    {
        var parts = text.Split(':');
        if (parts.Length is not (3 or 4))
            throw new InputException(source, $"'{text}' is not a dose; expected DAY:ROUTE:PRODUCT:AMOUNT (e.g. 7:it:ev:100ug), FIRST-LAST/EVERY:ROUTE:PRODUCT:AMOUNT (e.g. 0-14/1:ip:nac:150mg/kg) or DAY:ROUTE:CELLS (e.g. 7:iv:1e6)");
        var days = ParseDays(parts[0], source, $"dose '{text}'");
        var (product, amount) = parts.Length == 4 ? (parts[2].Trim(), parts[3]) : (CellsProduct, parts[2]);
        var dose = Create(days[0], product, parts[1].Trim(), amount, model, problem => new InputException(source, $"dose '{text}': {problem}"));
        return days.Select(day => dose with { Time = day }).ToList();
    }

    /// <summary>
    /// A dose of <paramref name="product"/> by <paramref name="route"/> with the amount written <paramref name="amountText"/>
    /// (converted to the product's dose unit), checked against the model; problems are reported through <paramref name="error"/>.
    /// </summary>
    public static Dose Create(double time, string product, string route, string amountText, ModelDefinition model, Func<string, Exception> error)
    {
        if (model.DoseRoute(product, route).Problem is { } problem) throw error(problem);
        var (amount, amountProblem) = model.Product(product)!.Unit.Parse(amountText);
        if (amountProblem is not null) throw error(amountProblem);
        return new Dose(time, product, route, amount);
    }

    /// <summary>
    /// Dose days: "DAY" or the repeated form "FIRST-LAST/EVERY" (FIRST, FIRST + EVERY, ... up to LAST), all ≥ 0;
    /// <paramref name="what"/> names the dose in messages.
    /// </summary>
    public static IReadOnlyList<double> ParseDays(string text, string source, string what)
    {
        var match = RepeatPattern().Match(text);
        if (!match.Success)
        {
            var day = Number(text, "day", what, source);
            return day >= 0 ? [day] : throw new InputException(source, $"{what}: the day must be ≥ 0 (days since injury), not {text.Trim()}");
        }
        var (first, last, every) = (Number(match.Groups[1].Value, "first day", what, source), Number(match.Groups[2].Value, "last day", what, source), Number(match.Groups[3].Value, "step", what, source));
        if (first < 0) throw new InputException(source, $"{what}: the first day must be ≥ 0 (days since injury), not {match.Groups[1].Value}");
        if (last < first) throw new InputException(source, $"{what}: the last day {match.Groups[2].Value} is before the first day {match.Groups[1].Value}; expected FIRST-LAST/EVERY with LAST ≥ FIRST");
        if (!(every > 0)) throw new InputException(source, $"{what}: the step {match.Groups[3].Value} must be > 0 days (FIRST-LAST/EVERY)");
        var count = (long)Math.Floor((last - first) / every * (1 + 1e-12)) + 1;
        if (count > 100_000) throw new InputException(source, $"{what}: {count:N0} doses is too many; expected at most 100,000");
        return Enumerable.Range(0, (int)count).Select(k => first + k * every).ToList();
    }

    private static double Number(string part, string name, string what, string source) =>
        double.TryParse(part.Trim(), NumberStyles.Float, CultureInfo.InvariantCulture, out var value) && double.IsFinite(value)
            ? value
            : throw new InputException(source, $"{what}: the {name} '{part}' is not a number");

    [GeneratedRegex(@"^\s*([^-/\s][^/]*?)\s*-\s*([^/]+?)\s*/\s*(.+?)\s*$")]
    private static partial Regex RepeatPattern();
}
