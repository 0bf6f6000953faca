using System.Globalization;
using CellTherapySim.Modeling;

namespace CellTherapySim.Simulation;

/// <summary>Text for dosing regimens (lists of doses).</summary>
public static class Regimen
{
    /// <summary>
    /// "1,000,000 cells iv at day 7; 150 mg/kg nac ip on days 0-14 every 1 day" or "no dose": doses in their products' units,
    /// a run of equal doses at equal intervals written once.
    /// </summary>
    public static string Describe(IReadOnlyList<Dose> doses, ModelDefinition model)
    {
        if (doses.Count == 0) return "no dose";
        var parts = new List<string>();
        foreach (var group in doses.GroupBy(d => (d.Product, d.Route, d.Amount)))
        {
            var amount = model.Product(group.Key.Product)?.Unit.Format(group.Key.Amount) ?? Num(group.Key.Amount);
            var what = group.Key.Product == Dose.CellsProduct ? $"{amount} {group.Key.Route}" : $"{amount} {group.Key.Product} {group.Key.Route}";
            var days = group.Select(d => d.Time).Order().ToList();
            foreach (var (first, last, every) in Runs(days))
                parts.Add(first == last ? $"{what} at day {Num(first)}"
                    : every is { } step ? $"{what} on days {Num(first)}-{Num(last)} every {Num(step)} day{(step == 1 ? "" : "s")}"
                    : $"{what} at days {Num(first)}, {Num(last)}");
        }
        return string.Join("; ", parts);
    }

    /// <summary>Splits increasing days into runs at a constant step (three or more doses), single days and pairs.</summary>
    private static IEnumerable<(double First, double Last, double? Every)> Runs(List<double> days)
    {
        var i = 0;
        while (i < days.Count)
        {
            var j = i + 1;
            if (j < days.Count && days[j] > days[i])
            {
                var step = days[j] - days[i];
                while (j + 1 < days.Count && Math.Abs(days[j + 1] - days[j] - step) <= 1e-9 * Math.Max(1, step)) j++;
                if (j - i >= 2) { yield return (days[i], days[j], step); i = j + 1; continue; }
                yield return (days[i], days[j], null);
                i = j + 1;
                continue;
            }
            yield return (days[i], days[i], null);
            i++;
        }
    }

    private static string Num(double value) => value.ToString("#,0.###", CultureInfo.InvariantCulture);

    /// <summary>
    /// Parses "ROUTE:PRODUCT:AMOUNT@DAYS" or, for cells, "ROUTE:CELLS@DAYS", several joined with '+' (e.g. "iv:1e6@7,14,21",
    /// "it:ev:100ug@7,10", "ip:nac:150mg/kg@0-14/1+iv:cells:5e5@7"); DAYS is a list of days and repeated forms
    /// FIRST-LAST/EVERY. The doses are ordered by day and checked as <see cref="Dose.Parse"/> checks them;
    /// <paramref name="source"/> names the option or file in messages.
    /// </summary>
    public static IReadOnlyList<Dose> Parse(string text, ModelDefinition model, string source)
    {
        var doses = new List<Dose>();
        foreach (var part in text.Split('+'))
        {
            var at = part.Split('@');
            if (at.Length != 2 || at[0].Split(':').Length is not (2 or 3))
                throw new InputException(source, $"'{text}' is not a regimen; expected ROUTE:PRODUCT:AMOUNT@DAY[,DAY...] (or ROUTE:CELLS@DAY... for cells), several joined with '+', e.g. iv:1e6@7,14, it:ev:100ug@7,10 or ip:nac:150mg/kg@0-14/1+iv:cells:5e5@7");
            var fields = at[0].Split(':');
            var route = fields[0].Trim();
            var (product, amount) = fields.Length == 3 ? (fields[1].Trim(), fields[2]) : (Dose.CellsProduct, fields[1]);
            try
            {
                var dose = Dose.Create(0, product, route, amount, model, problem => new InputException(source, problem));
                foreach (var days in at[1].Split(','))
                    doses.AddRange(Dose.ParseDays(days, source, "a dose day").Select(day => dose with { Time = day }));
            }
            catch (InputException e)
            {
                throw new InputException(source, $"regimen '{text}': {e.Problem}");
            }
        }
        return doses.OrderBy(d => d.Time).ToList();
    }
}
