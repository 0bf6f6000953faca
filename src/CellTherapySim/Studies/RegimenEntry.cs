using System.Globalization;
using CellTherapySim.Modeling;
using CellTherapySim.Simulation;

namespace CellTherapySim.Studies;

/// <summary>A field of a regimen entry, to locate a problem in the file it came from.</summary>
public enum RegimenField
{
    /// <summary>'route'.</summary>
    Route,
    /// <summary>'product'.</summary>
    Product,
    /// <summary>'cells' or 'amount'.</summary>
    Amount,
    /// <summary>'day' or 'days'.</summary>
    Day,
    /// <summary>'every'.</summary>
    Every,
    /// <summary>'doses'.</summary>
    Doses,
}

/// <summary>
/// One entry of a regimen in the study file's vocabulary — {route, cells | product and amount, day | days, every,
/// doses} — as written (study files and sweep templates both expand through it): "every 7 days, 3 doses" from each start
/// day expands to 3 doses; the amount carries its unit (100ug, 150mg/kg); 'cells: N' is product cells, amount N.
/// </summary>
public sealed record RegimenEntry(string Route, string? Product, string? Amount, string? Cells, double? Day, IReadOnlyList<double>? Days, double? Every, double? Count)
{
    /// <summary>The most doses one entry may expand to.</summary>
    public const int MaxDoses = 100_000;

    /// <summary>The doses of this entry, checked against <paramref name="model"/>; a problem is reported through <paramref name="error"/> with the field it is in.</summary>
    public IReadOnlyList<Dose> Expand(ModelDefinition model, Func<RegimenField, string, Exception> error)
    {
        if (Cells is not null && (Product is not null || Amount is not null))
            throw error(RegimenField.Amount, "has 'cells' and 'product'/'amount'; give either 'cells: N' or 'product:' with 'amount:'");
        if (Cells is null && Amount is null)
            throw error(RegimenField.Amount, "has no amount; expected 'cells: N' or 'product:' with 'amount:' (e.g. {route: it, product: ev, amount: 100ug, day: 7})");
        if (Amount is not null && Product is null)
            throw error(RegimenField.Amount, $"has 'amount' but no 'product'; expected one of {string.Join(", ", model.Products.Select(p => p.Name))}");
        var product = Product ?? Dose.CellsProduct;
        if (model.DoseRoute(product, Route).Problem is { } problem)
            throw error(Product is not null && model.Product(product) is null ? RegimenField.Product : RegimenField.Route, problem);
        var dose = Dose.Create(0, product, Route, Amount ?? Cells!, model, p => error(RegimenField.Amount, p));

        var starts = new List<double>();
        if (Day is not null && Days is not null)
            throw error(RegimenField.Day, "has both 'day' and 'days'; use 'day: D' for one dose day or 'days: [D1, D2, ...]' for several");
        if (Day is { } day) starts.Add(day);
        if (Days is not null) starts.AddRange(Days);
        if (starts.Count == 0) throw error(RegimenField.Day, "has neither 'day' nor 'days'");
        if (starts.FirstOrDefault(d => d < 0) is var negative and < 0)
            throw error(RegimenField.Day, $"dose day {Num(negative)} is negative; days count from the injury (day 0)");

        var every = 0.0;
        var count = 1;
        if (Every is { } step)
        {
            if (!(step > 0)) throw error(RegimenField.Every, $"'every' must be > 0 days, not {Num(step)}");
            if (Count is not { } n) throw error(RegimenField.Every, "'every' needs 'doses' (how many doses)");
            if (n < 1 || n != Math.Floor(n) || n > MaxDoses)
                throw error(RegimenField.Doses, $"'doses' must be a whole number of doses from 1 to {MaxDoses:N0}, not {Num(n)}");
            (every, count) = (step, (int)n);
        }
        else if (Count is not null) throw error(RegimenField.Doses, "'doses' needs 'every' (days between doses)");

        var doses = new List<Dose>(starts.Count * count);
        foreach (var start in starts)
            for (var k = 0; k < count; k++) doses.Add(dose with { Time = start + k * every });
        return doses;
    }

    private static string Num(double value) => value.ToString("G", CultureInfo.InvariantCulture);
}
