using System.Globalization;
using CellTherapySim.Modeling;

namespace CellTherapySim.Simulation;

/// <summary>Text for dosing regimens (lists of doses).</summary>
public static class Regimen
{
    /// <summary>"1,000,000 cells iv at day 7, ..." or "no dose".</summary>
    public static string Describe(IReadOnlyList<Dose> doses) =>
        doses.Count == 0
            ? "no dose"
            : string.Join(", ", doses.Select(d => string.Create(CultureInfo.InvariantCulture, $"{d.Cells:#,0.###} cells {d.Route} at day {d.Time:0.###}")));

    /// <summary>
    /// Parses "ROUTE:CELLS@DAY[,DAY...]", several joined with '+' (e.g. "iv:1e6@7,14,21", "iv:1e6@7+it:1e5@14"), into
    /// doses ordered by day, each checked as <see cref="Dose.Parse(string, ModelDefinition, string)"/> checks it;
    /// <paramref name="source"/> names the option or file in messages.
    /// </summary>
    public static IReadOnlyList<Dose> Parse(string text, ModelDefinition model, string source)
    {
        var doses = new List<Dose>();
        foreach (var part in text.Split('+'))
        {
            var at = part.Split('@');
            if (at.Length != 2 || at[0].Split(':').Length != 2)
                throw new InputException(source, $"'{text}' is not a regimen; expected ROUTE:CELLS@DAY[,DAY...], several joined with '+', e.g. iv:1e6@7,14 or iv:1e6@7+it:1e5@14");
            foreach (var day in at[1].Split(','))
            {
                try
                {
                    doses.Add(Dose.Parse($"{day}:{at[0]}", model, source));
                }
                catch (InputException e)
                {
                    throw new InputException(source, $"regimen '{text}': {e.Problem}");
                }
            }
        }
        return doses.OrderBy(d => d.Time).ToList();
    }
}
