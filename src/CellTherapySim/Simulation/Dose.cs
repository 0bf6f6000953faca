using System.Globalization;
using CellTherapySim.Modeling;

namespace CellTherapySim.Simulation;

/// <summary>A bolus of <see cref="Cells"/> cells (absolute count) by <see cref="Route"/> at <see cref="Time"/> (days).</summary>
public readonly record struct Dose(double Time, string Route, double Cells)
{
    /// <summary>
    /// Parses "DAY:ROUTE:CELLS" (e.g. "7:iv:1e6") and checks it against the model's routes;
    /// <paramref name="source"/> names the option or file in messages.
    /// </summary>
    public static Dose Parse(string text, ModelDefinition model, string source) => Parse(text, model.Routes, source);

    /// <summary>Parses "DAY:ROUTE:CELLS" and checks it against <paramref name="routes"/>; <paramref name="source"/> names the option or file in messages.</summary>
    public static Dose Parse(string text, IReadOnlyList<RouteDefinition> routes, string source)
    {
        var parts = text.Split(':');
        if (parts.Length != 3)
            throw new InputException(source, $"'{text}' is not a dose; expected DAY:ROUTE:CELLS, e.g. 7:iv:1e6");
        var day = ParseNumber(parts[0], "day", text, source);
        if (day < 0) throw new InputException(source, $"dose '{text}': the day must be ≥ 0 (days since injury), not {parts[0]}");
        var route = parts[1].Trim();
        if (routes.All(r => r.Name != route))
            throw new InputException(source, $"dose '{text}': unknown route '{route}'; expected one of {string.Join(", ", routes.Select(r => r.Name))}");
        var cells = ParseNumber(parts[2], "cell count", text, source);
        if (cells < 0) throw new InputException(source, $"dose '{text}': the cell count must be ≥ 0, not {parts[2]}");
        return new Dose(day, route, cells);
    }

    private static double ParseNumber(string part, string what, string text, string source) =>
        double.TryParse(part.Trim(), NumberStyles.Float, CultureInfo.InvariantCulture, out var value) && double.IsFinite(value)
            ? value
            : throw new InputException(source, $"dose '{text}': the {what} '{part}' is not a number");
}
