using System.Globalization;
using CellTherapySim.Modeling;
using CellTherapySim.Simulation;
using CellTherapySim.Studies;

namespace CellTherapySim.Sweeps;

/// <summary>A value in a regimen template: literal text, or the value of factor <see cref="Factor"/> (a $name) followed by <see cref="Suffix"/> (a unit: "$amount ug").</summary>
public readonly record struct TemplateValue(string? Literal, int Factor, string Suffix, int Line, int Column)
{
    /// <summary>The value for a scenario's factor values.</summary>
    public string Resolve(IReadOnlyList<string> values) => Literal ?? values[Factor] + Suffix;
}

/// <summary>One dose entry of a regimen template: the study vocabulary's keys, each a literal or a factor, with where it is written.</summary>
public sealed record TemplateEntry(IReadOnlyDictionary<string, TemplateValue> Fields, IReadOnlyDictionary<string, IReadOnlyList<TemplateValue>> Lists, int Line, int Column);

/// <summary>
/// The regimen of a sweep's scenarios in the study file's regimen vocabulary, with $name placeholders for factors
/// (e.g. {route: $route, cells: $dose, day: $day, every: $interval, doses: $n}); expanded per scenario through
/// <see cref="RegimenEntry"/>, so a template dose means exactly what the same dose means in a study file.
/// </summary>
public sealed record RegimenTemplate(string Source, IReadOnlyList<TemplateEntry> Entries)
{
    /// <summary>The doses of the scenario with factor values <paramref name="values"/> (factor order), in time order.</summary>
    /// <exception cref="InputException">A value does not make a valid dose; located at the template entry, naming the values.</exception>
    public IReadOnlyList<Dose> Doses(ModelDefinition model, IReadOnlyList<string> values, Func<string> describe)
    {
        var doses = new List<Dose>();
        foreach (var entry in Entries)
        {
            string? Text(string key) => entry.Fields.TryGetValue(key, out var v) ? v.Resolve(values) : null;
            double? Number(string key)
            {
                if (Text(key) is not { } text) return null;
                return double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var x) && double.IsFinite(x)
                    ? x
                    : throw Error(entry, key, $"'{key}' must be a number, not '{text}' ({describe()})");
            }
            var days = entry.Lists.TryGetValue("days", out var list)
                ? list.Select(v => double.TryParse(v.Resolve(values), NumberStyles.Float, CultureInfo.InvariantCulture, out var d) ? d : throw Error(entry, "days", $"a dose day must be a number, not '{v.Resolve(values)}'")).ToList()
                : null;
            var item = new RegimenEntry(Text("route") ?? "", Text("product"), Text("amount"), Text("cells"), Number("day"), days, Number("every"), Number("doses"));
            doses.AddRange(item.Expand(model, (field, problem) => Error(entry, Key(field), $"{problem} ({describe()})")));
        }
        doses.Sort((a, b) => a.Time.CompareTo(b.Time));
        return doses;
    }

    private static string Key(RegimenField field) => field switch
    {
        RegimenField.Route => "route",
        RegimenField.Product => "product",
        RegimenField.Amount => "amount",
        RegimenField.Day => "day",
        RegimenField.Every => "every",
        _ => "doses",
    };

    private InputException Error(TemplateEntry entry, string key, string problem)
    {
        var at = entry.Fields.TryGetValue(key, out var v) ? (v.Line, v.Column)
            : key == "amount" && entry.Fields.TryGetValue("cells", out var c) ? (c.Line, c.Column)
            : key == "day" && entry.Lists.TryGetValue("days", out var l) && l.Count > 0 ? (l[0].Line, l[0].Column)
            : (entry.Line, entry.Column);
        return new InputException(Source, at.Item1, at.Item2, $"a dose of the regimen template: {problem}");
    }
}
